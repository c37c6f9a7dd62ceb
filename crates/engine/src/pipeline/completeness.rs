//! Whether a model's answer is a finished piece of work: not empty, not cut off at the length
//! limit, and (for a script part) not missing the segments of its plan that it was asked to
//! write. Pure functions; `continuation` acts on what they find.

/// Why an answer is not done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfinished {
    /// Nothing but whitespace.
    Empty,
    /// `finish_reason: "length"`: the model stopped at its output limit.
    CutOff,
    /// The answer follows the segment plan but stops before these segments.
    MissingSegments(Vec<String>),
}

impl Unfinished {
    /// "stopped at its length limit", for "Claude Opus 4 stopped at its length limit".
    pub fn describe(&self) -> String {
        match self {
            Unfinished::Empty => "sent an empty answer".into(),
            Unfinished::CutOff => "stopped at its length limit".into(),
            Unfinished::MissingSegments(s) => format!("left out {}", s.join(", ")),
        }
    }
}

/// Judges an answer. `segments` are the plan's segments this answer was asked for (empty
/// for answers without a plan).
pub fn judge(text: &str, finish_reason: Option<&str>, segments: &[String]) -> Option<Unfinished> {
    if text.trim().is_empty() {
        return Some(Unfinished::Empty);
    }
    if finish_reason == Some("length") {
        return Some(Unfinished::CutOff);
    }
    let missing = missing_segments(text, segments);
    (!missing.is_empty()).then_some(Unfinished::MissingSegments(missing))
}

/// The planned segments after the last one the answer reaches: judged only when the answer
/// follows the plan (two planned segments have headings), so an answer with headings of
/// its own is mapped onto the plan by the script normaliser instead and never called
/// incomplete for its wording; and only at the end, because a model that stops early stops
/// before the last segments. Ad reads are not judged: models mark them in too many ways.
pub fn missing_segments(text: &str, segments: &[String]) -> Vec<String> {
    let headings: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| is_heading_like(l))
        .map(|l| l.to_lowercase())
        .collect();
    let judged: Vec<&String> = segments
        .iter()
        .filter(|s| !s.to_lowercase().starts_with("ad read"))
        .collect();
    let found: Vec<bool> = judged
        .iter()
        .map(|s| headings.iter().any(|h| names_segment(h, s)))
        .collect();
    // One matching heading may be chance ("## Cold open" opens many scripts); two show the
    // answer is following the plan.
    if found.iter().filter(|f| **f).count() < 2 {
        return Vec::new();
    }
    let last = found.iter().rposition(|f| *f).unwrap_or(0);
    judged[last + 1..].iter().map(|s| (*s).clone()).collect()
}

/// A line that may be a segment heading in any of the forms models use: `## …`, a bold-only
/// line, `Segment 2: …`, `[Outro]`, or a short line ending in a time target.
fn is_heading_like(l: &str) -> bool {
    if l.is_empty() {
        return false;
    }
    let lower = l.to_lowercase();
    l.starts_with('#')
        || (l.starts_with("**") && l.ends_with("**"))
        || l.starts_with('[')
        || lower.starts_with("segment ")
        || lower.starts_with("main segment")
        || (l.split_whitespace().count() <= 10 && l.ends_with(')') && !l.contains(": "))
}

/// Whether a heading (lower case) names a planned segment ("Main segment 2", "Outro", …).
fn names_segment(heading: &str, segment: &str) -> bool {
    let seg = segment.to_lowercase();
    if heading.contains(&seg) {
        return true;
    }
    if let Some(n) = seg.strip_prefix("main segment ") {
        let n = n.trim();
        return [format!("segment {n}"), format!("part {n}")]
            .iter()
            .any(|p| contains_word_run(heading, p));
    }
    match seg.as_str() {
        "cold open" => heading.contains("cold open") || heading.contains("cold-open"),
        "intro" => heading.contains("intro"),
        "outro" => {
            heading.contains("outro") || heading.contains("closing") || heading.contains("wrap")
        }
        _ => false,
    }
}

/// `needle` in `hay` not followed by another digit ("segment 1" is not in "segment 12").
fn contains_word_run(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(at, _)| {
        !hay[at + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn empty_and_cut_off_answers_are_not_done() {
        assert_eq!(judge("  \n", Some("stop"), &[]), Some(Unfinished::Empty));
        assert_eq!(
            judge("ALEX: There are well over", Some("length"), &[]),
            Some(Unfinished::CutOff)
        );
        assert_eq!(judge("- A finding [n1]", Some("stop"), &[]), None);
        assert_eq!(judge("- A finding [n1]", None, &[]), None);
    }

    #[test]
    fn a_script_that_follows_the_plan_but_stops_early_misses_segments() {
        let segments = plan(&[
            "Cold open",
            "Intro",
            "Main segment 1",
            "Ad read 1",
            "Main segment 2",
            "Outro",
        ]);
        let text = "## Cold open (0:45)\nALEX: Picture a gold disc.\n\n**INTRO (1:00)**\nSAM: Welcome.\n\nSegment 1: Choosing the images (4:00)\nALEX: The committee had six weeks.";
        assert_eq!(
            missing_segments(text, &segments),
            vec!["Main segment 2".to_string(), "Outro".to_string()]
        );
        let whole = format!("{text}\n\n## Main Segment 2 — Launch (3:00)\nSAM: August 1977.\n\n### Outro\nALEX: Thanks for listening.");
        assert!(missing_segments(&whole, &segments).is_empty());
    }

    #[test]
    fn a_script_with_headings_of_its_own_is_not_judged_by_the_plan() {
        let segments = plan(&["Cold open", "Main segment 1", "Outro"]);
        let text = "## The golden record\nAlex: Six weeks to choose.\n## Launch day\nSam: 1977.";
        assert!(missing_segments(text, &segments).is_empty());
        // A lone "Cold open" heading is chance, not a plan followed.
        let plan2 = plan(&["Cold open", "Intro"]);
        let text = "## Cold open\nAlex: Welcome back.\n## The golden record\nSam: Six weeks.";
        assert!(missing_segments(text, &plan2).is_empty());
    }

    #[test]
    fn segment_numbers_do_not_match_longer_numbers() {
        assert!(!names_segment("## segment 12 (1:00)", "Main segment 1"));
        assert!(names_segment(
            "segment 1: choosing the images",
            "Main segment 1"
        ));
        assert!(names_segment("**part 3 — the launch**", "Main segment 3"));
        assert!(names_segment("## wrap-up", "Outro"));
    }
}
