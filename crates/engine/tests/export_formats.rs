//! Export formats checked byte for byte where the format is text, and the atomic write.

use std::path::{Path, PathBuf};

use castwright_engine::export::{
    export_to, render, sanitize_file_name, ExportOptions, Format, PageSize,
};
use castwright_engine::script::{Script, ShowNotes};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SCRIPT: &str = "\
# Voyager: The Golden Record

## Cold open
[Sound of a modem handshake]
ALEX: In 1977 we mailed a record to the stars.

## Intro (0:45)
ALEX: Welcome back to Deep Signal.
SAM: (laughing) And yes, we're doing space again.
";

fn script() -> Script {
    Script::parse(SCRIPT)
}

fn opts(format: Format, include_show_notes: bool) -> ExportOptions {
    ExportOptions {
        format,
        include_show_notes,
        page_size: PageSize::A4,
    }
}

#[test]
fn markdown_has_bold_speakers_and_timed_headings_and_reads_back() {
    let bytes = render(&script(), None, &opts(Format::Markdown, false)).unwrap();
    let md = String::from_utf8(bytes).unwrap();
    assert_eq!(
        md,
        "# Voyager: The Golden Record\n\n## Cold open\n\n*[Sound of a modem handshake]*\n\n\
         **ALEX:** In 1977 we mailed a record to the stars.\n\n## Intro (0:45)\n\n\
         **ALEX:** Welcome back to Deep Signal.\n\n\
         **SAM:** (laughing) And yes, we're doing space again.\n"
    );
    assert_eq!(Script::parse(&md), script());
}

#[test]
fn markdown_show_notes_section_is_optional() {
    let s = script();
    let notes = ShowNotes::derive(&s, &["facts.pdf".to_string()]);
    let without =
        String::from_utf8(render(&s, Some(&notes), &opts(Format::Markdown, false)).unwrap())
            .unwrap();
    assert!(!without.contains("Show notes"));
    let with = String::from_utf8(render(&s, Some(&notes), &opts(Format::Markdown, true)).unwrap())
        .unwrap();
    assert!(with.contains("## Show notes"), "{with}");
    assert!(
        with.contains("### Chapters\n\n- 0:00 — Cold open\n"),
        "{with}"
    );
    assert!(with.contains("### Sources\n\n- facts.pdf\n"), "{with}");
}

#[test]
fn plain_text_uses_name_colon_lines() {
    let s = script();
    let notes = ShowNotes::derive(&s, &[]);
    let text =
        String::from_utf8(render(&s, Some(&notes), &opts(Format::Text, true)).unwrap()).unwrap();
    assert!(
        text.starts_with(
            "Voyager: The Golden Record\n==========================\n\nCold open\n---------\n\n\
         [Sound of a modem handshake]\nALEX: In 1977 we mailed a record to the stars.\n\n\
         Intro (0:45)\n------------\n\nALEX: Welcome back to Deep Signal.\n"
        ),
        "{text}"
    );
    assert!(text.contains("Show notes\n=========="), "{text}");
    assert!(text.contains("Chapters\n0:00  Cold open\n"), "{text}");
}

#[test]
fn json_carries_script_and_show_notes() {
    let s = script();
    let notes = ShowNotes::derive(&s, &["a.txt".to_string()]);
    let bytes = render(&s, Some(&notes), &opts(Format::Json, true)).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["format_version"], 1);
    let back: Script = serde_json::from_value(v["script"].clone()).unwrap();
    assert_eq!(back, s);
    let back_notes: ShowNotes = serde_json::from_value(v["show_notes"].clone()).unwrap();
    assert_eq!(back_notes, notes);
    let without = render(&s, Some(&notes), &opts(Format::Json, false)).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&without).unwrap();
    assert!(v["show_notes"].is_null());
}

#[test]
fn format_follows_the_file_name() {
    assert_eq!(
        Format::from_path(Path::new("a/b.MD")),
        Some(Format::Markdown)
    );
    assert_eq!(Format::from_path(Path::new("x.txt")), Some(Format::Text));
    assert_eq!(Format::from_path(Path::new("x.docx")), Some(Format::Docx));
    assert_eq!(Format::from_path(Path::new("x.Pdf")), Some(Format::Pdf));
    assert_eq!(Format::from_path(Path::new("x.json")), Some(Format::Json));
    assert_eq!(Format::from_path(Path::new("x.rtf")), None);
    assert_eq!(Format::from_path(Path::new("noext")), None);
    for f in Format::ALL {
        assert_eq!(
            Format::from_path(Path::new(&format!("s.{}", f.extension()))),
            Some(f)
        );
    }
    assert_eq!(serde_json::to_string(&Format::Docx).unwrap(), "\"docx\"");
    assert_eq!(
        serde_json::to_string(&PageSize::Letter).unwrap(),
        "\"letter\""
    );
}

#[test]
fn file_names_are_safe_everywhere() {
    assert_eq!(
        sanitize_file_name("Ep 12: Voyager / The Record?", "md"),
        "Ep 12 Voyager The Record.md"
    );
    assert_eq!(sanitize_file_name("CON", "txt"), "CON_.txt");
    assert_eq!(sanitize_file_name("com1.backup", "pdf"), "com1_.backup.pdf");
    assert_eq!(
        sanitize_file_name("report\u{202e}txt.exe", "md"),
        "report txt.exe.md"
    );
    assert_eq!(
        sanitize_file_name("  ...  ", "docx"),
        "Untitled script.docx"
    );
    assert_eq!(sanitize_file_name("", ".PDF"), "Untitled script.pdf");
    assert_eq!(
        sanitize_file_name("trailing dots...", "md"),
        "trailing dots.md"
    );
    assert_eq!(sanitize_file_name(".hidden", "md"), "hidden.md");
    assert_eq!(sanitize_file_name("tab\there\u{0}", "txt"), "tab here.txt");
    let long = "é".repeat(200);
    let name = sanitize_file_name(&long, "docx");
    assert!(name.len() <= 120, "{}", name.len());
    assert!(name.ends_with(".docx"));

    let pieces = [
        "CON", "nul", "Lpt9", ".", " ", "/", "\\", ":", "*", "?", "\"", "<", ">", "|", "\u{7}",
        "\n", "é", "日本", "a", "Z", "..", "-", "😀", "\u{202e}",
    ];
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..20_000 {
        let title: String = (0..rng.gen_range(0..60))
            .map(|_| pieces[rng.gen_range(0..pieces.len())])
            .collect();
        let name = sanitize_file_name(&title, "pdf");
        assert!(name.len() <= 120 && name.len() > 4, "{title:?} -> {name:?}");
        let stem = name.strip_suffix(".pdf").unwrap();
        assert!(!stem.is_empty());
        assert!(
            !stem
                .chars()
                .any(|c| c.is_control() || "/\\<>:\"|?*".contains(c)),
            "{name:?}"
        );
        assert!(
            !stem.ends_with(['.', ' ']) && !stem.starts_with(['.', ' ']),
            "{name:?}"
        );
        let base = stem
            .split('.')
            .next()
            .unwrap()
            .trim_end()
            .to_ascii_uppercase();
        assert!(
            !["CON", "PRN", "AUX", "NUL", "COM1", "LPT9"].contains(&base.as_str()),
            "{name:?}"
        );
    }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn export_writes_the_file_and_replaces_an_old_one() {
    let dir = temp_dir();
    let path = dir.path().join("script.md");
    std::fs::write(&path, "old").unwrap();
    let written = export_to(&path, &script(), None, &opts(Format::Markdown, false)).unwrap();
    assert_eq!(written, path);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .starts_with("# Voyager"));
    assert_eq!(
        entries(dir.path()),
        vec![path],
        "no temporary file is left behind"
    );
}

#[test]
fn a_failed_export_leaves_nothing_and_keeps_the_old_file() {
    let dir = temp_dir();
    // The target is a folder with something in it: the final rename must fail.
    let target = dir.path().join("script.md");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "precious").unwrap();
    let err = export_to(&target, &script(), None, &opts(Format::Markdown, false)).unwrap_err();
    assert_eq!(err.code(), castwright_engine::ErrorCode::InvalidInput);
    assert!(err.to_string().contains("Nothing was changed"), "{err}");
    assert_eq!(
        entries(dir.path()),
        vec![target.clone()],
        "temporary file removed"
    );
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).unwrap(),
        "precious"
    );

    let missing = dir.path().join("no such folder").join("script.md");
    assert!(export_to(&missing, &script(), None, &opts(Format::Markdown, false)).is_err());
    assert!(!dir.path().join("no such folder").exists());
}
