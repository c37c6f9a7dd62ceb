//! How a run fails, and the one code each failure is known by (the UI and the headless mode
//! act on it).

use super::super::{run_lease, PipelineError, Stage};
use crate::routing::CallError;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("{error}")]
    Call {
        stage: Stage,
        error: CallError,
        partial_saved: bool,
    },
    #[error(
        "This run could cost up to {needed}; this episode has {left} left. Raise the limit, \
         choose cheaper models, or make the episode shorter. Nothing was spent."
    )]
    OverEstimate { needed: String, left: String },
    /// Another window or a command runs this episode (see `run_lease`).
    #[error("{0}")]
    Busy(run_lease::LeaseError),
    /// No model of the stage gave finished work (empty, cut off, missing segments, an
    /// unreadable verdict); `partial` is the longest unfinished text, kept as a draft.
    #[error("{message}")]
    Unfinished {
        stage: Stage,
        message: String,
        partial: String,
        partial_saved: bool,
    },
}

impl From<run_lease::LeaseError> for RunError {
    fn from(e: run_lease::LeaseError) -> Self {
        use run_lease::LeaseError as L;
        match e {
            L::Busy { .. } => RunError::Busy(e),
            L::NotFound => PipelineError::NotFound(e.to_string()).into(),
            L::Store(s) => PipelineError::Store(s).into(),
        }
    }
}

impl From<rusqlite::Error> for RunError {
    fn from(e: rusqlite::Error) -> Self {
        RunError::Pipeline(PipelineError::Store(e))
    }
}

/// The code the UI and the headless mode act on.
pub fn run_error_code(e: &RunError) -> &'static str {
    e.code().as_str()
}

impl RunError {
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            RunError::Pipeline(p) => p.code(),
            RunError::OverEstimate { .. } => C::BudgetRefused,
            RunError::Busy(_) => C::EpisodeBusy,
            RunError::Unfinished { .. } => C::AllModelsFailed,
            RunError::Call { error, .. } => error.code(),
        }
    }

    /// The stage the run stopped in, when it stopped in one.
    pub fn stage(&self) -> Option<Stage> {
        match self {
            RunError::Call { stage, .. } | RunError::Unfinished { stage, .. } => Some(*stage),
            _ => None,
        }
    }
}
