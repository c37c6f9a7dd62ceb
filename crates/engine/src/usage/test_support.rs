//! Shared by the usage and alerts unit tests: a real database file and query-plan checks.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use crate::store::Store;

/// A migrated database in `dir`. Adds the dashboard's indexes when the store's migration
/// list does not carry them yet, so these tests check this module on its own; once it does,
/// this adds nothing.
pub(crate) fn open_store(dir: &std::path::Path) -> Store {
    let store = Store::open_in(dir).unwrap();
    let has = |kind: &str, name: &str| -> bool {
        store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = ?1 AND name = ?2",
                [kind, name],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            > 0
    };
    if !has("index", "requests_requested") {
        store.conn().execute_batch(super::SCHEMA_INDEXES).unwrap();
    }
    store
}

/// The `detail` lines of `EXPLAIN QUERY PLAN`.
pub(crate) fn plan(conn: &Connection, sql: &str, values: &[Value]) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    stmt.query_map(params_from_iter(values.iter()), |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Asserts the plan reads `requests` (named `alias` in the query) only through an index
/// search, never a scan of the table or of a whole index.
pub(crate) fn assert_searches_requests(what: &str, plan: &[String], alias: &str) {
    let touching: Vec<&String> = plan
        .iter()
        .filter(|d| {
            let mut words = d.split_whitespace();
            matches!(words.next(), Some("SCAN" | "SEARCH")) && words.next() == Some(alias)
        })
        .collect();
    assert!(
        !touching.is_empty(),
        "{what}: plan does not read requests: {plan:?}"
    );
    for d in touching {
        assert!(
            d.starts_with("SEARCH ") && d.contains("USING"),
            "{what}: full scan of requests: {plan:?}"
        );
    }
}
