//! The connection: OpenRouter with the producer's key, the demo (the local emulator, with
//! example prices and nothing charged), or another service the producer added (see
//! `other_connections`). Testing the connection shows the key's label, credit and limit —
//! never the key.

use castwright_engine::connections::other;
use castwright_engine::settings::{self, ConnectionChoice, SettingsError};
use castwright_engine::ErrorCode;
use serde::Serialize;
use tauri::State;

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

// Asked while the first screen loads: off the main thread, so the window never waits on it.
#[tauri::command(async)]
#[specta::specta]
pub fn connection_status(state: State<'_, AppState>) -> Result<ConnectionStatus, IpcError> {
    let loaded = settings::load(&state.data_dir)?.settings;
    let choice = loaded.connection;
    let other = match (choice, loaded.other_connection_id) {
        (ConnectionChoice::Other, Some(id)) => {
            let name = other::name_of(state.db()?.conn(), &id)?;
            name.map(|name| OtherConnectionRef { id, name })
        }
        _ => None,
    };
    let (has_key, keychain_problem) =
        match castwright_engine::connections::key_status(&state.keychain) {
            Ok(k) => (k.has_key, None),
            Err(e) => (false, Some(e.to_string())),
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

/// Switches between OpenRouter and the demo (or back to the other service chosen last;
/// `use_other_connection` chooses one).
#[tauri::command]
#[specta::specta]
pub async fn use_connection(
    state: State<'_, AppState>,
    choice: ConnectionChoice,
) -> Result<ConnectionStatus, IpcError> {
    let mut s = settings::load(&state.data_dir)?.settings;
    s.connection = choice;
    s.validate().map_err(SettingsError::Invalid)?;
    state.settings_file.save(&s)?;
    state.reset_connection().await;
    // Start it now so a problem shows here, not on the first run.
    state.runner().await?;
    connection_status(state)
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

#[tauri::command]
#[specta::specta]
pub async fn test_connection(state: State<'_, AppState>) -> Result<ConnectionTest, IpcError> {
    let runner = state.runner().await?;
    if runner.router().profile().kind
        == castwright_engine::routing::ConnectionKind::OpenAiCompatible
    {
        // Such a service has no key label, credit or limit to show: its model list is the test.
        let id = runner.router().profile().id.clone();
        return super::other_connections::test_other(&state, &id).await;
    }
    let client = runner.router().client();
    let gateway_err = |e: castwright_engine::gateway::GatewayError| {
        let code = match e.kind {
            castwright_engine::gateway::FailureKind::Unauthorized => ErrorCode::KeyRejected,
            castwright_engine::gateway::FailureKind::PaymentRequired => ErrorCode::CreditsExhausted,
            _ => ErrorCode::Internal,
        };
        IpcError::new(code, e.to_string())
    };
    let key = client.key_info().await.map_err(gateway_err)?;
    let credits = client.credits().await.ok();
    let models = client
        .models()
        .await
        .map(|m| m.data.len() as u32)
        .unwrap_or(0);
    let simulated =
        runner.router().profile().kind == castwright_engine::routing::ConnectionKind::Demo;
    Ok(ConnectionTest {
        simulated,
        label: key.label,
        credit_balance: credits.and_then(|c| c.balance()).map(|b| b.to_string()),
        limit: key.limit.map(|d| d.to_string()),
        limit_remaining: key.limit_remaining.map(|d| d.to_string()),
        models,
    })
}

/// Places the app links to. Only these open: the page cannot ask for any other address.
#[derive(Debug, Clone, Copy, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExternalLink {
    GetKey,
    AddCredits,
    DataFolder,
}

#[tauri::command]
#[specta::specta]
pub fn open_link(state: State<'_, AppState>, link: ExternalLink) -> Result<(), IpcError> {
    let result = match link {
        ExternalLink::GetKey => state.desktop.open_url("https://openrouter.ai/keys"),
        ExternalLink::AddCredits => state
            .desktop
            .open_url("https://openrouter.ai/settings/credits"),
        ExternalLink::DataFolder => state
            .desktop
            .open_path(&state.data_dir.display().to_string()),
    };
    result.map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!("That could not be opened ({e})."),
        )
    })
}
