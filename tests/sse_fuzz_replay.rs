//! The SSE reader's fuzz corpus, replayed on every `cargo test` (`make fuzz` grows it): the
//! saved inputs read the same however the network cuts them, and never panic.

mod support;

use std::path::PathBuf;

use support::files::root;

fn sse_events(pieces: &[&[u8]]) -> Vec<castwright_engine::gateway::sse::SseEvent> {
    let mut reader = castwright_engine::gateway::sse::SseReader::new();
    let mut out = Vec::new();
    for p in pieces {
        reader.feed(p, &mut out);
    }
    reader.finish(&mut out);
    out
}

/// What the `sse_reader` fuzz target checks: the events do not depend on where the network
/// cut the bytes, and reading them never panics. Returns the answer's text if it finished.
fn replay_sse(data: &[u8]) -> Option<String> {
    let (&cut, body) = data.split_first()?;
    let whole = sse_events(&[body]);
    for size in [usize::from(cut % 17) + 1, 1, 2, 3, 7] {
        let pieces: Vec<&[u8]> = body.chunks(size).collect();
        assert_eq!(whole, sse_events(&pieces), "cut every {size} bytes");
    }
    let mut state = castwright_engine::gateway::stream::StreamState::new(None);
    for e in &whole {
        state.apply(&e.data).ok()?;
    }
    state.finish("fuzz/model").ok().map(|c| c.text)
}

#[test]
fn saved_sse_fuzz_inputs_replay_the_same_however_they_are_cut() {
    let fuzz = root().join("crates/engine/fuzz");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["corpus/sse_reader", "regressions/sse_reader"] {
        files.extend(
            std::fs::read_dir(fuzz.join(dir))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path()),
        );
    }
    files.sort();
    assert!(files.len() >= 10, "the seed corpus is there: {files:?}");
    let mut failures = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{e}"));
        let r = std::panic::catch_unwind(|| replay_sse(&data));
        match (r, f.file_name().and_then(|n| n.to_str())) {
            (Err(_), _) => failures.push(format!("{} panicked", f.display())),
            (Ok(text), Some("complete.sse" | "crlf.sse" | "cr-only.sse"))
                if text.as_deref() != Some("The committee chose 116 images.") =>
            {
                failures.push(format!("{}: read as {text:?}", f.display()));
            }
            (Ok(Some(text)), Some(name))
                if name.starts_with("mid-stream") || name == "truncated.sse" =>
            {
                failures.push(format!(
                    "{name}: a failed stream read as finished: {text:?}"
                ));
            }
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
