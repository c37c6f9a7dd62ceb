//! Reading a model's script text into a [`Script`]. Forgiving by design: models vary the
//! markup (`**NAME:**`, `NAME (laughing):`, `[3:00]` or `(0:45)` time targets), and whatever
//! is not recognised is kept as a direction line rather than dropped. Never panics.

use super::timing::parse_time_target;
use super::{Line, Script, Segment, SegmentKind};

/// Words before a colon that label a note or a cue, not a person speaking.
const NOT_SPEAKERS: &[&str] = &[
    "note",
    "notes",
    "production note",
    "source",
    "sources",
    "music",
    "sfx",
    "fx",
    "sound",
    "sound effect",
    "cue",
    "direction",
    "directions",
    "stage direction",
    "url",
    "link",
    "http",
    "https",
    "mailto",
    "time",
    "duration",
    "runtime",
    "target",
    "length",
    "summary",
    "takeaway",
    "takeaways",
    "chapters",
    "todo",
    "tip",
    "warning",
    "example",
    "fact",
    "facts",
];

/// Lower-case words allowed inside a name ("Ludwig van Beethoven").
const NAME_PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "da", "di", "du", "del", "la", "le", "bin", "al", "el",
];

const MAX_NAME_CHARS: usize = 40;
const MAX_NAME_WORDS: usize = 4;

/// One line of script text, classified.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Item {
    /// A `#` heading: its level and its text (time target not yet split off).
    Heading(usize, String),
    Line(Line),
}

impl Script {
    /// Reads script text as models write it. See the module docs for the shapes accepted.
    pub fn parse(text: &str) -> Script {
        let mut title = String::new();
        let mut segments: Vec<Segment> = Vec::new();
        // A byte-order mark (even mid-text, where pasting put it) is invisible noise.
        let text = text.replace('\u{feff}', "");
        // A lone carriage return (old Mac files) ends a line too.
        for raw in text.split(['\n', '\r']) {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            match classify(line) {
                Item::Heading(1, text) if title.is_empty() && segments.is_empty() => {
                    title = strip_emphasis(&text).to_string();
                }
                Item::Heading(_, text) => segments.push(segment_from_heading(&text)),
                Item::Line(l) => match segments.last_mut() {
                    Some(segment) => segment.lines.push(l),
                    None => segments.push(Segment {
                        heading: String::new(),
                        kind: SegmentKind::Main,
                        target_seconds: None,
                        lines: vec![l],
                    }),
                },
            }
        }
        Script { title, segments }
    }
}

/// Classifies one trimmed, non-empty line.
pub(super) fn classify(line: &str) -> Item {
    if let Some((level, text)) = heading(line) {
        return Item::Heading(level, text.to_string());
    }
    Item::Line(parse_line(line))
}

/// `#`–`######` followed by a space (or nothing): a Markdown heading.
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some((level, rest.trim()))
}

fn segment_from_heading(text: &str) -> Segment {
    let (heading, target_seconds) = split_target(strip_emphasis(text));
    let heading = strip_emphasis(heading);
    // "**Intro -** (0:45)": the separator was inside the bold; drop it too, so the heading
    // reads the same when the script is written out and read again.
    let heading = match target_seconds {
        Some(_) => trim_separator(heading),
        None => heading,
    }
    .to_string();
    Segment {
        kind: SegmentKind::guess(&heading),
        heading,
        target_seconds,
        lines: Vec::new(),
    }
}

/// Splits a trailing time target off a heading: `Intro (0:45)`, `Main: The launch [3:00]`,
/// `Outro — 1 min`.
pub(super) fn split_target(heading: &str) -> (&str, Option<u32>) {
    let h = heading.trim_end();
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(body) = h.strip_suffix(close) {
            if let Some(start) = body.rfind(open) {
                if let Some(secs) = parse_time_target(&body[start + open.len_utf8()..]) {
                    return (trim_separator(&h[..start]), Some(secs));
                }
            }
        }
    }
    // "Outro — 1 min": a dash (or bar) with spaces around it, then a time.
    for sep in [" — ", " – ", " - ", " | "] {
        if let Some(pos) = h.rfind(sep) {
            let (before, after) = (&h[..pos], &h[pos + sep.len()..]);
            if !before.trim().is_empty() {
                if let Some(secs) = parse_time_target(after) {
                    return (trim_separator(before), Some(secs));
                }
            }
        }
    }
    (h, None)
}

fn trim_separator(s: &str) -> &str {
    s.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | '|' | ',')
    })
}

/// Removes one pair of Markdown emphasis markers around the whole text (`**Intro**`,
/// `*music swells*`), only when the inside holds no marker of its own.
/// Repeats until nothing changes (`*_x_*`), so reading a heading twice gives the same text.
pub(super) fn strip_emphasis(text: &str) -> &str {
    let mut t = text.trim();
    'again: loop {
        for marker in ["***", "**", "__", "*", "_"] {
            if t.len() > marker.len() * 2 {
                if let Some(inner) = t.strip_prefix(marker).and_then(|r| r.strip_suffix(marker)) {
                    let first = marker.chars().next().unwrap_or('*');
                    if !inner.contains(first) && !inner.trim().is_empty() {
                        t = inner.trim();
                        continue 'again;
                    }
                }
            }
        }
        return t;
    }
}

/// A speaker line, a bracketed direction, or any other text as a direction.
pub(super) fn parse_line(line: &str) -> Line {
    if let Some(inner) = bracketed(line) {
        return Line::direction(inner.trim());
    }
    if let Some(l) = speaker_line(line) {
        return l;
    }
    let plain = strip_emphasis(line);
    // `*[Music swells]*`: an italic bracketed direction, as the Markdown export writes them.
    match bracketed(plain) {
        Some(inner) if plain != line => Line::direction(inner.trim()),
        _ => Line::direction(plain),
    }
}

/// The inside of `[ … ]` when the opening bracket is closed by the very last character.
fn bracketed(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('[')?.strip_suffix(']')?;
    let mut depth: usize = 1;
    for c in inner.chars() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    // The first bracket closed before the end: "[a] and [b]".
                    return None;
                }
            }
            _ => {}
        }
    }
    Some(inner)
}

/// `NAME: text`, `**NAME:** text`, `**NAME**: text`, `NAME (laughing): text`.
fn speaker_line(line: &str) -> Option<Line> {
    let bold = bold_name(line);
    let (name_part, text) = if let Some((name_part, text)) = bold {
        (name_part, text)
    } else {
        let colon = line.find(':')?;
        (&line[..colon], &line[colon + 1..])
    };
    // "https://…" and "12:30" are not speakers.
    if text.starts_with("//") || text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (name, aside) = split_aside(name_part.trim())?;
    // A bold label is a speaker's label however the name is written ("**sam:**"), so a
    // name the producer typed in lower case survives the text form.
    if !is_name(name, bold.is_some()) {
        return None;
    }
    let text = text.trim();
    let text = match aside {
        Some(aside) if text.is_empty() => format!("({aside})"),
        Some(aside) => format!("({aside}) {text}"),
        None => text.to_string(),
    };
    Some(Line::spoken(name, text))
}

/// The name part and the rest of a line that starts with a bold name.
fn bold_name(line: &str) -> Option<(&str, &str)> {
    for marker in ["**", "__"] {
        let Some(rest) = line.strip_prefix(marker) else {
            continue;
        };
        let close = rest.find(marker)?;
        let (inside, after) = (&rest[..close], &rest[close + marker.len()..]);
        if let Some(name) = inside.trim_end().strip_suffix(':') {
            return Some((name, after));
        }
        if let Some(text) = after.strip_prefix(':') {
            return Some((inside, text));
        }
        return None;
    }
    None
}

/// `NAME (laughing)` → (`NAME`, `laughing`).
fn split_aside(name_part: &str) -> Option<(&str, Option<&str>)> {
    match name_part.strip_suffix(')') {
        Some(body) => {
            let open = body.find('(')?;
            let aside = body[open + 1..].trim();
            if aside.contains(['(', ')']) {
                return None;
            }
            Some((body[..open].trim(), (!aside.is_empty()).then_some(aside)))
        }
        None => Some((name_part, None)),
    }
}

/// True when a speaker's name needs a bold label (`**sam:**`) to read back as a speaker:
/// a name in lower case. A capitalised name, or a text that is no name at all, is written
/// plain.
pub(super) fn needs_bold_label(name: &str) -> bool {
    !is_name(name, false) && is_name(name, true)
}

/// A person's name or role label as scripts write them: one to four capitalised words
/// (any case when `any_case`).
fn is_name(name: &str, any_case: bool) -> bool {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return false;
    }
    if !name.chars().next().is_some_and(char::is_alphabetic) {
        return false;
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '\'' | '’' | '-' | '&'))
    {
        return false;
    }
    let words: Vec<&str> = name.split(' ').collect();
    if words.len() > MAX_NAME_WORDS || words.iter().any(|w| w.is_empty()) {
        return false;
    }
    let capitalised = any_case
        || words.iter().all(|w| {
            NAME_PARTICLES.contains(w)
                || w.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '&')
        });
    capitalised && !NOT_SPEAKERS.contains(&name.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_speakers_in_their_usual_markups() {
        assert_eq!(parse_line("ALEX: Hello."), Line::spoken("ALEX", "Hello."));
        assert_eq!(
            parse_line("**Sam:** Hi there"),
            Line::spoken("Sam", "Hi there")
        );
        assert_eq!(
            parse_line("**Sam**: Hi there"),
            Line::spoken("Sam", "Hi there")
        );
        assert_eq!(
            parse_line("Dr. Jane Smith (laughing): No way."),
            Line::spoken("Dr. Jane Smith", "(laughing) No way.")
        );
        assert_eq!(
            parse_line("**HOST (quietly):** Ready?"),
            Line::spoken("HOST", "(quietly) Ready?")
        );
    }

    #[test]
    fn keeps_other_lines_as_directions() {
        assert_eq!(
            parse_line("[Music fades in]"),
            Line::direction("Music fades in")
        );
        assert_eq!(parse_line("*Theme plays*"), Line::direction("Theme plays"));
        assert_eq!(
            parse_line("*[Theme plays]*"),
            Line::direction("Theme plays")
        );
        assert_eq!(
            parse_line("Remember this: it matters."),
            Line::direction("Remember this: it matters.")
        );
        assert_eq!(
            parse_line("MUSIC: theme swells"),
            Line::direction("MUSIC: theme swells")
        );
        assert_eq!(
            parse_line("See https://example.org"),
            Line::direction("See https://example.org")
        );
        assert_eq!(parse_line("[a] and [b]"), Line::direction("[a] and [b]"));
    }

    #[test]
    fn splits_time_targets_off_headings() {
        assert_eq!(split_target("Intro (0:45)"), ("Intro", Some(45)));
        assert_eq!(
            split_target("Main: The launch [3:00]"),
            ("Main: The launch", Some(180))
        );
        assert_eq!(split_target("Outro — 1 min"), ("Outro", Some(60)));
        assert_eq!(split_target("Part (two)"), ("Part (two)", None));
    }
}
