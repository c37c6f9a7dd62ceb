//! Scripts and show notes out: Markdown, plain text, Word (DOCX), PDF and JSON, written
//! atomically so a crash or a full disk never leaves half a file where the producer expects
//! their script.

mod atomic;
mod block;
mod blocks;
mod checks;
mod docx;
pub mod episode;
mod error;
mod file_name;
mod json;
mod markdown;
mod one_line;
mod options;
mod pdf;
mod plain;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

pub use checks::ExportChecks;
pub use error::ExportError;
pub use file_name::sanitize_file_name;
pub use options::{ExportOptions, Format, PageSize};

use crate::script::{Script, ShowNotes};

/// The file's bytes in the chosen format. Show notes are included when the options ask for
/// them and some are given.
pub fn render(
    script: &Script,
    notes: Option<&ShowNotes>,
    opts: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    render_with_checks(script, notes, None, opts)
}

/// `render`, with what to check before recording and the facts' sources (Markdown, DOCX,
/// PDF and JSON carry them; plain text is the script alone).
pub fn render_with_checks(
    script: &Script,
    notes: Option<&ShowNotes>,
    checks: Option<&ExportChecks>,
    opts: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    // The script model marks facts with their note's label ("[n1]"); a producer reads the
    // sources in the check sections, never in the lines.
    let unlabelled = crate::factcheck::script_without_labels(script);
    let script = &unlabelled;
    let notes = notes.filter(|_| opts.include_show_notes);
    // The DOCX and PDF writers are third-party code; a panic in them must not take the app
    // down with the producer's unsaved choices.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| match opts.format {
        Format::Markdown => Ok(markdown::render(script, notes, checks).into_bytes()),
        Format::Text => Ok(plain::render(script, notes).into_bytes()),
        Format::Json => json::render(script, notes, checks),
        Format::Docx => docx::render(script, notes, checks, opts.page_size),
        Format::Pdf => pdf::render(script, notes, checks, opts.page_size),
    }));
    match outcome {
        Ok(result) => result,
        Err(_) => {
            tracing::error!(format = opts.format.label(), "export writer panicked");
            Err(ExportError::Render {
                format: opts.format.label(),
                detail: "the writer stopped unexpectedly".into(),
            })
        }
    }
}

/// Renders and writes to `path` atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over `path`. On any failure no partial file is left and a file already
/// at `path` is untouched. Returns the path written.
pub fn export_to(
    path: &Path,
    script: &Script,
    notes: Option<&ShowNotes>,
    opts: &ExportOptions,
) -> Result<PathBuf, ExportError> {
    export_with_checks(path, script, notes, None, opts)
}

/// `export_to`, with the checks (see `render_with_checks`).
pub fn export_with_checks(
    path: &Path,
    script: &Script,
    notes: Option<&ShowNotes>,
    checks: Option<&ExportChecks>,
    opts: &ExportOptions,
) -> Result<PathBuf, ExportError> {
    let bytes = render_with_checks(script, notes, checks, opts)?;
    atomic::write_atomic(path, &bytes)?;
    tracing::info!(
        format = opts.format.label(),
        bytes = bytes.len(),
        "script exported"
    );
    Ok(path.to_path_buf())
}
