//! What the headless `--json` line says about the quality check and each stage, and what a
//! run that failed at the quality check still delivers (the script it already paid for).

use serde_json::{json, Value};

use crate::pipeline::quality::Verdict;
use crate::pipeline::{RunError, Stage, StageOutcome};
use crate::routing::CallError;

/// `qc` for the verdict on the exported version: `checked`, `score`, `passed`, `model`,
/// `unsupported_claims` (`{claim, reason}`) and `fixes`.
pub fn qc_json(v: &Verdict, model: Option<&str>) -> Value {
    json!({
        "checked": true,
        "score": v.score,
        "passed": v.passed,
        "model": model,
        "unsupported_claims": v.unsupported_claims,
        "fixes": v.fixes,
    })
}

/// `qc` when no verdict could be had: the script was not checked.
pub fn not_checked_json() -> Value {
    json!({
        "checked": false,
        "score": null,
        "passed": false,
        "model": null,
        "unsupported_claims": [],
        "fixes": [],
    })
}

/// One entry of `stages`; `note` says in plain words what happened, when anything did.
pub fn stage_json(s: &StageOutcome, cost: Value) -> Value {
    json!({
        "stage": s.stage.as_str(),
        "model": s.model,
        "calls": s.calls,
        "cost_usd": cost,
        "cached": s.cached,
        "note": s.note,
    })
}

/// The run failed at the quality check after the script was written and saved: no model's
/// verdict could be used, or every quality model failed. The script is still delivered.
pub fn failed_at_quality_check(e: &RunError) -> bool {
    matches!(
        e,
        RunError::Unfinished {
            stage: Stage::QualityCheck,
            ..
        } | RunError::Call {
            stage: Stage::QualityCheck,
            error: CallError::AllFailed { .. } | CallError::EmptyChain,
            ..
        }
    )
}
