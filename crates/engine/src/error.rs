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
    /// No API key is set for the connection: offer the key screen or the demo.
    KeyMissing,
    /// The service did not accept the key: offer Settings.
    KeyRejected,
    /// The account's credit ran out: offer "Add credits on OpenRouter".
    CreditsExhausted,
    /// The spending limit refused the work before anything was spent.
    BudgetRefused,
    /// Every model of a stage failed: offer other models or a retry.
    AllModelsFailed,
    /// The producer stopped the run; the text so far is kept.
    Cancelled,
    /// The episode is being run in another window or by a command: wait for it.
    EpisodeBusy,
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
            ErrorCode::KeyMissing => "key_missing",
            ErrorCode::KeyRejected => "key_rejected",
            ErrorCode::CreditsExhausted => "credits_exhausted",
            ErrorCode::BudgetRefused => "budget_refused",
            ErrorCode::AllModelsFailed => "all_models_failed",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::EpisodeBusy => "episode_busy",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
