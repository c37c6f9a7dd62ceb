//! JSON for other tools: the script and its show notes as the engine holds them.

use serde::Serialize;

use super::checks::{json_checks, ExportChecks, JsonChecks};
use super::ExportError;
use crate::script::{Script, ShowNotes};

/// Bumped when the shape changes, so a reader can tell.
const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Export<'a> {
    format_version: u32,
    script: &'a Script,
    show_notes: Option<&'a ShowNotes>,
    /// Every fact with its status and sources, and what to check before recording.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    checks: Option<JsonChecks<'a>>,
}

pub(crate) fn render(
    script: &Script,
    notes: Option<&ShowNotes>,
    checks: Option<&ExportChecks>,
) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec_pretty(&Export {
        format_version: FORMAT_VERSION,
        script,
        show_notes: notes,
        checks: checks.map(json_checks),
    })
    .map_err(|e| ExportError::Render {
        format: "JSON",
        detail: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
