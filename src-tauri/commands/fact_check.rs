//! The local fact check for the script editor, and a note's text to show a passage in. Both
//! read the engine; nothing here decides anything.

use castwright_engine::factcheck::{self, FactCheck};
use castwright_engine::pipeline::{artifacts, notes_store, Stage};
use castwright_engine::script::Script;
use castwright_engine::ErrorCode;
use serde::Serialize;
use tauri::State;

use crate::{AppState, IpcError};

/// Every fact of a script version (the current one when `artifact_id` is absent) looked up
/// in the episode's notes; nothing when there is no script yet. Instant and free: the editor
/// asks after every saved edit.
#[tauri::command]
#[specta::specta]
pub fn fact_check(
    state: State<'_, AppState>,
    episode_id: String,
    artifact_id: Option<u32>,
) -> Result<Option<FactCheck>, IpcError> {
    let store = state.db()?;
    let art = match artifact_id {
        Some(id) => Some(artifacts::get(store.conn(), id)?),
        None => artifacts::current(store.conn(), &episode_id, Stage::Script)?,
    };
    let Some(art) = art else { return Ok(None) };
    let script = Script::parse(&art.content);
    Ok(Some(factcheck::check_episode_script(
        store.conn(),
        &episode_id,
        &script,
    )?))
}

/// A note's full text, to open it at a passage.
#[derive(Debug, Serialize, specta::Type)]
pub struct NoteView {
    pub name: String,
    pub text: String,
}

/// The note the producer knows by `name` (its file name).
#[tauri::command]
#[specta::specta]
pub fn note_text(
    state: State<'_, AppState>,
    episode_id: String,
    name: String,
) -> Result<NoteView, IpcError> {
    let store = state.db()?;
    notes_store::texts(store.conn(), &episode_id)?
        .into_iter()
        .find(|n| n.source_name == name)
        .map(|n| NoteView {
            name: n.source_name,
            text: n.text,
        })
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotFound,
                format!("{name} is no longer among this episode's notes."),
            )
        })
}
