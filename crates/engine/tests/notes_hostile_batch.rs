//! Whole drops of files through `ingest_paths`: a hostile corpus in one batch, a drop of 50
//! with 3 bad, duplicates, the total limit, and folder walking.

#[path = "fixtures/notes/builders.rs"]
mod builders;
#[path = "fixtures/notes/support.rs"]
mod support;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use castwright_engine::notes::{ingest_pasted, ingest_paths, Limits, RejectCode};
use support::{committed, generated};

fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

fn copy(dir: &Path, from: &Path, name: &str) -> PathBuf {
    put(dir, name, &std::fs::read(from).unwrap())
}

#[test]
fn hostile_corpus_in_one_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Good notes.
    copy(d, &generated("research.docx"), "research.docx");
    copy(d, &generated("long.pdf"), "long.pdf");
    copy(d, &committed("web-page.html"), "web-page.html");
    copy(d, &committed("latin1.txt"), "latin1.txt");
    copy(d, &committed("research.md"), "nested/deeper/research.md");
    copy(d, &committed("hand-made.pdf"), "hand-made.pdf");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "Guest list in UTF-16"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    put(d, "guests.txt", &utf16);
    // Hidden files and folders are skipped without a word.
    put(d, ".DS_Store", b"\0\0\0\x01Bud1");
    put(d, ".git/notes.txt", b"not a note");
    // Bad ones, each with its reason.
    copy(d, &committed("empty.txt"), "empty.txt");
    copy(d, &committed("truncated.pdf"), "truncated.pdf");
    copy(d, &generated("encrypted.pdf"), "encrypted.pdf");
    put(d, "scan.pdf", &builders::image_only_pdf());
    put(d, "bomb.docx", &builders::zip_bomb_docx(8));
    put(d, "liar.docx", &builders::lying_docx());
    put(
        d,
        "not-a-zip.docx",
        b"This was saved as plain text with a .docx name.",
    );
    put(
        d,
        "photo.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0\x90\x91h6\0\0\0\0",
    );
    put(d, "interview.rtf", b"{\\rtf1 hello}");
    put(
        d,
        "scripts-only.html",
        b"<html><script>alert(1)</script><nav>Home</nav></html>",
    );
    put(d, "big.txt", &vec![b'x'; 2 * 1024 * 1024]);
    // A missing path given directly.
    let missing = d.join("gone.txt");

    let limits = Limits {
        max_file_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let batch = ingest_paths(&[d.to_path_buf(), missing], &limits, &HashSet::new());

    let added: Vec<&str> = batch.added.iter().map(|n| n.source_name.as_str()).collect();
    assert_eq!(
        added,
        vec![
            "guests.txt",
            "hand-made.pdf",
            "latin1.txt",
            "long.pdf",
            "research.md",
            "research.docx",
            "web-page.html"
        ],
        "walked in name order, folders in place"
    );
    assert!(batch.duplicates.is_empty(), "{:?}", batch.duplicates);
    let warned: Vec<&str> = batch
        .added
        .iter()
        .filter(|n| n.warning.is_some())
        .map(|n| n.source_name.as_str())
        .collect();
    assert_eq!(warned, vec!["latin1.txt"]);

    let rejected: BTreeMap<&str, (RejectCode, &str)> = batch
        .rejected
        .iter()
        .map(|r| (r.source_name.as_str(), (r.code, r.reason.as_str())))
        .collect();
    let expect = [
        ("big.txt", RejectCode::TooLarge, "is 2 MB, over the 1 MB limit for a single note"),
        ("bomb.docx", RejectCode::ZipBomb, "would expand to far more than its size"),
        ("empty.txt", RejectCode::Empty, "“empty.txt” is empty"),
        ("encrypted.pdf", RejectCode::Encrypted, "is protected with a password"),
        ("gone.txt", RejectCode::Unreadable, "could not be found"),
        ("interview.rtf", RejectCode::Unsupported, "Add notes as text (.txt), Markdown (.md), web pages (.html), PDFs (.pdf) or Word documents (.docx)"),
        ("liar.docx", RejectCode::ZipBomb, "would expand to far more than its size"),
        ("not-a-zip.docx", RejectCode::Corrupt, "could not be read as a Word document"),
        ("photo.txt", RejectCode::NotText, "does not contain text"),
        ("scan.pdf", RejectCode::NoTextLayer, "has no text layer"),
        ("scripts-only.html", RejectCode::Empty, "has no readable text"),
        ("truncated.pdf", RejectCode::Corrupt, "could not be read as a PDF"),
    ];
    assert_eq!(
        rejected.keys().copied().collect::<Vec<_>>(),
        expect.iter().map(|e| e.0).collect::<Vec<_>>()
    );
    for (name, code, words) in expect {
        let (got_code, reason) = rejected[name];
        assert_eq!(got_code, code, "{name}: {reason}");
        assert!(reason.contains(words), "{name}: {reason}");
        assert!(reason.contains(name), "the reason names the file: {reason}");
    }
}

#[test]
fn a_drop_of_fifty_with_three_bad_adds_forty_seven() {
    let tmp = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for i in 0..47 {
        paths.push(put(
            tmp.path(),
            &format!("note-{i:02}.txt"),
            format!("Research note number {i}.").as_bytes(),
        ));
    }
    paths.push(put(tmp.path(), "bad-1.docx", b"not a zip"));
    paths.push(put(tmp.path(), "bad-2.pdf", b"%PDF-1.4 nothing else"));
    paths.push(put(tmp.path(), "bad-3.txt", b""));
    let batch = ingest_paths(&paths, &Limits::default(), &HashSet::new());
    assert_eq!(batch.added.len(), 47);
    assert_eq!(batch.rejected.len(), 3);
    let codes: Vec<RejectCode> = batch.rejected.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        vec![RejectCode::Corrupt, RejectCode::Corrupt, RejectCode::Empty]
    );
}

#[test]
fn duplicates_are_caught_by_content_not_name() {
    let tmp = tempfile::tempdir().unwrap();
    let a = put(
        tmp.path(),
        "a.txt",
        b"The committee had six weeks.\nThey chose 116 images.",
    );
    let b = put(
        tmp.path(),
        "b.md",
        b"The committee had   six weeks. They chose\n116 images.\n",
    );
    let c = put(tmp.path(), "c.txt", b"Already in the episode.");
    let known: HashSet<String> = [ingest_pasted("old", "Already in the episode.")
        .unwrap()
        .hash]
    .into();
    let batch = ingest_paths(&[a, b, c], &Limits::default(), &known);
    assert_eq!(batch.added.len(), 1);
    assert_eq!(batch.added[0].source_name, "a.txt");
    assert_eq!(
        batch.duplicates,
        vec![
            "“b.md” has the same text as “a.txt”, so it was added only once.".to_string(),
            "“c.txt” has the same text as a note already in this episode, so it was not added again.".to_string(),
        ]
    );
}

#[test]
fn the_total_limit_stops_the_drop_at_the_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for i in 0..5 {
        let body = format!("note {i} ") + &"words ".repeat(100_000);
        paths.push(put(tmp.path(), &format!("n{i}.txt"), body.as_bytes()));
    }
    let limits = Limits {
        max_total_bytes: 1024 * 1024 + 512 * 1024,
        ..Limits::default()
    };
    let batch = ingest_paths(&paths, &limits, &HashSet::new());
    assert_eq!(batch.added.len(), 2, "two 600 KB notes fit in 1.5 MB");
    assert_eq!(batch.rejected.len(), 3);
    for r in &batch.rejected {
        assert_eq!(r.code, RejectCode::TotalTooLarge);
        assert!(r.reason.contains("1.5 MB limit"), "{}", r.reason);
    }
}
