//! The JSON line of `castwright produce --json`, built up as the run goes.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{json, Value};

/// The JSON line, built up as the run goes.
#[derive(Default)]
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
