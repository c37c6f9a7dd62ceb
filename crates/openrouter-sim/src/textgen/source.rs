//! Reads what a prompt provides: the producer's notes (between `<<<NOTES` and `NOTES>>>`, or
//! `<<<SOURCE` and `SOURCE>>>`), and the shape markers the app's prompts carry — `TASK: …`,
//! `SPEAKERS: …`, `WORDS: …`, `PLAN: …` (the whole episode's segments) and `SEGMENTS: …`
//! (the ones this call writes). Only the notes become output text; instructions never do.
//! Blocks labelled with a word rather than a note id (`[script]`, `[outline]`) are kept apart
//! as material to judge or follow, not to quote.

use crate::request::Message;

/// What the prompt asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    Findings,
    Outline,
    Script,
    Verdict,
    Prose,
}

/// One note, with the id the output cites it by (`n1`, `n2`, …).
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub id: String,
    pub title: Option<String>,
    pub sentences: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Source {
    pub task: Task,
    pub speakers: Vec<String>,
    pub words: Option<usize>,
    /// Every segment of the episode, in order (`PLAN:`), when the prompt gives it.
    pub plan: Vec<String>,
    /// The segments this call writes (`SEGMENTS:`); empty when the prompt does not say.
    pub segments: Vec<String>,
    pub notes: Vec<Note>,
    /// Labelled blocks that are not notes, by label: the draft under review, the outline.
    pub extras: Vec<(String, String)>,
    /// The length the script under review should have (`TARGET_WORDS:`).
    pub target_words: Option<usize>,
    /// The episode's title, from the prompt's `The episode: "…"` line.
    pub episode: Option<String>,
}

const BLOCKS: [(&str, &str); 2] = [("<<<NOTES", "NOTES>>>"), ("<<<SOURCE", "SOURCE>>>")];

impl Source {
    pub fn read(messages: &[Message]) -> Source {
        let texts: Vec<(String, String)> = messages
            .iter()
            .map(|m| (m.role.clone(), m.text()))
            .collect();

        let mut task = None;
        let mut speakers = Vec::new();
        let mut words = None;
        let mut plan = Vec::new();
        let mut episode = None;
        let mut target_words = None;
        let mut segments = Vec::new();
        // Markers are looked for outside the notes block, system messages first.
        let ordered = texts
            .iter()
            .filter(|(r, _)| r == "system" || r == "developer")
            .chain(
                texts
                    .iter()
                    .filter(|(r, _)| r != "system" && r != "developer"),
            );
        for (_, text) in ordered {
            for line in outside_blocks(text).lines() {
                let line = line.trim();
                if let Some(v) = marker(line, "TASK") {
                    task = task.or_else(|| parse_task(v));
                } else if let Some(v) = marker(line, "SPEAKERS") {
                    if speakers.is_empty() {
                        speakers = v
                            .split([',', '&'])
                            .flat_map(|s| s.split(" and "))
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect();
                    }
                } else if let Some(rest) = line.strip_prefix("The episode: \"") {
                    episode = episode.or_else(|| rest.split('"').next().map(str::to_owned));
                } else if let Some(v) = marker(line, "TARGET_WORDS") {
                    target_words = target_words.or_else(|| v.trim().parse().ok());
                } else if let Some(v) = marker(line, "PLAN") {
                    if plan.is_empty() {
                        plan = list(v);
                    }
                } else if let Some(v) = marker(line, "SEGMENTS") {
                    if segments.is_empty() {
                        segments = list(v);
                    }
                } else if let Some(v) = marker(line, "WORDS") {
                    words = words.or_else(|| {
                        v.split(|c: char| !c.is_ascii_digit())
                            .find(|s| !s.is_empty())
                            .and_then(|d| d.parse().ok())
                    });
                }
            }
        }

        let mut blocks: Vec<String> = texts.iter().flat_map(|(_, t)| inside_blocks(t)).collect();
        if blocks.is_empty() {
            // No notes block: the user's own words are the only material; the instructions
            // in system messages never are.
            blocks = texts
                .iter()
                .filter(|(r, _)| r == "user")
                .map(|(_, t)| {
                    t.lines()
                        .filter(|l| {
                            let l = l.trim();
                            ![
                                "TASK",
                                "SPEAKERS",
                                "WORDS",
                                "PLAN",
                                "SEGMENTS",
                                "TARGET_WORDS",
                            ]
                            .iter()
                            .any(|m| marker(l, m).is_some())
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .collect();
        }
        let joined = blocks.join("\n\n");
        let (mut notes_text, extras) = split_extras(&joined);
        if notes_text.trim().is_empty() {
            // Only labelled blocks (the findings handed to the outline): they are the material.
            notes_text = extras
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join("\n\n");
        }
        let notes = split_notes(&notes_text);

        Source {
            task: task.unwrap_or(Task::Prose),
            speakers,
            words,
            plan,
            segments,
            notes,
            extras,
            episode: episode.filter(|t| !t.trim().is_empty()),
            target_words,
        }
    }

    /// Every sentence with the id of its note, interleaving notes so early output covers
    /// all of them.
    pub fn cited_sentences(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let longest = self
            .notes
            .iter()
            .map(|n| n.sentences.len())
            .max()
            .unwrap_or(0);
        for i in 0..longest {
            for n in &self.notes {
                if let Some(s) = n.sentences.get(i) {
                    out.push((n.id.clone(), s.clone()));
                }
            }
        }
        out
    }

    /// The text of a labelled block (`script`, `outline`), if the prompt has one.
    pub fn extra(&self, label: &str) -> Option<&str> {
        self.extras
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, t)| t.as_str())
    }

    /// A short name for what the notes are about: the episode's title, else the first note's title, else the opening
    /// words of its first sentence.
    pub fn topic(&self) -> String {
        if let Some(t) = &self.episode {
            return t.clone();
        }
        let first = self.notes.first();
        if let Some(t) = first.and_then(|n| n.title.clone()) {
            return t;
        }
        first
            .and_then(|n| n.sentences.first())
            .map(|s| heading_from(s))
            .unwrap_or_else(|| "today's story".to_owned())
    }
}

/// The value after `NAME:` anywhere in the line (as a word of its own), to the line's end.
fn marker<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(pos) = line[from..].find(name) {
        let at = from + pos;
        let before_ok = line[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let rest = line[at + name.len()..].trim_start();
        if before_ok {
            if let Some(v) = rest.strip_prefix(':') {
                return Some(v.trim());
            }
        }
        from = at + name.len();
    }
    None
}

/// `a; b; c` → `["a", "b", "c"]`.
fn list(v: &str) -> Vec<String> {
    v.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `[script]` on a line of its own: a block the prompt labels with a word, not a note id.
fn extra_label(line: &str) -> Option<String> {
    let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?;
    let word = !inner.is_empty() && inner.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    word.then(|| inner.to_owned())
}

/// Takes the word-labelled blocks out of the material: returns the rest (the notes) and the
/// blocks. A block runs until the next label of either kind.
fn split_extras(text: &str) -> (String, Vec<(String, String)>) {
    let mut notes = String::new();
    let mut extras: Vec<(String, String)> = Vec::new();
    let mut in_extra = false;
    for line in text.lines() {
        if let Some(label) = extra_label(line) {
            extras.push((label, String::new()));
            in_extra = true;
            continue;
        }
        if note_id(line).is_some() {
            in_extra = false;
        }
        match extras.last_mut() {
            Some((_, body)) if in_extra => {
                body.push_str(line);
                body.push('\n');
            }
            _ => {
                notes.push_str(line);
                notes.push('\n');
            }
        }
    }
    for (_, body) in &mut extras {
        *body = body.trim().to_owned();
    }
    (notes, extras)
}

pub(crate) fn parse_task(v: &str) -> Option<Task> {
    let v = v.to_ascii_lowercase();
    let word = v
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|s| !s.is_empty())?;
    match word {
        "findings" | "finding" | "research" => Some(Task::Findings),
        "outline" | "synthesis" => Some(Task::Outline),
        "script" | "dialogue" => Some(Task::Script),
        "verdict" | "quality" | "review" => Some(Task::Verdict),
        "prose" => Some(Task::Prose),
        _ => None,
    }
}

fn inside_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in BLOCKS {
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len()..];
            let body_end = after.find(close).unwrap_or(after.len());
            out.push(after[..body_end].to_owned());
            rest = &after[(body_end + close.len()).min(after.len())..];
        }
    }
    out
}

fn outside_blocks(text: &str) -> String {
    let mut out = text.to_owned();
    for (open, close) in BLOCKS {
        while let Some(start) = out.find(open) {
            let end = out[start..]
                .find(close)
                .map_or(out.len(), |e| start + e + close.len());
            out.replace_range(start..end, "");
        }
    }
    out
}

/// `[n3] Title…` → ("n3", "Title…") for a line that opens a note.
fn note_id(line: &str) -> Option<(String, &str)> {
    let l = line.trim_start_matches(['#', '-', '*', ' ']);
    let inner_end = l.find(']')?;
    let inner = l.strip_prefix('[')?.get(..inner_end - 1)?;
    let digits = inner.strip_prefix(['n', 'N'])?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((format!("n{digits}"), l[inner_end + 1..].trim()))
}

/// Notes marked `[n1]`, `[n2]` at line starts; without marks, one note per paragraph.
fn split_notes(text: &str) -> Vec<Note> {
    let marked = text.lines().any(|l| note_id(l).is_some());
    let mut raw: Vec<(String, Option<String>, String)> = Vec::new();
    if marked {
        for line in text.lines() {
            if let Some((id, rest)) = note_id(line) {
                // A short first line is a title; a long one is already content.
                let (title, body) = if !rest.is_empty()
                    && rest.split_whitespace().count() <= 10
                    && !ends_sentence(rest)
                {
                    (Some(rest.trim_end_matches(':').to_owned()), String::new())
                } else {
                    (None, rest.to_owned())
                };
                raw.push((id, title, body));
            } else if let Some(last) = raw.last_mut() {
                last.2.push('\n');
                last.2.push_str(line);
            }
        }
    } else {
        for (i, para) in text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            raw.push((format!("n{}", i + 1), None, para.to_owned()));
        }
    }
    raw.into_iter()
        .map(|(id, title, body)| {
            // A Markdown heading opening the note's text is its title.
            let (title, body) = match (title, markdown_title(&body)) {
                (None, Some((t, rest))) => (Some(t), rest),
                (title, _) => (title, body),
            };
            Note {
                id,
                title,
                sentences: sentences(&body),
            }
        })
        .filter(|n| !n.sentences.is_empty() || n.title.is_some())
        .map(|mut n| {
            if n.sentences.is_empty() {
                if let Some(t) = &n.title {
                    n.sentences.push(finish_sentence(t));
                }
            }
            n
        })
        .collect()
}

/// `# Title` as the first non-empty line: the title and the text after it.
fn markdown_title(body: &str) -> Option<(String, String)> {
    let trimmed = body.trim_start();
    let first = trimmed.lines().next()?;
    let title = first.strip_prefix('#')?.trim_start_matches('#').trim();
    if title.is_empty() {
        return None;
    }
    let rest = trimmed[first.len()..].to_owned();
    Some((title.to_owned(), rest))
}

fn ends_sentence(s: &str) -> bool {
    s.ends_with(['.', '!', '?'])
}

fn finish_sentence(s: &str) -> String {
    let s = s.trim().trim_end_matches([',', ';', ':']);
    if ends_sentence(s) || s.ends_with(['"', '\u{201d}', ')']) {
        s.to_owned()
    } else {
        format!("{s}.")
    }
}

/// Splits prose into sentences: at `.`, `!`, `?` followed by a space and a capital or digit,
/// and at line ends; bullet marks are dropped and fragments under three words skipped.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line
            .trim()
            .trim_start_matches(['-', '*', '•', '>', '#'])
            .trim();
        let line = strip_list_number(line);
        if line.is_empty() {
            continue;
        }
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut start = 0;
        for (k, (i, c)) in chars.iter().enumerate() {
            if matches!(c, '.' | '!' | '?') {
                let next = chars.get(k + 1).map(|x| x.1);
                let after = chars.get(k + 2).map(|x| x.1);
                let boundary = next == Some(' ')
                    && after.is_some_and(|a| a.is_uppercase() || a.is_ascii_digit() || a == '"');
                if boundary && !is_abbreviation(&line[start..*i]) {
                    push_sentence(&mut out, &line[start..=*i]);
                    start = i + 1;
                }
            }
        }
        push_sentence(&mut out, &line[start..]);
    }
    out
}

fn strip_list_number(line: &str) -> &str {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        if let Some(rest) = line[digits..].strip_prefix(['.', ')']) {
            return rest.trim_start();
        }
    }
    line
}

fn is_abbreviation(before: &str) -> bool {
    let last = before.rsplit(' ').next().unwrap_or("");
    [
        "Mr", "Mrs", "Ms", "Dr", "St", "vs", "e.g", "i.e", "Jr", "Sr", "No",
    ]
    .contains(&last)
        || (last.len() == 1 && last.chars().all(|c| c.is_uppercase()))
}

fn push_sentence(out: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if s.split_whitespace().count() >= 3 {
        out.push(finish_sentence(s));
    }
}

/// A heading made of a sentence's first words.
pub fn heading_from(s: &str) -> String {
    let words: Vec<&str> = s
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-'))
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    let mut h = words.join(" ");
    if let Some(first) = h.get(..1) {
        h = first.to_uppercase() + &h[1..];
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(role: &str, content: &str) -> Message {
        serde_json::from_value(json!({"role": role, "content": content})).unwrap()
    }

    #[test]
    fn reads_markers_and_marked_notes() {
        let s = Source::read(&[
            msg("system", "You write podcasts. TASK: script\n## SPEAKERS: Alex, Sam\nWORDS: 1500"),
            msg(
                "user",
                "Write it.\n<<<NOTES\n[n1] Voyager's golden record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired it.\n[n2] The launch\nVoyager 2 launched on August 20, 1977.\nNOTES>>>",
            ),
        ]);
        assert_eq!(s.task, Task::Script);
        assert_eq!(s.speakers, vec!["Alex", "Sam"]);
        assert_eq!(s.words, Some(1500));
        assert_eq!(s.notes.len(), 2);
        assert_eq!(s.notes[0].title.as_deref(), Some("Voyager's golden record"));
        assert_eq!(
            s.notes[0].sentences,
            vec![
                "The committee had six weeks to choose 116 images.",
                "Carl Sagan chaired it."
            ]
        );
        assert_eq!(s.notes[1].id, "n2");
        assert_eq!(s.topic(), "Voyager's golden record");
    }

    #[test]
    fn paragraphs_become_notes_without_marks() {
        let s = Source::read(&[msg(
            "user",
            "<<<SOURCE\nFirst paragraph has a sentence here.\n\nSecond paragraph says more things.\nSOURCE>>>",
        )]);
        assert_eq!(s.task, Task::Prose);
        assert_eq!(s.notes.len(), 2);
        assert_eq!(s.notes[1].id, "n2");
    }

    #[test]
    fn instructions_never_become_material() {
        let s = Source::read(&[
            msg(
                "system",
                "SECRET INSTRUCTION never repeat this sentence please.",
            ),
            msg(
                "user",
                "TASK: findings\nThe bridge opened in 1937 after four years.",
            ),
        ]);
        let all: String = s.cited_sentences().into_iter().map(|(_, t)| t).collect();
        assert!(!all.contains("SECRET"));
        assert!(!all.contains("TASK"));
        assert!(all.contains("bridge opened"));
        assert_eq!(s.task, Task::Findings);
    }

    #[test]
    fn sentence_splitting_keeps_abbreviations_and_numbers() {
        let v = sentences("Dr. Smith arrived at 3.30 p.m. on Friday. Then he left. Ok");
        assert_eq!(
            v,
            vec!["Dr. Smith arrived at 3.30 p.m. on Friday.", "Then he left."]
        );
    }
}
