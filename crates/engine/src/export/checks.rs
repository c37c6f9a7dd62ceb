//! What to check before recording, and where each fact comes from, in the exports: the
//! quality check's unsupported claims and the local fact check's disagreements and facts not
//! in the notes ("Before recording, check", on by default), and numbered source notes after
//! each segment (off by default).

use serde::Serialize;

use super::block::Block;
use super::one_line::one_line;
use crate::factcheck::{Fact, FactCheck, FactSource, FactStatus};
use crate::pipeline::quality::UnsupportedClaim;
use crate::script::Script;

/// The findings an export may carry, and which parts of them to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportChecks {
    /// The quality verdict's claims the notes do not support.
    pub unsupported_claims: Vec<UnsupportedClaim>,
    /// The local fact check of the exported script.
    pub facts: FactCheck,
    /// The "Before recording, check" section.
    pub before_recording: bool,
    /// Numbered source notes after each segment.
    pub source_notes: bool,
}

/// One thing to check: what, why, and the passages behind it.
pub(crate) struct Item {
    pub what: String,
    pub why: String,
    pub sources: Vec<FactSource>,
}

pub(crate) const SECTION_TITLE: &str = "Before recording, check";

fn where_in(script: &Script, f: &Fact) -> String {
    script
        .segments
        .get(f.segment as usize)
        .map(|s| one_line(&s.heading))
        .filter(|h| !h.is_empty())
        .map(|h| format!(" ({h})"))
        .unwrap_or_default()
}

/// Each flagged fact once (the same figure said twice is one thing to check), then the
/// quality check's claims.
pub(crate) fn items(checks: &ExportChecks, script: &Script) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut seen: Vec<(String, FactStatus)> = Vec::new();
    for f in checks.facts.flagged() {
        let key = (f.text.to_lowercase(), f.status);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let why = match f.status {
            FactStatus::Disagree => "your notes disagree",
            _ => "not in your notes",
        };
        out.push(Item {
            what: format!("“{}”{}", one_line(&f.text), where_in(script, f)),
            why: why.into(),
            sources: f.sources.clone(),
        });
    }
    for c in &checks.unsupported_claims {
        out.push(Item {
            what: format!("“{}”", one_line(&c.claim)),
            why: format!("the quality check: {}", one_line(&c.reason)),
            sources: Vec::new(),
        });
    }
    out
}

fn source_line(s: &FactSource) -> String {
    format!("{}: “{}”", one_line(&s.note), one_line(&s.passage))
}

/// The numbered source notes of one segment, numbered on from `next`.
pub(crate) fn segment_notes(
    checks: &ExportChecks,
    segment: usize,
    next: &mut usize,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for f in checks
        .facts
        .facts
        .iter()
        .filter(|f| f.segment as usize == segment)
    {
        if f.sources.is_empty() || seen.contains(&f.text.to_lowercase()) {
            continue;
        }
        seen.push(f.text.to_lowercase());
        let sources: Vec<String> = f.sources.iter().map(source_line).collect();
        let flag = if f.status == FactStatus::Disagree {
            " (your notes disagree)"
        } else {
            ""
        };
        out.push(format!(
            "{next}. “{}”{flag} — {}",
            one_line(&f.text),
            sources.join("; ")
        ));
        *next += 1;
    }
    out
}

/// The section in Markdown (empty when it is switched off).
pub(crate) fn before_recording_markdown(checks: Option<&ExportChecks>, script: &Script) -> String {
    let Some(checks) = checks.filter(|c| c.before_recording) else {
        return String::new();
    };
    let mut out = format!("## {SECTION_TITLE}\n\n");
    let items = items(checks, script);
    if items.is_empty() {
        out.push_str("Nothing to check: every fact was found in your notes.\n\n");
    }
    for item in items {
        out.push_str(&format!("- **{}** — {}\n", item.what, item.why));
        for s in &item.sources {
            out.push_str(&format!("  - {}\n", source_line(s)));
        }
    }
    out.push_str("\n---\n\n");
    out
}

/// A segment's source notes in Markdown (empty when switched off or none).
pub(crate) fn segment_notes_markdown(
    checks: Option<&ExportChecks>,
    segment: usize,
    next: &mut usize,
) -> String {
    let Some(checks) = checks.filter(|c| c.source_notes) else {
        return String::new();
    };
    let notes = segment_notes(checks, segment, next);
    if notes.is_empty() {
        return String::new();
    }
    let mut out = String::from("*Sources:*\n\n");
    for n in notes {
        out.push_str(&n);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The section as blocks for DOCX and PDF.
pub(crate) fn before_recording_blocks(
    checks: Option<&ExportChecks>,
    script: &Script,
) -> Vec<Block> {
    let Some(checks) = checks.filter(|c| c.before_recording) else {
        return Vec::new();
    };
    let mut out = vec![Block::Heading {
        text: SECTION_TITLE.into(),
        target: None,
    }];
    let items = items(checks, script);
    if items.is_empty() {
        out.push(Block::Paragraph(
            "Nothing to check: every fact was found in your notes.".into(),
        ));
    }
    for item in items {
        out.push(Block::Bullet(format!("{} — {}", item.what, item.why)));
        for s in &item.sources {
            out.push(Block::Paragraph(source_line(s)));
        }
    }
    out
}

/// A segment's source notes as blocks.
pub(crate) fn segment_notes_blocks(
    checks: Option<&ExportChecks>,
    segment: usize,
    next: &mut usize,
) -> Vec<Block> {
    let Some(checks) = checks.filter(|c| c.source_notes) else {
        return Vec::new();
    };
    let notes = segment_notes(checks, segment, next);
    if notes.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Block::SubHeading("Sources".into())];
    out.extend(notes.into_iter().map(Block::Paragraph));
    out
}

/// What the JSON export adds: every fact, and the section when it is on.
#[derive(Serialize)]
pub(crate) struct JsonChecks<'a> {
    pub fact_check: &'a FactCheck,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_recording: Option<JsonBeforeRecording<'a>>,
}

#[derive(Serialize)]
pub(crate) struct JsonBeforeRecording<'a> {
    pub unsupported_claims: &'a [UnsupportedClaim],
    pub disagreements: Vec<&'a Fact>,
    pub not_in_notes: Vec<&'a Fact>,
}

pub(crate) fn json_checks(checks: &ExportChecks) -> JsonChecks<'_> {
    JsonChecks {
        fact_check: &checks.facts,
        before_recording: checks.before_recording.then(|| JsonBeforeRecording {
            unsupported_claims: &checks.unsupported_claims,
            disagreements: checks
                .facts
                .facts
                .iter()
                .filter(|f| f.status == FactStatus::Disagree)
                .collect(),
            not_in_notes: checks
                .facts
                .facts
                .iter()
                .filter(|f| f.status == FactStatus::NotInNotes)
                .collect(),
        }),
    }
}
