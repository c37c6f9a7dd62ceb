//! Guessing what a segment is for from the words of its heading.

use super::SegmentKind;

impl SegmentKind {
    /// The kind a heading suggests: "Cold open", "Intro", "Ad read"/"Sponsor",
    /// "Outro"/"Close"; anything else is a main segment.
    pub fn guess(heading: &str) -> SegmentKind {
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
        // "ad" only as a whole word, so an adventure stays a main segment.
        assert_eq!(
            SegmentKind::guess("The adventure begins"),
            SegmentKind::Main
        );
    }
}
