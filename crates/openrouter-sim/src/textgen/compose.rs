//! Writes the output shapes the app's stages ask for, using only sentences from the notes:
//! findings, an outline, a two-voice script, a JSON verdict, or plain prose. Lengths follow
//! the word target and stay within the token budget, so a reply that ends on its own ends
//! with `finish_reason: "stop"`.

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use super::source::{heading_from, Source};
use super::writer::{in_sentence, Writer};
use crate::tokens;

fn no_material() -> Vec<(String, String)> {
    vec![(
        "n1".to_owned(),
        "The notes for this episode were empty, so there is nothing to cite yet.".to_owned(),
    )]
}

fn material(src: &Source) -> Vec<(String, String)> {
    let m = src.cited_sentences();
    if m.is_empty() {
        no_material()
    } else {
        m
    }
}

pub fn findings(src: &Source, rng: &mut ChaCha8Rng, budget: u64) -> String {
    let material = material(src);
    let target = src.words.unwrap_or(usize::MAX);
    let mut w = Writer::new(budget);
    let intro = [
        "Key findings from the notes:",
        "What the notes establish:",
        "Findings:",
    ];
    w.line(intro.choose(rng).copied().unwrap_or("Findings:"), 0);
    for (id, s) in &material {
        if w.words() >= target || !w.line(&format!("- {s} [{id}]"), 0) {
            break;
        }
    }
    w.out
}

/// A fact with its source label: its own when it carries one (a finding quoted with "[n2]"),
/// else the label of the block it came from.
fn cited(fact: &str, id: &str) -> String {
    let bare = fact.trim_end_matches('.');
    if bare.ends_with(']') && bare.contains('[') {
        bare.to_owned()
    } else {
        format!("{fact} [{id}]")
    }
}

/// Facts an outline point gathers: an editor gives a point to each handful of facts, so a
/// long pile of findings makes a long outline (and a reasoning model takes its time over it).
const FACTS_PER_POINT: usize = 4;

pub fn outline(src: &Source, rng: &mut ChaCha8Rng, budget: u64) -> String {
    let mut w = Writer::new(budget);
    let target = src.words.unwrap_or(usize::MAX);
    let notes = if src.notes.is_empty() {
        return findings(src, rng, budget);
    } else {
        &src.notes
    };
    let mut point = 0;
    'notes: for note in notes {
        for (k, facts) in note.sentences.chunks(FACTS_PER_POINT).enumerate() {
            let claim = note
                .title
                .clone()
                .filter(|_| k == 0)
                // Named after its first fact, without that fact's source label.
                .or_else(|| {
                    facts
                        .first()
                        .map(|s| heading_from(s.split(" [").next().unwrap_or(s)))
                })
                .unwrap_or_default();
            point += 1;
            if !w.line(&format!("{point}. {claim} (source: [{}])", note.id), 0) {
                break 'notes;
            }
            for s in facts {
                if w.words() >= target || !w.line(&format!("   - {}", cited(s, &note.id)), 0) {
                    break 'notes;
                }
            }
            if w.words() >= target {
                break 'notes;
            }
        }
    }
    w.out
}

const REACTIONS: &[&str] = &[
    "Wait, really?",
    "That's remarkable.",
    "Hold on, say more about that.",
    "I did not know that.",
    "So what happened next?",
    "That changes how I think about it.",
    "Okay, that's a detail listeners will love.",
    "Huh. That's not what I expected.",
];

const HAND_OFFS: &[&str] = &[
    "Here's what the notes say.",
    "This is the part that stuck with me.",
    "Let me read you something.",
    "So, the record shows this.",
    "Picture this.",
    "",
];

const BRIDGES: &[&str] = &[
    "And there's more to it.",
    "It gets better.",
    "And here's the twist.",
    "Right, and that connects to the next piece.",
    "",
];

const RECAPS: &[&str] = &[
    "Worth repeating:",
    "To come back to this:",
    "I keep thinking about this one.",
    "Let's not skip past this.",
];

/// Two voices taking turns, so no one speaks twice in a row.
struct Dialogue {
    w: Writer,
    names: [String; 2],
    turn: usize,
    reserve: u64,
}

impl Dialogue {
    fn say(&mut self, text: &str) -> bool {
        let line = format!("{}: {text}", self.names[self.turn % 2]);
        let ok = self.w.line(&line, self.reserve);
        if ok {
            self.turn += 1;
        }
        ok
    }

    fn heading(&mut self, h: &str) -> bool {
        self.w.line(&format!("\n## {h}"), self.reserve)
    }
}

/// A two-voice dialogue with `## ` segment headings, aimed at the word target. When the
/// prompt names the segments to write, they are written as planned (see [`super::dialogue`]).
pub fn script(src: &Source, rng: &mut ChaCha8Rng, budget: u64) -> String {
    if !src.segments.is_empty() {
        return super::dialogue::script(src, rng, budget);
    }
    let a = src
        .speakers
        .first()
        .cloned()
        .unwrap_or_else(|| "Alex".into());
    let b = src.speakers.get(1).cloned().unwrap_or_else(|| "Sam".into());
    let target = src.words.unwrap_or(600).max(60);
    let topic = in_sentence(&src.topic());
    let longest = a.len().max(b.len()) as u64;
    let outro = [
        format!("That's our look at {topic}. Thanks for listening."),
        "See you next time.".to_owned(),
    ];
    let outro_tokens = tokens::count(&outro.join("\n")) + 2 * (longest / 4 + 2) + 8;
    // Too small a budget for an opening and a sign-off: write on and be cut off, as a model
    // would.
    let intro_tokens = 40;
    let budget = if budget < outro_tokens * 3 + intro_tokens {
        u64::MAX
    } else {
        budget
    };
    let mut d = Dialogue {
        w: Writer::new(budget),
        names: [a, b],
        turn: 0,
        reserve: outro_tokens,
    };
    d.w.line("## Cold open", outro_tokens);
    d.say(&format!("Welcome back. Today we're digging into {topic}."));
    d.say("I've been looking forward to this one.");

    let notes: Vec<_> = if src.notes.is_empty() {
        vec![super::source::Note {
            id: "n1".into(),
            title: None,
            sentences: no_material().into_iter().map(|(_, s)| s).collect(),
        }]
    } else {
        src.notes.clone()
    };
    // Passes over the notes until the target is met; later passes revisit the material.
    let mut pass = 0;
    'outer: while d.w.words() < target && pass < 8 {
        for note in &notes {
            let title = note
                .title
                .clone()
                .or_else(|| note.sentences.first().map(|s| heading_from(s)))
                .unwrap_or_else(|| "More from the notes".into());
            let heading = if pass == 0 {
                title
            } else {
                format!("{title}, revisited")
            };
            if !d.heading(&heading) {
                break 'outer;
            }
            for (i, s) in note.sentences.iter().enumerate() {
                let lead = match (pass, i) {
                    (0, 0) => HAND_OFFS.choose(rng).copied().unwrap_or(""),
                    (0, _) => BRIDGES.choose(rng).copied().unwrap_or(""),
                    _ => RECAPS.choose(rng).copied().unwrap_or(""),
                };
                let said = if lead.is_empty() {
                    s.clone()
                } else {
                    format!("{lead} {s}")
                };
                if !d.say(&said) {
                    break 'outer;
                }
                if rng.random_bool(0.6) {
                    let reaction = REACTIONS.choose(rng).copied().unwrap_or("Right.");
                    if !d.say(reaction) {
                        break 'outer;
                    }
                }
                if d.w.words() >= target {
                    break 'outer;
                }
            }
        }
        pass += 1;
    }
    d.w.full = false;
    d.reserve = 0;
    d.heading("Wrap-up");
    for line in &outro {
        d.say(line);
    }
    d.w.out
}

pub fn prose(src: &Source, _rng: &mut ChaCha8Rng, budget: u64) -> String {
    let material = material(src);
    let target = src.words.unwrap_or(usize::MAX);
    // Only a word target makes prose go round the material again.
    let rounds = if src.words.is_some() { 8 } else { 1 };
    let mut w = Writer::new(budget);
    let mut para = Vec::new();
    for (_, s) in material.iter().cycle().take(material.len() * rounds) {
        para.push(s.as_str());
        if para.len() == 3 {
            if !w.line(&(para.join(" ") + "\n"), 0) {
                break;
            }
            para.clear();
        }
        if w.words() >= target {
            break;
        }
    }
    if !para.is_empty() && w.words() < target {
        w.line(&para.join(" "), 0);
    }
    w.out.trim_end().to_owned()
}

/// A generic JSON object for `json_object` requests that are not verdicts.
pub fn summary_value(src: &Source) -> Value {
    let material = material(src);
    json!({
        "topic": src.topic(),
        "summary": material.first().map(|(_, s)| s.clone()).unwrap_or_default(),
        "points": material.iter().take(6).map(|(id, s)| json!({"text": s, "source": id})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Message;
    use crate::seeded;
    use serde_json::json;

    fn source(system: &str) -> Source {
        let msgs: Vec<Message> = serde_json::from_value(json!([
            {"role": "system", "content": system},
            {"role": "user", "content": "<<<NOTES\n[n1] The golden record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired the committee. The record holds greetings in 55 languages.\n[n2] Launch day\nVoyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later.\nNOTES>>>"}
        ]))
        .unwrap();
        Source::read(&msgs)
    }

    #[test]
    fn findings_cite_notes() {
        let s = source("TASK: findings");
        let out = findings(&s, &mut seeded::rng(0, 1), 10_000);
        assert!(out.contains("- The committee had six weeks to choose 116 images. [n1]"));
        assert!(out.contains("[n2]"));
    }

    #[test]
    fn outline_numbers_claims_with_sources() {
        let s = source("TASK: outline");
        let out = outline(&s, &mut seeded::rng(0, 1), 10_000);
        assert!(
            out.starts_with("1. The golden record (source: [n1])"),
            "{out}"
        );
        assert!(out.contains("2. Launch day (source: [n2])"));
    }

    #[test]
    fn a_long_pile_of_findings_makes_one_point_per_handful_of_facts() {
        let findings: String = (0..20)
            .map(|i| format!("- Probe {i} sent {} pictures. [n{}]\n", 100 + i, i % 3 + 1))
            .collect();
        let msgs: Vec<Message> = serde_json::from_value(json!([
            {"role": "system", "content": "TASK: outline"},
            {"role": "user", "content": format!("<<<NOTES\n[findings]\n{findings}NOTES>>>")}
        ]))
        .unwrap();
        let out = outline(&Source::read(&msgs), &mut seeded::rng(0, 1), 10_000);
        let points = out.lines().filter(|l| !l.starts_with(' ')).count();
        assert_eq!(points, 20 / FACTS_PER_POINT, "{out}");
        // Every fact keeps the label of its own note.
        assert!(
            out.contains("   - Probe 19 sent 119 pictures. [n2]"),
            "{out}"
        );
        assert!(!out.contains("] ["), "{out}");
        assert!(
            out.starts_with("1. Probe 0 sent 100 pictures (source: [n1])"),
            "{out}"
        );
    }

    #[test]
    fn script_uses_the_speakers_and_meets_the_word_target() {
        let s = source("TASK: script\nSPEAKERS: Priya, Tom\nWORDS: 300");
        let out = script(&s, &mut seeded::rng(0, 1), 100_000);
        let words = out.split_whitespace().count();
        assert!(words >= 300, "{words}");
        assert!(words < 450, "{words}");
        for line in out.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                line.starts_with("Priya: ") || line.starts_with("Tom: ") || line.starts_with("## "),
                "{line}"
            );
        }
        assert!(out.contains("## The golden record"));
        assert!(out.ends_with(": See you next time."));
        // Turns alternate.
        let speakers: Vec<&str> = out
            .lines()
            .filter_map(|l| l.split_once(": ").map(|(s, _)| s))
            .collect();
        assert!(speakers.windows(2).all(|w| w[0] != w[1]), "{out}");
    }

    #[test]
    fn script_fits_a_budget_and_signs_off() {
        let s = source("TASK: script");
        let out = script(&s, &mut seeded::rng(0, 1), 200);
        assert!(tokens::count(&out) <= 200, "{}", tokens::count(&out));
        assert!(out.starts_with("## Cold open"));
        assert!(out.ends_with("See you next time."));
    }

    #[test]
    fn prose_does_not_repeat_itself_without_a_target() {
        let s = source("");
        let out = prose(&s, &mut seeded::rng(0, 1), 10_000);
        assert_eq!(out.matches("Carl Sagan chaired the committee.").count(), 1);
    }
}
