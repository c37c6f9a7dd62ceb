//! The episode's segment plan ("Cold open", "Intro", "Main segment 1", "Ad read 1", …) and
//! placing a model's headings onto it, in order, by kind and number.

use super::answer_line::is_number_word;
use super::markup::tame_capitals;
use super::SegmentKind;

/// What a script answer is read against: who speaks, and the segments the script was asked
/// for, in order, as the app names them (`prompts::segment_plan`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptPlan {
    pub hosts: Vec<String>,
    pub guests: Vec<String>,
    pub segments: Vec<String>,
}

struct Slot {
    label: String,
    kind: SegmentKind,
    number: Option<u32>,
}

/// The plan with a cursor: headings are placed on slots after the last one placed.
pub(super) struct PlanMap {
    slots: Vec<Slot>,
    cursor: usize,
}

/// A heading placed: the slot it took, if any, and the heading to show.
pub(super) struct Placed {
    pub slot: Option<usize>,
    pub heading: String,
}

/// Words that name a segment without describing it.
const LABEL_WORDS: &[&str] = &[
    "main",
    "segment",
    "part",
    "section",
    "act",
    "chapter",
    "cold",
    "open",
    "teaser",
    "intro",
    "introduction",
    "outro",
    "closing",
    "close",
    "wrap",
    "up",
    "wrapup",
    "conclusion",
    "ad",
    "ads",
    "read",
    "break",
    "sponsor",
    "sponsored",
    "midroll",
    "mid",
    "roll",
    "pre",
    "post",
    "commercial",
    "host",
    "spot",
    "message",
    "no",
];

impl PlanMap {
    pub fn new(plan: &ScriptPlan) -> PlanMap {
        let slots = plan
            .segments
            .iter()
            .map(|label| Slot {
                label: label.trim().to_string(),
                kind: SegmentKind::guess(label),
                number: number_in(label),
            })
            .collect();
        PlanMap { slots, cursor: 0 }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Places a heading (time target already removed) on the next slot of its kind,
    /// preferring the slot with its number. The heading shown is the plan's label, followed
    /// by the model's own title for the segment when it gave one.
    pub fn place(&mut self, heading: &str) -> Placed {
        let (label, title) = split_generic(heading);
        let kind = match (&label, title.is_empty()) {
            (Some(label), true) => SegmentKind::guess(label),
            (Some(label), false) => SegmentKind::guess(&format!("{label}: {title}")),
            (None, _) => SegmentKind::guess(heading),
        };
        let number = label.as_deref().and_then(number_in);
        let found = (self.cursor..self.slots.len())
            .find(|&i| {
                let s = &self.slots[i];
                s.kind == kind && (number.is_none() || s.number.is_none() || s.number == number)
            })
            .or_else(|| (self.cursor..self.slots.len()).find(|&i| self.slots[i].kind == kind));
        let title = tame_capitals(&title);
        match found {
            Some(i) => {
                self.cursor = i + 1;
                let label = &self.slots[i].label;
                let heading = if title.is_empty() || same_words(&title, label) {
                    label.clone()
                } else {
                    format!("{label}: {title}")
                };
                Placed {
                    slot: Some(i),
                    heading,
                }
            }
            None => Placed {
                slot: None,
                heading: tame_capitals(heading),
            },
        }
    }

    /// True when the heading starts with a segment's label ("Segment 2", "Outro", "Ad
    /// break"), false for a title alone ("The committee").
    pub fn names_a_segment(&self, heading: &str) -> bool {
        split_generic(heading).0.is_some()
    }

    /// Places an ad marker that has no heading of its own.
    pub fn place_ad(&mut self, detail: Option<&str>) -> Placed {
        let placed = self.place("Ad read");
        match (placed.slot, detail) {
            (slot, Some(d)) => Placed {
                heading: format!("{}: {}", placed.heading, tame_capitals(d)),
                slot,
            },
            (_, None) => placed,
        }
    }
}

/// `MAIN SEGMENT 2: The record` → (`MAIN SEGMENT 2`, `The record`); `Cold open` →
/// (`Cold open`, ``); `The record` → (None, `The record`).
fn split_generic(heading: &str) -> (Option<String>, String) {
    let cut = [":", " — ", " – ", " - ", " | "]
        .iter()
        .filter_map(|sep| heading.find(sep).map(|pos| (pos, sep.len())))
        .min_by_key(|&(pos, _)| pos);
    let (label, rest) = match cut {
        Some((pos, len)) => (&heading[..pos], heading[pos + len..].trim()),
        None => (heading, ""),
    };
    if is_generic(label) {
        let rest = if is_generic(rest)
            && !rest.is_empty()
            && SegmentKind::guess(label) != SegmentKind::Main
        {
            ""
        } else {
            rest
        };
        return (Some(label.trim().to_string()), rest.to_string());
    }
    (None, heading.trim().to_string())
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_generic(label: &str) -> bool {
    let w = words(label);
    !w.is_empty()
        && w.iter()
            .all(|w| LABEL_WORDS.contains(&w.as_str()) || is_number_word(w))
}

fn same_words(a: &str, b: &str) -> bool {
    words(a) == words(b)
}

fn number_in(label: &str) -> Option<u32> {
    let w = words(label);
    w.iter().find_map(|w| {
        w.parse::<u32>().ok().or_else(|| {
            [
                "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            ]
            .iter()
            .position(|n| n == w)
            .map(|p| p as u32 + 1)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> PlanMap {
        PlanMap::new(&ScriptPlan {
            hosts: vec![],
            guests: vec![],
            segments: [
                "Cold open",
                "Intro",
                "Main segment 1",
                "Ad read 1",
                "Main segment 2",
                "Outro",
            ]
            .map(String::from)
            .to_vec(),
        })
    }

    #[test]
    fn places_headings_on_the_plan_in_order() {
        let mut p = plan();
        let h = |p: &mut PlanMap, t: &str| {
            let placed = p.place(t);
            (placed.slot, placed.heading)
        };
        assert_eq!(h(&mut p, "COLD OPEN"), (Some(0), "Cold open".into()));
        assert_eq!(h(&mut p, "Introduction"), (Some(1), "Intro".into()));
        assert_eq!(
            h(&mut p, "Segment 1: The Committee"),
            (Some(2), "Main segment 1: The Committee".into())
        );
        assert_eq!(h(&mut p, "AD BREAK"), (Some(3), "Ad read 1".into()));
        assert_eq!(
            h(&mut p, "MAIN SEGMENT 2: THE GOLDEN RECORD"),
            (Some(4), "Main segment 2: The Golden Record".into())
        );
        assert_eq!(h(&mut p, "Wrap-up"), (Some(5), "Outro".into()));
        assert_eq!(
            h(&mut p, "Bonus: outtakes"),
            (None, "Bonus: outtakes".into())
        );
    }
}
