//! How Research splits the work: each note (long ones in pieces) is a focused question for
//! the model — "what here matters for this episode?" — and small notes are batched into one
//! call so that a folder of clippings does not become fifty tiny requests.

use super::notes_store::StoredNote;

/// A piece of a long note stays under this many words.
pub const PIECE_WORDS: usize = 2_500;
/// Small pieces are packed together up to this many words per call.
pub const BATCH_WORDS: usize = 1_800;
/// Research calls in flight at once. Each batch is independent and the stage waits for the
/// slowest wave, so a long episode's notes (a 60-minute episode brings about 9,000 words, five
/// or six batches) are read in one wave rather than two; more than this would mostly add requests
/// that a provider's rate limit sends back to retry.
pub const CONCURRENCY: usize = 6;

/// One research call: labelled pieces of notes, e.g. `("n3", "…")`.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub pieces: Vec<(String, String)>,
    pub words: usize,
}

/// Splits notes into labelled pieces (`n1`, `n2`, … by note; `n2.1`, `n2.2` for the pieces
/// of a long note) and packs them into batches, keeping order.
pub fn plan(notes: &[StoredNote]) -> Vec<Batch> {
    let mut pieces: Vec<(String, String, usize)> = Vec::new();
    for (i, note) in notes.iter().enumerate() {
        let label = format!("n{}", i + 1);
        let words: Vec<&str> = note.text.split_whitespace().collect();
        let header = format!("{} — {}", note.source_name, "");
        let header = header.trim_end_matches(" — ").to_string();
        if words.len() <= PIECE_WORDS {
            pieces.push((
                label,
                format!("{header}\n{}", note.text.trim()),
                words.len(),
            ));
        } else {
            for (j, chunk) in words.chunks(PIECE_WORDS).enumerate() {
                pieces.push((
                    format!("{label}.{}", j + 1),
                    format!("{header}\n{}", chunk.join(" ")),
                    chunk.len(),
                ));
            }
        }
    }
    let mut batches: Vec<Batch> = Vec::new();
    for (label, text, words) in pieces {
        match batches.last_mut() {
            Some(b) if b.words + words <= BATCH_WORDS => {
                b.pieces.push((label, text));
                b.words += words;
            }
            _ => batches.push(Batch {
                pieces: vec![(label, text)],
                words,
            }),
        }
    }
    batches
}

/// The labelled notes as the later stages quote them.
pub fn labelled(notes: &[StoredNote]) -> Vec<(String, String)> {
    notes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                format!("n{}", i + 1),
                format!("{}\n{}", n.source_name, n.text.trim()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(name: &str, words: usize) -> StoredNote {
        StoredNote {
            id: 0,
            source_name: name.into(),
            hash: String::new(),
            text: vec!["word"; words].join(" "),
            word_count: words as u32,
        }
    }

    #[test]
    fn small_notes_are_batched_and_long_ones_split() {
        let notes = vec![
            note("a.txt", 300),
            note("b.txt", 400),
            note("c.txt", 6000),
            note("d.txt", 100),
        ];
        let batches = plan(&notes);
        let labels: Vec<Vec<&str>> = batches
            .iter()
            .map(|b| b.pieces.iter().map(|p| p.0.as_str()).collect())
            .collect();
        assert_eq!(
            labels,
            vec![
                vec!["n1", "n2"],
                vec!["n3.1"],
                vec!["n3.2"],
                vec!["n3.3", "n4"]
            ]
        );
        assert!(batches
            .iter()
            .all(|b| b.words <= BATCH_WORDS.max(PIECE_WORDS)));
    }
}
