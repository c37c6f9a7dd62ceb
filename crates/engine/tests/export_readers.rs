//! Exported files read back by real readers: poppler's pdftotext/pdfinfo for PDF, LibreOffice
//! for DOCX, and Castwright's own note ingestion for both.

#[path = "fixtures/notes/support.rs"]
mod support;

use std::io::Read;
use std::path::Path;

use castwright_engine::export::{export_to, ExportOptions, Format, PageSize};
use castwright_engine::notes::{ingest_file, Limits};
use castwright_engine::script::{Script, ShowNotes};
use support::{libreoffice_convert, run_tool};

/// A long script; each reply carries a control character, which must not reach a Word file's
/// XML (Word and LibreOffice refuse such a file).
fn long_script() -> Script {
    let mut text = String::from(
        "# Voyager: The Golden Record\n\n## Cold open\n[Sound of a modem handshake]\n\
         ALEX: In 1977 we mailed a record to the stars.\n\n## Intro (0:45)\n\
         SAM (laughing): Café naïve — “quotes” and all.\n\n## Main: The committee [3:00]\n",
    );
    for i in 0..80 {
        text.push_str(&format!(
            "ALEX: Point {i}. Carl Sagan's committee had six weeks to choose 116 images and \
             ninety minutes of music for a record meant to outlast the Earth itself.\n\
             SAM: Reply {i}.\u{7} And they had to agree on greetings in fifty-five languages.\n"
        ));
    }
    text.push_str("\n## Outro (1:00)\nALEX: Thanks for listening.\n");
    Script::parse(&text)
}

fn export(dir: &Path, name: &str, format: Format, page_size: PageSize) -> std::path::PathBuf {
    let script = long_script();
    let notes = ShowNotes::derive(&script, &["voyager-facts.pdf".into()]);
    let opts = ExportOptions {
        format,
        include_show_notes: true,
        page_size,
    };
    export_to(&dir.join(name), &script, Some(&notes), &opts).unwrap()
}

fn pdf_pages(path: &Path) -> (usize, String) {
    let info = run_tool("pdfinfo", &[path.to_str().unwrap()]);
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse::<usize>().unwrap())
        .unwrap();
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap()
        .trim()
        .to_string();
    (pages, size)
}

#[test]
fn pdf_text_comes_back_with_speaker_labels_and_page_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "script.pdf", Format::Pdf, PageSize::A4);
    let text = run_tool("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    for expected in [
        "Voyager: The Golden Record",
        "Intro (0:45)",
        "ALEX: In 1977 we mailed a record to the stars.",
        "SAM: (laughing) Café naïve — “quotes” and all.",
        "[Sound of a modem handshake]",
        "ALEX: Point 79.",
        "Show notes",
        "voyager-facts.pdf",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let (pages, size) = pdf_pages(&path);
    assert!(pages > 1, "a long script spans pages, got {pages}");
    assert!(text.contains(&format!("Page 1 of {pages}")), "{text}");
    assert!(text.contains(&format!("Page {pages} of {pages}")), "{text}");
    assert!(
        size.contains("595.28 x 841.89") || size.contains("(A4)"),
        "{size}"
    );
}

#[test]
fn pdf_uses_letter_paper_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "script.pdf", Format::Pdf, PageSize::Letter);
    let (_, size) = pdf_pages(&path);
    assert!(size.starts_with("612 x 792"), "{size}");
}

#[test]
fn pdf_text_is_wrapped_inside_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "script.pdf", Format::Pdf, PageSize::A4);
    // -bbox gives every word's box: none may cross the right margin.
    let html = run_tool("pdftotext", &["-bbox", path.to_str().unwrap(), "-"]);
    let max_x = html
        .split("xMax=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse::<f32>().unwrap())
        .fold(0.0f32, f32::max);
    assert!(max_x > 300.0, "text fills the line ({max_x})");
    assert!(
        max_x <= 595.28 - 56.0,
        "text stays inside the margin ({max_x})"
    );
}

#[test]
fn docx_text_comes_back_through_libreoffice_with_speaker_labels() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "script.docx", Format::Docx, PageSize::A4);
    let txt = libreoffice_convert(&path, "txt:Text", dir.path());
    let text = std::fs::read_to_string(txt).unwrap();
    for expected in [
        "Voyager: The Golden Record",
        "Intro (0:45)",
        "ALEX: In 1977 we mailed a record to the stars.",
        "SAM: (laughing) Café naïve — “quotes” and all.",
        "[Sound of a modem handshake]",
        "SAM: Reply 79. And they had to agree",
        "voyager-facts.pdf",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // LibreOffice lays the document out as Word would: more than one page, numbered.
    let pdf = libreoffice_convert(&path, "pdf", dir.path());
    let (pages, _) = pdf_pages(&pdf);
    assert!(pages > 1);
    let pdf_text = run_tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(
        pdf_text.contains(&format!("Page 1 of {pages}")),
        "{pdf_text}"
    );
}

#[test]
fn docx_uses_word_heading_styles_and_bold_speaker_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "script.docx", Format::Docx, PageSize::Letter);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut document = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut document)
        .unwrap();
    let mut styles = String::new();
    archive
        .by_name("word/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(
        document.contains(r#"<w:pStyle w:val="Title" />"#)
            || document.contains(r#"<w:pStyle w:val="Title"/>"#)
    );
    assert!(document.contains("Heading1"));
    assert!(
        styles.contains(r#"w:val="heading 1""#),
        "Word's own style name"
    );
    // The run holding "ALEX:" is bold.
    let alex = document.find(">ALEX:<").unwrap();
    let run_start = document[..alex].rfind("<w:r>").unwrap();
    assert!(
        document[run_start..alex].contains("<w:b "),
        "{}",
        &document[run_start..alex]
    );
    assert!(document.contains(r#"w:w="12240""#), "Letter width in twips");
}

#[test]
fn exported_files_read_back_as_notes() {
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [("s.docx", Format::Docx), ("s.pdf", Format::Pdf)] {
        let path = export(dir.path(), name, format, PageSize::A4);
        let note = ingest_file(&path, &Limits::default()).unwrap();
        assert!(
            note.text
                .contains("ALEX: In 1977 we mailed a record to the stars."),
            "{name}: {}",
            note.text
        );
        assert!(note.text.contains("SAM: Reply 79."), "{name}");
        assert_eq!(note.warning, None, "{name}");
    }
}
