//! The demo's quality verdict: it reads the script under review (the prompt's `[script]`
//! block) and judges it as an editor would — its structure and tone from the script itself,
//! figures the notes do not give or disagree on, and fixes that name the segment and the
//! figure they are about. Deterministic: the same script and notes give the same verdict.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::source::Source;

/// One `## ` segment of the script under review.
struct Segment {
    heading: String,
    words: usize,
    lines: Vec<(String, String)>,
}

fn read_script(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(h) = line.strip_prefix("## ") {
            let heading = h
                .split(" (")
                .next()
                .unwrap_or(h)
                .trim_matches(|c: char| c == '*' || c.is_whitespace())
                .to_owned();
            out.push(Segment {
                heading,
                words: 0,
                lines: Vec::new(),
            });
            continue;
        }
        if out.is_empty() {
            out.push(Segment {
                heading: "Opening".into(),
                words: 0,
                lines: Vec::new(),
            });
        }
        let Some(seg) = out.last_mut() else { continue };
        if let Some((name, text)) = line.split_once(": ") {
            let name = name.trim_matches('*').trim();
            if !name.is_empty() && name.split_whitespace().count() <= 3 && !name.starts_with('[') {
                seg.words += text.split_whitespace().count();
                seg.lines.push((name.to_owned(), text.to_owned()));
            }
        }
    }
    out
}

/// An editor names the claims that matter most, not every one: a long script against notes
/// full of figures would otherwise give a verdict longer than any checker's answer.
const MOST_CLAIMS: usize = 8;
/// Figures listed in one reason or fix before "and N more".
const MOST_FIGURES: usize = 6;

/// Words after a number that are not what it counts ("in 1999 the mission", "5 of them").
const NOT_A_NOUN: [&str; 24] = [
    "the", "and", "for", "with", "was", "were", "that", "this", "from", "into", "had", "has",
    "have", "are", "its", "his", "her", "their", "our", "but", "not", "per", "than", "when",
];

/// A four-digit number in the range of years, written without a separator ("1977"): a date,
/// not a count, whatever word follows it.
fn is_year(number: &str) -> bool {
    number.len() == 4
        && number
            .parse::<u32>()
            .is_ok_and(|n| (1000..=2199).contains(&n))
}

/// `(number, noun)` pairs in a text: "116 images", "55 languages", "1977" (a year: no noun).
fn figures(text: &str) -> Vec<(String, String)> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
                .replace(',', "")
        })
        .collect();
    let mut out = Vec::new();
    let raw: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()) {
            // "1,977" is a count; "1977," a year at the end of a clause.
            let separated = raw.get(i).is_some_and(|r| {
                r.trim_end_matches(|c: char| !c.is_ascii_digit())
                    .contains(',')
            });
            let year = is_year(w) && !separated;
            let noun = words
                .get(i + 1)
                .filter(|n| {
                    !year
                        && n.chars().all(|c| c.is_alphabetic())
                        && n.len() > 2
                        && !NOT_A_NOUN.contains(&n.as_str())
                })
                .cloned()
                .unwrap_or_default();
            out.push((w.clone(), noun));
        }
    }
    out
}

/// For each noun with a figure, the figures the notes give and which notes give them.
fn note_figures(src: &Source) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut by_noun: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for note in &src.notes {
        for s in &note.sentences {
            for (num, noun) in figures(s) {
                if noun.is_empty() {
                    continue;
                }
                let ids = by_noun.entry(noun).or_default().entry(num).or_default();
                if !ids.contains(&note.id) {
                    ids.push(note.id.clone());
                }
            }
        }
    }
    by_noun
}

fn listing(values: &BTreeMap<String, Vec<String>>, noun: &str) -> String {
    capped(
        values
            .iter()
            .map(|(v, ids)| format!("{v} {noun} [{}]", ids.join(", ")))
            .collect(),
    )
}

/// Items joined with commas, the first [`MOST_FIGURES`] of them and how many more.
fn capped(items: Vec<String>) -> String {
    let more = items.len().saturating_sub(MOST_FIGURES);
    let mut out = items
        .into_iter()
        .take(MOST_FIGURES)
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// The verdict object with every field any verdict prompt of the app asks for.
pub fn value(src: &Source) -> Value {
    let script = read_script(src.extra("script").unwrap_or_default());
    let notes_text: String = src
        .notes
        .iter()
        .flat_map(|n| n.sentences.iter())
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let known = note_figures(src);

    let mut claims = Vec::new();
    let mut fixes: Vec<String> = Vec::new();
    // Where the script uses a figure the notes disagree on: noun → (figure, segment) pairs.
    let mut disputed: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for seg in &script {
        for (_, text) in &seg.lines {
            for (num, noun) in figures(text) {
                match known.get(&noun) {
                    Some(values) if values.len() > 1 => {
                        claims.push(json!({
                            "claim": text,
                            "reason": format!("The notes disagree on this figure: {}.", listing(values, &noun)),
                        }));
                        disputed
                            .entry(noun.clone())
                            .or_default()
                            .push((num.clone(), seg.heading.clone()));
                    }
                    _ if !notes_text.contains(&num) => {
                        claims.push(json!({
                            "claim": text,
                            "reason": format!("The notes do not give the figure {num}."),
                        }));
                        fixes.push(format!(
                            "Check \"{num} {noun}\" in {} against a source, or cut it.",
                            seg.heading
                        ));
                    }
                    _ => {}
                }
            }
        }
    }

    for (noun, uses) in &disputed {
        let options: Vec<String> = known
            .get(noun)
            .map(|v| v.keys().cloned().collect())
            .unwrap_or_default();
        let said: Vec<String> = uses
            .iter()
            .map(|(n, seg)| format!("{n} in {seg}"))
            .collect();
        fixes.insert(
            0,
            format!(
                "Pick one figure for the number of {noun}: the notes give {} and the script says {}. Say which source you follow, or tell listeners the sources differ.",
                capped(options),
                capped(said)
            ),
        );
    }
    // A line with two disputed figures is one claim to check, and the list keeps to the
    // first few, in script order.
    let mut seen = std::collections::HashSet::new();
    claims.retain(|c| seen.insert(c["claim"].to_string()));
    claims.truncate(MOST_CLAIMS);
    let structure = structure(&script, &mut fixes);
    craft(&script, src.target_words, &mut fixes);
    let tone = tone(&script, &mut fixes);
    fixes.dedup();
    let mut unique = Vec::new();
    for f in fixes {
        if !unique.contains(&f) {
            unique.push(f);
        }
    }
    if unique.is_empty() {
        unique.push("Read it aloud once before recording and mark where you want to pause.".into());
    }
    unique.truncate(4);
    let score = (92 - 9 * claims.len() as i64 - 3 * unique.len() as i64).clamp(40, 95);
    json!({
        "score": score,
        "verdict": if score >= 70 { "pass" } else { "revise" },
        "summary": format!("A {}-segment script on {}.", script.len(), src.topic()),
        "unsupported_claims": claims,
        "structure": structure,
        "tone": tone,
        "fixes": unique,
    })
}

fn structure(script: &[Segment], fixes: &mut Vec<String>) -> String {
    let (Some(first), Some(last)) = (script.first(), script.last()) else {
        return "There is no script to judge: the draft has no segments.".into();
    };
    // Only the main segments are meant to be of a size; an intro or a cold open is short.
    let short_by_design = ["cold open", "intro", "ad read", "outro", "wrap"];
    let mains: Vec<&Segment> = script
        .iter()
        .filter(|s| s.words > 0)
        .filter(|s| {
            let h = s.heading.to_lowercase();
            !short_by_design.iter().any(|k| h.contains(k))
        })
        .collect();
    let longest = mains.iter().max_by_key(|s| s.words);
    let shortest = mains.iter().min_by_key(|s| s.words);
    let mut out = format!(
        "{} segments run from {} to {}.",
        script.len(),
        first.heading,
        last.heading
    );
    if let (Some(l), Some(s)) = (longest, shortest) {
        if l.heading != s.heading {
            out.push_str(&format!(
                " Of the main segments, {} is the longest at {} words and {} the shortest at {}.",
                l.heading, l.words, s.heading, s.words
            ));
        }
        if l.words > s.words * 2 && s.words > 0 {
            fixes.push(format!(
                "Balance the segments: {} has {} words and {} only {}; move a point from one to the other.",
                l.heading, l.words, s.heading, s.words
            ));
        }
    }
    let empty: Vec<&str> = script
        .iter()
        .filter(|s| s.lines.is_empty() && !s.heading.to_lowercase().contains("ad read"))
        .map(|s| s.heading.as_str())
        .collect();
    if !empty.is_empty() {
        out.push_str(&format!(" {} has no spoken lines.", empty.join(", ")));
        fixes.push(format!("Write the missing lines of {}.", empty.join(", ")));
    }
    out
}

/// Fixes about the craft of the script: its length against the target, the links between
/// segments, and an outro that recaps.
fn craft(script: &[Segment], target: Option<usize>, fixes: &mut Vec<String>) {
    let words: usize = script.iter().map(|s| s.words).sum();
    let mains: Vec<&Segment> = script
        .iter()
        .filter(|s| s.heading.to_lowercase().starts_with("main") && s.words > 0)
        .collect();
    if let Some(target) = target.filter(|t| *t > 0) {
        let minutes = |w: usize| (w as f64 / 150.0).round() as i64;
        let shortest = mains
            .iter()
            .min_by_key(|s| s.words)
            .map(|s| s.heading.as_str());
        if words * 100 < target * 85 {
            fixes.push(format!(
                "The script has {words} words against a target of {target}, about {} minutes short; add more from the notes to {}.",
                minutes(target - words),
                shortest.unwrap_or("the main segments")
            ));
        } else if words * 100 > target * 115 {
            let longest = mains
                .iter()
                .max_by_key(|s| s.words)
                .map(|s| s.heading.as_str());
            fixes.push(format!(
                "Cut about {} words to reach the target of {target}, starting with {}.",
                words - target,
                longest.unwrap_or("the longest segment")
            ));
        }
    }
    if let [first, second, ..] = mains.as_slice() {
        fixes.push(format!(
            "Add a line that carries the listener from {} into {}: the new subject starts without a bridge.",
            first.heading, second.heading
        ));
    }
    if let Some(outro) = script.iter().find(|s| {
        let h = s.heading.to_lowercase();
        h.contains("outro") || h.contains("wrap")
    }) {
        let recaps = outro
            .lines
            .iter()
            .any(|(_, t)| t.chars().any(|c| c.is_ascii_digit()));
        if !recaps {
            fixes.push(format!(
                "Let the {} recall one fact from each main segment before the thanks, so the episode lands.",
                outro.heading.to_lowercase()
            ));
        }
    }
}

fn tone(script: &[Segment], fixes: &mut Vec<String>) -> String {
    let mut lines_by: BTreeMap<&str, usize> = BTreeMap::new();
    let mut questions = 0;
    let mut total = 0;
    for seg in script {
        for (name, text) in &seg.lines {
            *lines_by.entry(name.as_str()).or_default() += 1;
            total += 1;
            if text.trim_end().ends_with('?') {
                questions += 1;
            }
        }
    }
    if total == 0 {
        return "Nothing is spoken yet, so there is no tone to judge.".into();
    }
    let shares: Vec<String> = lines_by
        .iter()
        .map(|(n, c)| format!("{n} has {}% of the lines", c * 100 / total))
        .collect();
    let mut out = format!("{}.", shares.join(", "));
    if lines_by.len() > 1 {
        if questions == 0 {
            out.push_str(" Nobody asks a question, so it reads more like a lecture than a talk.");
            fixes.push(
                "Let the co-host ask at least one real question in each main segment.".into(),
            );
        } else {
            out.push_str(&format!(" {questions} questions keep it conversational."));
        }
        if let Some((name, count)) = lines_by.iter().max_by_key(|(_, c)| **c) {
            if *count * 100 / total > 65 {
                fixes.push(format!(
                    "{name} carries {}% of the lines; hand some facts to the other voice.",
                    count * 100 / total
                ));
            }
        }
    } else {
        out.push_str(" A single voice: keep sentences short so it stays easy to follow.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Message;

    fn src(script: &str) -> Source {
        let msgs: Vec<Message> = serde_json::from_value(json!([
            {"role": "system", "content": "TASK: verdict"},
            {"role": "user", "content": format!("<<<NOTES\n[script]\n{script}\n[n1] Golden record\nThe record holds 115 images.\n[n2] Another count\nThe committee picked 116 images in six weeks.\n[n3] Launch\nVoyager 2 launched in 1977.\nNOTES>>>")}
        ]))
        .unwrap();
        Source::read(&msgs)
    }

    #[test]
    fn a_disagreement_and_a_missing_figure_are_reported_with_distinct_fixes() {
        let s = src("## Cold open (0:30)\nAlex: There are 116 images on the record.\nSam: And it flew in 1980?\n## Main segment 1 (3:00)\nAlex: Voyager 2 launched in 1977.\nSam: Wow.");
        let v = value(&s);
        let claims = v["unsupported_claims"].as_array().unwrap();
        assert_eq!(claims.len(), 2, "{v:#}");
        let reason = claims[0]["reason"].as_str().unwrap();
        assert!(
            reason.contains("115 images [n1]") && reason.contains("116 images [n2]"),
            "{reason}"
        );
        assert!(claims[1]["reason"].as_str().unwrap().contains("1980"));
        let fixes: Vec<&str> = v["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let distinct: std::collections::HashSet<_> = fixes.iter().collect();
        assert_eq!(distinct.len(), fixes.len());
        assert!(fixes
            .iter()
            .any(|f| f.contains("Cold open") && f.contains("115, 116")));
        let structure = v["structure"].as_str().unwrap();
        assert!(
            structure.starts_with("2 segments run from Cold open to Main segment 1."),
            "{structure}"
        );
        assert!(
            !structure.contains("115"),
            "judges the script, not the notes: {structure}"
        );
        assert!(v["tone"]
            .as_str()
            .unwrap()
            .contains("Alex has 50% of the lines"));
        assert!(v["score"].as_i64().unwrap() < 80);
    }

    #[test]
    fn a_clean_script_passes() {
        let s = src("## Main segment 1 (1:00)\nAlex: Voyager 2 launched in 1977.\nSam: What was on board?\nAlex: A golden record.");
        let v = value(&s);
        assert!(
            v["unsupported_claims"].as_array().unwrap().is_empty(),
            "{v:#}"
        );
        assert!(v["score"].as_i64().unwrap() >= 70);
    }

    #[test]
    fn years_and_small_words_after_a_number_are_not_counted_things() {
        assert_eq!(
            figures(
                "In 1999 the mission logged 1,977 commands and 5 of them failed. In 2004, Ed Stone"
            ),
            vec![
                ("1999".to_owned(), String::new()),
                ("1977".to_owned(), "commands".to_owned()),
                ("5".to_owned(), String::new()),
                ("2004".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn a_long_script_full_of_disputed_figures_gets_a_verdict_of_bounded_length() {
        let notes: String = (0..60)
            .map(|i| {
                format!(
                    "[n{i}] Note {i}\nThe probe sent {} pictures in {}.\n",
                    100 + i,
                    1970 + i
                )
            })
            .collect();
        let lines: String = (0..200)
            .map(|i| {
                format!(
                    "Alex: The probe sent {} pictures.\nSam: And {} more.\n",
                    100 + i % 60,
                    i
                )
            })
            .collect();
        let msgs: Vec<Message> = serde_json::from_value(json!([
            {"role": "system", "content": "TASK: verdict"},
            {"role": "user", "content": format!("<<<NOTES\n[script]\n## Main segment 1 (9:00)\n{lines}{notes}NOTES>>>")}
        ]))
        .unwrap();
        let v = value(&Source::read(&msgs));
        let claims = v["unsupported_claims"].as_array().unwrap();
        assert_eq!(claims.len(), MOST_CLAIMS, "{v:#}");
        let text = v.to_string();
        assert!(text.len() < 4_000, "{} characters: {text}", text.len());
        assert!(text.contains("and 54 more"), "{text}");
    }
}
