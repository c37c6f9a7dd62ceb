//! The request log, newest first, filtered and paged in SQL.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::conditions::Conditions;
use super::convert::{count, usd};
use super::log_pages::{page_ranges, total_sql};
use super::range::Range;
use super::spend::DELETED_EPISODE;
use super::UsageError;

/// The most rows one page returns, however many are asked for.
pub const MAX_PAGE: u32 = 500;

/// What the log is narrowed to; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct LogFilter {
    pub episode_id: Option<String>,
    /// `research`, `synthesis`, `script` or `quality_check`.
    pub stage: Option<String>,
    /// Matches the model asked for or the one that answered.
    pub model: Option<String>,
    /// `ok`, `error`, `cache_hit`, `cancelled` or `refused`.
    pub status: Option<String>,
    pub range: Range,
}

/// A page request: `before_id` is the `next_before_id` of the previous page (keyset paging,
/// so later pages cost no more than the first and rows added meanwhile do not shift them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page {
    pub limit: u32,
    pub before_id: Option<u32>,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            limit: 50,
            before_id: None,
        }
    }
}

/// One attempt as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LogRow {
    pub id: u32,
    /// RFC 3339 UTC.
    pub at: String,
    pub episode_id: Option<String>,
    /// The episode's title; "Deleted episode" when it no longer exists.
    pub episode_title: Option<String>,
    pub stage: Option<String>,
    pub model_requested: String,
    pub model_served: Option<String>,
    pub provider: Option<String>,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub cached_tokens: u32,
    pub reasoning_tokens: u32,
    /// Exact USD.
    pub cost: String,
    /// What a reuse from the cache saved, exact USD.
    pub saved: String,
    /// The cost was worked out from prices, not reported by the provider.
    pub estimated: bool,
    pub latency_ms: u32,
    pub ttft_ms: Option<u32>,
    pub status: String,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    /// 0-based position of this attempt within its call (retries and backup models).
    pub attempt: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LogPage {
    pub rows: Vec<LogRow>,
    /// Rows matching the filter, across all pages.
    pub total: u32,
    /// Pass as `before_id` for the next page; `None` on the last page.
    pub next_before_id: Option<u32>,
}

/// The filter's conditions on `requests r`, without the page position; `first_day` is the
/// range's, worked out once per request so every statement of it agrees.
pub(crate) fn filter_conditions(filter: &LogFilter, first_day: Option<String>) -> Conditions {
    let mut cond = Conditions::new();
    if let Some(ep) = &filter.episode_id {
        cond.add("r.episode_id = ?", [Value::Text(ep.clone())]);
    }
    if let Some(stage) = &filter.stage {
        cond.add("r.stage = ?", [Value::Text(stage.clone())]);
    }
    if let Some(model) = &filter.model {
        cond.add(
            "(r.model_requested = ? OR r.model_served = ?)",
            [Value::Text(model.clone()), Value::Text(model.clone())],
        );
    }
    if let Some(status) = &filter.status {
        cond.add("r.status = ?", [Value::Text(status.clone())]);
    }
    cond.since_day(first_day, "r.");
    cond
}

/// Counts one episode's rows (the running totals do not keep episodes).
pub(crate) fn count_sql(cond: &Conditions) -> String {
    format!("SELECT COUNT(*) FROM requests r {}", cond.clause())
}

const PAGE_COLUMNS: &str = "r.id, r.at, r.episode_id, r.stage, r.model_requested,
    r.model_served, r.provider, r.prompt_tokens, r.completion_tokens, r.cached_tokens,
    r.reasoning_tokens, r.cost_units, r.saved_units, r.estimated, r.latency_ms, r.ttft_ms,
    r.status, r.error_kind, r.error_message, r.attempt,
    (SELECT e.title FROM episodes e WHERE e.id = r.episode_id)";

/// The page statement; the caller has added the `before_id` condition, and binds the limit
/// (one more than the page, to learn whether another page follows) last.
pub(crate) fn page_sql(cond: &Conditions) -> String {
    format!(
        "SELECT {PAGE_COLUMNS} FROM requests r {} ORDER BY r.id DESC LIMIT ?",
        cond.clause()
    )
}

/// The page statement over one range of ids (the caller's last condition): walked by row id,
/// since the range is where the rows are and any index would lead elsewhere first.
pub(crate) fn page_sql_by_id(cond: &Conditions) -> String {
    format!(
        "SELECT {PAGE_COLUMNS} FROM requests r NOT INDEXED {} ORDER BY r.id DESC LIMIT ?",
        cond.clause()
    )
}

/// The log filter on the running totals; `None` when the filter names an episode, which the
/// totals do not keep (one episode's rows are few and read directly).
pub(crate) fn totals_conditions(
    filter: &LogFilter,
    first_day: Option<String>,
) -> Option<Conditions> {
    if filter.episode_id.is_some() {
        return None;
    }
    let mut cond = Conditions::new();
    if let Some(stage) = &filter.stage {
        cond.add("stage_null = 0 AND stage = ?", [Value::Text(stage.clone())]);
    }
    if let Some(model) = &filter.model {
        cond.add(
            "(model_requested = ? OR (served_null = 0 AND model_served = ?))",
            [Value::Text(model.clone()), Value::Text(model.clone())],
        );
    }
    if let Some(status) = &filter.status {
        cond.add("status = ?", [Value::Text(status.clone())]);
    }
    cond.since_day(first_day, "");
    Some(cond)
}

/// Up to `need` rows matching the filter, newest first, read range by range.
fn rows_in_ranges(
    conn: &Connection,
    filter: &LogFilter,
    first_day: Option<String>,
    ranges: &[(i64, i64)],
    need: i64,
) -> Result<Vec<LogRow>, UsageError> {
    let base = filter_conditions(filter, first_day.clone());
    let mut ranged = filter_conditions(filter, first_day);
    // Bound per range below, after the filter's own values.
    ranged.add("r.id BETWEEN ? AND ?", []);
    let mut stmt = conn.prepare_cached(&page_sql_by_id(&ranged))?;
    let mut out = Vec::new();
    for &(first, last) in ranges {
        let left = need - out.len() as i64;
        if left <= 0 {
            break;
        }
        let mut values = base.values().to_vec();
        values.extend([
            Value::Integer(first),
            Value::Integer(last),
            Value::Integer(left),
        ]);
        for row in stmt.query_map(params_from_iter(values.iter()), read_row)? {
            out.push(row?);
        }
    }
    Ok(out)
}

/// One page of the request log, newest first, with the total the filter matches.
pub fn request_log(
    conn: &Connection,
    filter: &LogFilter,
    page: Page,
) -> Result<LogPage, UsageError> {
    let limit = page.limit.clamp(1, MAX_PAGE);
    let need = i64::from(limit) + 1;
    let before = page.before_id.map(i64::from);
    let first_day = filter.range.first_day_now();
    // The total and the page from one snapshot, so attempts written meanwhile cannot make
    // them disagree.
    let _snapshot = Snapshot::begin(conn)?;
    let (total, mut rows) = match totals_conditions(filter, first_day.clone()) {
        Some(totals) => {
            let total: i64 = conn
                .prepare_cached(&total_sql(&totals))?
                .query_row(params_from_iter(totals.values()), |r| r.get(0))?;
            let rows = if totals.is_empty() {
                newest(conn, filter, first_day, before, need)?
            } else {
                let ranges = page_ranges(conn, &totals, before, need)?;
                rows_in_ranges(conn, filter, first_day, &ranges, need)?
            };
            (total, rows)
        }
        None => {
            let cond = filter_conditions(filter, first_day.clone());
            let total: i64 = conn
                .prepare_cached(&count_sql(&cond))?
                .query_row(params_from_iter(cond.values()), |r| r.get(0))?;
            (total, newest(conn, filter, first_day, before, need)?)
        }
    };
    let next_before_id = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(LogPage {
        rows,
        total: count(total),
        next_before_id,
    })
}

/// The newest `need` rows below `before` as SQLite finds them: what the whole log or one
/// episode needs, where the rows asked for are near at hand.
fn newest(
    conn: &Connection,
    filter: &LogFilter,
    first_day: Option<String>,
    before: Option<i64>,
    need: i64,
) -> Result<Vec<LogRow>, UsageError> {
    let mut cond = filter_conditions(filter, first_day);
    if let Some(before) = before {
        cond.add("r.id < ?", [Value::Integer(before)]);
    }
    let mut values = cond.values().to_vec();
    values.push(Value::Integer(need));
    let mut stmt = conn.prepare_cached(&page_sql(&cond))?;
    let rows = stmt
        .query_map(params_from_iter(values.iter()), read_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A read transaction for the length of one request (a savepoint, so it also nests inside a
/// caller's transaction); released when dropped.
struct Snapshot<'c>(&'c Connection);

impl<'c> Snapshot<'c> {
    fn begin(conn: &'c Connection) -> Result<Self, UsageError> {
        conn.execute_batch("SAVEPOINT usage_log_read")?;
        Ok(Snapshot(conn))
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.0.execute_batch("RELEASE usage_log_read") {
            tracing::warn!(error = %e, "could not end the request log's read transaction");
        }
    }
}

pub(crate) fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogRow> {
    let episode_id: Option<String> = r.get(2)?;
    let title: Option<String> = r.get(20)?;
    Ok(LogRow {
        id: count(r.get(0)?),
        at: r.get(1)?,
        episode_title: episode_id
            .as_ref()
            .map(|_| title.unwrap_or_else(|| DELETED_EPISODE.into())),
        episode_id,
        stage: r.get(3)?,
        model_requested: r.get(4)?,
        model_served: r.get(5)?,
        provider: r.get(6)?,
        prompt_tokens: count(r.get(7)?),
        completion_tokens: count(r.get(8)?),
        cached_tokens: count(r.get(9)?),
        reasoning_tokens: count(r.get(10)?),
        cost: usd(r.get(11)?),
        saved: usd(r.get(12)?),
        estimated: r.get::<_, i64>(13)? != 0,
        latency_ms: count(r.get(14)?),
        ttft_ms: r.get::<_, Option<i64>>(15)?.map(count),
        status: r.get(16)?,
        error_kind: r.get(17)?,
        error_message: r.get(18)?,
        attempt: count(r.get(19)?),
    })
}
