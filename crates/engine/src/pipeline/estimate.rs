//! The cost of a run before it starts: per stage, what it is expected to cost and the upper
//! bound that the budget guarantees (every call's `max_tokens` at the dearest endpoint of
//! every model it can reach, prompts counted as bytes). The calls are those the run makes
//! (`call_plan`), the Quality check's rewrite and its re-check included in the upper bound.

use serde::Serialize;

use super::episode::Episode;
use super::notes_store::StoredNote;
use super::run::error::RunError;
use super::run::outcome::RunOptions;
use super::run::Runner;
use super::Stage;
use crate::money::from_units;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageEstimate {
    pub stage: Stage,
    /// Nothing to pay: the saved output still fits.
    pub reused: bool,
    // Calls made when the script passes its check; the upper bound also covers a rewrite and
    // its re-check.
    pub calls: u32,
    /// USD, decimal strings.
    pub expected_usd: String,
    pub upper_usd: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Estimate {
    pub stages: Vec<StageEstimate>,
    pub expected_usd: String,
    pub upper_usd: String,
    #[serde(skip)]
    pub upper_units_to_run: i64,
}

/// Estimates the stages of `ep` that still have to run.
pub async fn estimate(
    runner: &Runner,
    ep: &Episode,
    notes: &[StoredNote],
    opts: &RunOptions,
) -> Result<Estimate, RunError> {
    if !runner.router().profile().limit_off {
        let all: Vec<String> = Stage::ALL
            .iter()
            .flat_map(|s| ep.plan.get(*s).chain.models.clone())
            .collect();
        // Prices for the estimate; a failure here surfaces on the first real call.
        let _ = runner.router().ensure_prices(&all).await;
    }
    let cost = runner.run_cost(ep, notes, opts)?;
    Ok(Estimate {
        stages: cost
            .stages
            .iter()
            .map(|s| StageEstimate {
                stage: s.stage,
                reused: s.reused,
                calls: s.calls,
                expected_usd: from_units(s.expected_units).to_string(),
                upper_usd: from_units(s.upper_units).to_string(),
            })
            .collect(),
        expected_usd: from_units(cost.expected_units).to_string(),
        upper_usd: from_units(cost.upper_units_to_run).to_string(),
        upper_units_to_run: cost.upper_units_to_run,
    })
}
