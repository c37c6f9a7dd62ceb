//! How each model is doing: its provider endpoints as OpenRouter reports them, our own recent
//! failure rate and latency, and whether it is resting after repeated failures.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::convert::{count, ratio};
use super::range::Range;
use super::UsageError;
use crate::catalog::base_id;
use crate::routing::{Cooldowns, ModelHealth};

/// How many of a model's latest attempts its failure rate and latency are taken over (the
/// same window the cool-down bookkeeping keeps).
pub const RECENT_ATTEMPTS: u32 = 50;

/// Models used within this many days are listed even when no catalog entry names them.
const SEEN_DAYS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EndpointState {
    /// The provider reports the endpoint working normally.
    Up,
    /// The provider reports a problem with the endpoint.
    Degraded,
    /// No status reported.
    Unknown,
}

/// One provider serving the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EndpointHealth {
    pub provider: String,
    /// OpenRouter's endpoint status: 0 working, negative values for kinds of trouble.
    pub status: Option<i32>,
    pub state: EndpointState,
    /// Percent of the last 30 minutes the endpoint was up, as OpenRouter reports it.
    pub uptime: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelHealthRow {
    pub model: String,
    pub endpoints: Vec<EndpointHealth>,
    /// Our latest attempts with this model (at most [`RECENT_ATTEMPTS`]), answered or failed.
    pub recent_attempts: u32,
    pub recent_failures: u32,
    /// Failures ÷ attempts, 0 to 1; `None` before the first attempt.
    pub failure_rate: Option<f64>,
    /// Median and 95th-percentile total time of the successful ones (nearest rank).
    pub p50_latency_ms: Option<u32>,
    pub p95_latency_ms: Option<u32>,
    /// Resting after repeated failures: the next calls go to the backup models.
    pub cooling_down: bool,
    pub cooling_seconds_left: Option<u32>,
    pub failures_in_a_row: u32,
}

/// Models used on this connection lately, from the running totals of the log (one row per
/// day and combination rather than one per attempt).
pub(crate) const SEEN_SQL: &str = "SELECT DISTINCT model_requested FROM usage_log
     WHERE day >= ?1 AND connection_id = ?2";

pub(crate) const CATALOG_MODELS_SQL: &str =
    "SELECT DISTINCT model_id FROM catalog_endpoints WHERE connection_id = ?1";

pub(crate) const ENDPOINTS_SQL: &str = "SELECT provider, status, uptime FROM catalog_endpoints
     WHERE connection_id = ?1 AND model_id = ?2 ORDER BY provider";

/// The latest attempts of one model (newest first through the `requests_requested` index, no
/// sort), then nearest-rank percentiles over the successful ones: the value at rank
/// ceil(p·n/100) is the smallest whose rank r satisfies r·100 ≥ p·n.
pub(crate) const RECENT_SQL: &str = "WITH recent AS (
         SELECT status, latency_ms FROM requests
         WHERE model_requested = ?1 AND connection_id = ?2 AND status IN ('ok', 'error')
         ORDER BY id DESC LIMIT ?3
     ), answered AS (
         SELECT latency_ms, ROW_NUMBER() OVER (ORDER BY latency_ms) AS rn, COUNT(*) OVER () AS n
         FROM recent WHERE status = 'ok'
     )
     SELECT (SELECT COUNT(*) FROM recent),
            (SELECT COUNT(*) FROM recent WHERE status = 'error'),
            (SELECT MIN(latency_ms) FROM answered WHERE rn * 100 >= n * 50),
            (SELECT MIN(latency_ms) FROM answered WHERE rn * 100 >= n * 95)";

/// Every model used lately on the connection, in its catalog endpoints, or resting now.
pub fn model_health(
    conn: &Connection,
    connection_id: &str,
    cooldowns: &Cooldowns,
) -> Result<Vec<ModelHealthRow>, UsageError> {
    let snapshot = cooldowns.snapshot();
    let mut models: BTreeSet<String> = snapshot.keys().cloned().collect();
    let since = Range::LastDays { days: SEEN_DAYS }.first_day_now();
    {
        let mut stmt = conn.prepare_cached(SEEN_SQL)?;
        for m in stmt.query_map(params![since, connection_id], |r| r.get::<_, String>(0))? {
            models.insert(m?);
        }
        let mut stmt = conn.prepare_cached(CATALOG_MODELS_SQL)?;
        for m in stmt.query_map([connection_id], |r| r.get::<_, String>(0))? {
            models.insert(m?);
        }
    }
    models
        .into_iter()
        .map(|m| one_model(conn, connection_id, m, &snapshot))
        .collect()
}

fn one_model(
    conn: &Connection,
    connection_id: &str,
    model: String,
    snapshot: &HashMap<String, ModelHealth>,
) -> Result<ModelHealthRow, UsageError> {
    let endpoints = conn
        .prepare_cached(ENDPOINTS_SQL)?
        .query_map(params![connection_id, base_id(&model)], |r| {
            let status: Option<i64> = r.get(1)?;
            let status = status.and_then(|s| i32::try_from(s).ok());
            Ok(EndpointHealth {
                provider: r.get(0)?,
                state: match status {
                    Some(0) => EndpointState::Up,
                    Some(_) => EndpointState::Degraded,
                    None => EndpointState::Unknown,
                },
                status,
                uptime: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let (attempts, failures, p50, p95): (i64, i64, Option<i64>, Option<i64>) = conn
        .prepare_cached(RECENT_SQL)?
        .query_row(params![model, connection_id, RECENT_ATTEMPTS], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let health = snapshot.get(&model);
    let now = Instant::now();
    let left = health
        .and_then(|h| h.cooling_until)
        .and_then(|until| until.checked_duration_since(now))
        .filter(|d| !d.is_zero());
    Ok(ModelHealthRow {
        endpoints,
        recent_attempts: count(attempts),
        recent_failures: count(failures),
        failure_rate: ratio(failures, attempts),
        p50_latency_ms: p50.map(count),
        p95_latency_ms: p95.map(count),
        cooling_down: left.is_some(),
        // Rounded up: "resting for 1 s" rather than "0 s" while it still rests.
        cooling_seconds_left: left.map(|d| {
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            u32::try_from(secs).unwrap_or(u32::MAX)
        }),
        failures_in_a_row: health.map_or(0, |h| h.failures_in_a_row),
        model,
    })
}
