//! The request log: one row per attempt — successes, failures, refusals, cancellations and
//! cache hits — with the model asked for and the one that answered, tokens, exact cost,
//! latency and time to first token. The dashboard reads it; the budget settles into it.

use rusqlite::{params, Connection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Error,
    CacheHit,
    Cancelled,
    Refused,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::CacheHit => "cache_hit",
            Status::Cancelled => "cancelled",
            Status::Refused => "refused",
        }
    }
}

/// Where an attempt's cost came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostSource {
    /// `usage.cost` in the response (authoritative).
    Usage,
    /// `/generation` looked up afterwards.
    Generation,
    /// Computed from catalog prices; the row is marked estimated.
    Estimate,
    /// A cache hit: $0.
    Cache,
    /// Nothing was billed (refused before sending, failed before any generation).
    None,
}

impl CostSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CostSource::Usage => "usage",
            CostSource::Generation => "generation",
            CostSource::Estimate => "estimate",
            CostSource::Cache => "cache",
            CostSource::None => "none",
        }
    }
}

/// One attempt, ready to be written.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub call_id: String,
    pub episode_id: Option<String>,
    pub stage: Option<String>,
    pub connection_id: String,
    pub attempt: u32,
    pub fallback_index: u32,
    pub retry_index: u32,
    pub model_requested: String,
    pub model_served: Option<String>,
    pub provider: Option<String>,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub cached_tokens: u32,
    pub reasoning_tokens: u32,
    pub cost_units: i64,
    pub cost_source: CostSource,
    pub saved_units: i64,
    pub latency_ms: u64,
    pub ttft_ms: Option<u64>,
    pub status: Status,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub generation_id: Option<String>,
    pub streamed: bool,
    /// When the attempt ended. Taken when the row is made, right after the attempt, because
    /// the row itself is written a moment later, off the call's path.
    pub at: time::OffsetDateTime,
}

impl AttemptRow {
    pub fn new(call_id: &str, connection_id: &str, model_requested: &str) -> Self {
        AttemptRow {
            call_id: call_id.to_string(),
            episode_id: None,
            stage: None,
            connection_id: connection_id.to_string(),
            attempt: 0,
            fallback_index: 0,
            retry_index: 0,
            model_requested: model_requested.to_string(),
            model_served: None,
            provider: None,
            prompt_tokens: 0,
            completion_tokens: 0,
            cached_tokens: 0,
            reasoning_tokens: 0,
            cost_units: 0,
            cost_source: CostSource::None,
            saved_units: 0,
            latency_ms: 0,
            ttft_ms: None,
            status: Status::Ok,
            error_kind: None,
            error_message: None,
            generation_id: None,
            streamed: false,
            at: crate::clock::now(),
        }
    }
}

/// Writes one row; the caller decides the transaction.
pub fn insert(conn: &Connection, row: &AttemptRow) -> rusqlite::Result<i64> {
    let now = row.at;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO requests (at, day, call_id, episode_id, stage, connection_id, attempt,
            fallback_index, retry_index, model_requested, model_served, provider, prompt_tokens,
            completion_tokens, cached_tokens, reasoning_tokens, cost_units, cost_source, estimated,
            saved_units, latency_ms, ttft_ms, status, error_kind, error_message, generation_id, streamed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
    )?;
    stmt.execute(params![
        crate::clock::stamp(now),
        crate::clock::day(now),
        row.call_id,
        row.episode_id,
        row.stage,
        row.connection_id,
        row.attempt,
        row.fallback_index,
        row.retry_index,
        row.model_requested,
        row.model_served,
        row.provider,
        row.prompt_tokens,
        row.completion_tokens,
        row.cached_tokens,
        row.reasoning_tokens,
        row.cost_units,
        row.cost_source.as_str(),
        row.cost_source == CostSource::Estimate,
        row.saved_units,
        i64::try_from(row.latency_ms).unwrap_or(i64::MAX),
        row.ttft_ms.map(|t| i64::try_from(t).unwrap_or(i64::MAX)),
        row.status.as_str(),
        row.error_kind,
        row.error_message,
        row.generation_id,
        row.streamed,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Total recorded spend, exact, in 1e-10 USD units (optionally for one episode).
pub fn total_units(conn: &Connection, episode_id: Option<&str>) -> rusqlite::Result<i64> {
    match episode_id {
        Some(ep) => conn.query_row(
            "SELECT COALESCE(SUM(cost_units), 0) FROM requests WHERE episode_id = ?1",
            [ep],
            |r| r.get(0),
        ),
        None => conn.query_row(
            "SELECT COALESCE(SUM(cost_units), 0) FROM requests",
            [],
            |r| r.get(0),
        ),
    }
}
