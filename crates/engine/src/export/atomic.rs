//! Writing a file so that it is either all there or not changed at all.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::ExportError;

/// Makes temporary names unique within the process, so two exports at once never collide.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to a new temporary file beside `path`, flushes it to disk, then renames it
/// over `path`. The temporary file is removed on any failure.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let err = |detail: String| ExportError::Write {
        path: path.to_path_buf(),
        detail,
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| err("the name has no file part".into()))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(err("the folder does not exist".into()));
    }
    remove_abandoned_temps(&dir, &file_name.to_string_lossy());
    let tmp = dir.join(format!(
        ".{}.{}-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = write_then_rename(&tmp, path, bytes);
    if let Err(e) = &result {
        tracing::warn!(error = %e, "export write failed; removing the temporary file");
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| err(e.to_string()))?;
    sync_dir(&dir);
    Ok(())
}

/// Removes temporary files an earlier export of the same name left when its process was
/// killed mid-write: `.{name}.{pid}-{n}.tmp` of a process that no longer runs (or, where that
/// cannot be checked, older than a minute). Files of live processes are never touched.
fn remove_abandoned_temps(dir: &Path, file_name: &str) {
    let prefix = format!(".{file_name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid, &entry) {
            continue;
        }
        if fs::remove_file(entry.path()).is_ok() {
            tracing::info!(file = %name, "removed a temporary file left by an interrupted export");
        }
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32, _entry: &fs::DirEntry) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32, entry: &fs::DirEntry) -> bool {
    // Without a cheap liveness check, only files older than a minute count as abandoned.
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(60))
}

fn write_then_rename(tmp: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(tmp, path)
}

/// Makes the rename itself durable. Best effort: not every platform can open a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
