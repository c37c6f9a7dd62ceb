//! The script model: reading model output, writing it back, timing and show notes.

use castwright_engine::script::{Chapter, Line, Script, SegmentKind, ShowNotes};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const MODEL_OUTPUT: &str = "\
# Voyager: The Golden Record

## Cold open
[Sound of a modem handshake]
**ALEX:** In 1977 we mailed a record to the stars.

## Intro (0:45)
ALEX: Welcome back to Deep Signal, I'm Alex.
SAM (laughing): And I'm Sam, and yes, we're doing space again.

## Main: The committee [3:00]
ALEX: Carl Sagan's committee had six weeks to choose 116 images and ninety minutes of music.
SAM: Six weeks for a message that could outlast the Earth itself.
*Music swells*
Note: check the exact number of greetings with the archive.

## A word from our sponsor
SAM: This episode is brought to you by Acme Telescopes.

## Outro — 1 min
ALEX: That's the show. Thanks for listening.
";

#[test]
fn parses_model_output_into_segments_and_lines() {
    let script = Script::parse(MODEL_OUTPUT);
    assert_eq!(script.title, "Voyager: The Golden Record");
    let kinds: Vec<SegmentKind> = script.segments.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            SegmentKind::ColdOpen,
            SegmentKind::Intro,
            SegmentKind::Main,
            SegmentKind::AdRead,
            SegmentKind::Outro
        ]
    );
    let targets: Vec<Option<u32>> = script.segments.iter().map(|s| s.target_seconds).collect();
    assert_eq!(targets, vec![None, Some(45), Some(180), None, Some(60)]);
    assert_eq!(script.segments[2].heading, "Main: The committee");
    assert_eq!(script.segments[4].heading, "Outro");
    assert_eq!(
        script.segments[0].lines,
        vec![
            Line::direction("Sound of a modem handshake"),
            Line::spoken("ALEX", "In 1977 we mailed a record to the stars."),
        ]
    );
    assert_eq!(
        script.segments[1].lines[1],
        Line::spoken(
            "SAM",
            "(laughing) And I'm Sam, and yes, we're doing space again."
        )
    );
    assert_eq!(script.segments[2].lines[2], Line::direction("Music swells"));
    assert_eq!(
        script.segments[2].lines[3],
        Line::direction("Note: check the exact number of greetings with the archive.")
    );
    assert_eq!(
        script.speakers(),
        vec!["ALEX".to_string(), "SAM".to_string()]
    );
}

#[test]
fn lines_before_any_heading_form_an_untitled_first_segment() {
    let script = Script::parse("HOST: Hi.\nSome narration here.\n## Next\nHOST: Bye.");
    assert_eq!(script.title, "");
    assert_eq!(script.segments.len(), 2);
    assert_eq!(script.segments[0].heading, "");
    assert_eq!(script.segments[0].kind, SegmentKind::Main);
    assert_eq!(script.segments[0].lines.len(), 2);
    assert_eq!(script.segments[1].heading, "Next");
}

#[test]
fn counts_words_and_estimates_reading_time_at_150_a_minute() {
    let script = Script::parse(&format!("## Main\nHOST: {}", "word ".repeat(300)));
    assert_eq!(script.word_count(), 300);
    assert_eq!(script.estimated_seconds(), 120);
    let script = Script::parse("## Main\nHOST: one two three");
    assert_eq!(script.estimated_seconds(), 2, "1.2 seconds rounds up");
    assert_eq!(Script::parse("").estimated_seconds(), 0);
}

#[test]
fn text_form_round_trips_through_parse() {
    let script = Script::parse(MODEL_OUTPUT);
    let text = script.to_text();
    assert!(text.contains("## Intro (0:45)"), "{text}");
    assert!(text.contains("## Main: The committee (3:00)"), "{text}");
    assert!(text.contains("ALEX: In 1977"), "{text}");
    assert!(text.contains("[Music swells]"), "{text}");
    assert_eq!(Script::parse(&text), script);
    // Writing out again changes nothing.
    assert_eq!(Script::parse(&text).to_text(), text);
}

/// Pieces that exercise every rule of the parser, including the awkward ones.
const PIECES: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "#",
    "**",
    "*",
    "_",
    "__",
    "[",
    "]",
    "(",
    ")",
    ":",
    " ",
    "  ",
    "ALEX",
    "Sam",
    "Dr. Jane",
    "van der Berg",
    "MUSIC",
    "Note",
    "(laughing)",
    "0:45",
    "3:00",
    "1 min",
    "99999999999:00",
    "45s",
    " — ",
    " - ",
    "|",
    "Intro",
    "Cold open",
    "Ad read",
    "Outro",
    "hello world.",
    "https://example.org",
    "12:30",
    "é",
    "日本",
    "\t",
    "~",
    "[3:00]",
    "(0:45)",
    "**ALEX:**",
    "**sam:**",
    "ALEX:",
    "Main: The launch",
    "\u{feff}",
    "\r",
    "#hashtag",
];

fn random_text(rng: &mut StdRng) -> String {
    let lines = rng.gen_range(0..12);
    let mut out = String::new();
    for _ in 0..lines {
        for _ in 0..rng.gen_range(0..7) {
            out.push_str(PIECES[rng.gen_range(0..PIECES.len())]);
        }
        out.push('\n');
    }
    out
}

#[test]
fn any_parsed_script_survives_writing_out_and_reading_back() {
    let mut rng = StdRng::seed_from_u64(0x5eed_cafe);
    // More cases on demand, e.g. CASTWRIGHT_ROUNDTRIP_CASES=500000 for a longer hunt.
    let cases: u32 = std::env::var("CASTWRIGHT_ROUNDTRIP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    for case in 0..cases {
        let input = random_text(&mut rng);
        let script = Script::parse(&input);
        let text = script.to_text();
        let again = Script::parse(&text);
        assert_eq!(
            again, script,
            "case {case}: input {input:?}\nwritten {text:?}"
        );
    }
}

#[test]
fn never_panics_on_hostile_text() {
    for input in [
        "",
        "#",
        "##",
        "#######",
        "[",
        "]",
        "[]",
        "**:**",
        "**",
        "****",
        ":",
        "A:",
        "(:",
        "A (:",
        "A ():",
        "## ()",
        "## [",
        "## (99999999999999999999:00)",
        "## (4294967295:59:59)",
        "\u{0}\u{1}\u{7f}",
        "\u{feff}\u{feff}# x",
        "é:é",
        "## Intro (0:45) (0:30)",
    ] {
        let script = Script::parse(input);
        assert_eq!(Script::parse(&script.to_text()), script, "input {input:?}");
    }
    let long = "ALEX: ".to_string() + &"ä".repeat(200_000);
    assert_eq!(Script::parse(&long).word_count(), 1);
}

#[test]
fn show_notes_are_derived_deterministically() {
    let script = Script::parse(MODEL_OUTPUT);
    let sources = vec![
        " voyager-facts.pdf ".to_string(),
        "voyager-facts.pdf".to_string(),
        String::new(),
        "prep.docx".to_string(),
    ];
    let notes = ShowNotes::derive(&script, &sources);
    assert_eq!(notes, ShowNotes::derive(&script, &sources));
    assert!(
        notes
            .summary
            .starts_with("Carl Sagan's committee had six weeks to choose 116 images"),
        "{}",
        notes.summary
    );
    assert_eq!(
        notes.takeaways,
        vec!["The committee: Carl Sagan's committee had six weeks to choose 116 images and ninety minutes of music.".to_string()]
    );
    assert_eq!(notes.sources, vec!["voyager-facts.pdf", "prep.docx"]);

    // Chapter times: words before each segment at 150 a minute, rounded up.
    let mut words = 0u32;
    let mut expected = Vec::new();
    for s in &script.segments {
        expected.push((words * 60).div_ceil(150));
        words += s.word_count();
    }
    let starts: Vec<u32> = notes.chapters.iter().map(|c| c.start_seconds).collect();
    assert_eq!(starts, expected);
    assert_eq!(
        notes.chapters[2],
        Chapter {
            title: "The committee".into(),
            start_seconds: expected[2]
        }
    );
    assert_eq!(notes.chapters[0].title, "Cold open");
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    assert!(expected[4] > 0);
}

#[test]
fn serialises_as_plain_json_with_snake_case_kinds() {
    let script = Script::parse(MODEL_OUTPUT);
    let json = serde_json::to_value(&script).unwrap();
    assert_eq!(json["segments"][0]["kind"], "cold_open");
    assert_eq!(json["segments"][3]["kind"], "ad_read");
    assert_eq!(json["segments"][1]["target_seconds"], 45);
    assert!(json["segments"][0]["lines"][0]["speaker"].is_null());
    let back: Script = serde_json::from_value(json).unwrap();
    assert_eq!(back, script);
}
