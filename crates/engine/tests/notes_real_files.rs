//! Ingestion of real files: LibreOffice-made DOCX and PDF (see scripts/make-note-fixtures.sh),
//! hand-made fixtures, and hostile files built here.

#[path = "fixtures/notes/builders.rs"]
mod builders;
#[path = "fixtures/notes/support.rs"]
mod support;

use castwright_engine::notes::{
    content_hash, ingest_file, ingest_pasted, IngestedNote, Limits, RejectCode,
};
use support::{committed, generated};

fn ingest(path: &std::path::Path) -> IngestedNote {
    ingest_file(path, &Limits::default())
        .unwrap_or_else(|r| panic!("{}: {}", path.display(), r.reason))
}

fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn docx_gives_paragraphs_and_headings() {
    let note = ingest(&generated("research.docx"));
    assert!(
        note.text
            .starts_with("# Voyager Golden Record\n\nThe committee had six weeks"),
        "{}",
        note.text
    );
    assert!(note.text.contains("\n\n## Who chose\n\n"), "{}", note.text);
    assert!(
        note.text
            .contains("Frank Drake designed the cover diagrams."),
        "{}",
        note.text
    );
    assert!(
        note.text
            .contains("a café in Ithaca and a naïve first draft"),
        "{}",
        note.text
    );
    assert_eq!(note.source_name, "research.docx");
    assert_eq!(note.hash, content_hash(&note.text));
    assert_eq!(note.hash.len(), 64);
    assert!(note.word_count > 60, "{}", note.word_count);
    assert!(
        note.preview
            .starts_with("# Voyager Golden Record The committee"),
        "{}",
        note.preview
    );
    assert!(note.preview.chars().count() <= 201);
    assert_eq!(note.warning, None);
}

#[test]
fn pdf_gives_its_text_layer() {
    let note = ingest(&generated("research.pdf"));
    for expected in [
        "Voyager Golden Record",
        "Carl Sagan chaired it; Ann Druyan was creative director.",
        "Voyager 2 left Cape Canaveral on 20 August 1977",
    ] {
        assert!(
            note.text.contains(expected),
            "missing {expected:?} in {}",
            note.text
        );
    }
    assert_eq!(note.warning, None);
}

#[test]
fn long_documents_keep_every_page() {
    for name in ["long.pdf", "long.docx"] {
        let note = ingest(&generated(name));
        assert_eq!(note.text.matches("Entry ").count(), 120, "{name}");
        assert!(
            note.text.contains("Entry 120. The committee met again"),
            "{name}"
        );
    }
}

#[test]
fn the_same_notes_in_docx_and_pdf_hold_the_same_words() {
    let docx = ingest(&generated("long.docx"));
    let pdf = ingest(&generated("long.pdf"));
    let words = |t: &str| {
        t.split_whitespace()
            .filter(|w| !w.starts_with('#'))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(words(&docx.text), words(&pdf.text));
}

#[test]
fn password_protected_pdf_is_refused_with_what_to_do() {
    let r = ingest_file(&generated("encrypted.pdf"), &Limits::default()).unwrap_err();
    assert_eq!(r.code, RejectCode::Encrypted);
    assert!(
        r.reason
            .contains("“encrypted.pdf” is protected with a password"),
        "{}",
        r.reason
    );
    assert!(
        r.reason.contains("save a copy without the password"),
        "{}",
        r.reason
    );
}

#[test]
fn web_page_keeps_the_article_only() {
    let note = ingest(&committed("web-page.html"));
    assert_eq!(
        note.text,
        "# Deep Signal — The Golden Record\n\n# The Golden Record\n\nEach record carries greetings in \
         55 languages, sounds of Earth, and music from Bach to Chuck Berry.\n\nThe cover shows how \
         to play it & where it came from."
    );
}

#[test]
fn latin1_text_is_decoded_with_a_warning() {
    let note = ingest(&committed("latin1.txt"));
    assert_eq!(
        note.text,
        "Notes from the archive visit\n\nThe café near the archive served crème brûlée.\n\
         The curator’s notes were in German: Über die Schallplatte."
    );
    let warning = note.warning.unwrap();
    assert!(warning.contains("not saved as Unicode"), "{warning}");
}

#[test]
fn markdown_is_kept_as_written() {
    let note = ingest(&committed("research.md"));
    assert!(note
        .text
        .starts_with("# Voyager interview prep\n\nQuestions for the guest"));
    assert!(note
        .text
        .contains("2. Why Chuck Berry's \"Johnny B. Goode\"?"));
}

#[test]
fn hand_made_and_truncated_pdfs() {
    let note = ingest(&committed("hand-made.pdf"));
    assert_eq!(
        note.text,
        "Hand-made PDF note about the Golden Record.\nIt has one page of real text."
    );
    let r = ingest_file(&committed("truncated.pdf"), &Limits::default()).unwrap_err();
    assert_eq!(r.code, RejectCode::Corrupt);
    assert!(
        r.reason
            .contains("could not be read as a PDF: it seems damaged or incomplete"),
        "{}",
        r.reason
    );
}

#[test]
fn image_only_pdf_has_no_text_layer() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "scan.pdf", &builders::image_only_pdf());
    let r = ingest_file(&path, &Limits::default()).unwrap_err();
    assert_eq!(r.code, RejectCode::NoTextLayer);
    assert!(r.reason.contains("has no text layer"), "{}", r.reason);
    assert!(r.reason.contains("OCR"), "{}", r.reason);
}

#[test]
fn docx_zip_bomb_is_refused_before_inflating() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = builders::zip_bomb_docx(8);
    assert!(
        bomb.len() < 100 * 1024,
        "the bomb is small on disk: {}",
        bomb.len()
    );
    let path = write_temp(&dir, "bomb.docx", &bomb);
    let r = ingest_file(&path, &Limits::default()).unwrap_err();
    assert_eq!(r.code, RejectCode::ZipBomb);
    assert!(
        r.reason.contains("would expand to far more than its size"),
        "{}",
        r.reason
    );

    // Declared sizes past the inflate limit are refused too, whatever the ratio.
    let path = write_temp(
        &dir,
        "big.docx",
        &builders::docx_with_paragraph(&"word ".repeat(50_000)),
    );
    let tight = Limits {
        max_inflated_bytes: 64 * 1024,
        ..Limits::default()
    };
    assert_eq!(
        ingest_file(&path, &tight).unwrap_err().code,
        RejectCode::ZipBomb
    );
    assert!(ingest_file(&path, &Limits::default()).is_ok());
}

#[test]
fn docx_part_that_lies_about_its_size_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "liar.docx", &builders::lying_docx());
    let r = ingest_file(&path, &Limits::default()).unwrap_err();
    assert_eq!(r.code, RejectCode::ZipBomb, "{}", r.reason);
}

#[test]
fn old_or_protected_word_files_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 4096));
    let path = write_temp(&dir, "old.docx", &ole);
    let r = ingest_file(&path, &Limits::default()).unwrap_err();
    assert_eq!(r.code, RejectCode::Encrypted);
    assert!(r.reason.contains("older Word (.doc) file"), "{}", r.reason);
}

#[test]
fn pasted_text_becomes_a_note() {
    let note = ingest_pasted("  ", "  Line one  \r\n\r\n\r\nLine   two ").unwrap();
    assert_eq!(note.source_name, "Pasted text");
    assert_eq!(note.text, "Line one\n\nLine two");
    assert_eq!(note.path, None);
    assert_eq!(note.word_count, 4);
    let r = ingest_pasted("Interview", " \n\t ").unwrap_err();
    assert_eq!(r.code, RejectCode::Empty);
    assert_eq!(r.reason, "There is no text to add. Paste some notes first.");
    // The same words give the same hash however they were pasted.
    assert_eq!(
        ingest_pasted("a", "one two\nthree").unwrap().hash,
        ingest_pasted("b", "one  two three").unwrap().hash
    );
}

#[test]
fn size_limit_is_stated() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "huge.txt", &vec![b'a'; 3 * 1024 * 1024 + 10]);
    let limits = Limits {
        max_file_bytes: 2 * 1024 * 1024,
        ..Limits::default()
    };
    let r = ingest_file(&path, &limits).unwrap_err();
    assert_eq!(r.code, RejectCode::TooLarge);
    assert!(
        r.reason
            .contains("is 3 MB, over the 2 MB limit for a single note"),
        "{}",
        r.reason
    );
}
