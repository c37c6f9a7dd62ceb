//! Show notes derived from a finished script, without a model call: the same script always
//! gives the same notes, so they cost nothing and can be rebuilt after every edit.

use super::clip::clip_at_word;
use super::timing::{count_words, seconds_for_words};
use super::{Chapter, Line, Script, Segment, SegmentKind, ShowNotes};

/// A line with fewer words is a greeting or a cue, not content worth summarising.
const SUBSTANTIVE_WORDS: u32 = 6;
const SUMMARY_MIN_WORDS: u32 = 35;
const SUMMARY_MAX_LINES: usize = 3;
const SUMMARY_MAX_CHARS: usize = 400;
const TAKEAWAY_MAX: usize = 8;
const TAKEAWAY_MAX_CHARS: usize = 200;

impl ShowNotes {
    /// Summary from the first substantive lines of the main segments, one takeaway per main
    /// segment, a chapter per segment timed by the words before it at 150 words a minute,
    /// and the sources as given (trimmed, duplicates dropped).
    pub fn derive(script: &Script, sources: &[String]) -> ShowNotes {
        ShowNotes {
            summary: summary(script),
            takeaways: takeaways(script),
            chapters: chapters(script),
            sources: dedup_sources(sources),
        }
    }
}

/// Main segments when there are any with content, else everything but the ads.
fn content_segments(script: &Script) -> Vec<&Segment> {
    let spoken_only = script
        .segments
        .iter()
        .flat_map(|s| &s.lines)
        .any(|l| l.speaker.is_some());
    let has_content = |s: &&Segment| s.lines.iter().any(|l| substantive(l, spoken_only));
    let main: Vec<&Segment> = script
        .segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Main)
        .filter(has_content)
        .collect();
    if !main.is_empty() {
        return main;
    }
    script
        .segments
        .iter()
        .filter(|s| s.kind != SegmentKind::AdRead)
        .filter(has_content)
        .collect()
}

/// When the script names its speakers, directions are cues and never summarised.
fn substantive(line: &Line, spoken_only: bool) -> bool {
    (!spoken_only || line.speaker.is_some()) && count_words(&spoken_text(line)) >= SUBSTANTIVE_WORDS
}

/// The words said, without a leading "(laughing)".
fn spoken_text(line: &Line) -> String {
    let t = line.text.trim();
    let t = match t.strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((_, rest)) => rest.trim(),
        None => t,
    };
    t.to_string()
}

fn has_speakers(script: &Script) -> bool {
    script
        .segments
        .iter()
        .flat_map(|s| &s.lines)
        .any(|l| l.speaker.is_some())
}

fn summary(script: &Script) -> String {
    let spoken_only = has_speakers(script);
    let mut picked: Vec<String> = Vec::new();
    let mut words = 0u32;
    for segment in content_segments(script) {
        for line in segment.lines.iter().filter(|l| substantive(l, spoken_only)) {
            let text = spoken_text(line);
            words = words.saturating_add(count_words(&text));
            picked.push(text);
            if words >= SUMMARY_MIN_WORDS || picked.len() >= SUMMARY_MAX_LINES {
                return clip_at_word(&picked.join(" "), SUMMARY_MAX_CHARS);
            }
        }
    }
    clip_at_word(&picked.join(" "), SUMMARY_MAX_CHARS)
}

fn takeaways(script: &Script) -> Vec<String> {
    let spoken_only = has_speakers(script);
    content_segments(script)
        .into_iter()
        .filter_map(|segment| {
            let line = segment.lines.iter().find(|l| substantive(l, spoken_only))?;
            let sentence = first_sentence(&spoken_text(line));
            let title = chapter_title(segment);
            let text = if segment.heading.trim().is_empty() || title == segment.kind.label() {
                sentence
            } else {
                format!("{title}: {sentence}")
            };
            Some(clip_at_word(&text, TAKEAWAY_MAX_CHARS))
        })
        .take(TAKEAWAY_MAX)
        .collect()
}

fn chapters(script: &Script) -> Vec<Chapter> {
    let mut words_before = 0u32;
    let mut out = Vec::new();
    for segment in &script.segments {
        if !segment.lines.is_empty() || !segment.heading.trim().is_empty() {
            out.push(Chapter {
                title: chapter_title(segment),
                start_seconds: seconds_for_words(words_before),
            });
        }
        words_before = words_before.saturating_add(segment.word_count());
    }
    out
}

/// The heading without a generic label in front ("Main: The launch" → "The launch"), or the
/// segment kind's name when there is no heading.
fn chapter_title(segment: &Segment) -> String {
    let heading = segment.heading.trim();
    if heading.is_empty() {
        return segment.kind.label().to_string();
    }
    if let Some(pos) = heading.find([':', '—', '–']) {
        let label = heading[..pos].trim().to_lowercase();
        let rest = heading[pos..].trim_start_matches([':', '—', '–']).trim();
        // "Main", "Main segment 2", "Segment 2", "Part two".
        let bare = label.strip_prefix("main").map_or(label.as_str(), str::trim);
        let generic = bare.is_empty()
            || ["segment", "part", "section", "act"].iter().any(|w| {
                bare.strip_prefix(w)
                    .is_some_and(|n| n.trim().chars().all(|c| c.is_alphanumeric()))
            });
        if generic && !rest.is_empty() {
            return rest.to_string();
        }
    }
    heading.to_string()
}

/// Up to the first full stop, question or exclamation mark that ends a sentence (not inside
/// the first two words, so "Dr. Smith" survives).
fn first_sentence(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if i >= 2 && word.ends_with(['.', '?', '!']) {
            break;
        }
    }
    out
}

fn dedup_sources(sources: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in sources.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentence_stops_at_the_first_full_stop() {
        assert_eq!(
            first_sentence("The probes left in 1977. Then nothing."),
            "The probes left in 1977."
        );
        assert_eq!(first_sentence("Dr. Who? No."), "Dr. Who? No.");
        assert_eq!(first_sentence("no stop here"), "no stop here");
    }

    #[test]
    fn chapter_titles_drop_generic_labels() {
        let seg = |h: &str| Segment {
            heading: h.into(),
            kind: SegmentKind::guess(h),
            target_seconds: None,
            lines: vec![],
        };
        assert_eq!(chapter_title(&seg("Main: The launch")), "The launch");
        assert_eq!(chapter_title(&seg("Segment 2 — The record")), "The record");
        assert_eq!(
            chapter_title(&seg("Main segment 2: The record")),
            "The record"
        );
        assert_eq!(chapter_title(&seg("Why: a question")), "Why: a question");
        assert_eq!(chapter_title(&seg("")), "Main");
    }
}
