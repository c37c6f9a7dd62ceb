//! "Before recording, check" and the numbered source notes in the exports, read back by real
//! readers: poppler's pdftotext for PDF, the app's own DOCX reader for Word, serde for JSON.

#[path = "fixtures/notes/support.rs"]
mod support;

use std::path::{Path, PathBuf};

use castwright_engine::export::{
    export_with_checks, ExportChecks, ExportOptions, Format, PageSize,
};
use castwright_engine::factcheck::{check, NoteText};
use castwright_engine::notes::{ingest_file, Limits};
use castwright_engine::pipeline::quality::UnsupportedClaim;
use castwright_engine::script::Script;
use support::run_tool;

fn notes() -> Vec<NoteText> {
    NoteText::labelled([
        (
            "nasa.md".to_string(),
            "The record holds 115 images encoded in analog form. The disc plays at 16⅔ rpm."
                .to_string(),
        ),
        (
            "murmurs.txt".to_string(),
            "The team chose 116 images for the record.".to_string(),
        ),
        (
            "blog.txt".to_string(),
            "A popular blog says 118 images were sent.".to_string(),
        ),
    ])
}

fn script() -> Script {
    Script::parse(
        "# The Golden Record\n\n## Main segment 1 (2:00)\n\
         ALEX: There are 116 images on the record [n2].\n\
         SAM: And it plays at 16⅔ rpm [n1].\n\n## Outro (0:30)\n\
         ALEX: Jimmy Carter wrote a message for it.\n",
    )
}

fn checks(before_recording: bool, source_notes: bool) -> ExportChecks {
    ExportChecks {
        unsupported_claims: vec![UnsupportedClaim {
            claim: "the record will last a billion years".into(),
            reason: "No note gives how long the record lasts.".into(),
        }],
        facts: check(&script(), &notes()),
        before_recording,
        source_notes,
    }
}

fn export(dir: &Path, name: &str, format: Format, c: &ExportChecks) -> PathBuf {
    let opts = ExportOptions {
        format,
        include_show_notes: false,
        page_size: PageSize::A4,
    };
    export_with_checks(&dir.join(name), &script(), None, Some(c), &opts).unwrap()
}

/// Whitespace collapsed, so wrapped lines compare as one.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_section(text: &str, format: &str) {
    // Markdown's bold marks aside, every format says the same.
    let text = flat(text).replace("**", "");
    assert!(text.contains("Before recording, check"), "{format}: {text}");
    assert!(
        text.contains("“116 images” (Main segment 1) — your notes disagree"),
        "{format}: {text}"
    );
    for passage in [
        "murmurs.txt: “The team chose 116 images for the record.”",
        "nasa.md: “The record holds 115 images encoded in analog form.”",
        "blog.txt: “A popular blog says 118 images were sent.”",
        "“Jimmy Carter” (Outro) — not in your notes",
        "“the record will last a billion years” — the quality check: No note gives how long the record lasts.",
    ] {
        assert!(text.contains(passage), "{format}: no {passage:?} in {text}");
    }
    // Found facts are not listed, and note labels are never read aloud.
    assert!(!text.contains("“16⅔ rpm” —"), "{format}: {text}");
    assert!(
        !text.contains("[n1]") && !text.contains("[n2]"),
        "{format}: {text}"
    );
    // The section comes before the script.
    assert!(text.find("Before recording").unwrap() < text.find("There are 116 images").unwrap());
}

#[test]
fn markdown_pdf_and_docx_list_what_to_check_with_sources() {
    let dir = tempfile::tempdir().unwrap();
    let c = checks(true, false);
    let md = std::fs::read_to_string(export(dir.path(), "s.md", Format::Markdown, &c)).unwrap();
    assert_section(&md, "Markdown");
    assert!(md.contains("## Before recording, check"));
    assert!(!md.contains("Sources:"), "source notes are off: {md}");

    let pdf = export(dir.path(), "s.pdf", Format::Pdf, &c);
    let text = run_tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert_section(&text, "PDF");

    let docx = export(dir.path(), "s.docx", Format::Docx, &c);
    let back = ingest_file(&docx, &Limits::default()).unwrap();
    assert_section(&back.text, "DOCX");
}

#[test]
fn numbered_source_notes_follow_each_segment() {
    let dir = tempfile::tempdir().unwrap();
    let c = checks(false, true);
    let md = std::fs::read_to_string(export(dir.path(), "s.md", Format::Markdown, &c)).unwrap();
    assert!(!md.contains("Before recording"), "{md}");
    let rpm = "2. “16⅔ rpm” — nasa.md: “The disc plays at 16⅔ rpm.”";
    assert!(md.contains("1. “116 images” (your notes disagree) — murmurs.txt: “The team chose 116 images for the record.”"), "{md}");
    assert!(md.contains(rpm), "{md}");
    // After the segment's lines, before the next heading.
    assert!(md.find(rpm).unwrap() < md.find("## Outro").unwrap(), "{md}");

    let pdf = export(dir.path(), "s.pdf", Format::Pdf, &c);
    let text = flat(&run_tool(
        "pdftotext",
        &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    ));
    assert!(text.contains(rpm), "{text}");
    let docx = export(dir.path(), "s.docx", Format::Docx, &c);
    let back = flat(&ingest_file(&docx, &Limits::default()).unwrap().text);
    assert!(back.contains(rpm), "{back}");
    assert!(!back.contains("Before recording"), "{back}");
}

#[test]
fn json_carries_every_fact_and_the_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "s.json", Format::Json, &checks(true, false));
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let facts = j["fact_check"]["facts"].as_array().unwrap();
    let texts: Vec<(&str, &str)> = facts
        .iter()
        .map(|f| (f["text"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        texts,
        vec![
            ("116 images", "disagree"),
            ("16⅔ rpm", "found"),
            ("Jimmy Carter", "not_in_notes")
        ]
    );
    assert_eq!(facts[1]["sources"][0]["note"], "nasa.md");
    assert_eq!(
        facts[1]["sources"][0]["passage"],
        "The disc plays at 16⅔ rpm."
    );
    assert_eq!(facts[1]["cited"][0], "n1");
    assert_eq!(facts[1]["citation_ok"], true);
    assert_eq!(j["fact_check"]["disagree"], 1);
    let before = &j["before_recording"];
    assert_eq!(before["disagreements"][0]["text"], "116 images");
    assert_eq!(before["not_in_notes"][0]["text"], "Jimmy Carter");
    assert_eq!(
        before["unsupported_claims"][0]["claim"],
        "the record will last a billion years"
    );
    // The script's lines carry no labels.
    assert!(!j["script"].to_string().contains("[n1]"));

    let off = export(dir.path(), "off.json", Format::Json, &checks(false, false));
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(off).unwrap()).unwrap();
    assert!(j.get("before_recording").is_none());
    assert_eq!(j["fact_check"]["facts"].as_array().unwrap().len(), 3);
}
