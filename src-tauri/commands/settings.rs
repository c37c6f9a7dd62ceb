//! Settings are read by the engine (the same file the headless mode reads) and written
//! through tauri-plugin-store, which owns `settings.json` while the app runs.

use castwright_engine::settings::{self, Settings, SettingsError};
use serde::Serialize;
use tauri::State;

use crate::{AppState, IpcError};

/// The settings, and a plain sentence when some values had to fall back to defaults.
#[derive(Debug, Serialize, specta::Type)]
pub struct SettingsView {
    pub settings: Settings,
    pub notice: Option<String>,
}

// Asked while the first screen loads: off the main thread, so the window never waits on it.
#[tauri::command(async)]
#[specta::specta]
pub fn get_settings(state: State<'_, AppState>) -> Result<SettingsView, IpcError> {
    let loaded = settings::load(&state.data_dir)?;
    Ok(SettingsView {
        settings: loaded.settings,
        notice: loaded.notice,
    })
}

#[tauri::command]
#[specta::specta]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, IpcError> {
    settings.validate().map_err(SettingsError::Invalid)?;
    state.settings_file.save(&settings)?;
    Ok(settings)
}
