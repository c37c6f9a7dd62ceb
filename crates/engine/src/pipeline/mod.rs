//! Episodes and their four stages — Research, Synthesis, Script, Quality check — each run by
//! its own chain of models through the gateway core; every output versioned, every run
//! resumable without paying twice.

pub mod answer_read;
pub mod artifacts;
pub mod completeness;
mod continuation;
pub mod episode;
pub mod estimate;
pub mod events;
pub mod exported;
pub mod notes_store;
pub mod preflight;
pub mod prompts;
pub mod quality;
pub mod report;
pub mod research;
pub mod run_lease;
pub mod runner;
pub mod script_answer;
pub mod stage;

pub use episode::{Episode, EpisodeBrief, EpisodeStatus, Format, Segments};
pub use events::ProgressEvent;
pub use runner::{RunError, RunOptions, RunResult, Runner, StageOutcome};
pub use stage::{current_models, original_design, Stage, StagePlan, StageSettings};

use crate::ErrorCode;

/// Migration 3: episodes, notes, artifacts, stage runs, verdicts, alerts.
pub const SCHEMA_V3: &str = include_str!("schema_v3.sql");

/// Migration 6: the raw answer behind each script version and the chat taken off it.
pub const SCHEMA_ANSWERS: &str = include_str!("schema_v6_answers.sql");

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{}", crate::store::plain_words(.0))]
    Store(#[from] rusqlite::Error),
}

impl PipelineError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PipelineError::Invalid(_) => ErrorCode::InvalidInput,
            PipelineError::NotFound(_) => ErrorCode::NotFound,
            PipelineError::Store(_) => ErrorCode::Database,
        }
    }
}
