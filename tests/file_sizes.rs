//! No hand-written source file over 600 lines: a file that long holds more than one job.
//! Generated files (the UI's typed bindings), installed packages, build output and test
//! fixtures are not hand-written and not counted.

use std::path::Path;

const MAX_LINES: usize = 600;

const EXTENSIONS: &[&str] = &["rs", "svelte", "ts", "js", "py", "sh"];

/// Directories never walked, wherever they are.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target", "fixtures", "dist"];

/// Generated, relative to the repository.
const GENERATED: &[&str] = &["ui/src/lib/bindings.ts"];

#[test]
fn no_hand_written_source_file_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut long = Vec::new();
    walk(root, root, &mut long);
    long.sort();
    let over: Vec<String> = long
        .iter()
        .map(|(f, n)| format!("  {f}: {n} lines"))
        .collect();
    assert!(
        over.is_empty(),
        "source files over {MAX_LINES} lines:\n{}",
        over.join("\n")
    );
}

fn walk(root: &Path, dir: &Path, long: &mut Vec<(String, usize)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // Symbolic links (a shared node_modules, say) are not this repository's files.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                walk(root, &path, long);
            }
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !EXTENSIONS.contains(&ext) {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if GENERATED.contains(&rel.as_str()) {
            continue;
        }
        let lines = std::fs::read_to_string(&path)
            .map(|s| s.lines().count())
            .unwrap_or(0);
        if lines > MAX_LINES {
            long.push((rel, lines));
        }
    }
}
