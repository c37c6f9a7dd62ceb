//! What the shell says about the connection in use and about a test of it. Both the
//! connection commands and the other-service commands answer with these, so they live apart
//! from either.

use castwright_engine::connections::other;
use castwright_engine::settings::{self, ConnectionChoice};
use serde::Serialize;

use crate::{AppState, IpcError};

#[derive(Debug, Serialize, specta::Type)]
pub struct ConnectionStatus {
    pub choice: ConnectionChoice,
    pub simulated: bool,
    /// Shown wherever the demo is active.
    pub label: Option<String>,
    pub has_key: bool,
    /// Why the keychain cannot be used, when it cannot (the demo still works).
    pub keychain_problem: Option<String>,
    /// The other service in use, when `choice` is `other`; `None` there means it was removed.
    pub other: Option<OtherConnectionRef>,
}

/// Which other service is in use.
#[derive(Debug, Serialize, specta::Type)]
pub struct OtherConnectionRef {
    pub id: String,
    pub name: String,
}

/// What "Test connection" shows.
#[derive(Debug, Serialize, specta::Type)]
pub struct ConnectionTest {
    pub simulated: bool,
    pub label: String,
    /// USD, decimal strings.
    pub credit_balance: Option<String>,
    pub limit: Option<String>,
    pub limit_remaining: Option<String>,
    pub models: u32,
}

/// What the connection screen shows about the connection in use.
pub fn status(state: &AppState) -> Result<ConnectionStatus, IpcError> {
    let loaded = settings::load(&state.data_dir)?.settings;
    let choice = loaded.connection;
    let other = match (choice, loaded.other_connection_id) {
        (ConnectionChoice::Other, Some(id)) => {
            let name = other::name_of(state.db()?.conn(), &id)?;
            name.map(|name| OtherConnectionRef { id, name })
        }
        _ => None,
    };
    let (has_key, keychain_problem) = match state.startup_key.has_key(&state.keychain) {
        Ok(has_key) => (has_key, None),
        Err(e) => (false, Some(e.message)),
    };
    let simulated = choice == ConnectionChoice::Demo;
    Ok(ConnectionStatus {
        choice,
        simulated,
        label: simulated.then(|| castwright_engine::demo::LABEL.to_string()),
        has_key,
        keychain_problem,
        other,
    })
}
