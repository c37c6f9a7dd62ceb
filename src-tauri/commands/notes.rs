//! Research notes: dropped files and folders, chosen files, pasted text; list, remove, order.

use std::path::PathBuf;

use castwright_engine::notes::{self, episode_notes, Limits};
use castwright_engine::pipeline::notes_store::{self, NoteSummary};
use serde::Serialize;
use tauri::State;

use crate::{AppState, IpcError};

/// One file that was not added, and why, in plain words.
#[derive(Debug, Serialize, specta::Type)]
pub struct SkippedNote {
    pub name: String,
    pub reason: String,
}

/// What a drop or a pick did.
#[derive(Debug, Serialize, specta::Type)]
pub struct AddNotesResult {
    pub added: Vec<NoteSummary>,
    /// One sentence per file whose content was already in the episode.
    pub duplicates: Vec<String>,
    pub skipped: Vec<SkippedNote>,
    /// Every note of the episode, in order, after the change.
    pub notes: Vec<NoteSummary>,
}

fn store_batch(
    state: &AppState,
    episode_id: &str,
    batch: notes::Batch,
) -> Result<AddNotesResult, IpcError> {
    let store = state.db()?;
    let stored = episode_notes::store(store.conn(), episode_id, &batch.added)?;
    let mut duplicates = batch.duplicates;
    duplicates.extend(stored.already_there);
    Ok(AddNotesResult {
        added: stored.added,
        duplicates,
        skipped: batch
            .rejected
            .into_iter()
            .map(|r| SkippedNote {
                name: r.source_name,
                reason: r.reason,
            })
            .collect(),
        notes: stored.all,
    })
}

/// Adds dropped or chosen files and folders. Parsing runs off the UI thread; one bad file
/// never stops the others.
#[tauri::command]
#[specta::specta]
pub async fn add_note_paths(
    state: State<'_, AppState>,
    episode_id: String,
    paths: Vec<String>,
) -> Result<AddNotesResult, IpcError> {
    let known = notes_store::hashes(state.db()?.conn(), &episode_id)?;
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let batch = tauri::async_runtime::spawn_blocking(move || {
        notes::ingest_paths(&paths, &Limits::default(), &known)
    })
    .await
    .map_err(|e| {
        IpcError::internal(format!(
            "Reading the notes stopped unexpectedly ({e}). Try again."
        ))
    })?;
    store_batch(&state, &episode_id, batch)
}

#[tauri::command]
#[specta::specta]
pub fn add_pasted_note(
    state: State<'_, AppState>,
    episode_id: String,
    name: String,
    text: String,
) -> Result<AddNotesResult, IpcError> {
    let batch = match notes::ingest_pasted(&name, &text) {
        Ok(n) => notes::Batch {
            added: vec![n],
            ..notes::Batch::default()
        },
        Err(r) => notes::Batch {
            rejected: vec![r],
            ..notes::Batch::default()
        },
    };
    store_batch(&state, &episode_id, batch)
}

#[tauri::command]
#[specta::specta]
pub fn list_notes(
    state: State<'_, AppState>,
    episode_id: String,
) -> Result<Vec<NoteSummary>, IpcError> {
    Ok(notes_store::list(state.db()?.conn(), &episode_id)?)
}

#[tauri::command]
#[specta::specta]
pub fn remove_note(
    state: State<'_, AppState>,
    episode_id: String,
    note_id: u32,
) -> Result<Vec<NoteSummary>, IpcError> {
    let store = state.db()?;
    notes_store::remove(store.conn(), &episode_id, note_id)?;
    Ok(notes_store::list(store.conn(), &episode_id)?)
}

#[tauri::command]
#[specta::specta]
pub fn reorder_notes(
    state: State<'_, AppState>,
    episode_id: String,
    note_ids: Vec<u32>,
) -> Result<Vec<NoteSummary>, IpcError> {
    let mut store = state.db()?;
    notes_store::reorder(store.conn_mut(), &episode_id, &note_ids)?;
    Ok(notes_store::list(store.conn(), &episode_id)?)
}

/// Opens the native file dialog and adds the chosen files.
#[tauri::command]
#[specta::specta]
pub async fn pick_note_files(
    state: State<'_, AppState>,
    episode_id: String,
) -> Result<Option<AddNotesResult>, IpcError> {
    let desktop = state.desktop.clone();
    let picked = tauri::async_runtime::spawn_blocking(move || desktop.open_files_dialog())
        .await
        .map_err(|e| IpcError::internal(format!("The file dialog closed unexpectedly ({e}).")))?;
    if picked.is_empty() {
        return Ok(None);
    }
    let paths = picked
        .into_iter()
        .map(|p| p.display().to_string())
        .collect();
    add_note_paths(state, episode_id, paths).await.map(Some)
}
