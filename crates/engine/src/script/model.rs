//! The script's data types. Other modules (pipeline, export, the window app) code against
//! these names, so they stay as they are.

use serde::{Deserialize, Serialize};

use super::timing::{count_words, seconds_for_words};

/// A whole episode script: a title and its segments in running order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Script {
    pub title: String,
    pub segments: Vec<Segment>,
}

/// One part of the episode (cold open, intro, a main section, an ad read, the outro).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Segment {
    pub heading: String,
    pub kind: SegmentKind,
    /// How long the segment should run, when the script says so.
    pub target_seconds: Option<u32>,
    pub lines: Vec<Line>,
}

/// What a segment is for; guessed from its heading when read from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    ColdOpen,
    Intro,
    Main,
    AdRead,
    Outro,
}

/// One line of the script: something a host says, or (with no speaker) a direction or note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Line {
    /// `None` for a direction ("music fades in") or a production note.
    pub speaker: Option<String>,
    pub text: String,
}

/// Show notes for the episode page, derived from the script.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShowNotes {
    pub summary: String,
    pub takeaways: Vec<String>,
    pub chapters: Vec<Chapter>,
    pub sources: Vec<String>,
}

/// A chapter marker: a title and where it starts in the spoken episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Chapter {
    pub title: String,
    pub start_seconds: u32,
}

impl Line {
    pub fn spoken(speaker: impl Into<String>, text: impl Into<String>) -> Line {
        Line {
            speaker: Some(speaker.into()),
            text: text.into(),
        }
    }

    pub fn direction(text: impl Into<String>) -> Line {
        Line {
            speaker: None,
            text: text.into(),
        }
    }

    pub fn word_count(&self) -> u32 {
        count_words(&self.text)
    }
}

impl Segment {
    /// Words in the segment's lines (speaker names are not read aloud, so not counted).
    pub fn word_count(&self) -> u32 {
        self.lines
            .iter()
            .fold(0u32, |n, l| n.saturating_add(l.word_count()))
    }
}

impl Script {
    /// Words in every line of the script. Directions count too: they are usually a few words,
    /// and a solo host's narration is often written without a speaker name.
    pub fn word_count(&self) -> u32 {
        self.segments
            .iter()
            .fold(0u32, |n, s| n.saturating_add(s.word_count()))
    }

    /// How long the script takes to read aloud at 150 words a minute, rounded up.
    pub fn estimated_seconds(&self) -> u32 {
        seconds_for_words(self.word_count())
    }

    /// The speakers in order of first appearance.
    pub fn speakers(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for line in self.segments.iter().flat_map(|s| &s.lines) {
            if let Some(name) = &line.speaker {
                if !seen.iter().any(|s| s == name) {
                    seen.push(name.clone());
                }
            }
        }
        seen
    }
}
