//! Stage outputs and their versions: read, edit (saved as a new version), compare, restore.

use castwright_engine::pipeline::artifacts::{self, Artifact};
use castwright_engine::pipeline::quality::Verdict;
use castwright_engine::pipeline::Stage;
use castwright_engine::script::Script;
use serde::Serialize;
use tauri::State;

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub fn list_versions(
    state: State<'_, AppState>,
    episode_id: String,
    stage: Stage,
) -> Result<Vec<Artifact>, IpcError> {
    Ok(artifacts::versions(state.db()?.conn(), &episode_id, stage)?)
}

/// The latest output of every stage (a draft after a cancel counts), for the stage cards.
#[tauri::command]
#[specta::specta]
pub fn latest_outputs(
    state: State<'_, AppState>,
    episode_id: String,
) -> Result<Vec<Artifact>, IpcError> {
    let store = state.db()?;
    let mut out = Vec::new();
    for s in Stage::ALL {
        if let Some(a) = artifacts::newest(store.conn(), &episode_id, s)? {
            out.push(a);
        }
    }
    Ok(out)
}

/// Saves the producer's edit of a version as a new version.
#[tauri::command]
#[specta::specta]
pub fn save_edit(
    state: State<'_, AppState>,
    episode_id: String,
    artifact_id: u32,
    content: String,
) -> Result<Artifact, IpcError> {
    Ok(artifacts::save_edit(
        state.db()?.conn(),
        &episode_id,
        artifact_id,
        &content,
    )?)
}

#[tauri::command]
#[specta::specta]
pub fn restore_version(
    state: State<'_, AppState>,
    episode_id: String,
    artifact_id: u32,
) -> Result<Artifact, IpcError> {
    Ok(artifacts::restore(
        state.db()?.conn(),
        &episode_id,
        artifact_id,
    )?)
}

/// The script as structure (segments, speakers, lines) with its word count and duration.
#[derive(Debug, Serialize, specta::Type)]
pub struct ScriptView {
    pub artifact: Artifact,
    pub script: Script,
    pub words: u32,
    pub estimated_seconds: u32,
    /// The verdict of this version when it was checked, else the newest one (each names the
    /// version it judged).
    pub verdict: Option<Verdict>,
}

#[tauri::command]
#[specta::specta]
pub fn script_view(
    state: State<'_, AppState>,
    episode_id: String,
    artifact_id: Option<u32>,
) -> Result<Option<ScriptView>, IpcError> {
    let store = state.db()?;
    let art = match artifact_id {
        Some(id) => Some(artifacts::get(store.conn(), id)?),
        None => artifacts::current(store.conn(), &episode_id, Stage::Script)?,
    };
    let Some(artifact) = art else { return Ok(None) };
    let script = Script::parse(&artifact.content);
    let verdict = artifacts::verdict_for(store.conn(), &episode_id, artifact.version)?;
    Ok(Some(ScriptView {
        words: script.word_count(),
        estimated_seconds: script.estimated_seconds(),
        script,
        artifact,
        verdict,
    }))
}
