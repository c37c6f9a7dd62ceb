//! A drop of files and folders: each file gets its own answer, duplicates are caught by
//! content hash (against the episode's notes and within the drop), and the drop as a whole
//! stays under the total size limit.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::ingest::{ingest_file, source_name};
use super::size::human_size;
use super::{Batch, Limits, RejectCode, Rejected};

/// A folder walk stops here: someone dropped their whole home folder.
const MAX_FILES_PER_DROP: usize = 2_000;
const MAX_FOLDER_DEPTH: usize = 32;

/// Reads every file given, walking folders (hidden files and folders skipped, symbolic links
/// to folders not followed). `known_hashes` holds the episode's notes already, so a file with
/// the same text is reported as a duplicate instead of added twice.
pub fn ingest_paths(paths: &[PathBuf], limits: &Limits, known_hashes: &HashSet<String>) -> Batch {
    let mut batch = Batch::default();
    let files = expand(paths, &mut batch.rejected);
    let mut first_with_hash: HashMap<String, String> = HashMap::new();
    let mut total: u64 = 0;
    for file in files {
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let fits_alone = size <= limits.max_file_bytes;
        if fits_alone && total.saturating_add(size) > limits.max_total_bytes {
            let name = source_name(&file);
            let reason = format!(
                "“{name}” was not added: with the notes added before it, it would pass the {} \
                 limit for notes added at once. Add it on its own, or remove notes you no \
                 longer need.",
                human_size(limits.max_total_bytes)
            );
            batch.rejected.push(Rejected::new(
                &name,
                Some(file),
                RejectCode::TotalTooLarge,
                reason,
            ));
            continue;
        }
        match ingest_file(&file, limits) {
            Ok(note) => {
                if known_hashes.contains(&note.hash) {
                    batch.duplicates.push(format!(
                        "“{}” has the same text as a note already in this episode, so it was not \
                         added again.",
                        note.source_name
                    ));
                } else if let Some(first) = first_with_hash.get(&note.hash) {
                    batch.duplicates.push(format!(
                        "“{}” has the same text as “{first}”, so it was added only once.",
                        note.source_name
                    ));
                } else {
                    total = total.saturating_add(size);
                    first_with_hash.insert(note.hash.clone(), note.source_name.clone());
                    batch.added.push(note);
                }
            }
            Err(rejected) => batch.rejected.push(rejected),
        }
    }
    tracing::info!(
        added = batch.added.len(),
        duplicates = batch.duplicates.len(),
        rejected = batch.rejected.len(),
        "notes ingested"
    );
    batch
}

/// The files to read, in a stable order: each path as given, folders walked by name.
fn expand(paths: &[PathBuf], rejected: &mut Vec<Rejected>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let walk = WalkDir::new(path)
            .follow_links(false)
            .max_depth(MAX_FOLDER_DEPTH)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
        let mut found = 0usize;
        for entry in walk {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_file()
                        || (entry.path_is_symlink() && entry.path().is_file());
                    if !is_file {
                        continue;
                    }
                    found += 1;
                    if found > MAX_FILES_PER_DROP {
                        let name = source_name(path);
                        rejected.push(Rejected::new(
                            &name,
                            Some(path.clone()),
                            RejectCode::TooLarge,
                            format!(
                                "“{name}” holds more than {MAX_FILES_PER_DROP} files, so only the \
                                 first {MAX_FILES_PER_DROP} were looked at. Add the folders with \
                                 your notes one by one."
                            ),
                        ));
                        break;
                    }
                    files.push(entry.into_path());
                }
                Err(e) => {
                    let at = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| path.clone());
                    let name = source_name(&at);
                    rejected.push(Rejected::new(
                        &name,
                        Some(at),
                        RejectCode::Unreadable,
                        format!("“{name}” could not be opened. Check that you can read it, and add it again."),
                    ));
                }
            }
        }
    }
    files
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}
