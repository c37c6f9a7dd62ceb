//! "Connect with OpenRouter": the engine's OAuth PKCE sign-in, with progress for the window.
//! The page never supplies a URL: the only address opened is the approval page the engine
//! built for this sign-in. The verifier, the code and the key stay in the engine; the window
//! learns only the progress and, at the end, that a key is set.

use std::sync::Mutex;

use castwright_engine::auth::{AuthError, Connect, APPROVAL_WAIT};
use castwright_engine::connections::KeyStatus;
use castwright_engine::settings::{self, ConnectionChoice};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use tokio_util::sync::CancellationToken;

use super::testing::E2E_ENV;
use crate::{AppState, IpcError};

/// In an end-to-end run, the approval URL is written to this file instead of opening a
/// browser, and the test follows it.
pub const E2E_AUTH_URL_FILE_ENV: &str = "CASTWRIGHT_E2E_AUTH_URL_FILE";

/// The sign-in waiting for approval, so Cancel can reach it (one at a time).
static WAITING: Mutex<Option<CancellationToken>> = Mutex::new(None);

/// Where the sign-in stands.
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ConnectStep {
    /// The browser is open at OpenRouter's approval page.
    WaitingForApproval,
    /// Approved: the key is being fetched and checked.
    Checking,
}

fn openrouter_base() -> String {
    std::env::var("CASTWRIGHT_OPENROUTER_BASE_URL")
        .unwrap_or_else(|_| castwright_engine::connections::connect::OPENROUTER_API.into())
}

fn ipc(e: AuthError) -> IpcError {
    IpcError::new(e.code(), e.to_string())
}

fn open_approval_page(state: &AppState, url: &str) -> Result<(), IpcError> {
    if std::env::var_os(E2E_ENV).is_some() {
        if let Some(file) = std::env::var_os(E2E_AUTH_URL_FILE_ENV) {
            return std::fs::write(file, url)
                .map_err(|e| IpcError::internal(format!("The test hand-off failed ({e}).")));
        }
    }
    state.desktop.open_url(url).map_err(|e| {
        IpcError::internal(format!(
            "Castwright could not open your browser ({e}). Paste a key instead."
        ))
    })
}

/// Signs in with OpenRouter and stores the key it issues; OpenRouter becomes the connection.
#[tauri::command]
#[specta::specta]
pub async fn connect_openrouter(
    state: State<'_, AppState>,
    on_progress: Channel<ConnectStep>,
) -> Result<KeyStatus, IpcError> {
    let cancel = CancellationToken::new();
    {
        let mut waiting = WAITING.lock().unwrap_or_else(|e| e.into_inner());
        if waiting.as_ref().is_some_and(|c| !c.is_cancelled()) {
            return Err(ipc(AuthError::AlreadyWaiting));
        }
        *waiting = Some(cancel.clone());
    }
    let result = connect(&state, &on_progress, &cancel).await;
    *WAITING.lock().unwrap_or_else(|e| e.into_inner()) = None;
    result
}

async fn connect(
    state: &AppState,
    on_progress: &Channel<ConnectStep>,
    cancel: &CancellationToken,
) -> Result<KeyStatus, IpcError> {
    let flow = Connect::start(&openrouter_base()).await.map_err(ipc)?;
    open_approval_page(state, flow.auth_url())?;
    let _ = on_progress.send(ConnectStep::WaitingForApproval);
    let new_key = flow.finish(APPROVAL_WAIT, cancel).await.map_err(ipc)?;
    let _ = on_progress.send(ConnectStep::Checking);
    let status = {
        let store = state.db()?;
        state.startup_key.forget();
        new_key.save(&store, &state.keychain).map_err(ipc)?
    };
    let mut s = settings::load(&state.data_dir)?.settings;
    s.connection = ConnectionChoice::Openrouter;
    state.settings_file.save(&s)?;
    state.reset_connection().await;
    Ok(status)
}

/// Stops a sign-in that is waiting; false when none was.
#[tauri::command]
#[specta::specta]
pub fn cancel_connect() -> Result<bool, IpcError> {
    Ok(
        match WAITING.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        },
    )
}
