//! `settings.json` as the running app writes it: through tauri-plugin-store, which keeps the
//! file's flat key → value shape the engine reads back with serde.

use std::path::PathBuf;
use std::sync::Arc;

use castwright_engine::paths::SETTINGS_FILE;
use castwright_engine::settings::{Settings, SettingsError};
use tauri_plugin_store::StoreExt;

type SaveFn = dyn Fn(&Settings) -> Result<(), String> + Send + Sync;

/// Hides the runtime type of the plugin's store so commands and state stay non-generic.
pub struct SettingsFile {
    path: PathBuf,
    save: Arc<SaveFn>,
}

impl SettingsFile {
    pub fn new<R: tauri::Runtime>(app: &tauri::AppHandle<R>, data_dir: &std::path::Path) -> Self {
        // An absolute path keeps the file in our data folder even when CASTWRIGHT_DATA_DIR
        // moves it away from Tauri's app_data_dir.
        let path = data_dir.join(SETTINGS_FILE);
        let app = app.clone();
        let store_path = path.clone();
        let save = move |settings: &Settings| -> Result<(), String> {
            let store = app.store(store_path.clone()).map_err(|e| e.to_string())?;
            let value = serde_json::to_value(settings).map_err(|e| e.to_string())?;
            if let serde_json::Value::Object(map) = value {
                for (key, value) in map {
                    store.set(key, value);
                }
            }
            store.save().map_err(|e| e.to_string())
        };
        SettingsFile {
            path,
            save: Arc::new(save),
        }
    }

    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        (self.save)(settings).map_err(|detail| SettingsError::Write {
            path: self.path.clone(),
            detail,
        })
    }
}
