//! An episode's research notes, in the order the producer set.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::PipelineError;

/// A note ready to be stored (from the notes module's ingestion).
#[derive(Debug, Clone, PartialEq)]
pub struct NoteInput {
    pub source_name: String,
    pub path: Option<String>,
    pub hash: String,
    pub text: String,
    pub word_count: u32,
    pub preview: String,
    pub warning: Option<String>,
}

/// A stored note as the UI lists it (without its full text).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NoteSummary {
    pub id: u32,
    pub position: u32,
    pub source_name: String,
    pub word_count: u32,
    pub preview: String,
    pub warning: Option<String>,
}

/// A stored note with its text, for prompts.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredNote {
    pub id: u32,
    pub source_name: String,
    pub hash: String,
    pub text: String,
    pub word_count: u32,
}

/// Adds a note at the end; returns false when the same content is already in the episode.
pub fn add(conn: &Connection, episode_id: &str, note: &NoteInput) -> Result<bool, PipelineError> {
    // The position is allocated by the statement that writes the row (see artifacts::save).
    let n = conn.execute(
        "INSERT OR IGNORE INTO notes (episode_id, position, source_name, path, hash, text, word_count, preview, warning, added_at)
         SELECT ?1, COALESCE(MAX(position), -1) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
         FROM notes WHERE episode_id = ?1",
        params![
            episode_id,
            note.source_name,
            note.path,
            note.hash,
            note.text,
            note.word_count,
            note.preview,
            note.warning,
            crate::clock::stamp(crate::clock::now()),
        ],
    )?;
    if n > 0 {
        touch(conn, episode_id)?;
    }
    Ok(n > 0)
}

fn touch(conn: &Connection, episode_id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE episodes SET updated_at = ?2 WHERE id = ?1",
        params![episode_id, crate::clock::stamp(crate::clock::now())],
    )?;
    Ok(())
}

pub fn hashes(
    conn: &Connection,
    episode_id: &str,
) -> Result<std::collections::HashSet<String>, PipelineError> {
    let mut stmt = conn.prepare("SELECT hash FROM notes WHERE episode_id = ?1")?;
    let rows = stmt.query_map([episode_id], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn list(conn: &Connection, episode_id: &str) -> Result<Vec<NoteSummary>, PipelineError> {
    let mut stmt = conn.prepare(
        "SELECT id, position, source_name, word_count, preview, warning FROM notes
         WHERE episode_id = ?1 ORDER BY position, id",
    )?;
    let rows = stmt.query_map([episode_id], |r| {
        Ok(NoteSummary {
            id: r.get(0)?,
            position: r.get(1)?,
            source_name: r.get(2)?,
            word_count: r.get(3)?,
            preview: r.get(4)?,
            warning: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn texts(conn: &Connection, episode_id: &str) -> Result<Vec<StoredNote>, PipelineError> {
    let mut stmt = conn.prepare(
        "SELECT id, source_name, hash, text, word_count FROM notes WHERE episode_id = ?1 ORDER BY position, id",
    )?;
    let rows = stmt.query_map([episode_id], |r| {
        Ok(StoredNote {
            id: r.get(0)?,
            source_name: r.get(1)?,
            hash: r.get(2)?,
            text: r.get(3)?,
            word_count: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn remove(conn: &Connection, episode_id: &str, note_id: u32) -> Result<(), PipelineError> {
    let n = conn.execute(
        "DELETE FROM notes WHERE episode_id = ?1 AND id = ?2",
        params![episode_id, note_id],
    )?;
    if n == 0 {
        return Err(PipelineError::NotFound(
            "That note is no longer in this episode.".into(),
        ));
    }
    touch(conn, episode_id)?;
    Ok(())
}

/// Sets the order: `note_ids` must be exactly the episode's notes.
pub fn reorder(
    conn: &mut Connection,
    episode_id: &str,
    note_ids: &[u32],
) -> Result<(), PipelineError> {
    // Immediate: it reads then writes, and another process may write in between.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut current: Vec<u32> = {
        let mut stmt = tx.prepare("SELECT id FROM notes WHERE episode_id = ?1")?;
        let rows = stmt.query_map([episode_id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut wanted = note_ids.to_vec();
    current.sort_unstable();
    wanted.sort_unstable();
    if current != wanted {
        return Err(PipelineError::Invalid(
            "The notes changed meanwhile; try moving them again.".into(),
        ));
    }
    for (pos, id) in note_ids.iter().enumerate() {
        tx.execute(
            "UPDATE notes SET position = ?3 WHERE episode_id = ?1 AND id = ?2",
            params![episode_id, id, pos as u32],
        )?;
    }
    touch(&tx, episode_id)?;
    tx.commit()?;
    Ok(())
}

pub fn exists(conn: &Connection, episode_id: &str, hash: &str) -> Result<bool, PipelineError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM notes WHERE episode_id = ?1 AND hash = ?2",
            params![episode_id, hash],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// How many notes the episode has.
pub fn count(conn: &Connection, episode_id: &str) -> Result<u32, PipelineError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM notes WHERE episode_id = ?1",
        [episode_id],
        |r| r.get(0),
    )?)
}
