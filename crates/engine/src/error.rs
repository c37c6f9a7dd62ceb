//! The small vocabulary of error kinds the user interface acts on.
//!
//! Every engine error maps to one of these codes; its `Display` text is the plain sentence a
//! producer reads. The shell serialises both as `{code, message}`.

use serde::Serialize;

/// What kind of failure happened, as far as the user interface is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The system keychain could not be reached or refused access.
    KeychainUnavailable,
    /// The user gave something the app cannot take; the message says what to change.
    InvalidInput,
    /// The database cannot be used (damaged, or written by a newer Castwright).
    Database,
    /// The settings file could not be read or written.
    Settings,
    /// Something asked for does not exist (any more).
    NotFound,
    /// A bug or an unexpected condition; the message says what to try.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::KeychainUnavailable => "keychain_unavailable",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Database => "database",
            ErrorCode::Settings => "settings",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
