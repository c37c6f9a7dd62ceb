//! Failed attempts grouped by what went wrong and which model was asked.

use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use super::conditions::Conditions;
use super::convert::count;
use super::range::Range;
use super::UsageError;

/// One kind of failure of one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErrorGroup {
    /// The engine's failure kind (`rate_limited`, `payment_required`, …); `None` if unknown.
    pub kind: Option<String>,
    /// The same in plain words.
    pub label: String,
    pub model_requested: String,
    pub count: u32,
    /// When it last happened (RFC 3339 UTC) and what it said then.
    pub last_at: String,
    pub last_message: Option<String>,
}

/// Counted from the running totals (rollup.sql), which keep the highest row id of each
/// group: the latest failure's time and message are read from that one row.
pub(crate) fn errors_sql(first_day: Option<String>) -> (String, Conditions) {
    let mut cond = Conditions::new();
    cond.since_day(first_day, "");
    let sql = format!(
        "SELECT CASE WHEN g.kind_null THEN NULL ELSE g.error_kind END AS kind,
                g.model_requested, g.n, r.at, r.error_message
         FROM (SELECT kind_null, error_kind, model_requested, SUM(attempts) AS n,
                      MAX(last_id) AS last_id
               FROM usage_log WHERE status = 'error'{}
               GROUP BY kind_null, error_kind, model_requested) g
         JOIN requests r ON r.id = g.last_id
         ORDER BY g.n DESC, g.model_requested, kind",
        cond.and_clause()
    );
    (sql, cond)
}

/// Failures in the range, most frequent first.
pub fn errors_by_kind(conn: &Connection, range: Range) -> Result<Vec<ErrorGroup>, UsageError> {
    let (sql, cond) = errors_sql(range.first_day_now());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(cond.values()), |r| {
        let kind: Option<String> = r.get(0)?;
        Ok(ErrorGroup {
            label: failure_words(kind.as_deref()).to_string(),
            kind,
            model_requested: r.get(1)?,
            count: count(r.get(2)?),
            last_at: r.get(3)?,
            last_message: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A failure kind as a producer would put it.
pub fn failure_words(kind: Option<&str>) -> &'static str {
    match kind.unwrap_or_default() {
        "rate_limited" => "Too busy — asked us to slow down",
        "overloaded" | "provider_error" | "no_provider" | "other_status" => "Unavailable",
        "request_timeout"
        | "upstream_timeout"
        | "attempt_timeout"
        | "first_token_timeout"
        | "idle_timeout" => "Took too long to answer",
        "connection" => "Could not be reached",
        "stream_cut" | "mid_stream_error" | "malformed" => "Stopped part-way through an answer",
        "payment_required" => "Your OpenRouter credit ran out",
        "unauthorized" => "Your key was not accepted",
        "moderated" => "The provider declined the content",
        "model_not_found" => "Model no longer offered",
        "payload_too_large" => "Notes too long for this model",
        "bad_request" => "Request not accepted",
        "cancelled" => "Cancelled",
        _ => "Something went wrong",
    }
}
