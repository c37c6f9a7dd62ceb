//! Notes read from files or pasted text, stored in an episode: the one way for the window
//! app's drops and picks and for `castwright produce --notes`. A note whose content the
//! episode already has is kept once.

use rusqlite::Connection;

use super::IngestedNote;
use crate::pipeline::notes_store::{self, NoteInput, NoteSummary};
use crate::pipeline::PipelineError;

/// What storing a batch did.
#[derive(Debug)]
pub struct Stored {
    /// The notes added now, as listed.
    pub added: Vec<NoteSummary>,
    /// One sentence per note whose content was already in the episode.
    pub already_there: Vec<String>,
    /// Every note of the episode, in order, after the change.
    pub all: Vec<NoteSummary>,
}

/// The row a read note becomes.
pub fn input_of(n: &IngestedNote) -> NoteInput {
    NoteInput {
        source_name: n.source_name.clone(),
        path: n.path.as_ref().map(|p| p.display().to_string()),
        hash: n.hash.clone(),
        text: n.text.clone(),
        word_count: n.word_count,
        preview: n.preview.clone(),
        warning: n.warning.clone(),
    }
}

/// Adds `notes` to the episode, each once.
pub fn store(
    conn: &Connection,
    episode_id: &str,
    notes: &[IngestedNote],
) -> Result<Stored, PipelineError> {
    let mut added_hashes = Vec::new();
    let mut already_there = Vec::new();
    for n in notes {
        if notes_store::add(conn, episode_id, &input_of(n))? {
            added_hashes.push(n.hash.clone());
        } else {
            already_there.push(format!(
                "{} is already in this episode, so it was added once.",
                n.source_name
            ));
        }
    }
    let all = notes_store::list(conn, episode_id)?;
    let ids_added: Vec<u32> = notes_store::texts(conn, episode_id)?
        .into_iter()
        .filter(|n| added_hashes.contains(&n.hash))
        .map(|n| n.id)
        .collect();
    let added = all
        .iter()
        .filter(|n| ids_added.contains(&n.id))
        .cloned()
        .collect();
    Ok(Stored {
        added,
        already_there,
        all,
    })
}
