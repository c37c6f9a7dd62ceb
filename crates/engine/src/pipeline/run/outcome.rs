//! What a run is asked to do and what it gives back.

use super::super::artifacts::Artifact;
use super::super::quality::Verdict;
use super::super::Stage;
use crate::routing::Chain;

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run this stage again even if its output is up to date (and skip the cache for it).
    pub rerun: Option<Stage>,
    /// Replace that stage's models for this run and keep the choice.
    pub rerun_chain: Option<Chain>,
    /// Stream text as it arrives.
    pub stream: bool,
}

/// One stage's part of the result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageOutcome {
    pub stage: Stage,
    /// The model that answered the stage's last successful call.
    pub model: Option<String>,
    pub calls: u32,
    /// USD, decimal string.
    pub cost_usd: String,
    /// The stage spent $0 because its answer was reused.
    pub cached: bool,
    /// What happened on the way, in plain words ("Claude Opus 4 stopped at its length
    /// limit; it continued and finished"), when anything did.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub episode_id: String,
    pub stages: Vec<StageOutcome>,
    pub total_units: i64,
    pub verdict: Option<Verdict>,
    pub script: Option<Artifact>,
}
