//! Recognising the model talking to the producer rather than writing the script: preambles
//! ("Here's the script…"), sign-offs ("Let me know if…"), word counts, production notes,
//! end markers. Only ever applied to lines no cast member speaks.

/// How a chat line starts (lower case, after markup is removed).
const OPENINGS: &[&str] = &[
    "here's",
    "here’s",
    "here is",
    "here are",
    "below is",
    "below you'll",
    "sure!",
    "sure,",
    "sure.",
    "sure thing",
    "certainly",
    "absolutely",
    "of course",
    "okay, here",
    "ok, here",
    "alright, here",
    "great question",
    "i've ",
    "i’ve ",
    "i have ",
    "i hope",
    "i kept",
    "i used",
    "i made",
    "i added",
    "i included",
    "i wrote",
    "i can ",
    "i'd ",
    "i'll ",
    "i’ll ",
    "hope this",
    "let me know",
    "feel free",
    "would you like",
    "if you'd like",
    "if you’d like",
    "if you want",
    "if you need",
    "happy to",
    "want me to",
    "shall i",
    "this script",
    "this draft",
    "this version",
    "the script above",
    "the script below",
    "word count",
    "total word count",
    "approximate word count",
    "estimated word count",
    "total words",
    "words:",
    "estimated runtime",
    "estimated run time",
    "estimated length",
    "total runtime",
    "total run time",
    "runtime:",
    "run time:",
    "approximate runtime",
    "production notes",
    "production note",
    "notes for the producer",
    "producer notes",
    "note to the producer",
    "notes on the script",
    "continuing from",
    "continuing the script",
    "picking up",
    "(continued",
    "continued from",
    "part 2 of",
    "part two of",
    "part 3 of",
    "part three of",
    "and here's",
    "draft v",
    "first draft",
    "revised draft",
    "draft for review",
];

/// Phrases that mark chat wherever they appear in a line.
const ANYWHERE: &[&str] = &[
    "let me know if",
    "let me know what",
    "hope this helps",
    "feel free to",
    "word count",
    "as requested",
    "you requested",
    "would you like me",
    "i can adjust",
    "i can also",
    "happy to adjust",
    "happy to revise",
    "any changes",
    "any adjustments",
    "the script for your",
    "your episode script",
    "your script",
];

/// Labels before a colon that describe the script rather than belong to it.
const META_LABELS: &[&str] = &[
    "title",
    "episode",
    "episode title",
    "podcast",
    "podcast title",
    "show",
    "format",
    "hosts",
    "host names",
    "speakers",
    "runtime",
    "run time",
    "estimated runtime",
    "total runtime",
    "length",
    "duration",
    "target length",
    "word count",
    "total word count",
    "words",
    "tone",
    "language",
    "production notes",
    "notes for the producer",
];

/// True when a line (markup removed) is the model talking, not part of the script.
pub(super) fn is_chat(text: &str) -> bool {
    let lower = text
        .trim_start_matches(|c: char| !c.is_alphanumeric() && c != '(')
        .to_lowercase();
    if lower.is_empty() {
        return false;
    }
    OPENINGS.iter().any(|o| lower.starts_with(o)) || ANYWHERE.iter().any(|p| lower.contains(p))
}

/// True for a label like "Word count" or "Episode title" in "Label: value".
pub(super) fn is_meta_label(label: &str) -> bool {
    let lower = label.trim().to_lowercase();
    META_LABELS.contains(&lower.as_str())
}

/// "END OF SCRIPT", "[End]", "(Continued in part 2)", "To be continued…": the model marking
/// where its text stops.
pub(super) fn is_end_marker(text: &str) -> bool {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["end"] | ["the", "end"] | ["fin"] => true,
        ["end", "of", rest @ ..] => rest.len() <= 3,
        ["to", "be", "continued", ..] => true,
        ["continued", "in", ..] | ["continues", "in", ..] => w.len() <= 6,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_chat_from_script_lines() {
        assert!(is_chat("Here's the script for your episode:"));
        assert!(is_chat("Sure! Below is a ten-minute script."));
        assert!(is_chat("Word count: ~1,150"));
        assert!(is_chat("Let me know if you'd like any changes!"));
        assert!(is_chat("— I hope this works for the show."));
        assert!(!is_chat("Music swells"));
        assert!(!is_chat("Theme fades out under the last line"));
        assert!(is_end_marker("END OF SCRIPT"));
        assert!(is_end_marker("Continued in part 2"));
        assert!(!is_end_marker("The end of the mission came in 2025"));
        assert!(is_meta_label("Episode Title"));
        assert!(!is_meta_label("Alex"));
    }
}
