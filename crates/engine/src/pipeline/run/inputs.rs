//! What each stage's input is, as a hash: a saved output is reused only when the hash it was
//! made from still matches (so a second run, or a run after a crash or a cancel, never pays
//! twice for finished work).

use sha2::{Digest, Sha256};

use super::super::artifacts;
use super::super::episode::Episode;
use super::super::notes_store::StoredNote;
use super::super::{Stage, StageSettings};
use super::error::RunError;

fn hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

fn settings_json(s: &StageSettings) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The hash of what `stage` is made from: the brief, the notes, the stage's settings and the
/// current output of the stage before it.
pub fn input_hash(
    conn: &rusqlite::Connection,
    ep: &Episode,
    stage: Stage,
    notes: &[StoredNote],
) -> Result<String, RunError> {
    let note_hashes: Vec<&str> = notes.iter().map(|n| n.hash.as_str()).collect();
    let notes_key = note_hashes.join(",");
    let b = &ep.brief;
    let brief_key = format!(
        "{}|{}|{}|{}|{}",
        b.title,
        b.brief,
        b.format.as_str(),
        b.language,
        b.tone
    );
    let settings = settings_json(ep.plan.get(stage));
    let prev = |s: Stage| -> Result<String, RunError> {
        Ok(artifacts::current(conn, &ep.id, s)?
            .map(|a| hash(&[&a.content]))
            .unwrap_or_default())
    };
    Ok(match stage {
        Stage::Research => hash(&["research", &brief_key, &notes_key, &settings]),
        Stage::Synthesis => hash(&["synthesis", &brief_key, &prev(Stage::Research)?, &settings]),
        Stage::Script => {
            let shape = format!(
                "{:?}|{:?}|{}|{}",
                b.speakers(),
                serde_json::to_string(&b.segments).unwrap_or_default(),
                b.minutes,
                b.guests.join(",")
            );
            hash(&[
                "script",
                &brief_key,
                &shape,
                &notes_key,
                &prev(Stage::Synthesis)?,
                &settings,
            ])
        }
        Stage::QualityCheck => hash(&[
            "quality_check",
            &brief_key,
            &notes_key,
            &prev(Stage::Script)?,
            &settings,
        ]),
    })
}

/// Whether `stage`'s current output was made from what it would be made from now.
pub fn output_fits(
    conn: &rusqlite::Connection,
    ep: &Episode,
    stage: Stage,
    notes: &[StoredNote],
) -> Result<bool, RunError> {
    let hash = input_hash(conn, ep, stage, notes)?;
    let current = artifacts::current(conn, &ep.id, stage)?;
    Ok(current.is_some_and(|a| a.input_hash == hash))
}
