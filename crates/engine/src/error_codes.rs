//! The one table of what each failure is called outside the engine.
//!
//! Every engine error has a `code()`, an [`ErrorCode`]. From it alone come the code the
//! window app's IPC error carries, the `error.code` of `castwright produce`'s JSON line and
//! the command's exit status (the README documents both as a contract):
//!
//! | `ErrorCode` | IPC / JSON `error.code` | exit |
//! | --- | --- | --- |
//! | `InvalidInput`, `NotFound` | `invalid_input`, `not_found` | 2 bad input |
//! | `BudgetRefused` | `budget_refused` | 3 refused by the budget before spending |
//! | `KeyMissing`, `KeyRejected`, `CreditsExhausted`, `KeychainUnavailable` | same name | 4 key or credit |
//! | `AllModelsFailed` | `all_models_failed` | 5 no model gave finished work |
//! | `Database` | `database` | 6 the database cannot be used |
//! | `EpisodeBusy` | `episode_busy` | 7 the episode runs elsewhere |
//! | `Cancelled` | `cancelled` | 130 interrupted |
//! | `Settings`, `Internal` | same name | 1 internal error |
//!
//! The command line adds three failures of its own, each exit 2 ([`CommandFailure`]):
//! `bad_input` (its flags or the brief: what the IPC calls `invalid_input`; the JSON line
//! keeps the documented name), `no_usable_notes` and `export_failed`.
//!
//! Each error type's `code()` sits beside the type; this module depends on nothing but
//! [`ErrorCode`], so every module can use it. A model call's failure
//! (`routing::CallError::code`) is classified from the service's refusal
//! (`gateway::FailureKind::code`):
//! a stop the producer can act on (the key, the credit, a request no model accepts) says so;
//! any other stop (a free model's daily allowance, say) is told as no model giving finished
//! work, and a refusal by the budget as `budget_refused`.

use crate::ErrorCode;

/// `castwright produce`'s exit statuses, as the README documents them.
pub mod exit {
    pub const DONE: i32 = 0;
    pub const INTERNAL: i32 = 1;
    pub const BAD_INPUT: i32 = 2;
    pub const BUDGET: i32 = 3;
    pub const KEY: i32 = 4;
    pub const ALL_FAILED: i32 = 5;
    pub const DATABASE: i32 = 6;
    pub const BUSY: i32 = 7;
    pub const INTERRUPTED: i32 = 130;
}

/// The exit status of a failure with this code.
pub fn exit_status(code: ErrorCode) -> i32 {
    match code {
        ErrorCode::InvalidInput | ErrorCode::NotFound => exit::BAD_INPUT,
        ErrorCode::BudgetRefused => exit::BUDGET,
        ErrorCode::KeyMissing
        | ErrorCode::KeyRejected
        | ErrorCode::CreditsExhausted
        | ErrorCode::KeychainUnavailable => exit::KEY,
        ErrorCode::AllModelsFailed => exit::ALL_FAILED,
        ErrorCode::Database => exit::DATABASE,
        ErrorCode::EpisodeBusy => exit::BUSY,
        ErrorCode::Cancelled => exit::INTERRUPTED,
        ErrorCode::Settings | ErrorCode::Internal => exit::INTERNAL,
    }
}

/// The `error.code` of the JSON line for a failure with this code: the IPC's own name.
pub fn headless_code(code: ErrorCode) -> &'static str {
    code.as_str()
}

/// Failures only the command line has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandFailure {
    /// A flag or the brief cannot be used (the IPC's `invalid_input`).
    BadInput,
    /// None of the notes given could be read.
    NoUsableNotes,
    /// The finished script could not be written where `--export` says.
    ExportFailed,
}

impl CommandFailure {
    pub fn headless_code(self) -> &'static str {
        match self {
            CommandFailure::BadInput => "bad_input",
            CommandFailure::NoUsableNotes => "no_usable_notes",
            CommandFailure::ExportFailed => "export_failed",
        }
    }

    pub fn exit_status(self) -> i32 {
        exit::BAD_INPUT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's exit statuses, one row per documented case.
    #[test]
    fn exit_statuses_are_the_documented_ones() {
        assert_eq!(exit_status(ErrorCode::InvalidInput), 2);
        assert_eq!(exit_status(ErrorCode::BudgetRefused), 3);
        assert_eq!(exit_status(ErrorCode::KeyMissing), 4);
        assert_eq!(exit_status(ErrorCode::KeyRejected), 4);
        assert_eq!(exit_status(ErrorCode::CreditsExhausted), 4);
        assert_eq!(exit_status(ErrorCode::AllModelsFailed), 5);
        assert_eq!(exit_status(ErrorCode::Database), 6);
        assert_eq!(exit_status(ErrorCode::EpisodeBusy), 7);
        assert_eq!(exit_status(ErrorCode::Cancelled), 130);
        assert_eq!(exit_status(ErrorCode::Internal), 1);
        assert_eq!(CommandFailure::BadInput.headless_code(), "bad_input");
        assert_eq!(CommandFailure::BadInput.exit_status(), 2);
    }
}
