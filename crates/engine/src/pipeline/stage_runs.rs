//! The `stage_runs` table: one row per stage a run started — its status as it went
//! (running, done, failed, cancelled), what it cost, the model that answered, the error it
//! stopped on, the output it saved, and what happened on the way in plain words. Created by
//! migration 3 (`schema_v3.sql`, with the other episode tables); its `note` column by
//! migration 6 (`schema_v6_stage_notes.sql`, beside this file).

use rusqlite::{params, Connection};

use super::Stage;

/// How a stage's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Done,
    Failed,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// A stage's run as it ended.
#[derive(Debug, Clone)]
pub struct Finished<'a> {
    pub status: Status,
    pub cost_units: i64,
    pub model: Option<&'a str>,
    /// The error's code and message, when it stopped on one.
    pub error: Option<(&'a str, String)>,
    pub artifact_id: Option<u32>,
}

/// Records that `stage` started; returns the row's id.
pub fn start(
    conn: &Connection,
    episode_id: &str,
    stage: Stage,
    input_hash: &str,
) -> Result<i64, rusqlite::Error> {
    conn.execute(
        "INSERT INTO stage_runs (episode_id, stage, status, input_hash, started_at) VALUES (?1, ?2, 'running', ?3, ?4)",
        params![episode_id, stage.as_str(), input_hash, crate::clock::stamp(crate::clock::now())],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records how the run `id` ended.
pub fn finish(conn: &Connection, id: i64, f: &Finished<'_>) -> Result<(), rusqlite::Error> {
    let (code, message) = match &f.error {
        Some((c, m)) => (Some(*c), Some(m.as_str())),
        None => (None, None),
    };
    conn.execute(
        "UPDATE stage_runs SET status = ?2, finished_at = ?3, cost_units = ?4, model = ?5, error_code = ?6,
            error_message = ?7, artifact_id = ?8 WHERE id = ?1",
        params![
            id,
            f.status.as_str(),
            crate::clock::stamp(crate::clock::now()),
            f.cost_units,
            f.model,
            code,
            message,
            f.artifact_id
        ],
    )?;
    Ok(())
}

/// Writes the stage's plain-words record (nothing when nothing happened).
pub fn record_notes(conn: &Connection, id: i64, notes: &[String]) -> Result<(), rusqlite::Error> {
    if notes.is_empty() {
        return Ok(());
    }
    conn.execute(
        "UPDATE stage_runs SET note = ?2 WHERE id = ?1",
        params![id, notes.join(". ")],
    )?;
    Ok(())
}

/// Whether the episode's last stage run was cut short (a crash or a quit while it ran, or a
/// cancel) and can be resumed.
pub fn cut_short(conn: &Connection, episode_id: &str) -> Result<bool, super::PipelineError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM stage_runs WHERE episode_id = ?1 AND status IN ('running', 'cancelled')
            AND id = (SELECT MAX(id) FROM stage_runs WHERE episode_id = ?1))",
        [episode_id],
        |r| r.get(0),
    )?)
}
