//! Replays the saved fuzz corpus and regression inputs (crates/engine/fuzz) through every
//! parser, so what fuzzing once found stays fixed without running the fuzzer.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use castwright_engine::notes::parsers::{decode_text, docx_text, html_text, pdf_text};
use castwright_engine::notes::{content_hash, normalize_text, Limits};
use castwright_engine::script::{Script, ShowNotes};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.file_name().is_some_and(|n| n != "README.md") {
            out.push(path);
        }
    }
}

/// A parser run on one input, named for the report.
type Check<'a> = (&'static str, Box<dyn Fn() + 'a>);

/// Every parser on one input; the first one that panics is named.
fn run_all(data: &[u8]) -> Result<(), &'static str> {
    let limits = Limits {
        max_inflated_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let text = String::from_utf8_lossy(data);
    let checks: [Check<'_>; 5] = [
        (
            "script_parse",
            Box::new(|| {
                let script = Script::parse(&text);
                assert_eq!(Script::parse(&script.to_text()), script);
                let _ = ShowNotes::derive(&script, &[]);
            }),
        ),
        (
            "notes_decode",
            Box::new(|| {
                let _ = content_hash(&normalize_text(&decode_text(data, None).text));
            }),
        ),
        ("notes_html", Box::new(|| drop(html_text(data)))),
        ("notes_pdf", Box::new(|| drop(pdf_text(data, &limits)))),
        ("notes_docx", Box::new(|| drop(docx_text(data, &limits)))),
    ];
    for (name, check) in checks {
        if panic::catch_unwind(AssertUnwindSafe(check)).is_err() {
            return Err(name);
        }
    }
    Ok(())
}

#[test]
fn saved_fuzz_inputs_never_panic() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    files_under(&fuzz.join("corpus"), &mut files);
    files_under(&fuzz.join("regressions"), &mut files);
    files.sort();
    // The seed corpus is committed; an empty list means it went missing, not that all passed.
    assert!(
        files.len() >= 10,
        "fuzz corpus missing: found {} files",
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let data = std::fs::read(f).unwrap();
            run_all(&data)
                .err()
                .map(|parser| format!("{} panicked in {parser}", f.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
