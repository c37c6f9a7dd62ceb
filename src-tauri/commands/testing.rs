//! A hook for the end-to-end test, refused unless the app was started for one.

use castwright_engine::ErrorCode;
use tauri::State;

use crate::{AppState, IpcError};

/// Set by the end-to-end harness; without it the hook below refuses.
pub const E2E_ENV: &str = "CASTWRIGHT_E2E";

/// Simulates dropping files on the window by emitting the runtime's own drop event.
#[tauri::command]
#[specta::specta]
pub fn e2e_drop_files(state: State<'_, AppState>, paths: Vec<String>) -> Result<(), IpcError> {
    if std::env::var_os(E2E_ENV).is_none() {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "This action is only available in tests.",
        ));
    }
    state.desktop.emit_drop(&paths).map_err(IpcError::internal)
}
