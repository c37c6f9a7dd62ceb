//! What reusing earlier answers saved.

use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use super::conditions::Conditions;
use super::convert::{count, usd};
use super::range::Range;
use super::UsageError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CacheSavings {
    /// Answers reused instead of paid for again.
    pub hits: u32,
    /// What those answers cost the first time, exact USD.
    pub saved: String,
}

/// Read from the running totals of the log's filters (rollup.sql).
pub(crate) fn savings_sql(first_day: Option<String>) -> (String, Conditions) {
    let mut cond = Conditions::new();
    cond.since_day(first_day, "");
    let sql = format!(
        "SELECT COALESCE(SUM(attempts), 0), COALESCE(SUM(saved_units), 0) FROM usage_log
         WHERE status = 'cache_hit'{}",
        cond.and_clause()
    );
    (sql, cond)
}

pub fn cache_savings(conn: &Connection, range: Range) -> Result<CacheSavings, UsageError> {
    let (sql, cond) = savings_sql(range.first_day_now());
    let (hits, saved): (i64, i64) = conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(cond.values()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(CacheSavings {
        hits: count(hits),
        saved: usd(saved),
    })
}
