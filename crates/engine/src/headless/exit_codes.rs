//! How a failure of `castwright produce` ends: its exit status and the `error.code` of the
//! JSON line, both read from the engine's one table (`crate::error_codes`), never chosen
//! here.

use crate::error_codes::{exit_status, headless_code, CommandFailure};
use crate::ErrorCode;

use super::report::Report;

/// A run that stops here: what the JSON line's `error` says and the exit status.
#[derive(Debug)]
pub(super) struct Stop {
    exit: i32,
    code: &'static str,
    message: String,
}

impl Stop {
    /// A failure the engine classified.
    pub(super) fn new(code: ErrorCode, message: impl Into<String>) -> Stop {
        Stop {
            exit: exit_status(code),
            code: headless_code(code),
            message: message.into(),
        }
    }

    /// A failure only the command line has.
    pub(super) fn command(failure: CommandFailure, message: impl Into<String>) -> Stop {
        Stop {
            exit: failure.exit_status(),
            code: failure.headless_code(),
            message: message.into(),
        }
    }

    pub(super) fn database(message: impl Into<String>) -> Stop {
        Stop::new(ErrorCode::Database, message)
    }

    pub(super) fn internal(message: impl Into<String>) -> Stop {
        Stop::new(ErrorCode::Internal, message)
    }

    pub(super) fn bad_input(message: impl Into<String>) -> Stop {
        Stop::command(CommandFailure::BadInput, message)
    }

    /// Writes the failure into the report; returns the exit status.
    pub(super) fn report(self, report: &mut Report) -> i32 {
        report.error = Some((self.code.into(), self.message));
        self.exit
    }
}

/// The episode runs elsewhere (exit 7), or its lease could not be read.
impl From<crate::pipeline::run_lease::LeaseError> for Stop {
    fn from(e: crate::pipeline::run_lease::LeaseError) -> Stop {
        Stop::new(e.code(), e.to_string())
    }
}
