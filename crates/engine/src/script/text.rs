//! Writing a [`Script`] back to the text form [`Script::parse`] reads, so a script survives
//! the round trip through the editor and through a model's revision.

use super::parse::{classify, needs_bold_label, Item};
use super::timing::format_clock;
use super::{Line, Script, SegmentKind};

impl Script {
    /// The script as text: `# Title`, `## Heading (m:ss)`, `NAME: text`, `[direction]`.
    /// `Script::parse(&s.to_text())` gives back `s` for any script that came from `parse`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let title = one_line(&self.title);
        if !title.is_empty() {
            out.push_str("# ");
            out.push_str(&title);
            out.push_str("\n\n");
        }
        for (i, segment) in self.segments.iter().enumerate() {
            // Lines before any heading read back as an untitled first segment, so that
            // segment needs no heading line of its own.
            let implicit = i == 0
                && segment.heading.trim().is_empty()
                && segment.target_seconds.is_none()
                && segment.kind == SegmentKind::Main
                && !segment.lines.is_empty();
            if !implicit {
                out.push_str(&heading_line(&segment.heading, segment.target_seconds));
                out.push('\n');
            }
            for line in &segment.lines {
                out.push_str(&line_text(line));
                out.push('\n');
            }
            out.push('\n');
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }
}

/// `## Heading (m:ss)`.
pub(crate) fn heading_line(heading: &str, target: Option<u32>) -> String {
    let heading = one_line(heading);
    match (heading.is_empty(), target) {
        (true, None) => "##".to_string(),
        (true, Some(t)) => format!("## ({})", format_clock(t)),
        (false, None) => format!("## {heading}"),
        (false, Some(t)) => format!("## {heading} ({})", format_clock(t)),
    }
}

/// One script line as text: `NAME: text`, or a direction in brackets.
pub(crate) fn line_text(line: &Line) -> String {
    let text = one_line(&line.text);
    match &line.speaker {
        Some(name) => {
            let name = one_line(name);
            // "sam" as the producer typed it reads back only as a bold label.
            let label = if needs_bold_label(&name) {
                format!("**{name}:**")
            } else {
                format!("{name}:")
            };
            if text.is_empty() {
                label
            } else {
                format!("{label} {text}")
            }
        }
        None => {
            // Brackets are the convention; bare text, then italics, for the rare direction
            // whose own brackets or leading `#` would read back as something else.
            let wanted = Item::Line(Line::direction(text.clone()));
            let candidates = [
                format!("[{text}]"),
                text.clone(),
                format!("*{text}*"),
                format!("_{text}_"),
            ];
            candidates
                .iter()
                .find(|c| !c.is_empty() && classify(c) == wanted)
                .unwrap_or(&candidates[0])
                .clone()
        }
    }
}

/// Text fields are single lines in the text form; a stray line break becomes a space.
fn one_line(s: &str) -> String {
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
