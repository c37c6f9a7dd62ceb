//! One fact against the index: found (with its passages), the notes disagree (with the
//! passage of each value), or not in the notes.

use super::extract::Claim;
use super::index::{value_key, NotesIndex};
use super::numbers::{same_value, Date};
use super::{FactSource, FactStatus};

/// Most passages listed for a found fact: enough to follow, few enough to read.
const MAX_FOUND: usize = 3;
/// Most passages listed for a disagreement (each value with its note).
const MAX_DISAGREE: usize = 8;

pub(crate) fn look_up(ix: &NotesIndex, claim: &Claim) -> (FactStatus, Vec<u32>) {
    match claim {
        Claim::Quantity { value, nouns } => quantity(ix, *value, nouns),
        Claim::Year(y) => bare(ix, f64::from(*y)),
        Claim::Date(d) => date(ix, *d),
        Claim::Name(phrase) => {
            let ids = ix.phrase(phrase);
            if ids.is_empty() {
                (FactStatus::NotInNotes, ids)
            } else {
                (FactStatus::Found, cap(ids, MAX_FOUND))
            }
        }
    }
}

fn cap(ids: impl IntoIterator<Item = u32>, n: usize) -> Vec<u32> {
    let mut seen = Vec::with_capacity(n);
    for id in ids {
        if !seen.contains(&id) {
            seen.push(id);
        }
        if seen.len() == n {
            break;
        }
    }
    seen
}

fn quantity(ix: &NotesIndex, value: f64, nouns: &[String]) -> (FactStatus, Vec<u32>) {
    let mut agree = Vec::new();
    let mut differ = Vec::new();
    for noun in nouns {
        for &(v, id) in ix.quantities.get(noun).map(Vec::as_slice).unwrap_or(&[]) {
            if same_value(v, value) {
                agree.push(id);
            } else if comparable(v, value) {
                differ.push(id);
            }
        }
    }
    if !differ.is_empty() {
        // The passage of every value, the script's own first.
        agree.extend(differ);
        return (FactStatus::Disagree, cap(agree, MAX_DISAGREE));
    }
    if !agree.is_empty() {
        return (FactStatus::Found, cap(agree, MAX_FOUND));
    }
    bare(ix, value)
}

/// Two figures for the same noun that could be the same count told differently (115 and
/// 118 images), rather than two different things counted (2 images of whales and 116 in
/// all): within a factor of two of each other.
fn comparable(a: f64, b: f64) -> bool {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    lo > 0.0 && hi <= lo * 2.0
}

/// The figure anywhere in the notes, whatever it counts there.
fn bare(ix: &NotesIndex, value: f64) -> (FactStatus, Vec<u32>) {
    match ix.values.get(&value_key(value)) {
        Some(ids) if !ids.is_empty() => (FactStatus::Found, cap(ids.iter().copied(), MAX_FOUND)),
        _ => (FactStatus::NotInNotes, Vec::new()),
    }
}

fn date(ix: &NotesIndex, d: Date) -> (FactStatus, Vec<u32>) {
    if let Some(ids) = ix.dates.get(&d) {
        return (FactStatus::Found, cap(ids.iter().copied(), MAX_FOUND));
    }
    // The same month and year with another day: the notes give a different date for it.
    if d.d.is_some() {
        let mut others: Vec<u32> = ix
            .dates
            .iter()
            .filter(|(k, _)| k.y == d.y && k.m == d.m && k.d.is_some())
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        others.sort_unstable();
        if !others.is_empty() {
            return (FactStatus::Disagree, cap(others, MAX_DISAGREE));
        }
    }
    (FactStatus::NotInNotes, Vec::new())
}

pub(crate) fn sources(ix: &NotesIndex, ids: &[u32]) -> Vec<FactSource> {
    ids.iter()
        .map(|&id| {
            let note = &ix.notes[ix.sentences[id as usize].note as usize];
            FactSource {
                note: note.name.clone(),
                label: note.label.clone(),
                passage: ix.passage(id),
            }
        })
        .collect()
}
