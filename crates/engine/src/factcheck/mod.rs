//! The local fact check: every checkable fact in the script's spoken lines (figures with what
//! they count, years, dates, proper names) looked up in the episode's notes. Free and instant —
//! no model call — so it runs after the Script stage and after every edit, the same on the
//! demo, on OpenRouter and on other services.
//!
//! Each fact is found (with the note and the sentence), the notes disagree (the same thing
//! with different values, each with its note), or not in the notes.

mod episode;
mod extract;
mod index;
mod lookup;
mod numbers;
mod prompt;
mod tokens;

use serde::{Deserialize, Serialize};

use crate::script::Script;
pub use episode::{check_current_script, check_episode_script, episode_notes};
pub use index::NotesIndex;
pub use prompt::{local_findings, with_local_findings};

/// A note as the check reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteText {
    /// The label the prompts give it: "n1" for the first note.
    pub label: String,
    /// The file name the producer knows it by.
    pub name: String,
    pub text: String,
}

impl NoteText {
    /// Notes labelled n1, n2, … in the order given (the order the prompts use).
    pub fn labelled(notes: impl IntoIterator<Item = (String, String)>) -> Vec<NoteText> {
        notes
            .into_iter()
            .enumerate()
            .map(|(i, (name, text))| NoteText {
                label: format!("n{}", i + 1),
                name,
                text,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FactStatus {
    Found,
    /// The notes give different values for the same thing.
    Disagree,
    NotInNotes,
}

impl FactStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FactStatus::Found => "found",
            FactStatus::Disagree => "disagree",
            FactStatus::NotInNotes => "not_in_notes",
        }
    }
}

/// Where a fact is in the notes: the note and the sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FactSource {
    pub note: String,
    pub label: String,
    pub passage: String,
}

/// One checkable fact of a spoken line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fact {
    /// Where it is: the segment and the line within it (both from 0).
    pub segment: u32,
    pub line: u32,
    /// The words of the line that state it ("116 images").
    pub text: String,
    pub status: FactStatus,
    pub sources: Vec<FactSource>,
    /// Note labels the line itself cites ("[n2]").
    pub cited: Vec<String>,
    /// Whether a cited label is one of the fact's sources; none when nothing is cited or the
    /// fact is not in the notes.
    pub citation_ok: Option<bool>,
}

/// Every fact of a script, with the count of each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FactCheck {
    pub facts: Vec<Fact>,
    pub found: u32,
    pub disagree: u32,
    pub not_in_notes: u32,
}

impl FactCheck {
    /// The `--json` line's `fact_check` list: `{text, status, sources: [{note, passage}]}`.
    pub fn json_list(&self) -> serde_json::Value {
        self.facts
            .iter()
            .map(|f| {
                serde_json::json!({
                    "text": f.text,
                    "status": f.status.as_str(),
                    "sources": f.sources.iter().map(|s| serde_json::json!({
                        "note": s.note,
                        "passage": s.passage,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    }

    /// The `--json` line's `fact_check_counts`.
    pub fn json_counts(&self) -> serde_json::Value {
        serde_json::json!({
            "found": self.found,
            "disagree": self.disagree,
            "not_in_notes": self.not_in_notes,
        })
    }

    /// The facts a producer should look at before recording.
    pub fn flagged(&self) -> impl Iterator<Item = &Fact> {
        self.facts.iter().filter(|f| f.status != FactStatus::Found)
    }
}

/// Checks every spoken line of `script` against `notes`. The episode's speakers are never
/// reported as names.
pub fn check(script: &Script, notes: &[NoteText]) -> FactCheck {
    NotesIndex::build(notes).check(script)
}

impl NotesIndex<'_> {
    /// Checks a script against notes already read.
    pub fn check(&self, script: &Script) -> FactCheck {
        let skip: Vec<String> = script
            .speakers()
            .iter()
            .flat_map(|s| {
                s.split_whitespace()
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut out = FactCheck::default();
        for (si, seg) in script.segments.iter().enumerate() {
            for (li, line) in seg.lines.iter().enumerate() {
                if line.speaker.is_none() {
                    continue;
                }
                let (text, cited) = strip_labels(&line.text);
                let toks = tokens::tokenize(&text);
                for f in extract::extract(&toks, true, &skip) {
                    let (status, ids) = lookup::look_up(self, &f.claim);
                    let sources = lookup::sources(self, &ids);
                    let citation_ok = (!cited.is_empty() && status != FactStatus::NotInNotes)
                        .then(|| sources.iter().any(|s| cited.contains(&s.label)));
                    match status {
                        FactStatus::Found => out.found += 1,
                        FactStatus::Disagree => out.disagree += 1,
                        FactStatus::NotInNotes => out.not_in_notes += 1,
                    }
                    out.facts.push(Fact {
                        segment: u32::try_from(si).unwrap_or(u32::MAX),
                        line: u32::try_from(li).unwrap_or(u32::MAX),
                        text: text[f.start..f.end].to_string(),
                        status,
                        sources,
                        cited: cited.clone(),
                        citation_ok,
                    });
                }
            }
        }
        out
    }
}

/// The line as it is read aloud: note labels taken out, with the space before them.
pub fn without_labels(text: &str) -> String {
    if !text.contains('[') {
        return text.to_string();
    }
    let (blanked, labels) = strip_labels(text);
    if labels.is_empty() {
        return text.to_string();
    }
    let mut out = blanked.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in [" .", " ,", " ;", " :", " !", " ?"] {
        out = out.replace(p, &p[1..]);
    }
    out
}

/// The script with every line's note labels taken out (for exports).
pub fn script_without_labels(script: &Script) -> Script {
    let mut s = script.clone();
    for line in s.segments.iter_mut().flat_map(|seg| seg.lines.iter_mut()) {
        line.text = without_labels(&line.text);
    }
    s
}

/// The line with its note labels ("[n1]", "[n2, n3]") blanked out, and the labels.
pub fn strip_labels(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut labels = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            break;
        };
        let inner = &after[..close];
        let parts: Vec<&str> = inner
            .split([',', ';', ' '])
            .filter(|p| !p.is_empty())
            .collect();
        let is_label = |p: &&str| {
            p.len() > 1 && p.starts_with(['n', 'N']) && p[1..].bytes().all(|b| b.is_ascii_digit())
        };
        if !parts.is_empty() && parts.iter().all(is_label) {
            out.push_str(&rest[..open]);
            // Blanks of the same length keep every other byte where it was.
            out.extend(std::iter::repeat_n(' ', close + 2));
            labels.extend(parts.iter().map(|p| p.to_lowercase()));
        } else {
            out.push_str(&rest[..open + 1 + close + 1]);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    labels.dedup();
    (out, labels)
}

#[cfg(test)]
mod tests;
