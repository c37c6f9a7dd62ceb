//! The usage dashboard: spend by day, model, stage and episode; the request log; failures;
//! cache savings; quality by model; model health; credit and alerts. Aggregated in SQL.

use castwright_engine::alerts::{self, Alert, CreditStatus};
use castwright_engine::settings;
use castwright_engine::usage::{
    self, CacheSavings, ErrorGroup, LogFilter, LogPage, ModelHealthRow, ModelQuality, Page, Range,
    SpendRow,
};
use serde::Serialize;
use tauri::State;

use crate::{AppState, IpcError};

fn usage_err(e: usage::UsageError) -> IpcError {
    IpcError::new(e.code(), e.to_string())
}

fn alert_err(e: alerts::AlertError) -> IpcError {
    IpcError::new(e.code(), e.to_string())
}

#[derive(Debug, Serialize, specta::Type)]
pub struct SpendOverview {
    pub by_day: Vec<SpendRow>,
    pub by_model: Vec<SpendRow>,
    pub by_stage: Vec<SpendRow>,
    pub by_episode: Vec<SpendRow>,
    pub cache: CacheSavings,
}

#[tauri::command]
#[specta::specta]
pub fn usage_overview(state: State<'_, AppState>, range: Range) -> Result<SpendOverview, IpcError> {
    let store = state.db()?;
    let c = store.conn();
    Ok(SpendOverview {
        by_day: usage::spend_by_day(c, range).map_err(usage_err)?,
        by_model: usage::spend_by_model(c, range).map_err(usage_err)?,
        by_stage: usage::spend_by_stage(c, range).map_err(usage_err)?,
        by_episode: usage::spend_by_episode(c, range).map_err(usage_err)?,
        cache: usage::cache_savings(c, range).map_err(usage_err)?,
    })
}

#[tauri::command]
#[specta::specta]
pub fn usage_request_log(
    state: State<'_, AppState>,
    filter: LogFilter,
    page: Page,
) -> Result<LogPage, IpcError> {
    usage::request_log(state.db()?.conn(), &filter, page).map_err(usage_err)
}

#[tauri::command]
#[specta::specta]
pub fn usage_errors(state: State<'_, AppState>, range: Range) -> Result<Vec<ErrorGroup>, IpcError> {
    usage::errors_by_kind(state.db()?.conn(), range).map_err(usage_err)
}

#[tauri::command]
#[specta::specta]
pub fn usage_quality(state: State<'_, AppState>) -> Result<Vec<ModelQuality>, IpcError> {
    usage::quality_by_model(state.db()?.conn()).map_err(usage_err)
}

#[tauri::command]
#[specta::specta]
pub async fn usage_model_health(
    state: State<'_, AppState>,
) -> Result<Vec<ModelHealthRow>, IpcError> {
    let runner = state.runner().await?;
    let store = state.db()?;
    usage::model_health(
        store.conn(),
        &runner.router().profile().id,
        runner.router().cooldowns(),
    )
    .map_err(usage_err)
}

/// Credit and key limit from the connection, with the low-balance check (which may raise an
/// alert) and the key-age check.
#[tauri::command]
#[specta::specta]
pub async fn credit_status(state: State<'_, AppState>) -> Result<CreditStatus, IpcError> {
    let runner = state.runner().await?;
    let profile = runner.router().profile();
    if profile.kind == castwright_engine::routing::ConnectionKind::OpenAiCompatible {
        // Another service reports no credit or key limit; only the key-age reminder applies.
        let store = state.db()?;
        alerts::check_key_age(store.conn(), &profile.id, castwright_engine::clock::now())
            .map_err(alert_err)?;
        let name = castwright_engine::connections::other::name_of(store.conn(), &profile.id)?;
        return Ok(CreditStatus {
            label: name.unwrap_or_default(),
            balance: None,
            limit: None,
            limit_remaining: None,
            usage: None,
            low: false,
        });
    }
    let client = runner.router().client();
    let key = client
        .key_info()
        .await
        .map_err(|e| IpcError::new(castwright_engine::ErrorCode::Internal, e.to_string()))?;
    let credits = client.credits().await.ok();
    let threshold = settings::load(&state.data_dir)?
        .settings
        .low_balance_alert_usd;
    let status = CreditStatus::new(&key, credits.as_ref(), threshold);
    let store = state.db()?;
    if let Some(left) = alerts::spendable(&key, credits.as_ref()) {
        alerts::check_balance(store.conn(), left, threshold).map_err(alert_err)?;
    }
    alerts::check_key_age(
        store.conn(),
        &runner.router().profile().id,
        castwright_engine::clock::now(),
    )
    .map_err(alert_err)?;
    Ok(status)
}

/// Alerts not yet dismissed (each new one is marked shown), after checking today's spend.
// Asked while the first screen loads: off the main thread, so the window never waits on it.
#[tauri::command(async)]
#[specta::specta]
pub fn alerts_pending(state: State<'_, AppState>) -> Result<Vec<Alert>, IpcError> {
    let store = state.db()?;
    alerts::check_unusual_spend(store.conn(), castwright_engine::clock::now().date())
        .map_err(alert_err)?;
    alerts::pending(store.conn()).map_err(alert_err)
}

#[tauri::command]
#[specta::specta]
pub fn alerts_dismiss(state: State<'_, AppState>, alert_id: u32) -> Result<Vec<Alert>, IpcError> {
    let store = state.db()?;
    alerts::dismiss(store.conn(), alert_id).map_err(alert_err)?;
    alerts::pending(store.conn()).map_err(alert_err)
}
