use serde::Serialize;
use tauri::State;

use crate::{AppState, IpcError};

/// Facts about this installation the UI shows (version, where the data lives) and any
/// problem found at start-up that the producer must act on.
#[derive(Debug, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub startup_problem: Option<IpcError>,
}

// Asked while the first screen loads: off the main thread, so the window never waits on it.
#[tauri::command(async)]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: state.data_dir.display().to_string(),
        log_dir: state.log_dir.display().to_string(),
        startup_problem: state.db_problem().cloned(),
    })
}
