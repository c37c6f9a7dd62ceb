//! What an export carries to check before recording: the current verdict's unsupported claims
//! and the local fact check of the exported version.

use castwright_engine::export::ExportChecks;
use castwright_engine::factcheck;
use castwright_engine::pipeline::quality::Verdict;
use castwright_engine::pipeline::{artifacts, Stage};
use castwright_engine::script::Script;
use rusqlite::Connection;

use crate::IpcError;

pub fn for_export(
    conn: &Connection,
    episode_id: &str,
    script_text: &str,
    before_recording: bool,
    source_notes: bool,
) -> Result<ExportChecks, IpcError> {
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
