use std::path::PathBuf;

use crate::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "Castwright's database at {path} is damaged ({detail}). It has not been changed. \
         Restore it from a backup, or move it aside and start Castwright again to begin afresh."
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "Castwright's database at {path} was written by a newer version of Castwright \
         (format {found}; this version understands up to {supported}). It has not been changed. \
         Install the newer Castwright to open it."
    )]
    NewerVersion {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("Castwright could not create its data folder {path}: {detail}. Check that you can write there.")]
    Folder { path: PathBuf, detail: String },
    #[error("Castwright's database could not be updated to this version ({detail}). It has not been changed.")]
    Migration { detail: String },
    #[error("Castwright's database reported an error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Database
    }
}
