//! The demo's script when the prompt names its segments (`PLAN:` and `SEGMENTS:`): each
//! segment under its own heading with a time target, the notes' facts shared out between the
//! main segments so that no part of a long script retells another's, and the talk between
//! the facts drawn from per-segment windows (see [`super::lines`]) so it does not repeat.

use std::collections::HashSet;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::lines::{window, COMMENTS, LEADS, QUESTIONS, REACTIONS};
use super::source::{heading_from, Source};
use super::writer::{in_sentence, Writer};
use crate::tokens;

/// Spoken words per minute, for the time targets in headings.
const WORDS_PER_MINUTE: u64 = 150;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    ColdOpen,
    Intro,
    Main,
    Ad,
    Outro,
}

fn kind(segment: &str) -> Kind {
    let s = segment.to_lowercase();
    if s.contains("cold open") || s.contains("teaser") {
        Kind::ColdOpen
    } else if s.contains("intro") {
        Kind::Intro
    } else if s.starts_with("ad ") || s.contains("ad read") || s.contains("sponsor") {
        Kind::Ad
    } else if s.contains("outro") || s.contains("wrap") || s.contains("closing") {
        Kind::Outro
    } else {
        Kind::Main
    }
}

/// A segment's share of the words, relative to a main segment's 4.
fn weight(k: Kind) -> u64 {
    match k {
        Kind::Main => 4,
        Kind::Ad => 0,
        Kind::ColdOpen | Kind::Intro | Kind::Outro => 1,
    }
}

/// One subject of a main segment: a title and the facts told under it.
struct Subject {
    title: String,
    facts: Vec<String>,
}

/// The notes shared out over the main segments of the whole plan: whole notes when there are
/// enough, else runs of sentences. Sentences said elsewhere in the notes are dropped, so no
/// fact is told twice.
fn share_out(src: &Source, mains: usize) -> Vec<Vec<Subject>> {
    let mains = mains.max(1);
    let mut seen = HashSet::new();
    let notes: Vec<Subject> = src
        .notes
        .iter()
        .map(|n| Subject {
            title: n
                .title
                .clone()
                .or_else(|| n.sentences.first().map(|s| heading_from(s)))
                .unwrap_or_default(),
            facts: n
                .sentences
                .iter()
                .filter(|s| seen.insert(s.to_lowercase()))
                .cloned()
                .collect(),
        })
        .filter(|s| !s.facts.is_empty())
        .collect();
    let mut out: Vec<Vec<Subject>> = (0..mains).map(|_| Vec::new()).collect();
    if notes.len() >= mains {
        for (i, n) in notes.into_iter().enumerate() {
            out[i % mains].push(n);
        }
        return out;
    }
    // Fewer notes than segments: each note's sentences are split into consecutive runs.
    let total: usize = notes.iter().map(|n| n.facts.len()).sum();
    let per = total.div_ceil(mains).max(1);
    let mut slot = 0;
    for n in notes {
        for chunk in n.facts.chunks(per) {
            out[slot.min(mains - 1)].push(Subject {
                title: n.title.clone(),
                facts: chunk.to_vec(),
            });
            slot += 1;
        }
    }
    out
}

/// Speakers taking turns; a solo host speaks every line.
struct Talk {
    w: Writer,
    names: Vec<String>,
    turn: usize,
    reserve: u64,
}

impl Talk {
    fn say(&mut self, text: &str) -> bool {
        let name = &self.names[self.turn % self.names.len()];
        let ok = self.w.line(&format!("{name}: {text}"), self.reserve);
        if ok {
            self.turn += 1;
        }
        ok
    }

    fn direction(&mut self, text: &str) -> bool {
        self.w.line(&format!("[{text}]"), self.reserve)
    }

    fn heading(&mut self, h: &str, words: u64) -> bool {
        let secs = words * 60 / WORDS_PER_MINUTE;
        let line = format!("\n## {h} ({}:{:02})", secs / 60, secs % 60);
        self.w.line(&line, self.reserve)
    }

    fn duo(&self) -> bool {
        self.names.len() > 1
    }
}

pub fn script(src: &Source, rng: &mut ChaCha8Rng, budget: u64) -> String {
    let names = if src.speakers.is_empty() {
        vec!["Alex".to_owned(), "Sam".to_owned()]
    } else {
        src.speakers.clone()
    };
    let plan = if src.plan.is_empty() {
        src.segments.clone()
    } else {
        src.plan.clone()
    };
    let main_slots: Vec<&String> = plan.iter().filter(|s| kind(s) == Kind::Main).collect();
    let shares = share_out(src, main_slots.len());
    let total_weight: u64 = src.segments.iter().map(|s| weight(kind(s))).sum();
    let target = src.words.unwrap_or(150 * src.segments.len()).max(60) as u64;
    let topic = in_sentence(&src.topic());

    let writes_outro = src.segments.iter().any(|s| kind(s) == Kind::Outro);
    let reserve = if writes_outro {
        tokens::count(&outro_lines(&names, &topic).join("\n")) + 24
    } else {
        0
    };
    // Too small a budget for the planned shape: write on and be cut off, as a model would.
    let budget = if budget < reserve * 3 + 40 {
        u64::MAX
    } else {
        budget
    };
    let mut t = Talk {
        w: Writer::new(budget),
        names,
        turn: 0,
        reserve,
    };
    for seg in &src.segments {
        let k = kind(seg);
        let slot = plan.iter().position(|p| p == seg).unwrap_or(0);
        let words = target * weight(k) / total_weight.max(1);
        if k == Kind::Outro {
            t.w.full = false;
            t.reserve = 0;
        }
        // An ad read is the sponsor's thirty seconds, whatever the episode's length.
        let spoken = if k == Kind::Ad { 75 } else { words.max(20) };
        if !t.heading(seg, spoken) {
            break;
        }
        t.turn = 0;
        let ok = match k {
            Kind::ColdOpen => cold_open(&mut t, src),
            Kind::Intro => intro(&mut t, src, &topic),
            Kind::Ad => {
                let n = plan[..=slot].iter().filter(|p| kind(p) == Kind::Ad).count();
                let host = t.names[0].clone();
                t.direction(&format!(
                    "Ad read {n}: the sponsor's copy goes here, about thirty seconds, read by {host}"
                ))
            }
            Kind::Outro => {
                for line in outro_lines(&t.names, &topic) {
                    t.say(&line);
                }
                true
            }
            Kind::Main => {
                let index = main_slots.iter().position(|p| *p == seg).unwrap_or(0);
                let empty = Vec::new();
                let subjects = shares.get(index).unwrap_or(&empty);
                main(&mut t, src, subjects, slot, words as usize, rng)
            }
        };
        if !ok {
            break;
        }
    }
    t.w.out.trim_start().to_owned()
}

/// A title or fragment set inside a sentence: its first word loses its capital unless the
/// notes write it with one mid-sentence too (a name: "Carl", "Voyager").
fn soften(text: &str, src: &Source) -> String {
    let Some(first) = text.split_whitespace().next() else {
        return text.to_owned();
    };
    let second_capital = text
        .split_whitespace()
        .nth(1)
        .is_some_and(|w| w.starts_with(char::is_uppercase));
    let is_name = second_capital
        || src.notes.iter().flat_map(|n| n.sentences.iter()).any(|s| {
            s.split_whitespace()
                .skip(1)
                .any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == first)
        });
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if !is_name && c.is_uppercase() => c.to_lowercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}

/// A fragment of the first striking fact, as a teaser that does not retell it.
fn cold_open(t: &mut Talk, src: &Source) -> bool {
    let facts = src.cited_sentences();
    let striking = facts
        .iter()
        .find(|(_, s)| s.chars().any(|c| c.is_ascii_digit()))
        .or(facts.first());
    let tease = match striking {
        Some((_, s)) => {
            let words: Vec<&str> = s.split_whitespace().take(7).collect();
            let fragment = soften(words.join(" ").trim_end_matches(['.', ',', ';']), src);
            format!("Imagine this: {fragment}…")
        }
        None => "Picture a story nobody has told you properly yet.".to_owned(),
    };
    t.say(&tease) && (!t.duo() || t.say("And that's only the beginning of it."))
}

fn intro(t: &mut Talk, src: &Source, topic: &str) -> bool {
    let titles: Vec<String> = src
        .notes
        .iter()
        .filter_map(|n| n.title.as_deref())
        .map(|t| soften(&in_sentence(t), src))
        .filter(|t| t != topic)
        .take(3)
        .collect();
    let mut ok = t.say(&format!("Welcome back. Today we're digging into {topic}."));
    if t.duo() {
        ok = ok && t.say("I've been looking forward to this one.");
    }
    if let Some((last, first)) = titles.split_last() {
        let list = if first.is_empty() {
            last.clone()
        } else {
            format!("{} and {last}", first.join(", "))
        };
        ok = ok && t.say(&format!("We'll get to {list}."));
    }
    ok
}

/// The sign-off, in turns from the host: the host thanks the others by name.
fn outro_lines(names: &[String], topic: &str) -> Vec<String> {
    let mut out = vec![format!("That's our look at {topic}.")];
    match names {
        [host, other, ..] => {
            out.push(format!("Thanks, {host}. This was a good one."));
            out.push(format!(
                "Thanks for listening, and thanks to {other}. See you next time."
            ));
        }
        _ => out.push("Thanks for listening. See you next time.".to_owned()),
    }
    out
}

/// The segment's facts told in turns, with the other voice reacting or asking; when the facts
/// run out before the segment's words, comments on its subjects.
fn main(
    t: &mut Talk,
    src: &Source,
    subjects: &[Subject],
    slot: usize,
    words: usize,
    rng: &mut ChaCha8Rng,
) -> bool {
    let start = t.w.words();
    let mut reactions = window(REACTIONS, slot, 4).into_iter();
    let mut leads = window(LEADS, slot, 2).into_iter();
    let mut questions = window(QUESTIONS, slot, 2).into_iter();
    let done = |t: &Talk| t.w.words() - start >= words;
    for subject in subjects {
        for (i, fact) in subject.facts.iter().enumerate() {
            let lead = if i == 0 { leads.next() } else { None };
            let line = match lead {
                Some(lead) => format!("{lead} {fact}"),
                None => fact.clone(),
            };
            if !t.say(&line) {
                return false;
            }
            if done(t) {
                return true;
            }
            if t.duo() && rng.random_bool(0.5) {
                let aside = if rng.random_bool(0.6) {
                    reactions.next()
                } else {
                    questions.next()
                };
                if let Some(aside) = aside {
                    if !t.say(aside) {
                        return false;
                    }
                }
            }
        }
    }
    for (subject, comment) in subjects
        .iter()
        .zip(window(COMMENTS, slot, 2).into_iter().cycle())
    {
        if done(t) || subject.title.is_empty() {
            break;
        }
        let about = soften(
            &in_sentence(subject.title.trim_end_matches(['.', ':'])),
            src,
        );
        if !t.say(&comment.replace("{}", &about)) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Message;
    use crate::seeded;
    use serde_json::json;
    use std::collections::HashMap;

    const NOTES: &str = "<<<NOTES\n[outline]\n1. The record\n[n1] The golden record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired the committee. The record holds greetings in 55 languages. It was plated in gold to last a billion years.\n[n2] Launch day\nVoyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later. Both used Titan IIIE rockets.\n[n3] The sounds\nThe record carries 90 minutes of music. A kiss, a heartbeat and rain are on it. Ann Druyan recorded her brainwaves.\n[n4] Where they are now\nVoyager 1 crossed into interstellar space in 2012. Its signal takes over 22 hours to reach Earth.\nNOTES>>>";
    const PLAN: &str = "Cold open; Intro; Main segment 1; Ad read 1; Main segment 2; Ad read 2; Main segment 3; Main segment 4; Outro";

    fn part(segments: &str, words: usize) -> String {
        let msgs: Vec<Message> = serde_json::from_value(json!([
            {"role": "system", "content": format!("TASK: script\nSPEAKERS: Priya, Tom\nWORDS: {words}\nPLAN: {PLAN}\nSEGMENTS: {segments}")},
            {"role": "user", "content": NOTES}
        ]))
        .unwrap();
        let src = Source::read(&msgs);
        script(&src, &mut seeded::rng(3, words as u64), 100_000)
    }

    /// A long episode written in three parts, as the app asks for it.
    fn episode() -> String {
        [
            part("Cold open; Intro; Main segment 1", 500),
            part("Ad read 1; Main segment 2; Ad read 2", 400),
            part("Main segment 3; Main segment 4; Outro", 600),
        ]
        .join("\n\n")
    }

    #[test]
    fn headings_follow_the_plan_with_time_targets() {
        let out = episode();
        let headings: Vec<&str> = out
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .map(|h| h.split(" (").next().unwrap())
            .collect();
        let plan: Vec<&str> = PLAN.split("; ").collect();
        assert_eq!(headings, plan, "{out}");
        assert!(out.contains("## Main segment 1 ("), "{out}");
        assert!(
            out.contains("[Ad read 2: the sponsor's copy goes here"),
            "{out}"
        );
        for line in out.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                line.starts_with("Priya: ")
                    || line.starts_with("Tom: ")
                    || line.starts_with("## ")
                    || line.starts_with('['),
                "{line}"
            );
        }
    }

    #[test]
    fn no_spoken_sentence_repeats_and_no_filler_more_than_twice() {
        let out = episode();
        let fillers: HashSet<&str> = REACTIONS
            .iter()
            .chain(LEADS)
            .chain(QUESTIONS)
            .copied()
            .collect();
        let mut lines: HashMap<String, usize> = HashMap::new();
        let mut sentences: HashMap<String, usize> = HashMap::new();
        for l in out.lines() {
            if l.starts_with('[') {
                continue;
            }
            let Some((_, text)) = l.split_once(": ") else {
                continue;
            };
            *lines.entry(text.to_owned()).or_default() += 1;
            let mut rest = text.to_owned();
            for f in &fillers {
                rest = rest.replace(f, "");
            }
            for s in super::super::source::sentences(&rest) {
                *sentences.entry(s).or_default() += 1;
            }
        }
        let repeated: Vec<_> = sentences.iter().filter(|(_, c)| **c > 1).collect();
        assert!(repeated.is_empty(), "{repeated:?}\n{out}");
        let overused: Vec<_> = lines.iter().filter(|(_, c)| **c > 2).collect();
        assert!(overused.is_empty(), "{overused:?}");
        // Every fact of the notes is told, each once.
        for fact in [
            "Carl Sagan chaired the committee.",
            "Ann Druyan recorded her brainwaves.",
            "Both used Titan IIIE rockets.",
        ] {
            assert_eq!(out.matches(fact).count(), 1, "{fact}\n{out}");
        }
    }

    #[test]
    fn a_solo_host_speaks_every_line() {
        let msgs: Vec<Message> = serde_json::from_value(json!([
            {"role": "system", "content": format!("TASK: script\nSPEAKERS: Priya\nWORDS: 300\nPLAN: {PLAN}\nSEGMENTS: {PLAN}")},
            {"role": "user", "content": NOTES}
        ]))
        .unwrap();
        let out = script(&Source::read(&msgs), &mut seeded::rng(1, 1), 100_000);
        assert!(
            out.lines()
                .filter(|l| l.contains(": ") && !l.starts_with("## ") && !l.starts_with('['))
                .all(|l| l.starts_with("Priya: ")),
            "{out}"
        );
        assert!(
            out.ends_with("Priya: Thanks for listening. See you next time."),
            "{out}"
        );
    }
}
