//! A Script stage answer on its way to being saved: read through the script normaliser
//! against the episode's cast and segment plan, with the answer as it arrived and the chat
//! taken off it kept beside the saved version.

use rusqlite::{params, Connection, OptionalExtension};

use super::episode::{clean, EpisodeBrief, Format};
use super::{prompts, PipelineError};
use crate::script::{normalise_parts, ScriptPlan};

/// What the script is read against: the episode's speakers and its segment plan.
pub fn plan_for(brief: &EpisodeBrief) -> ScriptPlan {
    let speakers = brief.speakers();
    let guests: Vec<String> = if brief.format == Format::Interview {
        brief
            .guests
            .iter()
            .map(|g| clean(g))
            .filter(|g| !g.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let hosts = speakers[..speakers.len().saturating_sub(guests.len())].to_vec();
    ScriptPlan {
        hosts,
        guests,
        segments: prompts::segment_plan(brief),
    }
}

/// A model's answer as it arrived, and the chat taken off it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawAnswer {
    pub raw: String,
    pub dropped: String,
}

/// The script text to save for an answer that came in `parts`, and the raw answer to keep
/// beside it.
pub fn clean_script<S: AsRef<str>>(brief: &EpisodeBrief, parts: &[S]) -> (String, RawAnswer) {
    let n = normalise_parts(parts, &plan_for(brief));
    if !n.dropped.is_empty() {
        tracing::info!(
            stretches = n.dropped.len(),
            "chat around the script answer kept apart from the script"
        );
    }
    let raw = parts
        .iter()
        .map(|p| p.as_ref().trim())
        .collect::<Vec<_>>()
        .join("\n\n");
    (
        n.script.to_text(),
        RawAnswer {
            raw,
            dropped: n.dropped_text(),
        },
    )
}

/// Keeps the raw answer beside the saved version `artifact_id`.
pub fn save(conn: &Connection, artifact_id: u32, answer: &RawAnswer) -> Result<(), PipelineError> {
    conn.execute(
        "INSERT OR REPLACE INTO artifact_answers (artifact_id, raw, dropped) VALUES (?1, ?2, ?3)",
        params![artifact_id, answer.raw, answer.dropped],
    )?;
    Ok(())
}

/// The raw answer behind a saved version, when it came from a model after this was kept.
pub fn get(conn: &Connection, artifact_id: u32) -> Result<Option<RawAnswer>, PipelineError> {
    Ok(conn
        .query_row(
            "SELECT raw, dropped FROM artifact_answers WHERE artifact_id = ?1",
            [artifact_id],
            |r| {
                Ok(RawAnswer {
                    raw: r.get(0)?,
                    dropped: r.get(1)?,
                })
            },
        )
        .optional()?)
}
