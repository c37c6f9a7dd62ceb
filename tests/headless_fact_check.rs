//! `castwright produce`'s local fact check: the JSON line and the export carry it.

mod support;

use std::path::Path;
use support::headless::{last_json, produce, BRIEF};

/// Notes whose sources disagree (115, 116 and 118 images), for the local fact check.
fn disagreeing_notes(dir: &Path) {
    std::fs::write(
        dir.join("nasa.md"),
        "# The Golden Record\n\nThe record holds 115 images encoded in analog form. \
         Voyager 2 launched on 20 August 1977 from Cape Canaveral.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("murmurs.txt"),
        "Carl Sagan and his team chose 116 images for the record. \
         The greetings were recorded in 55 languages.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("blog.txt"),
        "A popular blog says 118 images were sent into space. \
         The cover shows how to play the disc at 16⅔ rpm.\n",
    )
    .unwrap();
}

#[test]
fn the_json_line_and_the_export_carry_the_local_fact_check() {
    let data = tempfile::tempdir().unwrap();
    let notes_dir = tempfile::tempdir().unwrap();
    disagreeing_notes(notes_dir.path());
    let out_dir = tempfile::tempdir().unwrap();
    let script = out_dir.path().join("script.md");
    let n = notes_dir.path().display().to_string();
    let args = [
        "--connection",
        "demo",
        "--notes",
        &n,
        "--brief",
        BRIEF,
        "--minutes",
        "3",
        "--export",
        script.to_str().unwrap(),
        "--json",
    ];
    let out = produce(data.path(), "fast-demo.json", &args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = last_json(&out);
    let facts = j["fact_check"].as_array().expect("fact_check list");
    assert!(!facts.is_empty(), "{j}");
    let counts = &j["fact_check_counts"];
    let count = |s: &str| facts.iter().filter(|f| f["status"] == s).count() as u64;
    for status in ["found", "disagree", "not_in_notes"] {
        assert_eq!(counts[status].as_u64(), Some(count(status)), "{j}");
    }
    assert_eq!(
        count("found") + count("disagree") + count("not_in_notes"),
        facts.len() as u64
    );
    // The script repeats the notes' sentences, so the image counts disagree, with the passage
    // of each note.
    let images = facts
        .iter()
        .find(|f| f["text"].as_str().unwrap().contains("images"))
        .unwrap_or_else(|| panic!("no image count in {j}"));
    assert_eq!(images["status"], "disagree", "{images}");
    let mut notes: Vec<&str> = images["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["note"].as_str().unwrap())
        .collect();
    notes.sort();
    assert_eq!(
        notes,
        vec!["blog.txt", "murmurs.txt", "nasa.md"],
        "{images}"
    );
    assert!(images["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["passage"] == "The record holds 115 images encoded in analog form."));
    let found = facts
        .iter()
        .find(|f| f["status"] == "found")
        .unwrap_or_else(|| panic!("nothing found in {j}"));
    assert!(!found["sources"][0]["passage"].as_str().unwrap().is_empty());

    let md = std::fs::read_to_string(&script).unwrap();
    assert!(md.contains("## Before recording, check"), "{md}");
    assert!(md.contains("your notes disagree"), "{md}");
    assert!(
        md.contains("nasa.md: “The record holds 115 images encoded in analog form.”"),
        "{md}"
    );

    // --no-checks: the same export without the section.
    let plain = out_dir.path().join("plain.md");
    let mut args2 = args.to_vec();
    args2[9] = plain.to_str().unwrap();
    args2.push("--no-checks");
    let out2 = produce(data.path(), "fast-demo.json", &args2)
        .output()
        .unwrap();
    assert_eq!(
        out2.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out2.stderr)
    );
    let md2 = std::fs::read_to_string(&plain).unwrap();
    assert!(!md2.contains("Before recording"), "{md2}");
    // The JSON line still carries the check.
    assert!(!last_json(&out2)["fact_check"]
        .as_array()
        .unwrap()
        .is_empty());
}
