//! Guessing what a segment is for from the words of its heading.

use super::SegmentKind;

impl SegmentKind {
    /// The kind a heading suggests: "Cold open", "Intro", "Ad read"/"Sponsor",
    /// "Outro"/"Close"; anything else is a main segment. A label before a separator decides
    /// first, so "Main segment 2: A close call" stays a main segment.
    pub fn guess(heading: &str) -> SegmentKind {
        if let Some((label, rest)) = split_label(heading) {
            let by_label = guess_words(label);
            if by_label != SegmentKind::Main {
                return by_label;
            }
            let label_words = words(label);
            if label_words.iter().any(|w| w == "main") {
                return SegmentKind::Main;
            }
            // "Segment 2: Intro": a bare "Segment 2" says nothing; what follows decides.
            if label_words.iter().any(|w| GENERIC.contains(&w.as_str())) {
                return guess_words(rest);
            }
        }
        guess_words(heading)
    }

    /// The plain name a producer reads, used when a segment has no heading of its own.
    pub fn label(self) -> &'static str {
        match self {
            SegmentKind::ColdOpen => "Cold open",
            SegmentKind::Intro => "Intro",
            SegmentKind::Main => "Main",
            SegmentKind::AdRead => "Ad read",
            SegmentKind::Outro => "Outro",
        }
    }
}

/// Words that label a segment without saying what kind it is.
const GENERIC: &[&str] = &["segment", "part", "section", "act", "chapter"];

/// The label and the rest of "Label: rest" (also " — ", " – ", " - ", " | ").
fn split_label(heading: &str) -> Option<(&str, &str)> {
    let cut = [":", " — ", " – ", " - ", " | "]
        .iter()
        .filter_map(|sep| heading.find(sep).map(|pos| (pos, sep.len())))
        .min_by_key(|&(pos, _)| pos)?;
    let (label, rest) = (&heading[..cut.0], &heading[cut.0 + cut.1..]);
    (!label.trim().is_empty() && !rest.trim().is_empty()).then_some((label, rest))
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn guess_words(heading: &str) -> SegmentKind {
    let lower = heading.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let has_pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);

    if has_pair("cold", "open") || has("coldopen") || has("teaser") {
        SegmentKind::ColdOpen
    } else if has("ad")
        || has("ads")
        || has("sponsor")
        || has("sponsors")
        || has("sponsored")
        || has("advert")
        || has("advertisement")
        || has("commercial")
        || has("midroll")
        || has_pair("mid", "roll")
        || has_pair("pre", "roll")
        || has_pair("post", "roll")
    {
        SegmentKind::AdRead
    } else if has("outro")
        || has("close")
        || has("closing")
        || has("conclusion")
        || has("goodbye")
        || has("credits")
        || has("wrap")
        || has("wrapup")
        || has_pair("sign", "off")
    {
        SegmentKind::Outro
    } else if has("intro") || has("introduction") || has("welcome") || has("opening") {
        SegmentKind::Intro
    } else {
        SegmentKind::Main
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_kinds_from_heading_words() {
        assert_eq!(SegmentKind::guess("Cold Open"), SegmentKind::ColdOpen);
        assert_eq!(SegmentKind::guess("Intro (0:45)"), SegmentKind::Intro);
        assert_eq!(SegmentKind::guess("Ad read: Acme"), SegmentKind::AdRead);
        assert_eq!(
            SegmentKind::guess("A word from our sponsor"),
            SegmentKind::AdRead
        );
        assert_eq!(SegmentKind::guess("Mid-roll"), SegmentKind::AdRead);
        assert_eq!(SegmentKind::guess("Outro"), SegmentKind::Outro);
        assert_eq!(SegmentKind::guess("Close"), SegmentKind::Outro);
        assert_eq!(SegmentKind::guess("Main: The launch"), SegmentKind::Main);
        assert_eq!(
            SegmentKind::guess("Main segment 2: A close call"),
            SegmentKind::Main
        );
        assert_eq!(SegmentKind::guess("Segment 2: Intro"), SegmentKind::Intro);
        assert_eq!(SegmentKind::guess("Ad read 1: Acme"), SegmentKind::AdRead);
        assert_eq!(
            SegmentKind::guess("Why: a closing question"),
            SegmentKind::Outro
        );
        // "ad" only as a whole word, so an adventure stays a main segment.
        assert_eq!(
            SegmentKind::guess("The adventure begins"),
            SegmentKind::Main
        );
    }
}
