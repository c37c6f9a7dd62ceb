//! The API key. It comes in once, goes straight to the keychain, and never goes back out:
//! the UI only ever learns `has_key`.

use castwright_engine::connections::{self, KeyStatus};
use castwright_engine::secrets::Sensitive;
use tauri::State;

use crate::{AppState, IpcError};

// Asked while the first screen loads: off the main thread, so the window never waits on it.
#[tauri::command(async)]
#[specta::specta]
pub fn key_status(state: State<'_, AppState>) -> Result<KeyStatus, IpcError> {
    Ok(KeyStatus {
        has_key: state.startup_key.has_key(&state.keychain)?,
    })
}

#[tauri::command]
#[specta::specta]
pub fn set_key(state: State<'_, AppState>, key: String) -> Result<KeyStatus, IpcError> {
    let key = Sensitive::new(key);
    let store = state.db()?;
    state.startup_key.forget();
    Ok(connections::set_openrouter_key(
        &store,
        &state.keychain,
        &key,
    )?)
}

#[tauri::command]
#[specta::specta]
pub fn delete_key(state: State<'_, AppState>) -> Result<KeyStatus, IpcError> {
    let store = state.db()?;
    state.startup_key.forget();
    Ok(connections::delete_openrouter_key(&store, &state.keychain)?)
}
