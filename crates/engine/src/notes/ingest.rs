//! One file (or one paste) in, one note or one plain-words refusal out.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::contain::{contained, Contained};
use super::decode::{decode_text, looks_binary, Decoded};
use super::docx::docx_text;
use super::failure::Failure;
use super::html::html_text;
use super::normalize::{content_hash, has_text, normalize_text};
use super::pdf::pdf_text;
use super::size::human_size;
use super::{IngestedNote, Limits, RejectCode, Rejected};
use crate::script::{clip_at_word, count_words};

/// File name endings Castwright reads as notes (lower case, without the dot).
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "html", "htm", "pdf", "docx",
];

const PREVIEW_CHARS: usize = 200;
const PASTED_NAME: &str = "Pasted text";
const WHAT_WORKS: &str =
    "Add notes as text (.txt), Markdown (.md), web pages (.html), PDFs (.pdf) \
     or Word documents (.docx), or paste the text in.";

/// The kinds of note file, by name ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Text,
    Markdown,
    Html,
    Pdf,
    Docx,
}

impl NoteKind {
    pub fn from_path(path: &Path) -> Option<NoteKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(NoteKind::Text),
            "md" | "markdown" => Some(NoteKind::Markdown),
            "html" | "htm" => Some(NoteKind::Html),
            "pdf" => Some(NoteKind::Pdf),
            "docx" => Some(NoteKind::Docx),
            _ => None,
        }
    }

    /// What a producer calls this kind of file.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Text => "text file",
            NoteKind::Markdown => "Markdown file",
            NoteKind::Html => "web page",
            NoteKind::Pdf => "PDF",
            NoteKind::Docx => "Word document",
        }
    }
}

/// Reads one note file. Size and type are checked before the file is read; the parser runs
/// contained (see the module docs).
pub fn ingest_file(path: &Path, limits: &Limits) -> Result<IngestedNote, Rejected> {
    let name = source_name(path);
    let reject = |code, reason| Rejected::new(&name, Some(path.to_path_buf()), code, reason);
    let Some(kind) = NoteKind::from_path(path) else {
        return Err(reject(
            RejectCode::Unsupported,
            format!("“{name}” is a kind of file Castwright can't read. {WHAT_WORKS}"),
        ));
    };
    let meta = std::fs::metadata(path)
        .map_err(|e| reject(RejectCode::Unreadable, open_problem(&name, &e)))?;
    if !meta.is_file() {
        return Err(reject(
            RejectCode::Unreadable,
            format!(
                "“{name}” is not a file Castwright can read. Choose the note files themselves."
            ),
        ));
    }
    if meta.len() > limits.max_file_bytes {
        return Err(reject(
            RejectCode::TooLarge,
            too_large(&name, meta.len(), limits),
        ));
    }
    let bytes = read_capped(path, limits.max_file_bytes)
        .map_err(|e| reject(RejectCode::Unreadable, open_problem(&name, &e)))?;
    // The file may have grown between the size check and the read.
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(reject(
            RejectCode::TooLarge,
            too_large(&name, bytes.len() as u64, limits),
        ));
    }
    if bytes.is_empty() {
        return Err(reject(
            RejectCode::Empty,
            format!("“{name}” is empty. Choose the file with your notes in it."),
        ));
    }
    ingest_bytes(&name, Some(path.to_path_buf()), kind, bytes, limits)
}

/// Makes a note from pasted text. An empty name becomes "Pasted text".
pub fn ingest_pasted(name: &str, text: &str) -> Result<IngestedNote, Rejected> {
    let name = match name.trim() {
        "" => PASTED_NAME,
        n => n,
    };
    let limits = Limits::default();
    if text.len() as u64 > limits.max_file_bytes {
        return Err(Rejected::new(
            name,
            None,
            RejectCode::TooLarge,
            format!(
                "The pasted text is {}, over the {} limit for a single note. Paste it in smaller parts.",
                human_size(text.len() as u64),
                human_size(limits.max_file_bytes)
            ),
        ));
    }
    finish(
        name,
        None,
        NoteKind::Text,
        Decoded {
            text: text.to_string(),
            warning: None,
        },
    )
}

/// Parses bytes already read, contained, and turns the outcome into a note or a refusal.
pub(crate) fn ingest_bytes(
    name: &str,
    path: Option<PathBuf>,
    kind: NoteKind,
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<IngestedNote, Rejected> {
    let limits_copy = *limits;
    match contained(move || parse(kind, &bytes, &limits_copy)) {
        Contained::Done(Ok(decoded)) => finish(name, path, kind, decoded),
        Contained::Done(Err(failure)) => {
            tracing::info!(file = name, detail = %failure, "note could not be parsed");
            Err(refusal(name, path, kind, &failure, limits))
        }
        Contained::Panicked(message) => {
            tracing::warn!(file = name, panic = %message, "a note parser panicked");
            Err(Rejected::new(
                name,
                path,
                RejectCode::Corrupt,
                damaged(name, kind),
            ))
        }
        Contained::TimedOut => Err(Rejected::new(
            name,
            path,
            RejectCode::TimedOut,
            format!(
                "Reading “{name}” took far too long, so it was skipped. It may be damaged: open it \
                 and save a fresh copy, or paste its text in."
            ),
        )),
    }
}

/// Runs the parser for one kind of file.
pub(crate) fn parse(kind: NoteKind, bytes: &[u8], limits: &Limits) -> Result<Decoded, Failure> {
    match kind {
        NoteKind::Text | NoteKind::Markdown => {
            let decoded = decode_text(bytes, None);
            if looks_binary(&decoded.text) {
                return Err(Failure::NotText);
            }
            Ok(decoded)
        }
        NoteKind::Html => Ok(html_text(bytes)),
        NoteKind::Pdf => pdf_text(bytes, limits),
        NoteKind::Docx => docx_text(bytes, limits),
    }
}

fn finish(
    name: &str,
    path: Option<PathBuf>,
    kind: NoteKind,
    decoded: Decoded,
) -> Result<IngestedNote, Rejected> {
    let text = normalize_text(&decoded.text);
    if !has_text(&text) {
        let reason = match (path.is_some(), kind) {
            (false, _) => "There is no text to add. Paste some notes first.".to_string(),
            (true, NoteKind::Html) => {
                format!("“{name}” has no readable text — only page layout or scripts.")
            }
            (true, _) => {
                format!("“{name}” has no text in it. Choose the file with your notes in it.")
            }
        };
        return Err(Rejected::new(name, path, RejectCode::Empty, reason));
    }
    Ok(IngestedNote {
        source_name: name.to_string(),
        path,
        hash: content_hash(&text),
        word_count: count_words(&text),
        preview: clip_at_word(&text, PREVIEW_CHARS),
        text,
        warning: decoded.warning,
    })
}

fn refusal(
    name: &str,
    path: Option<PathBuf>,
    kind: NoteKind,
    failure: &Failure,
    limits: &Limits,
) -> Rejected {
    let (code, reason) = match failure {
        Failure::Corrupt(_) => (RejectCode::Corrupt, damaged(name, kind)),
        Failure::Encrypted if kind == NoteKind::Docx => (
            RejectCode::Encrypted,
            format!(
                "“{name}” is password-protected, or is an older Word (.doc) file. Open it in Word, \
                 remove the password or use Save As → Word Document (.docx), and add the new file."
            ),
        ),
        Failure::Encrypted => (
            RejectCode::Encrypted,
            format!(
                "“{name}” is protected with a password. Open it, save a copy without the password, \
                 and add that copy."
            ),
        ),
        Failure::NoTextLayer => (
            RejectCode::NoTextLayer,
            format!(
                "“{name}” has no text layer — its pages are images, such as a scan or a photo. Run it \
                 through text recognition (OCR) and add the result, or paste the text in."
            ),
        ),
        Failure::NotText => (
            RejectCode::NotText,
            format!(
                "“{name}” does not contain text — it may be another kind of file with a .{} name. \
                 {WHAT_WORKS}",
                extension_of(name)
            ),
        ),
        Failure::ZipBomb(_) => (
            RejectCode::ZipBomb,
            format!(
                "“{name}” was refused: it would expand to far more than its size when opened (over \
                 {}), as damaged or harmful files do. If it is a real document, open it and save a \
                 fresh copy.",
                human_size(limits.max_inflated_bytes)
            ),
        ),
    };
    Rejected::new(name, path, code, reason)
}

fn damaged(name: &str, kind: NoteKind) -> String {
    format!(
        "“{name}” could not be read as a {}: it seems damaged or incomplete. Open it in the \
         program that made it and save it again, or paste its text in.",
        kind.label()
    )
}

fn too_large(name: &str, size: u64, limits: &Limits) -> String {
    format!(
        "“{name}” is {}, over the {} limit for a single note. Split it into smaller files, or \
         copy out the parts you need.",
        human_size(size),
        human_size(limits.max_file_bytes)
    )
}

fn open_problem(name: &str, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => {
            format!(
                "“{name}” could not be found. It may have been moved or deleted — choose it again."
            )
        }
        ErrorKind::PermissionDenied => format!(
            "Castwright is not allowed to read “{name}”. Check its permissions, or copy it \
             somewhere you own and add the copy."
        ),
        _ => format!("“{name}” could not be opened ({e}). Try choosing it again."),
    }
}

/// Reads at most `cap + 1` bytes, so a file that grew past the limit is caught without
/// reading all of it.
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub(crate) fn source_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn extension_of(name: &str) -> String {
    Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default()
}
