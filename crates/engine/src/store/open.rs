use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::migrations::MIGRATIONS;
use super::StoreError;
use crate::paths::DATABASE_FILE;

/// The newest schema this build understands.
pub fn schema_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// An open, checked, migrated database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// What lives as long as this open database, one of each type: the bookkeeping writer,
    /// started by the first router on this store and shared by every later one. Held without
    /// naming its type, so the store does not depend on the layers built on it.
    companions: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`.
    pub fn open_in(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::Folder {
            path: data_dir.to_path_buf(),
            detail: e.to_string(),
        })?;
        Store::open(&data_dir.join(DATABASE_FILE))
    }

    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if path.exists() {
            check_existing(path)?;
        }
        let conn = Connection::open(path)?;
        configure(&conn)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            companions: HashMap::new(),
        };
        store.migrate()?;
        tracing::debug!(path = %store.path.display(), "database open");
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// This database's companion of type `T` (the bookkeeping writer: see
    /// `crate::bookkeeping::Bookkeeper::of`), started with `start` on first use and shared
    /// from then on.
    pub fn companion<T: Any + Send + Sync>(&mut self, start: impl FnOnce(&Path) -> T) -> Arc<T> {
        let id = TypeId::of::<T>();
        if let Some(kept) = self.companions.get(&id) {
            if let Ok(t) = kept.clone().downcast::<T>() {
                return t;
            }
        }
        let made = Arc::new(start(&self.path));
        self.companions.insert(id, made.clone());
        made
    }

    /// Applies every pending migration in one immediate transaction: either the database
    /// reaches the new version whole, or it stays as it was.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the lock: another process may have migrated meanwhile.
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > schema_version() {
            return Err(StoreError::NewerVersion {
                path,
                found: current,
                supported: schema_version(),
            });
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > current) {
            tx.execute_batch(m.sql).map_err(|e| StoreError::Migration {
                detail: format!("step {} ({}): {e}", m.version, m.name),
            })?;
            tx.pragma_update(None, "user_version", m.version)?;
            tracing::info!(version = m.version, name = m.name, "database migrated");
        }
        tx.commit()?;
        Ok(())
    }
}

/// Another connection to the database at `path`, set up like the store's own, for a
/// background thread (the bookkeeping writer, its checkpointer). Its commits never checkpoint
/// the WAL themselves: the checkpoint thread does, off every caller's path.
pub fn open_background(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    conn.query_row("PRAGMA wal_autocheckpoint = 0", [], |r| r.get::<_, i64>(0))?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    // A second process (the headless mode next to the app) waits instead of failing at once.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode = switch_to_wal(conn)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "database did not switch to WAL");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// How long a connection waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Puts the database in WAL mode. SQLite answers "busy" to this at once, without the busy
/// timeout, while another process is switching the same new file at the same moment (several
/// commands started together on a fresh data folder), so the wait is done here: a short pause
/// and another try, for as long as the busy timeout.
fn switch_to_wal(conn: &Connection) -> Result<String, StoreError> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(mode) => return Ok(mode),
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Checks an existing file without writing to it: it must be a SQLite database that passes
/// `integrity_check` and was not written by a newer Castwright.
fn check_existing(path: &Path) -> Result<(), StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| corrupt(e.to_string()))?;
    // Another process may be creating or migrating the file this moment: wait for it rather
    // than take its lock for damage.
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| corrupt(e.to_string()))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| corrupt(e.to_string()))?;
    if version > schema_version() {
        return Err(StoreError::NewerVersion {
            path: path.to_path_buf(),
            found: version,
            supported: schema_version(),
        });
    }
    let mut stmt = conn
        .prepare("PRAGMA integrity_check")
        .map_err(|e| corrupt(e.to_string()))?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| corrupt(e.to_string()))?;
    if problems.len() != 1 || problems[0] != "ok" {
        let detail = problems.into_iter().take(3).collect::<Vec<_>>().join("; ");
        return Err(corrupt(detail));
    }
    Ok(())
}
