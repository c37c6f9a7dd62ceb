//! Every version of every stage output. Nothing is overwritten: a new output, a draft kept
//! from a cancel, a producer's edit and a quality-check rewrite each add a version.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{PipelineError, Stage};
use crate::money::from_units;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    Output,
    Draft,
    Edit,
    Rewrite,
}

impl ArtifactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactKind::Output => "output",
            ArtifactKind::Draft => "draft",
            ArtifactKind::Edit => "edit",
            ArtifactKind::Rewrite => "rewrite",
        }
    }
    fn parse(s: &str) -> ArtifactKind {
        match s {
            "draft" => ArtifactKind::Draft,
            "edit" => ArtifactKind::Edit,
            "rewrite" => ArtifactKind::Rewrite,
            _ => ArtifactKind::Output,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Artifact {
    pub id: u32,
    pub stage: Stage,
    pub version: u32,
    pub kind: ArtifactKind,
    pub content: String,
    pub input_hash: String,
    pub model: Option<String>,
    /// USD, decimal string.
    pub cost_usd: String,
    pub calls: u32,
    pub cached: bool,
    pub created_at: String,
}

/// What a stage produced, to be saved.
#[derive(Debug, Clone)]
pub struct NewArtifact<'a> {
    pub stage: Stage,
    pub kind: ArtifactKind,
    pub content: &'a str,
    pub input_hash: &'a str,
    pub model: Option<&'a str>,
    pub cost_units: i64,
    pub calls: u32,
    pub cached: bool,
}

pub fn save(
    conn: &Connection,
    episode_id: &str,
    a: &NewArtifact<'_>,
) -> Result<Artifact, PipelineError> {
    // The version is allocated by the statement that writes the row, so two writers (a run
    // and an edit, a window and a command) can never pick the same number.
    conn.execute(
        "INSERT INTO artifacts (episode_id, stage, version, kind, content, input_hash, model, cost_units, calls, cached, created_at)
         SELECT ?1, ?2, COALESCE(MAX(version), 0) + 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
         FROM artifacts WHERE episode_id = ?1 AND stage = ?2",
        params![
            episode_id,
            a.stage.as_str(),
            a.kind.as_str(),
            a.content,
            a.input_hash,
            a.model,
            a.cost_units,
            a.calls,
            a.cached,
            crate::clock::stamp(crate::clock::now()),
        ],
    )?;
    let id = conn.last_insert_rowid();
    get(conn, u32::try_from(id).unwrap_or(u32::MAX))
}

const COLUMNS: &str =
    "id, stage, version, kind, content, input_hash, model, cost_units, calls, cached, created_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Artifact> {
    let stage: String = r.get(1)?;
    let kind: String = r.get(3)?;
    Ok(Artifact {
        id: r.get(0)?,
        stage: Stage::parse(&stage).unwrap_or(Stage::Research),
        version: r.get(2)?,
        kind: ArtifactKind::parse(&kind),
        content: r.get(4)?,
        input_hash: r.get(5)?,
        model: r.get(6)?,
        cost_usd: from_units(r.get(7)?).to_string(),
        calls: r.get(8)?,
        cached: r.get::<_, i64>(9)? != 0,
        created_at: r.get(10)?,
    })
}

pub fn get(conn: &Connection, id: u32) -> Result<Artifact, PipelineError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM artifacts WHERE id = ?1"),
        [id],
        row,
    )
    .optional()?
    .ok_or_else(|| PipelineError::NotFound("That version no longer exists.".into()))
}

/// The version the next stage builds on: the newest output, edit or rewrite (never a draft).
pub fn current(
    conn: &Connection,
    episode_id: &str,
    stage: Stage,
) -> Result<Option<Artifact>, PipelineError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM artifacts WHERE episode_id = ?1 AND stage = ?2 AND kind != 'draft'
                 ORDER BY version DESC LIMIT 1"
            ),
            params![episode_id, stage.as_str()],
            row,
        )
        .optional()?)
}

/// The newest version of any kind (the UI shows a draft after a cancel).
pub fn newest(
    conn: &Connection,
    episode_id: &str,
    stage: Stage,
) -> Result<Option<Artifact>, PipelineError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM artifacts WHERE episode_id = ?1 AND stage = ?2 ORDER BY version DESC LIMIT 1"),
            params![episode_id, stage.as_str()],
            row,
        )
        .optional()?)
}

pub fn versions(
    conn: &Connection,
    episode_id: &str,
    stage: Stage,
) -> Result<Vec<Artifact>, PipelineError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM artifacts WHERE episode_id = ?1 AND stage = ?2 ORDER BY version DESC"
    ))?;
    let rows = stmt.query_map(params![episode_id, stage.as_str()], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The verdict to show beside script `version`: the newest one that judged that version, else
/// the newest verdict of all (it names the version it judged, so the producer can tell).
pub fn verdict_for(
    conn: &Connection,
    episode_id: &str,
    version: u32,
) -> Result<Option<super::quality::Verdict>, PipelineError> {
    let verdicts: Vec<super::quality::Verdict> = versions(conn, episode_id, Stage::QualityCheck)?
        .into_iter()
        .filter(|a| a.kind != ArtifactKind::Draft)
        .filter_map(|a| serde_json::from_str(&a.content).ok())
        .collect();
    let judged = verdicts
        .iter()
        .position(|v| v.checked_version == Some(version))
        .unwrap_or(0);
    Ok(verdicts.into_iter().nth(judged))
}

/// Saves a producer's edit of `base` as a new version (same inputs, so later stages see a
/// change only through the content).
pub fn save_edit(
    conn: &Connection,
    episode_id: &str,
    base_id: u32,
    content: &str,
) -> Result<Artifact, PipelineError> {
    let base = get(conn, base_id)?;
    save(
        conn,
        episode_id,
        &NewArtifact {
            stage: base.stage,
            kind: ArtifactKind::Edit,
            content,
            input_hash: &base.input_hash,
            model: base.model.as_deref(),
            cost_units: 0,
            calls: 0,
            cached: false,
        },
    )
}

/// Restores an old version by saving its content as the newest edit.
pub fn restore(
    conn: &Connection,
    episode_id: &str,
    artifact_id: u32,
) -> Result<Artifact, PipelineError> {
    let old = get(conn, artifact_id)?;
    save_edit(conn, episode_id, artifact_id, &old.content)
}
