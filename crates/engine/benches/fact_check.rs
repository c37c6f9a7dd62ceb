//! `make bench`: the local fact check on a 60-minute script (9,000 spoken words, about 900
//! lines) against 50 notes of 5,000 words each. One check reads every note once (the index)
//! and looks up every fact of every line; the time reported is for the whole check, index
//! included, over several runs (p50 and the slowest), beside the 200 ms target. Prints
//! Markdown and writes it to the file named by `CASTWRIGHT_BENCH_OUT`.
//!
//! The text is generated from a seeded random source so each run reads the same words:
//! sentences of ordinary words mixed with the kinds of fact the check reads — figures with
//! nouns (some with thousands separators, fractions or in words), years, dates in several
//! forms, and capitalised names — in about the proportions research notes have them.

use std::time::{Duration, Instant};

use castwright_engine::factcheck::{check, NoteText};
use castwright_engine::script::{Line, Script, Segment, SegmentKind};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const NOTES: usize = 50;
const NOTE_WORDS: usize = 5_000;
const SCRIPT_WORDS: usize = 9_000;
const RUNS: usize = 15;

const WORDS: &[&str] = &[
    "the",
    "record",
    "was",
    "sent",
    "with",
    "a",
    "message",
    "for",
    "anyone",
    "who",
    "might",
    "find",
    "it",
    "and",
    "team",
    "chose",
    "sounds",
    "of",
    "earth",
    "including",
    "rain",
    "wind",
    "laughter",
    "music",
    "from",
    "many",
    "cultures",
    "scientists",
    "argued",
    "about",
    "which",
    "pictures",
    "to",
    "include",
    "while",
    "engineers",
    "built",
    "cover",
    "that",
    "would",
    "last",
    "in",
    "space",
    "long",
    "after",
    "people",
    "who",
    "made",
    "it",
    "are",
    "gone",
];
const NOUNS: &[&str] = &[
    "images",
    "languages",
    "years",
    "kilometres",
    "songs",
    "greetings",
    "minutes",
    "people",
    "stars",
    "pages",
];
const NAMES: &[&str] = &[
    "Carl Sagan",
    "Ann Druyan",
    "Voyager 2",
    "Gliese 445",
    "Frank Drake",
    "Jon Lomberg",
    "Linda Salzman",
    "Timothy Ferris",
    "Cape Canaveral",
    "Cornell University",
];
const MONTHS: &[&str] = &["January", "March", "August", "September", "Aug", "Sept"];

fn sentence(rng: &mut StdRng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = WORDS[rng.gen_range(0..WORDS.len())];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
        match rng.gen_range(0..40) {
            0 => s.push_str(&format!(
                " {} {}",
                rng.gen_range(2..2000),
                NOUNS[rng.gen_range(0..NOUNS.len())]
            )),
            1 => s.push_str(&format!(
                " {},{:03} {}",
                rng.gen_range(1..90),
                rng.gen_range(0..1000),
                NOUNS[rng.gen_range(0..NOUNS.len())]
            )),
            2 => s.push_str(&format!(" in {}", rng.gen_range(1900..2030))),
            3 => s.push_str(&format!(" {}", NAMES[rng.gen_range(0..NAMES.len())])),
            4 => s.push_str(&format!(
                " on {} {} {}",
                rng.gen_range(1..29),
                MONTHS[rng.gen_range(0..MONTHS.len())],
                rng.gen_range(1950..2030)
            )),
            5 => s.push_str(" sixteen and two thirds rpm or one thousand greetings"),
            _ => {}
        }
    }
    s.push('.');
    s
}

fn text(rng: &mut StdRng, words: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut n = 0;
    while n < words {
        let len = rng.gen_range(8..25);
        let s = sentence(rng, len);
        n += s.split_whitespace().count();
        out.push(s);
    }
    out
}

fn main() {
    let mut rng = StdRng::seed_from_u64(14);
    let notes = NoteText::labelled((0..NOTES).map(|i| {
        let sentences = text(&mut rng, NOTE_WORDS);
        // Paragraphs of five sentences.
        let body = sentences
            .chunks(5)
            .map(|c| c.join(" "))
            .collect::<Vec<_>>()
            .join("\n\n");
        (format!("note-{i:02}.md"), body)
    }));
    let lines = text(&mut rng, SCRIPT_WORDS);
    let script = Script {
        title: "Benchmark".into(),
        segments: lines
            .chunks(60)
            .enumerate()
            .map(|(i, chunk)| Segment {
                heading: format!("Main segment {}", i + 1),
                kind: SegmentKind::Main,
                target_seconds: None,
                lines: chunk
                    .iter()
                    .enumerate()
                    .map(|(j, t)| Line::spoken(if j % 2 == 0 { "Alex" } else { "Sam" }, t.clone()))
                    .collect(),
            })
            .collect(),
    };
    let facts = check(&script, &notes);
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let fc = check(&script, &notes);
            let d = t.elapsed();
            assert_eq!(fc.facts.len(), facts.facts.len());
            d
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let words: usize = script.word_count() as usize;
    let md = format!(
        "| script | notes | facts (found / disagree / not in notes) | p50 | slowest of {RUNS} | target |\n\
         |---|---|---|---|---|---|\n\
         | {words} words, {} lines | {NOTES} × {NOTE_WORDS} words | {} ({} / {} / {}) | {:.1} ms | {:.1} ms | 200 ms |\n",
        lines.len(),
        facts.facts.len(),
        facts.found,
        facts.disagree,
        facts.not_in_notes,
        ms(times[RUNS / 2]),
        ms(times[RUNS - 1]),
    );
    println!("{md}");
    if let Ok(path) = std::env::var("CASTWRIGHT_BENCH_OUT") {
        if let Err(e) = std::fs::write(&path, &md) {
            eprintln!("could not write {path}: {e}");
        }
    }
}
