//! What ingestion takes and gives back. The window app and the headless mode both show these
//! to producers, so every reason is a plain sentence.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// Size limits for notes. The defaults suit research notes with some images in them.
/// (No TypeScript type: byte counts are 64-bit, which the bindings cannot carry as numbers.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest single file accepted (25 MB).
    pub max_file_bytes: u64,
    /// Largest total of the files added in one go (100 MB). A caller that knows what an
    /// episode already holds passes what is left.
    pub max_total_bytes: u64,
    /// Most a compressed file (a DOCX's parts, a PDF's streams) may expand to when read; a
    /// file that would expand further is refused as a "zip bomb".
    pub max_inflated_bytes: u64,
}

pub(crate) const MB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 25 * MB,
            max_total_bytes: 100 * MB,
            max_inflated_bytes: 200 * MB,
        }
    }
}

/// One note, read and ready for the Research stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IngestedNote {
    /// The file name (or the name given to pasted text).
    pub source_name: String,
    pub path: Option<PathBuf>,
    /// SHA-256 (hex) of the text with whitespace runs collapsed, so the same notes saved as a
    /// differently wrapped file still count as the same.
    pub hash: String,
    /// The readable text: paragraphs separated by blank lines, headings as `#` lines.
    pub text: String,
    pub word_count: u32,
    /// The first ~200 characters, cut at a word boundary.
    pub preview: String,
    /// Added, but with something the producer should check (e.g. characters that could not
    /// be decoded, pages that could not be read).
    pub warning: Option<String>,
}

/// Why a file was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// A kind of file Castwright does not read.
    Unsupported,
    /// Larger than the per-file limit.
    TooLarge,
    /// Would take the notes added together past the total limit.
    TotalTooLarge,
    /// Nothing readable in it.
    Empty,
    /// Binary data in a text file.
    NotText,
    /// Damaged, truncated, or not really the kind its name says.
    Corrupt,
    /// Protected with a password.
    Encrypted,
    /// A PDF with no text layer (scanned pages or images).
    NoTextLayer,
    /// A compressed file that would expand far beyond its size.
    ZipBomb,
    /// The file could not be opened (missing, no permission, not a regular file).
    Unreadable,
    /// Reading it took longer than any real note should.
    TimedOut,
}

/// A file that was not added, with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{reason}")]
pub struct Rejected {
    pub source_name: String,
    pub path: Option<PathBuf>,
    /// A sentence naming the file, what is wrong and what to do.
    pub reason: String,
    pub code: RejectCode,
}

impl Rejected {
    pub(crate) fn new(
        source_name: &str,
        path: Option<PathBuf>,
        code: RejectCode,
        reason: String,
    ) -> Rejected {
        tracing::info!(file = source_name, code = ?code, "note not added");
        Rejected {
            source_name: source_name.to_string(),
            path,
            reason,
            code,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self.code {
            RejectCode::TimedOut => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        }
    }
}

/// The answer to one drop of files: what was added, what was already there, what was not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Batch {
    pub added: Vec<IngestedNote>,
    /// One sentence per duplicate, naming the file and what it duplicates.
    pub duplicates: Vec<String>,
    pub rejected: Vec<Rejected>,
}
