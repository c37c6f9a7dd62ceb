//! Spend grouped by day, by the model that answered, by stage and by episode.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;
use time::Date;

use super::conditions::Conditions;
use super::convert::{count, usd};
use super::range::{day_text, Range};
use super::UsageError;
use crate::pipeline::Stage;

/// Label of calls made outside any episode (a connection test, a model list refresh).
pub const NO_EPISODE: &str = "Not part of an episode";
/// Label of spend whose episode has since been deleted.
pub const DELETED_EPISODE: &str = "Deleted episode";
/// Label of calls that belong to no stage.
pub const NO_STAGE: &str = "Other calls";

/// One bar of a spend chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpendRow {
    /// What the row is about: a day (`2026-11-24`), a model id, a stage (`quality_check`) or
    /// an episode id; `None` for calls that had no stage or no episode.
    pub key: Option<String>,
    /// What the producer reads: the day, the model's name, "Quality check", the episode title.
    pub label: String,
    /// Exact USD, e.g. `"0.0123"`.
    pub cost: String,
    /// Logical calls (a call's retries and backup models count once per group).
    pub calls: u32,
    /// Attempts, including retries, failures and reuses from the cache.
    pub attempts: u32,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grouping {
    Day,
    Model,
    Stage,
    Episode,
}

impl Grouping {
    /// Its `usage_spend.dimension`: by model means the model that answered, or the one asked
    /// for when none did.
    fn dimension(self) -> &'static str {
        match self {
            Grouping::Day => "day",
            Grouping::Model => "model",
            Grouping::Stage => "stage",
            Grouping::Episode => "episode",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Grouping::Day | Grouping::Stage => "NULL",
            Grouping::Model => {
                "(SELECT m.name FROM catalog_models m WHERE m.model_id = g.k \
                 ORDER BY m.connection_id LIMIT 1)"
            }
            Grouping::Episode => "(SELECT e.title FROM episodes e WHERE e.id = g.k)",
        }
    }

    fn order(self) -> &'static str {
        match self {
            Grouping::Day => "g.k",
            _ => "g.cost DESC, g.k",
        }
    }
}

/// The statement for one grouping over one range, read from the running totals: each day's
/// totals per value are summed over the range (calls included, see rollup.sql), then
/// labelled, so the label lookups run once per group.
pub(crate) fn spend_sql(group: Grouping, first_day: Option<String>) -> (String, Conditions) {
    let mut cond = Conditions::new();
    cond.add(
        "dimension = ?",
        [Value::Text(group.dimension().to_string())],
    );
    cond.since_day(first_day, "");
    let sql = format!(
        "SELECT g.k, {label}, g.cost, g.calls, g.attempts, g.prompt, g.completion FROM (
             SELECT CASE WHEN key_null THEN NULL ELSE key END AS k, SUM(cost_units) AS cost,
                    SUM(calls) AS calls, SUM(attempts) AS attempts,
                    SUM(prompt_tokens) AS prompt, SUM(completion_tokens) AS completion
             FROM usage_spend {clause} GROUP BY key_null, key
         ) g ORDER BY {order}",
        label = group.label(),
        clause = cond.clause(),
        order = group.order(),
    );
    (sql, cond)
}

fn spend(conn: &Connection, group: Grouping, range: Range) -> Result<Vec<SpendRow>, UsageError> {
    let (sql, cond) = spend_sql(group, range.first_day_now());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(cond.values()), |r| {
        let key: Option<String> = r.get(0)?;
        let label: Option<String> = r.get(1)?;
        Ok(SpendRow {
            label: row_label(group, key.as_deref(), label),
            key,
            cost: usd(r.get(2)?),
            calls: count(r.get(3)?),
            attempts: count(r.get(4)?),
            prompt_tokens: count(r.get(5)?),
            completion_tokens: count(r.get(6)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn row_label(group: Grouping, key: Option<&str>, found: Option<String>) -> String {
    match (group, key) {
        (Grouping::Stage, None) => NO_STAGE.into(),
        (Grouping::Stage, Some(s)) => {
            Stage::parse(s).map_or_else(|| s.to_string(), |s| s.label().into())
        }
        (Grouping::Episode, None) => NO_EPISODE.into(),
        (Grouping::Episode, Some(_)) => found.unwrap_or_else(|| DELETED_EPISODE.into()),
        (_, key) => found
            .or_else(|| key.map(str::to_string))
            .unwrap_or_default(),
    }
}

/// Spend per UTC day, oldest first, with a zero row for every day without spend from the
/// start of the range (or the first recorded day) to today, so a chart needs no gap filling.
pub fn spend_by_day(conn: &Connection, range: Range) -> Result<Vec<SpendRow>, UsageError> {
    let rows = spend(conn, Grouping::Day, range)?;
    let today = crate::clock::now().date();
    let first = range
        .first_day(today)
        .or_else(|| rows.first().and_then(|r| r.key.clone()));
    Ok(fill_days(rows, first.as_deref(), today))
}

fn fill_days(rows: Vec<SpendRow>, first: Option<&str>, today: Date) -> Vec<SpendRow> {
    let Some(first) = first.and_then(parse_day) else {
        return rows;
    };
    let mut by_day: BTreeMap<String, SpendRow> = rows
        .into_iter()
        .filter_map(|r| Some((r.key.clone()?, r)))
        .collect();
    let mut d = first;
    while d <= today {
        let key = day_text(d);
        by_day.entry(key.clone()).or_insert_with(|| SpendRow {
            key: Some(key.clone()),
            label: key,
            cost: usd(0),
            calls: 0,
            attempts: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
        });
        match d.next_day() {
            Some(next) => d = next,
            None => break,
        }
    }
    by_day.into_values().collect()
}

fn parse_day(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, format).ok()
}

/// Spend per model that answered, dearest first.
pub fn spend_by_model(conn: &Connection, range: Range) -> Result<Vec<SpendRow>, UsageError> {
    spend(conn, Grouping::Model, range)
}

/// Spend per stage, dearest first.
pub fn spend_by_stage(conn: &Connection, range: Range) -> Result<Vec<SpendRow>, UsageError> {
    spend(conn, Grouping::Stage, range)
}

/// Spend per episode with its title, dearest first; an episode deleted since is shown as
/// [`DELETED_EPISODE`], calls outside any episode as [`NO_EPISODE`].
pub fn spend_by_episode(conn: &Connection, range: Range) -> Result<Vec<SpendRow>, UsageError> {
    spend(conn, Grouping::Episode, range)
}
