//! Markdown: `#` title, `##` segments with their time targets, `**NAME:** text` lines,
//! directions in italic brackets. Script::parse reads it back.

use super::checks::{self, ExportChecks};
pub(crate) use super::one_line::one_line;
use crate::script::{format_clock, Line, Script, Segment, ShowNotes};

pub(crate) fn render(
    script: &Script,
    notes: Option<&ShowNotes>,
    checks: Option<&ExportChecks>,
) -> String {
    let mut out = String::new();
    if !script.title.trim().is_empty() {
        out.push_str(&format!("# {}\n\n", one_line(&script.title)));
    }
    out.push_str(&checks::before_recording_markdown(checks, script));
    let mut source_number = 1;
    for (i, segment) in script.segments.iter().enumerate() {
        if let Some(heading) = segment_heading(i, segment) {
            out.push_str(&format!("## {heading}\n\n"));
        }
        for line in &segment.lines {
            out.push_str(&line_markdown(line));
            out.push_str("\n\n");
        }
        out.push_str(&checks::segment_notes_markdown(
            checks,
            i,
            &mut source_number,
        ));
    }
    if let Some(notes) = notes {
        out.push_str("---\n\n## Show notes\n\n");
        if !notes.summary.trim().is_empty() {
            out.push_str(&format!("{}\n\n", one_line(&notes.summary)));
        }
        bullets(
            &mut out,
            "Key takeaways",
            notes.takeaways.iter().map(|t| one_line(t)),
        );
        bullets(
            &mut out,
            "Chapters",
            notes
                .chapters
                .iter()
                .map(|c| format!("{} — {}", format_clock(c.start_seconds), one_line(&c.title))),
        );
        bullets(
            &mut out,
            "Sources",
            notes.sources.iter().map(|s| one_line(s)),
        );
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The heading with its time target; `None` for the untitled opening lines of a script.
pub(crate) fn segment_heading(index: usize, segment: &Segment) -> Option<String> {
    let heading = one_line(&segment.heading);
    let heading = if heading.is_empty() {
        if index == 0 && segment.target_seconds.is_none() {
            return None;
        }
        segment.kind.label().to_string()
    } else {
        heading
    };
    Some(match segment.target_seconds {
        Some(t) => format!("{heading} ({})", format_clock(t)),
        None => heading,
    })
}

fn line_markdown(line: &Line) -> String {
    let text = one_line(&line.text);
    match &line.speaker {
        Some(name) => format!("**{}:** {text}", one_line(name))
            .trim_end()
            .to_string(),
        None => format!("*[{text}]*"),
    }
}

fn bullets(out: &mut String, title: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.filter(|i| !i.is_empty()).collect();
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("### {title}\n\n"));
    for item in items {
        out.push_str(&format!("- {item}\n"));
    }
    out.push('\n');
}
