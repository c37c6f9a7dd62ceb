//! After a run, what the producer gets is the script version that will be exported (the
//! rewrite when there is one) and the verdict on THAT version, not the first draft's.

use super::super::artifacts::{self, ArtifactKind};
use super::super::episode::Episode;
use super::super::notes_store::StoredNote;
use super::super::quality::Verdict;
use super::super::Stage;
use super::error::RunError;
use super::inputs::input_hash;
use super::outcome::StageOutcome;

/// Points the Script outcome at the model whose text is exported and `verdict` at the verdict
/// that checked it (kept as it is when the exported version was not checked).
pub(super) fn exported_view(
    conn: &rusqlite::Connection,
    ep: &Episode,
    notes: &[StoredNote],
    outcomes: &mut [StageOutcome],
    verdict: &mut Option<Verdict>,
) -> Result<(), RunError> {
    let qc_hash = input_hash(conn, ep, Stage::QualityCheck, notes)?;
    let script = artifacts::current(conn, &ep.id, Stage::Script)?;
    let qc = artifacts::current(conn, &ep.id, Stage::QualityCheck)?;
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
