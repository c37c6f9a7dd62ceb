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
    #[error("{}", plain_words(.0))]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Database
    }
}

/// What a database failure means for the producer, in plain words with what to do — never
/// SQLite's own text (that goes to the log, through the error's `Debug`).
pub fn plain_words(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    let code = match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    match code {
        Some(C::DatabaseBusy | C::DatabaseLocked) => {
            "Castwright's database was kept busy by another Castwright window or command for too long. Nothing was lost. Try again in a moment."
        }
        Some(C::DiskFull) => {
            "The disk holding Castwright's data is full, so nothing more could be saved. Free some space, then try again."
        }
        Some(C::ReadOnly | C::PermissionDenied | C::CannotOpen) => {
            "Castwright cannot write to its data folder. Check that the folder exists and that you can write there, then try again."
        }
        Some(C::DatabaseCorrupt | C::NotADatabase) => {
            "Castwright's database is damaged. Restore it from a backup, or move it aside and start Castwright again to begin afresh."
        }
        Some(C::SystemIoFailure) => {
            "Castwright could not read or write its data on the disk. Check the disk, then try again."
        }
        _ => {
            "Castwright could not save or read part of its data. Nothing already saved was lost. Try again; if it happens again, restart Castwright."
        }
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constraint_failure_is_told_without_sqlite_words() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER UNIQUE); INSERT INTO t VALUES (1);")
            .unwrap();
        let err = conn.execute("INSERT INTO t VALUES (1)", []).unwrap_err();
        let shown = StoreError::from(err).to_string();
        assert!(
            !shown.contains("UNIQUE") && !shown.contains("constraint"),
            "{shown}"
        );
        assert!(shown.contains("Try again"), "{shown}");
    }
}
