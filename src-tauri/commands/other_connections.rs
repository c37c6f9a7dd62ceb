//! Other services: any OpenAI-compatible address as another connection, with its own key (in
//! the keychain; the page only learns `has_key`), the prices the producer enters per model,
//! and the spending limit they may knowingly turn off for it.

use castwright_engine::catalog;
use castwright_engine::connections::other::{self, OtherError};
use castwright_engine::connections::{ManualPrice, OtherConnection, OtherConnectionInput};
use castwright_engine::gateway::{Client, FailureKind, GatewayError};
use castwright_engine::pipeline::Runner;
use castwright_engine::routing::ConnectionKind;
use castwright_engine::settings::{self, ConnectionChoice, Settings};
use castwright_engine::ErrorCode;
use tauri::State;

use super::connection_status::{status, ConnectionStatus, ConnectionTest};
use crate::{AppState, IpcError};

/// The id of the other connection in use, if one is.
fn active_id(settings: &Settings) -> Option<&str> {
    match settings.connection {
        ConnectionChoice::Other => settings.other_connection_id.as_deref(),
        _ => None,
    }
}

fn current_settings(state: &AppState) -> Result<Settings, IpcError> {
    Ok(settings::load(&state.data_dir)?.settings)
}

/// Every other connection, with the one in use marked.
fn listed(state: &AppState) -> Result<Vec<OtherConnection>, IpcError> {
    let settings = current_settings(state)?;
    let active = active_id(&settings);
    let store = state.db()?;
    let mut list = other::list(&store, &state.keychain)?;
    for c in &mut list {
        c.in_use = active == Some(c.id.as_str());
    }
    Ok(list)
}

/// After a change to `id`: the runner in use is rebuilt if it calls through it (its key or
/// limit choice may have changed).
async fn changed(state: &AppState, id: &str) -> Result<Vec<OtherConnection>, IpcError> {
    if active_id(&current_settings(state)?) == Some(id) {
        state.reset_connection().await;
    }
    listed(state)
}

#[tauri::command]
#[specta::specta]
pub fn list_other_connections(
    state: State<'_, AppState>,
) -> Result<Vec<OtherConnection>, IpcError> {
    listed(&state)
}

#[tauri::command]
#[specta::specta]
pub fn add_other_connection(
    state: State<'_, AppState>,
    connection: OtherConnectionInput,
) -> Result<Vec<OtherConnection>, IpcError> {
    {
        let store = state.db()?;
        other::add(&store, &state.keychain, &connection)?;
    }
    listed(&state)
}

#[tauri::command]
#[specta::specta]
pub fn remove_other_connection(
    state: State<'_, AppState>,
    connection_id: String,
) -> Result<Vec<OtherConnection>, IpcError> {
    let mut settings = current_settings(&state)?;
    {
        let mut store = state.db()?;
        other::remove(
            &mut store,
            &state.keychain,
            &connection_id,
            active_id(&settings),
        )?;
    }
    // Not in use, but remembered as the last one chosen: forget it, so choosing "other"
    // later cannot point at nothing.
    if settings.other_connection_id.as_deref() == Some(connection_id.as_str()) {
        settings.other_connection_id = None;
        state.settings_file.save(&settings)?;
    }
    listed(&state)
}

#[tauri::command]
#[specta::specta]
pub fn set_other_connection_price(
    state: State<'_, AppState>,
    connection_id: String,
    price: ManualPrice,
) -> Result<Vec<OtherConnection>, IpcError> {
    {
        let store = state.db()?;
        other::set_price(&store, &state.keychain, &connection_id, &price)?;
    }
    listed(&state)
}

#[tauri::command]
#[specta::specta]
pub fn remove_other_connection_price(
    state: State<'_, AppState>,
    connection_id: String,
    model_id: String,
) -> Result<Vec<OtherConnection>, IpcError> {
    {
        let store = state.db()?;
        other::remove_price(&store, &state.keychain, &connection_id, &model_id)?;
    }
    listed(&state)
}

/// Turns the spending limit off for this connection (the page asks the producer to confirm
/// that they understand nothing will cap its spend), or back on.
#[tauri::command]
#[specta::specta]
pub async fn set_other_connection_limit_off(
    state: State<'_, AppState>,
    connection_id: String,
    limit_off: bool,
) -> Result<Vec<OtherConnection>, IpcError> {
    {
        let store = state.db()?;
        other::set_limit_off(&store, &state.keychain, &connection_id, limit_off)?;
    }
    changed(&state, &connection_id).await
}

/// Replaces the connection's key, or removes it (`null` or blank).
#[tauri::command]
#[specta::specta]
pub async fn set_other_connection_key(
    state: State<'_, AppState>,
    connection_id: String,
    key: Option<String>,
) -> Result<Vec<OtherConnection>, IpcError> {
    {
        let store = state.db()?;
        other::set_key(&store, &state.keychain, &connection_id, key.as_deref())?;
    }
    changed(&state, &connection_id).await
}

/// A failure to list a service's models, in words that name the service (not OpenRouter).
/// The code is the failure's own (`GatewayError::code`), but for one reading: a service
/// other than OpenRouter that refuses a model list with 403 is refusing the key, not the
/// content (there is no content to moderate in a model list).
fn test_error(name: &str, base_url: &str, e: &GatewayError) -> IpcError {
    match e.kind {
        FailureKind::Unauthorized | FailureKind::Moderated => IpcError::new(
            ErrorCode::KeyRejected,
            format!(
                "{name} did not accept the key. Check the key for this service in Settings, or \
                 paste a new one."
            ),
        ),
        FailureKind::PaymentRequired => IpcError::new(
            e.code(),
            format!("{name} says the account has no credit left. Add credit with {name}, then test again."),
        ),
        FailureKind::Connection
        | FailureKind::AttemptTimeout
        | FailureKind::RequestTimeout
        | FailureKind::UpstreamTimeout => IpcError::new(
            e.code(),
            format!(
                "Castwright could not reach {name} at {base_url}. Check that the service is \
                 running and that the address is right."
            ),
        ),
        _ => {
            let status = e
                .status
                .map(|s| format!(" (it answered with status {s})"))
                .unwrap_or_default();
            IpcError::new(
                e.code(),
                format!(
                    "{name} at {base_url} did not answer like an OpenAI-compatible service{status}. \
                     Check the address: it usually ends in /v1."
                ),
            )
        }
    }
}

/// Asks the service for its models with the connection's key, and keeps the list (without
/// prices) so the model pickers can offer them.
#[tauri::command]
#[specta::specta]
pub async fn test_other_connection(
    state: State<'_, AppState>,
    connection_id: String,
) -> Result<ConnectionTest, IpcError> {
    test_other(&state, &connection_id).await
}

pub(crate) async fn test_other(
    state: &AppState,
    connection_id: &str,
) -> Result<ConnectionTest, IpcError> {
    let endpoint = {
        let store = state.db()?;
        other::endpoint(&store, &state.keychain, connection_id)?
    };
    let client = Client::new(&endpoint.base_url, endpoint.key)
        .map_err(|e| IpcError::internal(e.to_string()))?;
    let listed = client
        .models()
        .await
        .map_err(|e| test_error(&endpoint.name, &endpoint.base_url, &e))?;
    let models = {
        let mut store = state.db()?;
        other::store_models(store.conn_mut(), connection_id, &listed)?
    };
    Ok(ConnectionTest {
        simulated: false,
        label: endpoint.name,
        credit_balance: None,
        limit: None,
        limit_remaining: None,
        models,
    })
}

/// Makes this service the app's connection.
#[tauri::command]
#[specta::specta]
pub async fn use_other_connection(
    state: State<'_, AppState>,
    connection_id: String,
) -> Result<ConnectionStatus, IpcError> {
    {
        let store = state.db()?;
        if other::name_of(store.conn(), &connection_id)?.is_none() {
            return Err(OtherError::NotFound.into());
        }
    }
    let mut s = current_settings(&state)?;
    s.connection = ConnectionChoice::Other;
    s.other_connection_id = Some(connection_id);
    state.settings_file.save(&s)?;
    state.reset_connection().await;
    // Build it now so a problem (the keychain, say) shows here, not on the first run.
    state.runner().await?;
    status(&state)
}

/// The model list of the runner's connection, fetched when missing or old. OpenRouter (and the
/// demo) go through the router's own catalog path; another service's list is asked for here,
/// as it has no prices to fetch.
pub(crate) async fn refresh_catalog(state: &AppState, runner: &Runner) {
    let profile = runner.router().profile();
    if profile.kind != ConnectionKind::OpenAiCompatible {
        // An outage leaves the stored catalog.
        let _ = runner.router().ensure_prices(&[]).await;
        return;
    }
    let stale = runner
        .with_conn(|c| catalog::is_stale(c, &profile.id, catalog::DEFAULT_MAX_AGE))
        .unwrap_or(true);
    if !stale {
        return;
    }
    match runner.router().client().models().await {
        Ok(listed) => {
            if let Ok(mut store) = state.db() {
                if let Err(e) = other::store_models(store.conn_mut(), &profile.id, &listed) {
                    tracing::warn!(error = %e, "the service's model list could not be saved");
                }
            }
        }
        Err(e) => tracing::info!(error = %e, "the service's model list could not be fetched"),
    }
}
