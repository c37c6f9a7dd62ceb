//! Plain text for teleprompters and email: `NAME: text` lines, headings underlined.

use super::markdown::{one_line, segment_heading};
use crate::script::{format_clock, Script, ShowNotes};

pub(crate) fn render(script: &Script, notes: Option<&ShowNotes>) -> String {
    let mut out = String::new();
    let title = one_line(&script.title);
    if !title.is_empty() {
        underlined(&mut out, &title, '=');
    }
    for (i, segment) in script.segments.iter().enumerate() {
        if let Some(heading) = segment_heading(i, segment) {
            underlined(&mut out, &heading, '-');
        }
        for line in &segment.lines {
            let text = one_line(&line.text);
            match &line.speaker {
                Some(name) => out.push_str(format!("{}: {text}", one_line(name)).trim_end()),
                None => out.push_str(&format!("[{text}]")),
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if let Some(notes) = notes {
        underlined(&mut out, "Show notes", '=');
        if !notes.summary.trim().is_empty() {
            out.push_str(&format!("{}\n\n", one_line(&notes.summary)));
        }
        list(
            &mut out,
            "Key takeaways",
            notes.takeaways.iter().map(|t| format!("- {}", one_line(t))),
        );
        list(
            &mut out,
            "Chapters",
            notes
                .chapters
                .iter()
                .map(|c| format!("{}  {}", format_clock(c.start_seconds), one_line(&c.title))),
        );
        list(
            &mut out,
            "Sources",
            notes.sources.iter().map(|s| format!("- {}", one_line(s))),
        );
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn underlined(out: &mut String, text: &str, mark: char) {
    out.push_str(text);
    out.push('\n');
    out.extend(std::iter::repeat_n(mark, text.chars().count().max(3)));
    out.push_str("\n\n");
}

fn list(out: &mut String, title: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return;
    }
    out.push_str(title);
    out.push('\n');
    for item in items {
        out.push_str(&item);
        out.push('\n');
    }
    out.push('\n');
}
