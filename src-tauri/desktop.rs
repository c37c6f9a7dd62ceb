//! The desktop's own services — the native save and open dialogs, revealing a file, opening a
//! link — behind a small trait, so commands and state stay free of Tauri's runtime type.

use std::path::PathBuf;

use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

pub trait Desktop: Send + Sync {
    /// Asks where to save; `None` when the producer closed the dialog.
    fn save_dialog(&self, file_name: &str, filter: &str, extension: &str) -> Option<PathBuf>;
    /// Asks for one file of the given kind; `None` when closed.
    fn open_file_dialog(&self, filter: &str, extensions: &[&str]) -> Option<PathBuf>;
    /// Asks for note files; empty when closed.
    fn open_files_dialog(&self) -> Vec<PathBuf>;
    fn reveal(&self, path: &str) -> Result<(), String>;
    fn open_url(&self, url: &str) -> Result<(), String>;
    fn open_path(&self, path: &str) -> Result<(), String>;
    /// Emits the runtime's own file-drop event to the main window, exactly as a real drop
    /// does (end-to-end tests only: WebDriver cannot perform an OS drop).
    fn emit_drop(&self, paths: &[String]) -> Result<(), String>;
}

pub struct TauriDesktop<R: tauri::Runtime> {
    app: tauri::AppHandle<R>,
}

impl<R: tauri::Runtime> TauriDesktop<R> {
    pub fn new(app: tauri::AppHandle<R>) -> Self {
        TauriDesktop { app }
    }
}

impl<R: tauri::Runtime> Desktop for TauriDesktop<R> {
    fn save_dialog(&self, file_name: &str, filter: &str, extension: &str) -> Option<PathBuf> {
        self.app
            .dialog()
            .file()
            .set_file_name(file_name)
            .add_filter(filter, &[extension])
            .blocking_save_file()
            .and_then(|p| p.into_path().ok())
    }

    fn open_file_dialog(&self, filter: &str, extensions: &[&str]) -> Option<PathBuf> {
        self.app
            .dialog()
            .file()
            .add_filter(filter, extensions)
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok())
    }

    fn open_files_dialog(&self) -> Vec<PathBuf> {
        self.app
            .dialog()
            .file()
            .add_filter(
                "Notes",
                &["txt", "md", "markdown", "html", "htm", "pdf", "docx"],
            )
            .blocking_pick_files()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect()
    }

    fn reveal(&self, path: &str) -> Result<(), String> {
        self.app
            .opener()
            .reveal_item_in_dir(path)
            .map_err(|e| e.to_string())
    }

    fn open_url(&self, url: &str) -> Result<(), String> {
        self.app
            .opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
    }

    fn open_path(&self, path: &str) -> Result<(), String> {
        self.app
            .opener()
            .open_path(path, None::<&str>)
            .map_err(|e| e.to_string())
    }

    fn emit_drop(&self, paths: &[String]) -> Result<(), String> {
        use tauri::Emitter;
        let payload = serde_json::json!({"paths": paths, "position": {"x": 10.0, "y": 20.0}});
        self.app
            .emit_to(
                tauri::EventTarget::webview("main"),
                "tauri://drag-drop",
                payload,
            )
            .map_err(|e| e.to_string())
    }
}
