//! What `castwright produce` tells: progress lines on standard error, and the JSON line.

use std::io::Write;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::pipeline::ProgressEvent;

/// The JSON line, built up as the run goes.
pub(super) struct Report {
    pub(super) episode_id: Option<String>,
    pub(super) simulated: bool,
    pub(super) total_units: i64,
    pub(super) stages: Vec<Value>,
    pub(super) qc: Value,
    pub(super) export: Option<String>,
    pub(super) skipped: Vec<Value>,
    pub(super) model_changes: Vec<Value>,
    pub(super) error: Option<(String, String)>,
    /// The local fact check of the exported (current) script.
    pub(super) fact_check: Option<crate::factcheck::FactCheck>,
}

impl Report {
    pub(super) fn to_json(&self) -> Value {
        json!({
            "episode_id": self.episode_id,
            "simulated": self.simulated,
            "total_cost_usd": number(crate::money::from_units(self.total_units)),
            "stages": self.stages,
            "qc": self.qc,
            "export": self.export,
            "skipped_notes": self.skipped,
            "model_changes": self.model_changes,
            "error": self.error.as_ref().map(|(c, m)| json!({"code": c, "message": m})),
            "fact_check": self.fact_check.as_ref().map_or(json!([]), |f| f.json_list()),
            "fact_check_counts": self.fact_check.clone().unwrap_or_default().json_counts(),
        })
    }
}

pub(super) fn number(d: Decimal) -> Value {
    serde_json::Number::from_str(&d.normalize().to_string())
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

pub(super) fn progress(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

pub(super) fn print_progress(ev: &ProgressEvent) {
    match ev {
        ProgressEvent::StageStarted {
            stage,
            reused: true,
            ..
        } => progress(&format!(
            "{}: reusing the finished output ($0.00)",
            stage.label()
        )),
        ProgressEvent::StageStarted { stage, models, .. } => progress(&format!(
            "{}: starting ({})",
            stage.label(),
            models.join(" → ")
        )),
        ProgressEvent::AttemptFailed { stage, message, .. }
        | ProgressEvent::ModelsChanged { stage, message, .. } => {
            progress(&format!("{}: {message}", stage.label()))
        }
        ProgressEvent::StageFinished {
            stage,
            cost_usd,
            model,
            words,
            cached: false,
        } => progress(&format!(
            "{}: done — {} words, {} ({})",
            stage.label(),
            words,
            crate::money::display_usd(cost_usd.parse().unwrap_or_default()),
            model.as_deref().unwrap_or("no model")
        )),
        ProgressEvent::BudgetWarning {
            spent_usd,
            limit_usd,
        } => progress(&format!(
            "warning: this episode has spent {} of its {} limit",
            crate::money::display_usd(spent_usd.parse().unwrap_or_default()),
            crate::money::display_usd(limit_usd.parse().unwrap_or_default())
        )),
        _ => {}
    }
}
