//! The one way a model's script answer becomes the script model: the model's chat around
//! the script (preambles, sign-offs, word counts, production notes, rules, its own title) is
//! taken off and handed back, speakers are matched to the episode's cast, cues become
//! directions, headings are placed on the segment plan, and ad reads become ad-read
//! segments. Answers written in several parts are read part by part, so chat between parts
//! never lands mid-script.

use super::answer_line::{classify, is_ad_copy, Element};
use super::cast::Cast;
use super::markup::tame_capitals;
use super::plan::{PlanMap, ScriptPlan};
use super::{Line, Script, Segment, SegmentKind};

/// A model's answer read as a script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalised {
    /// The script, exactly as `Script::parse(&script.to_text())` reads it back (so it can be
    /// saved as text). Its title is empty: the episode's own title is used.
    pub script: Script,
    /// The text taken off, one entry per stretch of chat, as the model wrote it (markup and
    /// all). Keep it with the raw answer: nothing the model sent is lost.
    pub dropped: Vec<String>,
    /// The plan's segments no heading of the answer was placed on (by kind and number, in
    /// order) or that were placed but hold no lines. Empty when the plan was followed.
    pub missing: Vec<String>,
}

impl Normalised {
    /// The dropped text as one string, stretches separated by a blank line.
    pub fn dropped_text(&self) -> String {
        self.dropped.join("\n\n")
    }
}

/// Reads one answer against the episode's plan. Never fails.
pub fn normalise(answer: &str, plan: &ScriptPlan) -> Normalised {
    normalise_parts(&[answer], plan)
}

/// Reads an answer that came in parts (one call per group of segments), each part on its own
/// so the chat around every part is dropped; the plan is followed across the parts.
pub fn normalise_parts<S: AsRef<str>>(parts: &[S], plan: &ScriptPlan) -> Normalised {
    let cast = Cast::new(&plan.hosts, &plan.guests);
    let mut b = Builder {
        map: PlanMap::new(plan),
        segments: Vec::new(),
        dropped: Vec::new(),
        pending: None,
        ad_from_quote: None,
        deferred: Vec::new(),
    };
    for part in parts {
        b.part(part.as_ref(), &cast);
    }
    b.finish(plan)
}

/// A classified line with the text it came from.
struct Item {
    raw: String,
    el: Element,
    quoted: bool,
}

struct Built {
    segment: Segment,
    slot: Option<usize>,
    /// The `#` count of its heading; 0 for a bold, bracketed or plain heading, or none.
    level: usize,
}

struct Builder {
    map: PlanMap,
    segments: Vec<Built>,
    dropped: Vec<String>,
    /// A speaker named alone on a line, whose words follow.
    pending: Option<String>,
    /// An ad read opened by a quoted block inside another segment: the index of the
    /// segment it interrupted. That segment's later lines stay in it; the ad follows it.
    ad_from_quote: Option<usize>,
    /// Such ads, waiting for their segment to end.
    deferred: Vec<Built>,
}

impl Builder {
    fn part(&mut self, text: &str, cast: &Cast) {
        let items = read_items(text, cast);
        let anchors: Vec<usize> = (0..items.len()).filter(|&i| is_anchor(&items, i)).collect();
        let (first, last) = match (anchors.first(), anchors.last()) {
            (Some(&f), Some(&l)) => (f, l),
            // Nothing shaped like a script: keep the prose, drop only the obvious chat.
            _ => (0, items.len().saturating_sub(1)),
        };
        self.drop_items(&items[..first.min(items.len())]);
        self.pending = None;
        let mut chat_run: Vec<&Item> = Vec::new();
        for (i, item) in items.iter().enumerate().take(last + 1).skip(first) {
            if matches!(item.el, Element::Chat | Element::End) {
                chat_run.push(item);
                continue;
            }
            if !chat_run.is_empty() {
                self.drop_items_ref(&chat_run);
                chat_run.clear();
            }
            let next_quoted = items.get(i + 1).is_some_and(|n| n.quoted);
            self.take(item, next_quoted);
        }
        self.drop_items_ref(&chat_run);
        if last + 1 < items.len() {
            self.drop_items(&items[last + 1..]);
        }
        self.close_quote_ad();
        self.flush_deferred();
    }

    fn flush_deferred(&mut self) {
        self.segments.append(&mut self.deferred);
    }

    fn drop_items(&mut self, items: &[Item]) {
        let refs: Vec<&Item> = items.iter().collect();
        self.drop_items_ref(&refs);
    }

    fn drop_items_ref(&mut self, items: &[&Item]) {
        let text = items
            .iter()
            .filter(|i| !matches!(i.el, Element::Rule))
            .map(|i| i.raw.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let text = text.trim();
        if !text.is_empty() {
            self.dropped.push(text.to_string());
        }
    }

    fn take(&mut self, item: &Item, next_quoted: bool) {
        if item.quoted && !matches!(item.el, Element::Heading { .. } | Element::AdMarker { .. }) {
            let in_ad = self
                .segments
                .last()
                .is_some_and(|s| s.segment.kind == SegmentKind::AdRead);
            if !in_ad && self.ad_from_quote.is_none() && is_ad_copy(&item.raw) {
                self.open_ad(None, true);
            }
        }
        match &item.el {
            Element::Heading {
                text,
                target,
                hashes,
            } => {
                self.close_quote_ad();
                self.open(text, *target, *hashes);
            }
            Element::AdMarker { detail, copy } => {
                self.close_quote_ad();
                self.open_ad(detail.as_deref(), false);
                if let Some(copy) = copy {
                    self.push(Line::direction(copy.clone()));
                }
            }
            Element::Target(secs) => {
                if let Some(last) = self.segments.last_mut() {
                    if last.segment.lines.is_empty() && last.segment.target_seconds.is_none() {
                        last.segment.target_seconds = Some(*secs);
                    }
                }
            }
            Element::Spoken { speaker, text } => {
                self.pending = None;
                self.push(Line::spoken(speaker.clone(), text.clone()));
            }
            Element::Stranger { label, text } => {
                self.pending = None;
                self.push(Line::spoken(label.clone(), text.clone()));
            }
            Element::LabelOnly(name) => self.pending = Some(name.clone()),
            Element::Direction { text, .. } => {
                self.pending = None;
                if !text.is_empty() {
                    self.push(Line::direction(text.clone()));
                }
            }
            Element::Prose(text) | Element::Bullet(text) => match &self.pending {
                Some(name) => self.push(Line::spoken(name.clone(), text.clone())),
                None => self.push(Line::direction(text.clone())),
            },
            Element::Rule | Element::End | Element::Chat => {}
        }
        if item.quoted && !next_quoted {
            self.close_quote_ad();
        }
    }

    fn open(&mut self, heading: &str, target: Option<u32>, hashes: usize) {
        self.pending = None;
        self.flush_deferred();
        // "## Main segment 1" then "### The committee": the second names the first (or a
        // part of it), it is not the plan's next segment.
        if let Some(prev) = self.segments.last_mut() {
            let deeper = hashes > 0 && prev.level > 0 && hashes > prev.level;
            let empty = prev.segment.lines.is_empty();
            if !self.map.names_a_segment(heading) && (deeper || (empty && prev.slot.is_some())) {
                let title = tame_capitals(heading);
                if empty {
                    prev.segment.heading = format!("{}: {title}", prev.segment.heading);
                    prev.segment.target_seconds = prev.segment.target_seconds.or(target);
                    prev.segment.kind = SegmentKind::guess(&prev.segment.heading);
                } else {
                    self.segments.push(Built {
                        segment: Segment {
                            kind: SegmentKind::guess(&title),
                            heading: title,
                            target_seconds: target,
                            lines: Vec::new(),
                        },
                        slot: None,
                        level: hashes,
                    });
                }
                return;
            }
        }
        let placed = self.map.place(heading);
        // A heading straight after another with nothing between: one heading ("## Main
        // segment 1" then "### The committee"), unless both are placed on the plan.
        if let Some(prev) = self.segments.last_mut() {
            if prev.segment.lines.is_empty() && !(prev.slot.is_some() && placed.slot.is_some()) {
                if prev.slot.is_none() && placed.slot.is_some() {
                    prev.segment.heading = placed.heading;
                    prev.slot = placed.slot;
                } else if placed.slot.is_none() && !placed.heading.is_empty() {
                    prev.segment.heading = format!("{}: {}", prev.segment.heading, placed.heading);
                }
                prev.segment.target_seconds = prev.segment.target_seconds.or(target);
                prev.segment.kind = SegmentKind::guess(&prev.segment.heading);
                return;
            }
        }
        self.segments.push(Built {
            segment: Segment {
                kind: SegmentKind::guess(&placed.heading),
                heading: placed.heading,
                target_seconds: target,
                lines: Vec::new(),
            },
            slot: placed.slot,
            level: hashes,
        });
    }

    fn open_ad(&mut self, detail: Option<&str>, from_quote: bool) {
        self.pending = None;
        let open_ad_is_empty = self
            .segments
            .last()
            .is_some_and(|s| s.segment.kind == SegmentKind::AdRead && s.segment.lines.is_empty());
        if open_ad_is_empty {
            return;
        }
        if !from_quote {
            self.flush_deferred();
        }
        let placed = self.map.place_ad(detail);
        if from_quote {
            self.ad_from_quote = Some(self.segments.len().saturating_sub(1));
        }
        self.segments.push(Built {
            segment: Segment {
                kind: SegmentKind::AdRead,
                heading: placed.heading,
                target_seconds: None,
                lines: Vec::new(),
            },
            slot: placed.slot,
            level: 0,
        });
    }

    /// After a quoted ad inside a segment, the segment's own lines continue: they go back
    /// to it, and the ad moves after it.
    fn close_quote_ad(&mut self) {
        let Some(host) = self.ad_from_quote.take() else {
            return;
        };
        if host + 2 == self.segments.len() {
            let ad = self.segments.remove(host + 1);
            self.deferred.push(ad);
        }
    }

    fn push(&mut self, line: Line) {
        if self.segments.is_empty() {
            self.segments.push(Built {
                segment: Segment {
                    heading: String::new(),
                    kind: SegmentKind::Main,
                    target_seconds: None,
                    lines: Vec::new(),
                },
                slot: None,
                level: 0,
            });
        }
        if let Some(last) = self.segments.last_mut() {
            last.segment.lines.push(line);
        }
    }

    fn finish(self, plan: &ScriptPlan) -> Normalised {
        let mut covered = vec![false; self.map.len()];
        let mut segments = Vec::new();
        for b in self.segments {
            if b.segment.lines.is_empty() {
                continue;
            }
            if let Some(slot) = b.slot {
                covered[slot] = true;
            }
            segments.push(b.segment);
        }
        let missing = plan
            .segments
            .iter()
            .zip(&covered)
            .filter(|(_, &c)| !c)
            .map(|(s, _)| s.clone())
            .collect();
        let script = Script {
            title: String::new(),
            segments,
        };
        Normalised {
            script: Script::parse(&script.to_text()),
            dropped: self.dropped,
            missing,
        }
    }
}

fn read_items(text: &str, cast: &Cast) -> Vec<Item> {
    let text = text.replace('\u{feff}', "");
    let mut items = Vec::new();
    for raw in text.split(['\n', '\r']) {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let unquoted = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        let quoted = unquoted.len() != line.len();
        if unquoted.is_empty() {
            continue;
        }
        items.push(Item {
            raw: raw.trim_end().to_string(),
            el: classify(unquoted, cast),
            quoted,
        });
    }
    items
}

/// A line that is surely part of the script: the chat before the first of these and after
/// the last is dropped.
fn is_anchor(items: &[Item], i: usize) -> bool {
    let item = &items[i];
    match &item.el {
        Element::Spoken { .. } | Element::LabelOnly(_) | Element::AdMarker { .. } => true,
        Element::Direction { strong, .. } => *strong,
        Element::Prose(text) => item.quoted && is_ad_copy(text),
        Element::Heading { hashes, .. } => {
            // What comes next decides: a segment's heading is followed by its lines; a
            // title is followed by another heading or by chat.
            let next = items[i + 1..]
                .iter()
                .find(|n| !matches!(n.el, Element::Rule | Element::Target(_)));
            match next.map(|n| &n.el) {
                Some(Element::Heading { .. }) => *hashes > 1,
                Some(el) => is_content(el),
                None => false,
            }
        }
        _ => false,
    }
}

fn is_content(el: &Element) -> bool {
    matches!(
        el,
        Element::Spoken { .. }
            | Element::LabelOnly(_)
            | Element::Stranger { .. }
            | Element::AdMarker { .. }
            | Element::Direction { strong: true, .. }
    )
}
