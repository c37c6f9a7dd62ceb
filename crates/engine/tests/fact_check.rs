//! The local fact check against notes with planted agreements and disagreements: every fact's
//! status and the passage it cites.

use castwright_engine::factcheck::{check, Fact, FactCheck, FactStatus, NoteText};
use castwright_engine::script::{Line, Script, Segment, SegmentKind};

fn notes() -> Vec<NoteText> {
    NoteText::labelled([
        (
            "nasa-golden-record.md".to_string(),
            "# The Golden Record\n\n\
             Each Voyager spacecraft carries a gold-plated copper disc. The record holds 115 images \
             encoded in analog form. Greetings were recorded in 55 languages, from Akkadian to Wu.\n\n\
             Voyager 2 launched on 20 August 1977 from Cape Canaveral. The disc is meant to be \
             played at 16⅔ rpm.\n\n\
             - The committee was chaired by Carl Sagan of Cornell University.\n\
             - The record also carries one thousand words of printed instructions? No: it carries \
             etched diagrams."
                .to_string(),
        ),
        (
            "sagan-murmurs-of-earth.txt".to_string(),
            "Murmurs of Earth (1978) describes how the team chose 116 images for the record.\n\
             The greetings come in 56 languages, though some counts differ.\n\
             In about 40,000 years Voyager 1 will pass within 1.6 light years of Gliese 445.\n\
             The cover carries a sample of uranium-238 with a half-life of 4.51 billion years."
                .to_string(),
        ),
        (
            "blog-interstellar.html".to_string(),
            "A popular blog says 118 images were sent and that the greetings cover 59 languages. \
             The launch of Voyager 2 came on Aug 20 1977, sixteen days before Voyager 1. \
             Ann Druyan directed the music selection, which runs 90 minutes."
                .to_string(),
        ),
    ])
}

fn script(lines: &[&str]) -> Script {
    Script {
        title: "The Golden Record".into(),
        segments: vec![Segment {
            heading: "Main segment 1".into(),
            kind: SegmentKind::Main,
            target_seconds: None,
            lines: lines
                .iter()
                .enumerate()
                .map(|(i, t)| Line::spoken(if i % 2 == 0 { "Alex" } else { "Sam" }, *t))
                .collect(),
        }],
    }
}

fn fact<'a>(fc: &'a FactCheck, text: &str) -> &'a Fact {
    fc.facts.iter().find(|f| f.text == text).unwrap_or_else(|| {
        panic!(
            "no fact {text:?} in {:#?}",
            fc.facts.iter().map(|f| &f.text).collect::<Vec<_>>()
        )
    })
}

fn notes_of(f: &Fact) -> Vec<&str> {
    f.sources.iter().map(|s| s.note.as_str()).collect()
}

#[test]
fn disagreements_list_each_value_with_its_note() {
    let notes = notes();
    let fc = check(
        &script(&[
            "There are 116 images on the record.",
            "And greetings in 55 languages.",
        ]),
        &notes,
    );
    let images = fact(&fc, "116 images");
    assert_eq!(images.status, FactStatus::Disagree);
    assert_eq!(images.line, 0);
    // The script's own value first, then the others.
    assert_eq!(
        notes_of(images),
        vec![
            "sagan-murmurs-of-earth.txt",
            "nasa-golden-record.md",
            "blog-interstellar.html"
        ]
    );
    assert_eq!(
        images.sources[0].passage,
        "Murmurs of Earth (1978) describes how the team chose 116 images for the record."
    );
    assert_eq!(
        images.sources[1].passage,
        "The record holds 115 images encoded in analog form."
    );
    assert!(images.sources[2].passage.contains("118 images"));
    assert_eq!(images.sources[0].label, "n2");

    let langs = fact(&fc, "55 languages");
    assert_eq!(langs.status, FactStatus::Disagree);
    let passages: Vec<&str> = langs.sources.iter().map(|s| s.passage.as_str()).collect();
    assert_eq!(
        passages,
        vec![
            "Greetings were recorded in 55 languages, from Akkadian to Wu.",
            "The greetings come in 56 languages, though some counts differ.",
            "A popular blog says 118 images were sent and that the greetings cover 59 languages.",
        ]
    );
    assert_eq!((fc.found, fc.disagree, fc.not_in_notes), (0, 2, 0));
}

#[test]
fn formatting_variants_are_found_with_their_passage() {
    let notes = notes();
    let fc = check(
        &script(&[
            "Voyager 2 left Earth on Aug. 20, 1977.",
            "In 40 thousand years it passes Gliese-445.",
            "The disc spins at 16⅔ rpm, and uranium has a half-life of 4.51 billion years.",
            "Carl Sagan chaired the committee.",
        ]),
        &notes,
    );
    let date = fact(&fc, "Aug. 20, 1977");
    assert_eq!(date.status, FactStatus::Found);
    assert_eq!(
        notes_of(date),
        vec!["nasa-golden-record.md", "blog-interstellar.html"]
    );
    assert_eq!(
        date.sources[0].passage,
        "Voyager 2 launched on 20 August 1977 from Cape Canaveral."
    );
    let years = fact(&fc, "40 thousand years");
    assert_eq!(years.status, FactStatus::Found);
    assert!(years.sources[0]
        .passage
        .starts_with("In about 40,000 years Voyager 1"));
    let star = fact(&fc, "Gliese-445");
    assert_eq!(star.status, FactStatus::Found);
    assert_eq!(notes_of(star), vec!["sagan-murmurs-of-earth.txt"]);
    let rpm = fact(&fc, "16⅔ rpm");
    assert_eq!(rpm.status, FactStatus::Found);
    assert_eq!(
        rpm.sources[0].passage,
        "The disc is meant to be played at 16⅔ rpm."
    );
    assert_eq!(fact(&fc, "4.51 billion years").status, FactStatus::Found);
    let sagan = fact(&fc, "Carl Sagan");
    assert_eq!(sagan.status, FactStatus::Found);
    assert_eq!(
        sagan.sources[0].passage,
        "The committee was chaired by Carl Sagan of Cornell University."
    );
    assert_eq!(fact(&fc, "Voyager 2").status, FactStatus::Found);
    assert_eq!(
        fc.disagree + fc.not_in_notes,
        0,
        "{:#?}",
        fc.flagged().collect::<Vec<_>>()
    );
}

#[test]
fn one_thousand_in_words_and_digits_agree() {
    let notes = NoteText::labelled([(
        "greetings.txt".to_string(),
        "Visitors left one thousand greetings in the guest book.".to_string(),
    )]);
    for line in [
        "There were 1,000 greetings.",
        "There were 1000 greetings.",
        "There were one thousand greetings.",
    ] {
        let fc = check(&script(&[line]), &notes);
        assert_eq!(fc.facts.len(), 1, "{line}: {:?}", fc.facts);
        assert_eq!(fc.facts[0].status, FactStatus::Found, "{line}");
        assert_eq!(
            fc.facts[0].sources[0].passage,
            "Visitors left one thousand greetings in the guest book."
        );
    }
}

#[test]
fn facts_missing_from_the_notes_are_flagged() {
    let notes = notes();
    let fc = check(
        &script(&[
            "Jimmy Carter wrote a message for it.",
            "It holds 27 pieces of music.",
            "Voyager 1 launched on 5 September 1977.",
            "Voyager 2 launched on 23 August 1977.",
        ]),
        &notes,
    );
    assert_eq!(fact(&fc, "Jimmy Carter").status, FactStatus::NotInNotes);
    assert!(fact(&fc, "Jimmy Carter").sources.is_empty());
    assert_eq!(fact(&fc, "27 pieces").status, FactStatus::NotInNotes);
    assert_eq!(fact(&fc, "5 September 1977").status, FactStatus::NotInNotes);
    // Same month and year, another day: the notes say otherwise.
    let other_day = fact(&fc, "23 August 1977");
    assert_eq!(other_day.status, FactStatus::Disagree);
    assert_eq!(
        other_day.sources[0].passage,
        "Voyager 2 launched on 20 August 1977 from Cape Canaveral."
    );
    // Speakers are not facts; directions are not checked.
    assert!(fc.facts.iter().all(|f| f.text != "Alex" && f.text != "Sam"));
}

#[test]
fn cited_labels_are_confirmed_or_corrected() {
    let notes = notes();
    let fc = check(
        &script(&[
            "Ann Druyan chose the music [n3].",
            "It plays at 16⅔ rpm [n2].",
        ]),
        &notes,
    );
    let druyan = fact(&fc, "Ann Druyan");
    assert_eq!(druyan.cited, vec!["n3"]);
    assert_eq!(druyan.citation_ok, Some(true));
    let rpm = fact(&fc, "16⅔ rpm");
    assert_eq!(rpm.cited, vec!["n2"]);
    // The figure is in n1, not n2: the source says which note it really comes from.
    assert_eq!(rpm.citation_ok, Some(false));
    assert_eq!(rpm.sources[0].label, "n1");
}

#[test]
fn directions_are_not_checked() {
    let notes = notes();
    let mut s = script(&["Hello."]);
    s.segments[0]
        .lines
        .push(Line::direction("Music: 90 seconds of Chuck Berry"));
    let fc = check(&s, &notes);
    assert!(fc.facts.is_empty(), "{:?}", fc.facts);
}

#[test]
fn the_quality_check_is_told_what_the_local_check_found() {
    use castwright_engine::factcheck::{local_findings, with_local_findings};
    use castwright_engine::gateway::Message;
    use castwright_engine::pipeline::notes_store::StoredNote;

    let stored: Vec<StoredNote> = notes()
        .into_iter()
        .enumerate()
        .map(|(i, n)| StoredNote {
            id: i as u32 + 1,
            source_name: n.name,
            hash: format!("h{i}"),
            text: n.text,
            word_count: 0,
        })
        .collect();
    let script = "## Main segment 1 (2:00)\nALEX: There are 116 images [n2].\n\
                  SAM: Jimmy Carter wrote to the stars.\nALEX: Carl Sagan chaired it.\n";
    let text = local_findings(script, &stored);
    assert!(
        text.contains("1 found as written, 1 where the notes disagree, 1 not in the notes"),
        "{text}"
    );
    assert!(
        text.contains("- \"116 images\": the notes disagree (n2, n1, n3)"),
        "{text}"
    );
    assert!(
        text.contains("- \"Jimmy Carter\": not in the notes"),
        "{text}"
    );
    assert!(
        !text.contains("Carl Sagan"),
        "found facts are not listed: {text}"
    );
    let msgs = with_local_findings(
        vec![
            Message::system("TASK: verdict"),
            Message::user("<<<NOTES\nNOTES>>>"),
        ],
        script,
        &stored,
    );
    assert!(msgs[0].content.starts_with("TASK: verdict\nA local check"));
    assert_eq!(msgs[1].content, "<<<NOTES\nNOTES>>>");
}
