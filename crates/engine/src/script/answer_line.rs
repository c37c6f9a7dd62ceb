//! One line of a model's script answer, classified: a heading, a cast member speaking, a
//! direction, an ad marker, a time target, the model's chat, or plain prose.

use super::cast::Cast;
use super::chat::{is_chat, is_end_marker, is_meta_label};
use super::markup::{direction_text, plain, spoken_text, unwrap};
use super::parse::split_target;
use super::timing::parse_time_target;

/// What a line of an answer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Element {
    /// A segment heading (time target split off). `hashes` is its `#` count, 0 when the
    /// heading was a bold, bracketed or plain label line.
    Heading {
        hashes: usize,
        text: String,
        target: Option<u32>,
    },
    /// A cast member's line, the name as the producer typed it.
    Spoken {
        speaker: String,
        text: String,
    },
    /// A name the episode does not know, speaking.
    Stranger {
        label: String,
        text: String,
    },
    /// A cast member's name alone on a line (`ALEX`, `[ALEX]`, `**Alex:**`): what follows is
    /// theirs.
    LabelOnly(String),
    /// A stage direction or cue; `strong` when its shape leaves no doubt (brackets, a cue
    /// label), weak when it is merely in italics or a note.
    Direction {
        text: String,
        strong: bool,
    },
    /// An ad read marker (`[AD]`, `AD READ: …`), with a detail for the heading and the copy
    /// that followed a colon.
    AdMarker {
        detail: Option<String>,
        copy: Option<String>,
    },
    /// A line holding only a time target, e.g. `(0:45)` under a heading.
    Target(u32),
    Prose(String),
    Bullet(String),
    /// `---`, a code fence, a line of decoration.
    Rule,
    /// "END OF SCRIPT", "(Continued in part 2)".
    End,
    /// The model talking to the producer.
    Chat,
}

/// Labels before a colon that introduce a cue, not a person.
const CUE_LABELS: &[&str] = &[
    "music",
    "music cue",
    "music in",
    "music out",
    "music bed",
    "sfx",
    "fx",
    "sound",
    "sound effect",
    "sound effects",
    "sound cue",
    "audio",
    "audio cue",
    "cue",
    "transition",
    "stinger",
    "sting",
    "jingle",
    "theme",
    "direction",
    "stage direction",
    "pause",
    "beat",
    "clip",
    "archival clip",
    "soundbite",
    "ambience",
    "ambient",
];

/// Labels of a note to the producer: kept between script lines, never a speaker.
const NOTE_LABELS: &[&str] = &[
    "note",
    "notes",
    "production note",
    "producer note",
    "editor's note",
    "fact check",
    "source",
    "sources",
    "todo",
];

/// Words that say a line is a cue even when it is only in italics.
const CUE_WORDS: &[&str] = &[
    "music",
    "theme",
    "sound",
    "sfx",
    "fade",
    "fades",
    "fading",
    "laughs",
    "laughing",
    "pause",
    "beat",
    "jingle",
    "sting",
    "stinger",
    "applause",
    "silence",
    "ambience",
    "swells",
    "plays",
    "clip",
    "chime",
    "outro",
    "intro",
    "cue",
    "transition",
    "sighs",
    "chuckles",
];

/// Words that mark ad copy in a quoted block.
const AD_PHRASES: &[&str] = &[
    "brought to you by",
    "sponsor",
    "promo code",
    "use code",
    "% off",
    "free trial",
    "supported by",
    "thanks to our",
    ".com",
    "dot com",
];

/// Classifies one trimmed, non-empty line (blockquote marks already removed).
pub(super) fn classify(line: &str, cast: &Cast) -> Element {
    if is_rule(line) {
        return Element::Rule;
    }
    if let Some(el) = hash_heading(line) {
        return el;
    }
    if let Some(el) = cast_line(line, cast) {
        return el;
    }
    let p = plain(line);
    if is_chat(&p) {
        return Element::Chat;
    }
    let (inner, wrappers) = unwrap(line);
    let inner_plain = plain(inner);
    if is_end_marker(&inner_plain) {
        return Element::End;
    }
    if wrappers.any() {
        if let Some(secs) = parse_time_target(&inner_plain) {
            return Element::Target(secs);
        }
        if let Some(name) = cast.find(inner_plain.trim_end_matches(':')) {
            return Element::LabelOnly(name);
        }
        if let Some(el) = ad_marker(&inner_plain) {
            return el;
        }
        if let Some(el) = label_heading(&inner_plain) {
            return el;
        }
        if wrappers.bracket || wrappers.paren {
            return Element::Direction {
                text: direction_text(inner),
                strong: true,
            };
        }
        if wrappers.italic {
            let text = direction_text(inner);
            let strong = has_cue_word(&text);
            return Element::Direction { text, strong };
        }
        // Bold only: a heading when it reads like one.
        if !inner_plain.ends_with(':') && heading_like(&inner_plain) {
            return heading(0, &inner_plain);
        }
    }
    if let Some(name) = cast.find(&p) {
        return Element::LabelOnly(name);
    }
    if let Some(el) = ad_marker(&p) {
        return el;
    }
    if let Some(el) = label_heading(&p) {
        return el;
    }
    // "**The Committee** (3:00)": a short line ending in a time target.
    let (before, target) = split_target(&p);
    if target.is_some() && heading_like(before) {
        return heading(0, &p);
    }
    if let Some(el) = labelled_line(line, cast) {
        return el;
    }
    if let Some(item) = bullet(&p) {
        return Element::Bullet(item.to_string());
    }
    Element::Prose(spoken_text(line))
}

/// True when quoted text reads like ad copy.
pub(super) fn is_ad_copy(text: &str) -> bool {
    let lower = text.to_lowercase();
    AD_PHRASES.iter().any(|p| lower.contains(p))
}

fn is_rule(line: &str) -> bool {
    if line.starts_with("```") || line.starts_with("~~~") {
        return true;
    }
    // Lines of dashes, stars, equals signs or emoji only: decoration.
    !line.chars().any(char::is_alphanumeric)
        && !line.contains(['[', '(', '"', '“'])
        && line.chars().filter(|c| !c.is_whitespace()).count() >= 1
}

fn hash_heading(line: &str) -> Option<Element> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = &line[hashes..];
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let text = plain(rest);
    if is_chat(&text) {
        return Some(Element::Chat);
    }
    let (inner, _) = unwrap(&text);
    Some(heading(hashes, inner))
}

fn heading(hashes: usize, text: &str) -> Element {
    let (head, target) = split_target(text);
    // "(Cold Open - 0:30)": the target written inside the same brackets.
    let head = unwrap(head).0.trim_end_matches([':', '-', '–', '—']).trim();
    Element::Heading {
        hashes,
        text: head.to_string(),
        target,
    }
}

/// A short line that does not read as a sentence.
fn heading_like(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=12).contains(&words) && !text.trim_end().ends_with(['.', '!', '?', ',', ';'])
}

/// Segment labels a heading line starts with.
const SEGMENT_LABELS: &[&[&str]] = &[
    &["cold", "open"],
    &["teaser"],
    &["intro"],
    &["introduction"],
    &["outro"],
    &["closing"],
    &["wrap", "up"],
    &["wrapup"],
    &["main", "segment"],
    &["segment"],
    &["part"],
    &["section"],
    &["act"],
    &["ad", "read"],
    &["ad", "break"],
    &["sponsor", "break"],
    &["sponsor", "read"],
    &["mid", "roll"],
    &["midroll"],
    &["host", "read", "ad"],
];

/// `Segment 1: The committee`, `COLD OPEN (0:45)`, `Outro — 1:00`: a line that starts with
/// a segment label and has nothing after it but a number, a separator and a title, or a
/// time target.
fn label_heading(text: &str) -> Option<Element> {
    let lower = text.to_lowercase();
    let (head, target) = split_target(&lower);
    let words: Vec<(usize, &str)> = word_spans(head);
    for label in SEGMENT_LABELS {
        if words.len() < label.len() || words.iter().zip(label.iter()).any(|((_, w), l)| w != l) {
            continue;
        }
        let mut i = label.len();
        // A number after the label: "Segment 2", "Part two", "Main segment #3".
        if words.get(i).is_some_and(|(_, w)| is_number_word(w)) {
            i += 1;
        }
        let rest = match words.get(i) {
            Some(&(pos, _)) => &head[pos..],
            None => "",
        };
        let between = match words.get(i.saturating_sub(1)) {
            Some(&(pos, w)) => &head[pos + w.len()..head.len() - rest.len()],
            None => "",
        };
        let separated = rest.is_empty()
            || between.contains([':', '—', '–', '|'])
            || between.contains(" - ")
            || between.trim_end().ends_with('-');
        if separated && (target.is_some() || heading_like(text)) {
            return Some(heading(0, text));
        }
    }
    None
}

fn word_spans(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

pub(super) fn is_number_word(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_digit())
        || [
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "i",
            "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x",
        ]
        .contains(&w)
}

/// `[AD]`, `AD BREAK`, `HOST-READ AD (Acme, 30s)`, `Sponsor: Acme`.
fn ad_marker(text: &str) -> Option<Element> {
    let lower = text.to_lowercase();
    // Positions found in the lower-case text are used in the original.
    if lower.len() != text.len() {
        return None;
    }
    let words = word_spans(&lower);
    let w: Vec<&str> = words.iter().map(|(_, w)| *w).collect();
    let len = match w.as_slice() {
        ["host", "read", "ad" | "ads", ..] => 3,
        ["ad" | "ads" | "sponsor" | "commercial", "read" | "break" | "spot" | "message" | "segment", ..] => {
            2
        }
        ["mid", "roll", ..] | ["pre", "roll", ..] => 2,
        ["ad" | "ads" | "advertisement" | "sponsor" | "sponsored" | "midroll", ..] => 1,
        _ => return None,
    };
    let end = words.get(len - 1).map_or(0, |&(pos, w)| pos + w.len());
    let rest = text[end..]
        .trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
        .trim_start_matches([':', '—', '–', '-', '|', ' '])
        .trim();
    let (rest, _) = split_target(rest);
    let rest = unwrap(rest).0.trim();
    if rest.is_empty() {
        return Some(Element::AdMarker {
            detail: None,
            copy: None,
        });
    }
    // "Sponsored by Acme" is a title; "AD READ: This episode is brought…" is copy.
    if heading_like(rest) && rest.split_whitespace().count() <= 6 {
        return (len > 1
            || text[end..]
                .trim_start()
                .starts_with([':', '—', '–', '-', '|']))
        .then(|| Element::AdMarker {
            detail: Some(rest.to_string()),
            copy: None,
        });
    }
    text[end..]
        .trim_start()
        .starts_with(':')
        .then(|| Element::AdMarker {
            detail: None,
            copy: Some(spoken_text(rest)),
        })
}

/// `NAME: text` in its markups, for a name in the cast.
fn cast_line(line: &str, cast: &Cast) -> Option<Element> {
    let (label, aside, text) = split_speaker(line)?;
    let speaker = cast.find(&label)?;
    let text = spoken_text(text);
    let text = match aside {
        Some(aside) if text.is_empty() => format!("({aside})"),
        Some(aside) => format!("({aside}) {text}"),
        None => text,
    };
    if text.is_empty() {
        return Some(Element::LabelOnly(speaker));
    }
    Some(Element::Spoken { speaker, text })
}

/// `LABEL: text` for a label outside the cast: a cue, a note, a fact about the script, an
/// ad, or a person the episode does not list.
fn labelled_line(line: &str, cast: &Cast) -> Option<Element> {
    let (label, aside, text) = split_speaker(line)?;
    let lower = label.to_lowercase();
    let text = spoken_text(text);
    if is_meta_label(&lower) {
        return Some(Element::Chat);
    }
    if let Some(el @ Element::AdMarker { .. }) = ad_marker(&format!("{label}: {text}")) {
        return Some(el);
    }
    let cue = CUE_LABELS.contains(&lower.as_str());
    if cue || NOTE_LABELS.contains(&lower.as_str()) {
        let text = if text.is_empty() {
            label.clone()
        } else {
            format!("{label}: {text}")
        };
        return Some(Element::Direction { text, strong: cue });
    }
    if text.is_empty() || !is_name(&label) {
        return None;
    }
    let text = match aside {
        Some(aside) => format!("({aside}) {text}"),
        None => text,
    };
    if cast.is_empty() {
        return Some(Element::Spoken {
            speaker: label,
            text,
        });
    }
    Some(Element::Stranger { label, text })
}

/// The label, an aside in brackets after it, and the text of a `LABEL: text` line in the
/// forms models write: `ALEX:`, `**ALEX:**`, `**Alex**:`, `Alex (laughs):`, `[ALEX]:`,
/// `[ALEX] text`.
fn split_speaker(line: &str) -> Option<(String, Option<String>, &str)> {
    let (name_part, text) = if let Some(rest) = line.strip_prefix('[') {
        let close = rest.find(']')?;
        let after = &rest[close + 1..];
        let after = after.strip_prefix(':').unwrap_or(after);
        (&rest[..close], after)
    } else if let Some(found) = bold_label(line) {
        found
    } else {
        let colon = line.find(':')?;
        (&line[..colon], &line[colon + 1..])
    };
    let text = text.trim_start_matches(['*', '_']).trim();
    if text.starts_with("//") {
        return None;
    }
    let name_part = plain(name_part);
    let name_part = name_part.trim().trim_end_matches(':').trim();
    let (name, aside) = match name_part.strip_suffix([')', ']']) {
        Some(body) => {
            let open = body.rfind(['(', '['])?;
            let aside = body[open + 1..].trim();
            (
                body[..open].trim(),
                (!aside.is_empty()).then(|| aside.to_string()),
            )
        }
        None => (name_part, None),
    };
    if name.is_empty() || name.chars().count() > 40 {
        return None;
    }
    Some((name.to_string(), aside, text))
}

/// `**NAME:** text`, `**NAME**: text`, `**NAME (aside):** text`, `**NAME** (aside): text`.
fn bold_label(line: &str) -> Option<(&str, &str)> {
    for marker in ["**", "__"] {
        let Some(rest) = line.strip_prefix(marker) else {
            continue;
        };
        let close = rest.find(marker)?;
        let (inside, after) = (&rest[..close], &rest[close + marker.len()..]);
        if inside.trim_end().ends_with(':') {
            return Some((inside, after));
        }
        let colon = after.find(':')?;
        // "**Alex** (laughing): text": an aside may sit between the name and the colon.
        let between = after[..colon].trim();
        if between.is_empty() || (between.starts_with('(') && between.ends_with(')')) {
            let end = close + marker.len() + colon + marker.len();
            return Some((&line[..end], &line[end + 1..]));
        }
        return None;
    }
    None
}

/// One to four capitalised words: a person's name or a role.
fn is_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && name.chars().next().is_some_and(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '\'' | '’' | '-' | '&'))
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || [
                    "van", "von", "der", "de", "da", "di", "la", "le", "al", "el", "bin",
                ]
                .contains(w)
        })
}

fn bullet(text: &str) -> Option<&str> {
    for mark in ["- ", "* ", "• ", "+ "] {
        if let Some(rest) = text.strip_prefix(mark) {
            return Some(rest.trim());
        }
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 3 {
        let rest = &text[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some(rest.trim());
        }
    }
    None
}

fn has_cue_word(text: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| CUE_WORDS.contains(&w))
}
