//! After a run, what the producer gets is the script version that will be exported (the
//! rewrite when there is one) and the verdict on THAT version, not the first draft's.

use super::artifacts::{self, ArtifactKind};
use super::notes_store::StoredNote;
use super::quality::Verdict;
use super::{Episode, RunError, Runner, Stage, StageOutcome};

/// Migration 6: the plain-words record of what happened in a stage.
pub const SCHEMA_STAGE_NOTES: &str = include_str!("schema_v6_stage_notes.sql");

impl Runner {
    /// Points the Script outcome at the model whose text is exported and `verdict` at the
    /// verdict that checked it (kept as it is when the exported version was not checked).
    pub(super) fn exported_view(
        &self,
        ep: &Episode,
        notes: &[StoredNote],
        outcomes: &mut [StageOutcome],
        verdict: &mut Option<Verdict>,
    ) -> Result<(), RunError> {
        let qc_hash = self.stage_input_hash(ep, Stage::QualityCheck, notes)?;
        let (script, qc) = self.with_conn(|c| {
            Ok::<_, RunError>((
                artifacts::current(c, &ep.id, Stage::Script)?,
                artifacts::current(c, &ep.id, Stage::QualityCheck)?,
            ))
        })?;
        if let Some(script) = script.filter(|a| a.kind == ArtifactKind::Rewrite) {
            if let Some(o) = outcomes.iter_mut().find(|o| o.stage == Stage::Script) {
                o.model = script.model.clone();
            }
        }
        if let Some(qc) = qc.filter(|a| a.input_hash == qc_hash) {
            if let Ok(v) = serde_json::from_str::<Verdict>(&qc.content) {
                *verdict = Some(v);
            }
            if let Some(o) = outcomes.iter_mut().find(|o| o.stage == Stage::QualityCheck) {
                o.model = qc.model.or(o.model.take());
            }
        }
        Ok(())
    }
}

/// Writes the stage's plain-words record.
pub(super) fn record_notes(
    conn: &rusqlite::Connection,
    run_id: i64,
    notes: &[String],
) -> Result<(), rusqlite::Error> {
    if notes.is_empty() {
        return Ok(());
    }
    conn.execute(
        "UPDATE stage_runs SET note = ?2 WHERE id = ?1",
        rusqlite::params![run_id, notes.join(". ")],
    )?;
    Ok(())
}

/// The stage's record as the producer reads it.
pub(super) fn note_text(notes: &[String]) -> Option<String> {
    (!notes.is_empty()).then(|| notes.join(". "))
}
