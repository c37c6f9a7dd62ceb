//! The database file: pragmas, migrations, and refusing files it must not touch.

use castwright_engine::store::{schema_version, Store, StoreError};
use castwright_engine::ErrorCode;

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).expect("read db file")
}

#[test]
fn a_new_database_is_wal_normal_with_foreign_keys_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let conn = store.conn();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // NORMAL is 1.
    let sync: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 1);
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema_version());
    let openrouter: String = conn
        .query_row(
            "SELECT name FROM connections WHERE id = 'openrouter'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(openrouter, "OpenRouter");
    assert!(dir.path().join("castwright.sqlite3").exists());
}

#[test]
fn reopening_keeps_data_and_does_not_migrate_twice() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open_in(dir.path()).unwrap();
        store
            .conn()
            .execute(
                "UPDATE connections SET key_set_at = '2026-01-01T00:00:00Z' WHERE id = 'openrouter'",
                [],
            )
            .unwrap();
    }
    let store = Store::open_in(dir.path()).unwrap();
    let (count, set_at): (i64, Option<String>) = store
        .conn()
        .query_row(
            "SELECT count(*), max(key_set_at) FROM connections",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(count, 1, "the seed row must not be inserted twice");
    assert_eq!(set_at.as_deref(), Some("2026-01-01T00:00:00Z"));
}

#[test]
fn a_database_from_a_newer_castwright_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("castwright.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
            .unwrap();
    }
    let before = file_bytes(&path);
    let err = Store::open(&path).unwrap_err();
    match &err {
        StoreError::NewerVersion {
            found, supported, ..
        } => {
            assert_eq!(*found, 999);
            assert_eq!(*supported, schema_version());
        }
        other => panic!("expected NewerVersion, got {other:?}"),
    }
    assert_eq!(err.code(), ErrorCode::Database);
    assert!(
        err.to_string().contains("newer version of Castwright"),
        "{err}"
    );
    assert_eq!(file_bytes(&path), before, "the file must not change");
    assert!(!dir.path().join("castwright.sqlite3-wal").exists());
}

#[test]
fn a_garbage_file_is_reported_as_damaged_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("castwright.sqlite3");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("damaged"), "{err}");
    assert!(err.to_string().contains("has not been changed"), "{err}");
    assert_eq!(file_bytes(&path), garbage);
}

#[test]
fn a_database_with_a_damaged_page_fails_the_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("castwright.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        // Rollback journal so all pages live in the main file, and enough rows to span pages.
        conn.execute_batch(
            "PRAGMA page_size = 4096;
             CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);
             CREATE INDEX t_body ON t(body);",
        )
        .unwrap();
        let mut stmt = conn.prepare("INSERT INTO t (body) VALUES (?1)").unwrap();
        for i in 0..2000 {
            stmt.execute([format!("row {i} {}", "x".repeat(50))])
                .unwrap();
        }
    }
    // Overwrite the middle of a page deep in the file: the header stays valid, the b-tree not.
    let mut bytes = file_bytes(&path);
    assert!(bytes.len() > 4096 * 20);
    let start = 4096 * 10 + 100;
    for b in &mut bytes[start..start + 2000] {
        *b = 0xAB;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert_eq!(
        file_bytes(&path),
        bytes,
        "the damaged file must not be changed"
    );
}

#[test]
fn committed_rows_survive_a_second_connection_opening_mid_session() {
    // Two processes (the app and the headless mode) share the file: a row committed by one is
    // seen by the other at once, through the WAL.
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open_in(dir.path()).unwrap();
    a.conn()
        .execute(
            "INSERT INTO connections (id, kind, name, base_url) VALUES ('demo', 'demo', 'Demo', 'http://127.0.0.1:1/api/v1')",
            [],
        )
        .unwrap();
    let b = Store::open_in(dir.path()).unwrap();
    let n: i64 = b
        .conn()
        .query_row("SELECT count(*) FROM connections", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}

/// Several commands started together on a fresh data folder all open the same new file at
/// once. SQLite answers the switch to WAL with an immediate "busy" while another connection
/// is making the same switch (the busy timeout does not cover it), so every open must still
/// succeed: each round races eight openers on a new file.
#[test]
fn openers_racing_on_a_new_file_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..40 {
        let folder = dir.path().join(format!("round-{round}"));
        let start = std::sync::Arc::new(std::sync::Barrier::new(8));
        let openers: Vec<_> = (0..8)
            .map(|_| {
                let (folder, start) = (folder.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    Store::open_in(&folder).map(|_| ())
                })
            })
            .collect();
        for opener in openers {
            let opened = opener.join().unwrap();
            assert!(opened.is_ok(), "round {round}: {:?}", opened.err());
        }
    }
}
