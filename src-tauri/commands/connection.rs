//! The connection: OpenRouter with the producer's key, the demo (the local emulator, with
//! example prices and nothing charged), or another service the producer added (see
//! `other_connections`). Testing the connection shows the key's label, credit and limit —
//! never the key.

use castwright_engine::settings::{self, ConnectionChoice, SettingsError};
use castwright_engine::ErrorCode;
use tauri::State;

use super::connection_status::{status, ConnectionStatus, ConnectionTest};
use crate::{AppState, IpcError};

/// The connection in use: which one, whether a key is set, and the demo's label.
// Asked while the first screen loads: off the main thread, so the window never waits on it.
#[tauri::command(async)]
#[specta::specta]
pub fn connection_status(state: State<'_, AppState>) -> Result<ConnectionStatus, IpcError> {
    status(&state)
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
    // The engine's one table says what the service's refusal is (`error_codes`).
    let gateway_err =
        |e: castwright_engine::gateway::GatewayError| IpcError::new(e.code(), e.to_string());
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
