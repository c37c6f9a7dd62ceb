//! Episodes and their four stages — Research, Synthesis, Script, Quality check — each run by
//! its own chain of models through the router; every output versioned, every run resumable
//! without paying twice.
//!
//! # The map
//!
//! - **Where a run starts**: [`Runner::run`] (`run/mod.rs`) takes the episode's run lease
//!   (`run_lease`), then `Runner::prepare`: the chains checked against the catalog and the
//!   notes against the models' contexts (`run/preflight.rs`), the upper bound of the stages
//!   still to run held against what the budget has left (`call_plan::run_cost`). Then the
//!   four stages in order, each through `run/one_stage.rs`: reused when its input hash
//!   (`run/inputs.rs`) still matches its saved output, else recorded in `stage_runs`
//!   (`stage_runs.rs`, which owns that table), run, and saved in `artifacts` — or kept as a
//!   draft when it fails or is cancelled.
//! - **Where each stage lives**: `stages/research.rs`, `stages/synthesis.rs`,
//!   `stages/script.rs` (a long script's parts written at the same time when the budget
//!   holds them all, their transitions planned in `seams.rs`), `stages/quality.rs` (the check, and the rewrite of a script below
//!   the pass mark with the rewrite's own check). Every stage gets the run's `StageCtx`
//!   (`stage_ctx.rs`: episode, notes, options, router, limits, live spend, progress
//!   callback, cancel) and makes its calls through `StageCtx::call`, or `StageCtx::complete` (`continuation.rs`)
//!   when the answer must come back finished.
//! - **What a run will ask and cost**: `call_plan.rs` — script parts, answer lengths, every
//!   call of every stage (rewrite and re-check included) and their worst case; the run and
//!   [`estimate`] both use it.
//! - **Where money is reserved and settled**: not here. Each call goes to
//!   `crate::routing::Router::call`, which reserves the call's worst case against the
//!   episode's and the month's limits (`crate::budget::reserve`, inside one SQLite
//!   transaction) before anything is sent, and settles it to the real cost after
//!   (`crate::budget::settle`, through `crate::bookkeeping`). The pipeline only reads the
//!   totals before a run (`Runner::prepare`) and the live spend for its events
//!   (`run/events.rs`).
//! - **Where a call can end up on another model**: every move is decided by the routing
//!   policy's one function, `crate::routing::policy::next_step` (the four ways are listed in
//!   the `routing` module doc). Two of them start here: an unfinished or unreadable answer
//!   (an unreadable verdict included) moves to the next model of the chain in
//!   `StageCtx::complete` (`continuation.rs`, `Problem::Unusable`), and the rewrite of a
//!   script below the bar goes to a Script model after the one that wrote it
//!   (`call_plan::rewrite_chain`, `Problem::BelowTheBar`, used by `stages/quality.rs` and by
//!   the estimate). The other two — retries and fallback inside one call, and OpenRouter's
//!   `models` array — happen inside `Router::call`.
//! - **Progress**: typed [`ProgressEvent`]s (`run/events.rs`) through the caller's callback.

pub mod artifacts;
pub mod call_plan;
pub mod completeness;
mod continuation;
pub mod episode;
pub mod estimate;
pub mod notes_store;
pub mod prompts;
pub mod quality;
pub mod report;
pub mod research;
pub mod run;
pub mod run_lease;
pub mod script_answer;
pub mod seams;
pub mod stage;
pub(crate) mod stage_ctx;
pub mod stage_runs;
pub(crate) mod stages;

pub use episode::{Episode, EpisodeBrief, EpisodeStatus, Format, Segments};
pub use run::error::{run_error_code, RunError};
pub use run::events::{self as events, ProgressEvent};
pub use run::outcome::{RunOptions, RunResult, StageOutcome};
pub use run::preflight;
pub use run::Runner;
pub use stage::{current_models, original_design, Stage, StagePlan, StageSettings};

use crate::ErrorCode;

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
