//! Exports: the native save dialog picks the place; the file is written atomically.

use std::path::PathBuf;

use castwright_engine::export::{self, episode as export_episode, ExportOptions, Format, PageSize};
use castwright_engine::pipeline::{artifacts, episode, Stage};
use castwright_engine::ErrorCode;
use tauri::State;

use crate::{AppState, IpcError};

/// Automation (the end-to-end test) cannot click a native dialog: with this set, exports go
/// straight into that folder under the suggested name.
pub const EXPORT_DIR_ENV: &str = "CASTWRIGHT_EXPORT_DIR";

fn extension(format: Format) -> &'static str {
    match format {
        Format::Markdown => "md",
        Format::Text => "txt",
        Format::Docx => "docx",
        Format::Pdf => "pdf",
        Format::Json => "json",
    }
}

fn filter_name(format: Format) -> &'static str {
    match format {
        Format::Markdown => "Markdown",
        Format::Text => "Plain text",
        Format::Docx => "Word document",
        Format::Pdf => "PDF",
        Format::Json => "JSON",
    }
}

/// Exports a script version (the current one when `artifact_id` is absent). Returns where it
/// was written, or nothing when the producer closed the dialog.
// A command's arguments are its IPC shape: each option is a named argument of the call.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
#[specta::specta]
pub async fn export_script(
    state: State<'_, AppState>,
    episode_id: String,
    artifact_id: Option<u32>,
    format: Format,
    include_show_notes: bool,
    page_size: PageSize,
    include_checks: Option<bool>,
    include_source_notes: Option<bool>,
) -> Result<Option<String>, IpcError> {
    let (ep, prepared, checks) = {
        let store = state.db()?;
        let ep = episode::get(store.conn(), &episode_id)?;
        let art = match artifact_id {
            Some(id) => artifacts::get(store.conn(), id)?,
            None => {
                artifacts::current(store.conn(), &episode_id, Stage::Script)?.ok_or_else(|| {
                    IpcError::new(
                        ErrorCode::NotFound,
                        "There is no script to export yet. Run the episode first.",
                    )
                })?
            }
        };
        let prepared =
            export_episode::prepare(store.conn(), &ep, &art.content, include_show_notes)?;
        // "Before recording, check" is on unless turned off; source notes off unless asked.
        let checks = export_episode::checks_for(
            store.conn(),
            &episode_id,
            &art.content,
            include_checks.unwrap_or(true),
            include_source_notes.unwrap_or(false),
        )?;
        (ep, prepared, checks)
    };
    let ext = extension(format);
    let name = export::sanitize_file_name(&ep.brief.title, ext);
    let path: Option<PathBuf> = match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir).join(&name)),
        _ => {
            let desktop = state.desktop.clone();
            let filter = filter_name(format);
            let n = name.clone();
            tauri::async_runtime::spawn_blocking(move || desktop.save_dialog(&n, filter, ext))
                .await
                .map_err(|e| {
                    IpcError::internal(format!("The save dialog closed unexpectedly ({e})."))
                })?
        }
    };
    let Some(path) = path else { return Ok(None) };
    let opts = ExportOptions {
        format,
        include_show_notes,
        page_size,
    };
    let written =
        tauri::async_runtime::spawn_blocking(move || prepared.write(&path, Some(&checks), &opts))
            .await
            .map_err(|e| {
                IpcError::internal(format!(
                    "The export stopped unexpectedly ({e}). Nothing was written."
                ))
            })?
            .map_err(|e| IpcError::new(e.code(), e.to_string()))?;
    Ok(Some(written.display().to_string()))
}

/// Shows a written file in the system's file manager.
#[tauri::command]
#[specta::specta]
pub fn show_in_folder(state: State<'_, AppState>, path: String) -> Result<(), IpcError> {
    state.desktop.reveal(&path).map_err(|e| {
        IpcError::new(
            ErrorCode::NotFound,
            format!("The folder could not be opened ({e}). The file is at {path}."),
        )
    })
}
