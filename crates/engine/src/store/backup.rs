//! A backup of the database to a file and a restore from one: a consistent snapshot even
//! while the database is in use, written through a temporary file and a rename so a failure
//! never leaves half a backup; a backup is checked before it replaces anything.

use std::path::Path;

use super::{schema_version, Store, StoreError};
use crate::ErrorCode;

/// Why a backup could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("The backup could not be written ({0}). Choose another place.")]
    Write(String),
    #[error("The backup could not be saved there ({0}). Choose another place.")]
    Save(String),
    #[error("{0}")]
    Restore(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BackupError {
    pub fn code(&self) -> ErrorCode {
        match self {
            BackupError::Write(_) | BackupError::Restore(_) => ErrorCode::Database,
            BackupError::Save(_) => ErrorCode::InvalidInput,
            BackupError::Store(e) => e.code(),
        }
    }
}

/// Copies the database to `target`.
pub fn snapshot(store: &Store, target: &Path) -> Result<(), BackupError> {
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let tmp = dir.join(format!(".castwright-backup-{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    store
        .conn()
        .execute("VACUUM INTO ?1", [tmp.display().to_string()])
        .map_err(|e| BackupError::Write(e.to_string()))?;
    std::fs::rename(&tmp, target).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        BackupError::Save(e.to_string())
    })
}

/// What a backup file holds: its episodes and when its oldest connection was set up.
#[derive(Debug, Default)]
pub struct BackupInfo {
    pub episodes: u32,
    pub created_at: Option<String>,
}

/// Reads a backup without changing it; the reason it cannot be restored, in words that fit
/// "This file cannot be restored: …".
pub fn inspect(path: &Path) -> Result<BackupInfo, String> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| e.to_string())?;
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| "it is not a Castwright backup".to_string())?;
    if ok != "ok" {
        return Err("it is damaged".into());
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if version > schema_version() {
        return Err("it was made by a newer Castwright; install that version to restore it".into());
    }
    if version == 0 {
        return Err("it is not a Castwright backup".into());
    }
    Ok(BackupInfo {
        episodes: conn
            .query_row("SELECT count(*) FROM episodes", [], |r| r.get(0))
            .unwrap_or(0),
        created_at: conn
            .query_row("SELECT MIN(created_at) FROM connections", [], |r| r.get(0))
            .unwrap_or(None),
    })
}

/// Replaces the database with a checked backup, after saving the one it replaces as `keep`.
/// The store is reopened so an older backup is brought up to this version's schema.
pub fn restore(store: &mut Store, source: &Path, keep: &Path) -> Result<(), BackupError> {
    snapshot(store, keep)?;
    let db = |e: rusqlite::Error| BackupError::Restore(crate::store::plain_words(&e));
    let src =
        rusqlite::Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(db)?;
    {
        let backup = rusqlite::backup::Backup::new(&src, store.conn_mut()).map_err(db)?;
        backup
            .run_to_completion(256, std::time::Duration::from_millis(0), None)
            .map_err(db)?;
    }
    let path = store.path().to_path_buf();
    *store = Store::open(&path)?;
    Ok(())
}
