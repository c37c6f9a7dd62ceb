//! The check for a stored episode: its notes (labelled as the prompts label them) against a
//! script version. Cheap enough to run on every read, so nothing is stored: the editor asks
//! after the Script stage and after every saved edit, the headless run after the run.

use rusqlite::Connection;

use super::{FactCheck, NoteText};
use crate::pipeline::{artifacts, notes_store, PipelineError, Stage};
use crate::script::Script;

/// The episode's notes, labelled n1, n2, … in the producer's order.
pub fn episode_notes(conn: &Connection, episode_id: &str) -> Result<Vec<NoteText>, PipelineError> {
    Ok(NoteText::labelled(
        notes_store::texts(conn, episode_id)?
            .into_iter()
            .map(|n| (n.source_name, n.text)),
    ))
}

/// Checks `script` against the episode's notes.
pub fn check_episode_script(
    conn: &Connection,
    episode_id: &str,
    script: &Script,
) -> Result<FactCheck, PipelineError> {
    Ok(super::check(script, &episode_notes(conn, episode_id)?))
}

/// Checks the episode's current script (none when there is no script yet).
pub fn check_current_script(
    conn: &Connection,
    episode_id: &str,
) -> Result<Option<FactCheck>, PipelineError> {
    let Some(art) = artifacts::current(conn, episode_id, Stage::Script)? else {
        return Ok(None);
    };
    let script = Script::parse(&art.content);
    check_episode_script(conn, episode_id, &script).map(Some)
}
