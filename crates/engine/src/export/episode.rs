//! An episode's script as it is exported, the one way for the window app and for
//! `castwright produce --export`: titled with the episode, with show notes naming the notes
//! it drew on, and the "Before recording, check" section the caller chose.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{export_with_checks, ExportChecks, ExportError, ExportOptions};
use crate::factcheck;
use crate::pipeline::quality::Verdict;
use crate::pipeline::{artifacts, notes_store, Episode, PipelineError, Stage};
use crate::script::{Script, ShowNotes};

/// What is read from the database for an export; writing it needs no database.
pub struct Prepared {
    script: Script,
    notes: Option<ShowNotes>,
}

/// Reads what an export of `script_text` needs.
pub fn prepare(
    conn: &Connection,
    ep: &Episode,
    script_text: &str,
    include_show_notes: bool,
) -> Result<Prepared, PipelineError> {
    let sources: Vec<String> = notes_store::list(conn, &ep.id)?
        .into_iter()
        .map(|n| n.source_name)
        .collect();
    let mut script = Script::parse(script_text);
    script.title = ep.brief.title.clone();
    let notes = include_show_notes.then(|| ShowNotes::derive(&script, &sources));
    Ok(Prepared { script, notes })
}

impl Prepared {
    /// Writes the file (atomically); returns where.
    pub fn write(
        &self,
        path: &Path,
        checks: Option<&ExportChecks>,
        opts: &ExportOptions,
    ) -> Result<PathBuf, ExportError> {
        export_with_checks(path, &self.script, self.notes.as_ref(), checks, opts)
    }
}

/// What an export carries to check before recording: the current verdict's unsupported
/// claims and the local fact check of the exported version.
pub fn checks_for(
    conn: &Connection,
    episode_id: &str,
    script_text: &str,
    before_recording: bool,
    source_notes: bool,
) -> Result<ExportChecks, PipelineError> {
    let unsupported_claims = artifacts::current(conn, episode_id, Stage::QualityCheck)?
        .and_then(|q| serde_json::from_str::<Verdict>(&q.content).ok())
        .map(|v| v.unsupported_claims)
        .unwrap_or_default();
    let facts = factcheck::check_episode_script(conn, episode_id, &Script::parse(script_text))?;
    Ok(ExportChecks {
        unsupported_claims,
        facts,
        before_recording,
        source_notes,
    })
}
