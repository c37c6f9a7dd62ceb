//! How well each model writes scripts, and at what price: the evidence for "start cheap and
//! upgrade only if needed".

use rusqlite::Connection;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::convert::{count, ratio};
use super::UsageError;
use crate::money;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelQuality {
    /// The model that wrote the checked scripts.
    pub model: String,
    /// Scripts it wrote that were quality-checked.
    pub scripts: u32,
    /// Mean quality score.
    pub average_score: f64,
    /// Share of its scripts that passed the quality bar, 0 to 1.
    pub pass_rate: f64,
    /// Mean cost of writing one of its scripts, exact USD (rounded to 1e-10).
    pub average_cost: String,
    /// Mean score per dollar of script cost; `None` when its scripts cost nothing.
    pub score_per_dollar: Option<f64>,
}

/// Scripts edited by hand have no model and are left out: they say nothing about a model.
pub(crate) const QUALITY_SQL: &str = "SELECT script_model, COUNT(*), SUM(score), SUM(passed <> 0),
        SUM(script_cost_units)
     FROM qc_verdicts WHERE script_model IS NOT NULL GROUP BY script_model";

/// Per script model, cheapest on average first.
pub fn quality_by_model(conn: &Connection) -> Result<Vec<ModelQuality>, UsageError> {
    let mut stmt = conn.prepare_cached(QUALITY_SQL)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    let mut costs = Vec::new();
    for row in rows {
        let (model, n, score_sum, passes, cost_units) = row?;
        let avg_cost = (money::from_units(cost_units) / Decimal::from(n.max(1)))
            .round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        // Score per dollar from the sums, so no rounded average enters the ratio.
        let per_dollar = (cost_units > 0)
            .then(|| Decimal::from(score_sum) / money::from_units(cost_units))
            .and_then(|d| d.to_f64());
        costs.push(avg_cost);
        out.push(ModelQuality {
            model,
            scripts: count(n),
            average_score: ratio(score_sum, n).unwrap_or(0.0),
            pass_rate: ratio(passes, n).unwrap_or(0.0),
            average_cost: avg_cost.to_string(),
            score_per_dollar: per_dollar,
        });
    }
    let mut paired: Vec<(Decimal, ModelQuality)> = costs.into_iter().zip(out).collect();
    paired.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.model.cmp(&b.1.model)));
    Ok(paired.into_iter().map(|(_, q)| q).collect())
}
