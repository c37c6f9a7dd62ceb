//! The notes read once per check: every sentence with its flat text, and maps from words,
//! figures (with the nouns they count), years and dates to the sentences that hold them.

use std::collections::HashMap;

use super::extract::{extract, Claim};
use super::numbers::Date;
use super::tokens::{flat_of, sentences, tokenize};
use super::NoteText;

pub(crate) struct Sentence {
    pub note: u32,
    pub start: usize,
    pub end: usize,
    /// Lower-case words and figures, single-spaced, with a space at each end.
    pub flat: String,
}

/// Sentence ids by what they contain.
pub struct NotesIndex<'a> {
    pub(crate) notes: &'a [NoteText],
    pub(crate) sentences: Vec<Sentence>,
    pub(crate) words: HashMap<String, Vec<u32>>,
    /// Noun → (figure, sentence) for every figure that counts that noun.
    pub(crate) quantities: HashMap<String, Vec<(f64, u32)>>,
    /// A figure rounded to hundredths → sentences, whatever it counts.
    pub(crate) values: HashMap<i64, Vec<u32>>,
    /// Dates with their day, and the same dates without it (so "August 1977" is found).
    pub(crate) dates: HashMap<Date, Vec<u32>>,
}

pub(crate) fn value_key(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

fn post(list: &mut Vec<u32>, id: u32) {
    if list.last() != Some(&id) {
        list.push(id);
    }
}

impl<'a> NotesIndex<'a> {
    /// Reads every note once.
    pub fn build(notes: &'a [NoteText]) -> NotesIndex<'a> {
        let mut ix = NotesIndex {
            notes,
            sentences: Vec::new(),
            words: HashMap::new(),
            quantities: HashMap::new(),
            values: HashMap::new(),
            dates: HashMap::new(),
        };
        for (n, note) in notes.iter().enumerate() {
            for (start, end) in sentences(&note.text) {
                let Ok(id) = u32::try_from(ix.sentences.len()) else {
                    return ix;
                };
                let toks = tokenize(&note.text[start..end]);
                let flat = flat_of(&toks);
                // The flat text holds every word's stem once per occurrence: index from it.
                for w in flat.split(' ').filter(|w| !w.is_empty()) {
                    match ix.words.get_mut(w) {
                        Some(list) => post(list, id),
                        None => {
                            ix.words.insert(w.to_string(), vec![id]);
                        }
                    }
                }
                for f in extract(&toks, false, &[]) {
                    match f.claim {
                        Claim::Quantity { value, nouns } => {
                            post(ix.values.entry(value_key(value)).or_default(), id);
                            for noun in nouns {
                                ix.quantities.entry(noun).or_default().push((value, id));
                            }
                        }
                        Claim::Year(y) => {
                            post(ix.values.entry(value_key(f64::from(y))).or_default(), id)
                        }
                        Claim::Date(d) => {
                            post(ix.values.entry(value_key(f64::from(d.y))).or_default(), id);
                            post(ix.dates.entry(d).or_default(), id);
                            if d.d.is_some() {
                                post(ix.dates.entry(Date { d: None, ..d }).or_default(), id);
                            }
                        }
                        Claim::Name(_) => {}
                    }
                }
                ix.sentences.push(Sentence {
                    note: u32::try_from(n).unwrap_or(u32::MAX),
                    start,
                    end,
                    flat,
                });
            }
        }
        ix
    }

    /// The sentence as the producer reads it, whitespace collapsed.
    pub(crate) fn passage(&self, id: u32) -> String {
        let s = &self.sentences[id as usize];
        let text = &self.notes[s.note as usize].text[s.start..s.end];
        // List markers and heading marks are layout, not what the note says.
        let text = text.trim_start_matches(['-', '*', '•', '#', '>', ' ', '\t']);
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Sentences holding the flat phrase (a name), found through its first word.
    pub(crate) fn phrase(&self, phrase: &str) -> Vec<u32> {
        let Some(first) = phrase.split_whitespace().next() else {
            return Vec::new();
        };
        self.words
            .get(first)
            .map(|ids| {
                ids.iter()
                    .copied()
                    .filter(|&id| self.sentences[id as usize].flat.contains(phrase))
                    .collect()
            })
            .unwrap_or_default()
    }
}
