//! Script answers in several models' styles, normalised and exported in all five formats,
//! then read back (pdftotext for PDF, Castwright's own reader for DOCX): no chat, no stray
//! Markdown, directions shown the same way everywhere, emoji never drawn as "�".

#[path = "fixtures/notes/support.rs"]
mod support;

use std::path::Path;

use castwright_engine::export::{export_to, ExportOptions, Format, PageSize};
use castwright_engine::notes::{ingest_file, Limits};
use castwright_engine::script::{normalise, normalise_parts, Script, ScriptPlan, ShowNotes};
use support::run_tool;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/script_answers/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn plan() -> ScriptPlan {
    ScriptPlan {
        hosts: vec!["Alex".into(), "Sam".into()],
        guests: vec![],
        segments: [
            "Cold open",
            "Intro",
            "Main segment 1",
            "Ad read 1",
            "Main segment 2",
            "Outro",
        ]
        .map(String::from)
        .to_vec(),
    }
}

/// Every fixture, as the pipeline would save it.
fn scripts() -> Vec<(&'static str, Script)> {
    let mut out: Vec<(&'static str, Script)> = [
        "claude_chatty.md",
        "gpt_markdown.md",
        "gemini_bold.md",
        "llama_caps.txt",
        "terse.md",
    ]
    .into_iter()
    .map(|name| (name, normalise(&fixture(name), &plan()).script))
    .collect();
    let parts = [fixture("multi_part_1.md"), fixture("multi_part_2.md")];
    out.push(("multi_part", normalise_parts(&parts, &plan()).script));
    for (_, s) in &mut out {
        s.title = "The Golden Record".into();
    }
    out
}

const CHAT: &[&str] = &[
    "Here's",
    "Here is",
    "here is",
    "Let me know",
    "Word count",
    "word count",
    "Production notes",
    "I hope",
    "Feel free",
    "If you'd like",
    "Estimated runtime",
    "Podcast Title",
    "Hosts:",
    "part 2",
    "full script",
    "Mixtape",
    "Episode script",
    "I kept",
    "MUSIC CUE:**",
];

/// The exported file as text a reader sees, whitespace runs collapsed.
fn read_back(path: &Path, format: Format) -> String {
    let text = match format {
        Format::Pdf => run_tool("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]),
        Format::Docx => ingest_file(path, &Limits::default()).unwrap().text,
        _ => std::fs::read_to_string(path).unwrap(),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn exports_in_every_format_hold_no_chat_and_no_stray_markdown() {
    let dir = tempfile::tempdir().unwrap();
    for (name, script) in scripts() {
        let notes = ShowNotes::derive(&script, &["voyager-notes.md".into()]);
        for (ext, format) in [
            ("md", Format::Markdown),
            ("txt", Format::Text),
            ("json", Format::Json),
            ("docx", Format::Docx),
            ("pdf", Format::Pdf),
        ] {
            let opts = ExportOptions {
                format,
                include_show_notes: true,
                page_size: PageSize::A4,
            };
            let path = dir.path().join(format!("{name}.{ext}"));
            export_to(&path, &script, Some(&notes), &opts).unwrap();
            let text = read_back(&path, format);
            for chat in CHAT {
                assert!(!text.contains(chat), "{name}.{ext}: {chat:?} in\n{text}");
            }
            assert!(
                !text.contains('\u{fffd}'),
                "{name}.{ext}: a replacement character"
            );
            match format {
                // Markdown sets its own emphasis: bold names, italic bracketed directions.
                Format::Markdown => {
                    for bad in ["*(", ")*", "> ", "***", "**:"] {
                        assert!(!text.contains(bad), "{name}.md: {bad:?} in\n{text}");
                    }
                }
                // Castwright's DOCX reader marks Word headings with `#` itself.
                Format::Docx => {
                    for bad in ["*", "> ", "__"] {
                        assert!(!text.contains(bad), "{name}.{ext}: {bad:?} in\n{text}");
                    }
                }
                _ => {
                    for bad in ["*", "> ", "##", "__"] {
                        assert!(!text.contains(bad), "{name}.{ext}: {bad:?} in\n{text}");
                    }
                }
            }
        }
    }
}

#[test]
fn directions_and_cues_read_the_same_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let script = normalise(&fixture("gemini_bold.md"), &plan()).script;
    let claude = normalise(&fixture("claude_chatty.md"), &plan()).script;
    for (ext, format, direction, cue) in [
        (
            "md",
            Format::Markdown,
            "*[SOUND of a needle dropping onto vinyl]*",
            "*[MUSIC CUE: A low synth drone",
        ),
        (
            "txt",
            Format::Text,
            "[SOUND of a needle dropping onto vinyl]",
            "[MUSIC CUE: A low synth drone",
        ),
        (
            "docx",
            Format::Docx,
            "[SOUND of a needle dropping onto vinyl]",
            "[MUSIC CUE: A low synth drone",
        ),
        (
            "pdf",
            Format::Pdf,
            "[SOUND of a needle dropping onto vinyl]",
            "[MUSIC CUE: A low synth drone",
        ),
    ] {
        let opts = ExportOptions {
            format,
            include_show_notes: false,
            page_size: PageSize::A4,
        };
        let a = dir.path().join(format!("gemini.{ext}"));
        export_to(&a, &script, None, &opts).unwrap();
        let text = read_back(&a, format);
        assert!(text.contains(direction), "{ext}: {direction:?} in\n{text}");
        let b = dir.path().join(format!("claude.{ext}"));
        export_to(&b, &claude, None, &opts).unwrap();
        let text = read_back(&b, format);
        assert!(text.contains(cue), "{ext}: {cue:?} in\n{text}");
        assert!(
            !text.contains("MUSIC CUE:") || text.contains("[MUSIC CUE:"),
            "{ext}: a cue shown as a speaker"
        );
    }
    // JSON: a cue is a line with no speaker.
    let json = serde_json::to_value(&claude).unwrap();
    let first = &json["segments"][0]["lines"][0];
    assert!(first["speaker"].is_null());
    assert_eq!(
        first["text"],
        "MUSIC CUE: A low synth drone, then the crackle of a stylus finding the groove."
    );
}

#[test]
fn emoji_are_left_out_of_the_pdf_cleanly_and_kept_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let script = normalise(&fixture("gemini_bold.md"), &plan()).script;
    let opts = |format| ExportOptions {
        format,
        include_show_notes: false,
        page_size: PageSize::A4,
    };
    let pdf = dir.path().join("e.pdf");
    export_to(&pdf, &script, None, &opts(Format::Pdf)).unwrap();
    let text = read_back(&pdf, Format::Pdf);
    assert!(!text.contains('\u{fffd}'), "{text}");
    assert!(text.contains("Sam: Six weeks. That's it."), "{text}");
    assert!(
        text.contains("Alex: What would you put on a record for aliens?"),
        "{text}"
    );
    let md = dir.path().join("e.md");
    export_to(&md, &script, None, &opts(Format::Markdown)).unwrap();
    assert!(read_back(&md, Format::Markdown).contains("for aliens? 🤔"));
}
