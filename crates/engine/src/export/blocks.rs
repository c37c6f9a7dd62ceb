//! The script and show notes as a flat list of styled blocks, shared by the page-based
//! writers (DOCX and PDF) so both show the same content in the same order.

use super::block::Block;
use super::checks::{self, ExportChecks};
use super::markdown::{one_line, segment_heading};
use crate::script::{format_clock, Script, ShowNotes};

pub(crate) fn blocks(
    script: &Script,
    notes: Option<&ShowNotes>,
    checks: Option<&ExportChecks>,
) -> Vec<Block> {
    let mut out = Vec::new();
    let title = one_line(&script.title);
    if !title.is_empty() {
        out.push(Block::Title(title));
    }
    out.extend(checks::before_recording_blocks(checks, script));
    let mut source_number = 1;
    for (i, segment) in script.segments.iter().enumerate() {
        if segment_heading(i, segment).is_some() {
            let text = one_line(&segment.heading);
            out.push(Block::Heading {
                text: if text.is_empty() {
                    segment.kind.label().to_string()
                } else {
                    text
                },
                target: segment.target_seconds.map(format_clock),
            });
        }
        for line in &segment.lines {
            let text = one_line(&line.text);
            out.push(match &line.speaker {
                Some(name) => Block::Speaker {
                    name: one_line(name),
                    text,
                },
                None => Block::Direction(text),
            });
        }
        out.extend(checks::segment_notes_blocks(checks, i, &mut source_number));
    }
    if let Some(notes) = notes {
        out.push(Block::Heading {
            text: "Show notes".into(),
            target: None,
        });
        if !notes.summary.trim().is_empty() {
            out.push(Block::Paragraph(one_line(&notes.summary)));
        }
        section(
            &mut out,
            "Key takeaways",
            notes.takeaways.iter().map(|t| one_line(t)),
        );
        section(
            &mut out,
            "Chapters",
            notes
                .chapters
                .iter()
                .map(|c| format!("{} — {}", format_clock(c.start_seconds), one_line(&c.title))),
        );
        section(
            &mut out,
            "Sources",
            notes.sources.iter().map(|s| one_line(s)),
        );
    }
    out
}

fn section(out: &mut Vec<Block>, title: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.filter(|i| !i.is_empty()).collect();
    if items.is_empty() {
        return;
    }
    out.push(Block::SubHeading(title.into()));
    out.extend(items.into_iter().map(Block::Bullet));
}
