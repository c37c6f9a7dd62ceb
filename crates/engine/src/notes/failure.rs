//! Why a parser could not give text. Ingestion turns these into a sentence naming the file.

use crate::ErrorCode;

/// A parser's refusal, before the file name is known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Damaged, truncated, or not the format its name says; the detail is for the log.
    #[error("the file is damaged or not in the format its name says ({0})")]
    Corrupt(String),
    /// Needs a password (or, for a `.docx`, is an old Word file or a protected one).
    #[error("the file is protected with a password")]
    Encrypted,
    /// A PDF whose pages hold no text, only images.
    #[error("the PDF has no text layer")]
    NoTextLayer,
    /// Binary data in a file named as text.
    #[error("the file does not contain text")]
    NotText,
    /// Would expand far beyond its size when read; the detail says what tripped.
    #[error("the file would expand far beyond its size ({0})")]
    ZipBomb(String),
}

impl Failure {
    /// A file that cannot be read as a note: the producer gives another.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::InvalidInput
    }
}
