//! The cost report after a run: per stage and model from the request log, the cache's
//! savings, and the same work priced as if every call had gone to the premium model directly
//! — the product's promise is that routing saves money, so it shows by how much.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::Serialize;

use super::Stage;
use crate::catalog;
use crate::money::{from_units, to_units_ceil};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportLine {
    pub stage: String,
    pub model: String,
    pub calls: u32,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// USD, decimal strings.
    pub cost_usd: String,
    pub saved_by_cache_usd: String,
}

/// What one stage has cost this episode, as its card shows it: every attempt the request
/// log holds for it (cancelled runs and resumes included), so the four cards add up to the
/// episode's total exactly.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageCost {
    pub stage: super::Stage,
    /// USD, decimal string.
    pub cost_usd: String,
    /// The Quality check paid for a rewrite of the script (its card says so).
    pub includes_rewrite: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CostReport {
    pub lines: Vec<ReportLine>,
    /// The four stages in order; they add up to `total_usd`.
    pub stages: Vec<StageCost>,
    pub total_usd: String,
    pub saved_by_cache_usd: String,
    /// The premium model the baseline prices everything at.
    pub baseline_model: String,
    pub baseline_usd: String,
    /// How much routing saved against the baseline (never negative in display).
    pub savings_usd: String,
}

pub fn report(
    conn: &Connection,
    connection_id: &str,
    episode_id: &str,
    premium_model: &str,
) -> rusqlite::Result<CostReport> {
    let mut stmt = conn.prepare(
        "SELECT COALESCE(stage, ''), COALESCE(model_served, model_requested), count(*),
                SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_units), SUM(saved_units)
         FROM requests WHERE episode_id = ?1
         GROUP BY 1, 2 ORDER BY CASE stage WHEN 'research' THEN 0 WHEN 'synthesis' THEN 1 WHEN 'script' THEN 2 ELSE 3 END, 2",
    )?;
    let rows: Vec<(String, String, u32, i64, i64, i64, i64)> = stmt
        .query_map(params![episode_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let premium = catalog::dearest_prices(conn, connection_id, premium_model)?;
    let (mut total, mut saved, mut baseline) = (0i64, 0i64, Decimal::ZERO);
    let mut lines = Vec::new();
    let mut by_stage = [0i64; 4];
    for (stage, model, calls, p, c, cost, sav) in rows {
        total += cost;
        if let Some(i) = Stage::ALL.iter().position(|s| s.as_str() == stage) {
            by_stage[i] += cost;
        }
        saved += sav;
        if let Some(pr) = &premium {
            baseline += Decimal::from(p) * pr.prompt + Decimal::from(c) * pr.completion;
        }
        lines.push(ReportLine {
            stage,
            model,
            calls,
            prompt_tokens: u32::try_from(p).unwrap_or(u32::MAX),
            completion_tokens: u32::try_from(c).unwrap_or(u32::MAX),
            cost_usd: from_units(cost).to_string(),
            saved_by_cache_usd: from_units(sav).to_string(),
        });
    }
    let baseline_units = to_units_ceil(baseline);
    let rewritten = super::artifacts::versions(conn, episode_id, Stage::Script)
        .unwrap_or_default()
        .iter()
        .any(|a| a.kind == super::artifacts::ArtifactKind::Rewrite);
    let stages = Stage::ALL
        .iter()
        .zip(by_stage)
        .map(|(&stage, units)| StageCost {
            stage,
            cost_usd: from_units(units).to_string(),
            includes_rewrite: stage == Stage::QualityCheck && rewritten,
        })
        .collect();
    Ok(CostReport {
        lines,
        stages,
        total_usd: from_units(total).to_string(),
        saved_by_cache_usd: from_units(saved).to_string(),
        baseline_model: premium_model.to_string(),
        baseline_usd: from_units(baseline_units).to_string(),
        savings_usd: from_units((baseline_units - total).max(0)).to_string(),
    })
}
