//! The data behind the app: the model catalog as the producer sees it, and a backup of the
//! database to a file and a restore from one (checked before it replaces anything).

use std::path::{Path, PathBuf};

use castwright_engine::store::backup;
use castwright_engine::ErrorCode;
use serde::Serialize;
use tauri::State;

use crate::commands::export::EXPORT_DIR_ENV;
use crate::{AppState, IpcError};

/// A model of the active connection's catalog; prices are USD per token, decimal strings.
#[derive(Debug, Serialize, specta::Type)]
pub struct CatalogModelView {
    pub id: String,
    pub name: String,
    pub context_length: Option<u32>,
    pub prompt_price: Option<String>,
    pub completion_price: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn model_catalog(state: State<'_, AppState>) -> Result<Vec<CatalogModelView>, IpcError> {
    let runner = state.runner().await?;
    // Fetches the catalog when it is missing or stale; an outage leaves the stored one.
    super::other_connections::refresh_catalog(&state, &runner).await;
    let id = runner.router().profile().id.clone();
    let models = if runner.router().profile().kind
        == castwright_engine::routing::ConnectionKind::OpenAiCompatible
    {
        // No price list: the prices the producer entered.
        runner.with_conn(|c| castwright_engine::connections::other::priced_models(c, &id))?
    } else {
        runner.with_conn(|c| castwright_engine::catalog::models(c, &id))?
    };
    Ok(models
        .into_iter()
        .map(|m| CatalogModelView {
            name: m
                .name
                .split_once(": ")
                .map(|(_, n)| n.to_string())
                .unwrap_or(m.name),
            id: m.id,
            context_length: m.context_length.and_then(|c| u32::try_from(c).ok()),
            prompt_price: m.prompt_price.map(|p| p.normalize().to_string()),
            completion_price: m.completion_price.map(|p| p.normalize().to_string()),
        })
        .collect())
}

/// Saves a backup where the producer chooses; `None` when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn backup_database(state: State<'_, AppState>) -> Result<Option<String>, IpcError> {
    let name = format!(
        "castwright-backup-{}.sqlite3",
        castwright_engine::clock::day(castwright_engine::clock::now())
    );
    let target: Option<PathBuf> = match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir).join(&name)),
        _ => {
            let desktop = state.desktop.clone();
            tauri::async_runtime::spawn_blocking(move || {
                desktop.save_dialog(&name, "Castwright backup", "sqlite3")
            })
            .await
            .map_err(|e| {
                IpcError::internal(format!("The save dialog closed unexpectedly ({e})."))
            })?
        }
    };
    let Some(target) = target else {
        return Ok(None);
    };
    let store = state.db()?;
    backup::snapshot(&store, &target)?;
    Ok(Some(target.display().to_string()))
}

/// What a backup file holds, or why it cannot be restored.
#[derive(Debug, Serialize, specta::Type)]
pub struct RestoreCheck {
    pub path: String,
    pub episodes: u32,
    pub created_at: Option<String>,
    pub problem: Option<String>,
}

fn inspect(path: &Path) -> RestoreCheck {
    let (info, problem) = match backup::inspect(path) {
        Ok(info) => (info, None),
        Err(why) => (
            backup::BackupInfo::default(),
            Some(format!(
                "This file cannot be restored: {why}. Nothing was changed."
            )),
        ),
    };
    RestoreCheck {
        path: path.display().to_string(),
        episodes: info.episodes,
        created_at: info.created_at,
        problem,
    }
}

/// Lets the producer pick a backup and says what it holds, without changing anything.
#[tauri::command]
#[specta::specta]
pub async fn check_restore(state: State<'_, AppState>) -> Result<Option<RestoreCheck>, IpcError> {
    let desktop = state.desktop.clone();
    let picked = tauri::async_runtime::spawn_blocking(move || {
        desktop.open_file_dialog("Castwright backup", &["sqlite3", "db"])
    })
    .await
    .map_err(|e| IpcError::internal(format!("The file dialog closed unexpectedly ({e}).")))?;
    Ok(picked.map(|p| inspect(&p)))
}

/// Replaces the database with a checked backup. The database it replaces is first saved
/// beside it as `castwright-before-restore-<date>.sqlite3`, so nothing is lost.
#[tauri::command]
#[specta::specta]
pub async fn restore_database(state: State<'_, AppState>, path: String) -> Result<(), IpcError> {
    let source = PathBuf::from(&path);
    if let Some(problem) = inspect(&source).problem {
        return Err(IpcError::new(ErrorCode::InvalidInput, problem));
    }
    restore_into(&state, &source)?;
    state.reset_connection().await;
    Ok(())
}

fn restore_into(state: &AppState, source: &Path) -> Result<(), IpcError> {
    let mut store = state.db()?;
    let keep = state.data_dir.join(format!(
        "castwright-before-restore-{}.sqlite3",
        castwright_engine::clock::stamp(castwright_engine::clock::now()).replace(':', "-")
    ));
    Ok(backup::restore(&mut store, source, &keep)?)
}
