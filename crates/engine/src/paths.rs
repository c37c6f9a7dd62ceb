//! Where Castwright keeps its files.
//!
//! The engine computes the data folder itself, exactly where Tauri's `app_data_dir` points
//! (the platform data directory joined with the bundle identifier), so the window app and the
//! headless mode share one database and one settings file. `CASTWRIGHT_DATA_DIR` overrides it,
//! which is how tests and automation isolate their data.

use crate::ErrorCode;
use std::path::PathBuf;

/// The bundle identifier from `tauri.conf.json`; Tauri names the data folder after it.
pub const IDENTIFIER: &str = "com.castwright.desktop";

/// Environment variable that moves the whole data folder elsewhere.
pub const DATA_DIR_ENV: &str = "CASTWRIGHT_DATA_DIR";

/// File names inside the data folder.
pub const DATABASE_FILE: &str = "castwright.sqlite3";
pub const SETTINGS_FILE: &str = "settings.json";

#[derive(Debug, thiserror::Error)]
#[error(
    "Castwright could not find a folder for its data on this computer. \
     Set CASTWRIGHT_DATA_DIR to a folder you can write to and start it again."
)]
pub struct NoDataDir;

/// The data folder: `CASTWRIGHT_DATA_DIR` if set and not empty, else the platform default.
pub fn data_dir() -> Result<PathBuf, NoDataDir> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => default_data_dir().ok_or(NoDataDir),
    }
}

/// Where Tauri's `app_data_dir` points for our identifier, ignoring the override.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(IDENTIFIER))
}

/// The log folder. With the override it sits inside the data folder so a test's logs are
/// isolated with the rest of its data; otherwise it is where Tauri's `app_log_dir` points.
pub fn log_dir() -> Result<PathBuf, NoDataDir> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir).join("logs")),
        _ => default_log_dir().ok_or(NoDataDir),
    }
}

fn default_log_dir() -> Option<PathBuf> {
    #[cfg(target_os = "macos")]
    {
        dirs::home_dir().map(|h| h.join("Library/Logs").join(IDENTIFIER))
    }
    #[cfg(not(target_os = "macos"))]
    {
        dirs::data_local_dir().map(|d| d.join(IDENTIFIER).join("logs"))
    }
}

impl NoDataDir {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_data_dir_ends_with_the_identifier() {
        let dir = default_data_dir().expect("a data dir on this platform");
        assert!(dir.ends_with(IDENTIFIER));
    }
}
