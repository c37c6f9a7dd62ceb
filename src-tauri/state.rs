//! What the commands share: where the data lives, the keychain, and the database.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use castwright_engine::secrets::Keychain;
use castwright_engine::store::Store;
use castwright_engine::{paths, ErrorCode};

use crate::settings_file::SettingsFile;
use crate::IpcError;

pub struct AppState {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    pub keychain: Keychain,
    pub settings_file: SettingsFile,
    /// The database, or why it cannot be used. A damaged or newer database must not stop the
    /// window from opening: the UI shows the message and what to do.
    db: Result<Mutex<Store>, IpcError>,
}

impl AppState {
    pub fn open<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> Result<AppState, IpcError> {
        let data_dir = paths::data_dir().map_err(|e| IpcError::internal(e.to_string()))?;
        let log_dir = paths::log_dir().map_err(|e| IpcError::internal(e.to_string()))?;
        let db = Store::open_in(&data_dir).map(Mutex::new).map_err(|e| {
            tracing::error!(error = %e, "database unavailable");
            IpcError::from(e)
        });
        let settings_file = SettingsFile::new(app, &data_dir);
        Ok(AppState {
            settings_file,
            data_dir,
            log_dir,
            keychain: Keychain::from_env(),
            db,
        })
    }

    /// The database, or the reason it cannot be used.
    pub fn db(&self) -> Result<MutexGuard<'_, Store>, IpcError> {
        match &self.db {
            Ok(store) => store.lock().map_err(|_| {
                IpcError::new(
                    ErrorCode::Internal,
                    "An earlier action failed part-way. Restart Castwright; nothing saved was lost.",
                )
            }),
            Err(err) => Err(err.clone()),
        }
    }

    /// Why the database cannot be used, if it cannot.
    pub fn db_problem(&self) -> Option<&IpcError> {
        self.db.as_ref().err()
    }
}
