//! The cost of a run before it starts: per stage, what it is expected to cost and the upper
//! bound that the budget guarantees (every call's `max_tokens` at the dearest endpoint of
//! every model it can reach, prompts counted as bytes).

use rust_decimal::Decimal;
use serde::Serialize;

use super::artifacts;
use super::episode::Episode;
use super::notes_store::StoredNote;
use super::runner::{words_to_tokens, RunError, RunOptions, Runner, SCRIPT_WORDS_PER_CALL};
use super::{prompts, research, Stage};
use crate::budget::{prompt_token_bound, WorstCase};
use crate::catalog;
use crate::gateway::Message;
use crate::money::{from_units, to_units_ceil};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageEstimate {
    pub stage: Stage,
    /// Nothing to pay: the saved output still fits.
    pub reused: bool,
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

struct Prices {
    dearest_prompt: Decimal,
    dearest_completion: Decimal,
    request: Decimal,
    first_prompt: Decimal,
    first_completion: Decimal,
}

fn prices(runner: &Runner, models: &[String]) -> Prices {
    let conn_id = runner.router().profile().id.clone();
    let mut p = Prices {
        dearest_prompt: Decimal::ZERO,
        dearest_completion: Decimal::ZERO,
        request: Decimal::ZERO,
        first_prompt: Decimal::ZERO,
        first_completion: Decimal::ZERO,
    };
    let mut first = true;
    for m in models {
        let manual =
            runner.router().profile().kind == crate::routing::ConnectionKind::OpenAiCompatible;
        let found = runner.with_conn(|c| {
            if manual {
                catalog::manual_prices(c, &conn_id, m).ok().flatten()
            } else {
                catalog::dearest_prices(c, &conn_id, m).ok().flatten()
            }
        });
        if let Some(mp) = found {
            p.dearest_prompt = p.dearest_prompt.max(mp.prompt);
            p.dearest_completion = p.dearest_completion.max(mp.completion);
            p.request = p.request.max(mp.request);
            if first {
                p.first_prompt = mp.prompt;
                p.first_completion = mp.completion;
                first = false;
            }
        }
    }
    p
}

/// The first model of `models` without entered prices, on a connection that has no price list
/// and a spending limit on. Such a call would be refused when it comes up; saying so before the
/// run starts means nothing is sent and no stage is paid for in vain.
fn unpriced_model(runner: &Runner, models: &[String]) -> Option<String> {
    let profile = runner.router().profile();
    if profile.kind != crate::routing::ConnectionKind::OpenAiCompatible || profile.limit_off {
        return None;
    }
    let conn_id = profile.id.clone();
    models
        .iter()
        .find(|m| {
            runner
                .with_conn(|c| catalog::manual_prices(c, &conn_id, m))
                .ok()
                .flatten()
                .is_none()
        })
        .cloned()
}

/// One call's contribution: (expected units, upper units).
fn call_cost(p: &Prices, messages: &[Message], max_tokens: u32) -> (i64, i64) {
    let bound = prompt_token_bound(messages);
    let wc = WorstCase {
        prompt_tokens: bound,
        prompt_price: p.dearest_prompt,
        completion_price: p.dearest_completion,
        request_price: p.request,
        max_tokens,
        min_tokens: 0,
    };
    let upper = wc.total_units(max_tokens);
    // Expected: ~4 bytes per token, about two thirds of the output length used.
    let expected_prompt = Decimal::from(bound / 4);
    let expected_out = Decimal::from(max_tokens) * Decimal::new(66, 2);
    let expected =
        to_units_ceil(expected_prompt * p.first_prompt + expected_out * p.first_completion);
    (expected, upper)
}

/// Estimates the stages of `ep` that still have to run.
pub async fn estimate(
    runner: &Runner,
    ep: &Episode,
    notes: &[StoredNote],
    opts: &RunOptions,
) -> Result<Estimate, RunError> {
    let all: Vec<String> = crate::pipeline::Stage::ALL
        .iter()
        .flat_map(|s| ep.plan.get(*s).chain.models.clone())
        .collect();
    if !runner.router().profile().limit_off {
        // Prices for the estimate; a failure here surfaces on the first real call.
        let _ = runner.router().ensure_prices(&all).await;
    }
    let mut stages = Vec::new();
    let mut up_to_run = 0i64;
    // Sizes of the outputs that later prompts will carry, as bytes.
    let research_out =
        (research::plan(notes).len() as u32 * ep.plan.research.max_tokens * 4) as usize;
    let synth_out = (ep.plan.synthesis.max_tokens * 4) as usize;
    let target = ep.brief.word_target();
    let labelled = research::labelled(notes);
    let mut upstream_changed = false;
    for stage in Stage::ALL {
        let settings = ep.plan.get(stage);
        let p = prices(runner, &settings.chain.models);
        let mut calls: Vec<(Vec<Message>, u32)> = Vec::new();
        match stage {
            Stage::Research => {
                for b in research::plan(notes) {
                    calls.push((prompts::research(&ep.brief, &b.pieces), settings.max_tokens));
                }
            }
            Stage::Synthesis => {
                calls.push((
                    prompts::synthesis(&ep.brief, &"x".repeat(research_out)),
                    settings.max_tokens,
                ));
            }
            Stage::Script => {
                let segments = prompts::segment_plan(&ep.brief);
                let parts = (target as usize)
                    .div_ceil(SCRIPT_WORDS_PER_CALL)
                    .clamp(1, segments.len().max(1));
                let per_part = segments.len().div_ceil(parts).max(1);
                for group in segments.chunks(per_part) {
                    let words = target * group.len() as u32 / segments.len().max(1) as u32;
                    let max_tokens = settings.max_tokens.max(words_to_tokens(words)).min(16_000);
                    calls.push((
                        prompts::script(&ep.brief, &"x".repeat(synth_out), &labelled, group, words),
                        max_tokens,
                    ));
                }
            }
            Stage::QualityCheck => {
                let script_bytes = (words_to_tokens(target) * 4) as usize;
                calls.push((
                    prompts::quality(
                        &ep.brief,
                        &"x".repeat(script_bytes),
                        &labelled,
                        target,
                        target,
                    ),
                    settings.max_tokens,
                ));
            }
        }
        let (mut exp, mut up) = (0i64, 0i64);
        for (msgs, max) in &calls {
            let (e, u) = call_cost(&p, msgs, *max);
            exp += e;
            up += u;
        }
        let reused = !upstream_changed
            && opts.rerun != Some(stage)
            && is_reusable(runner, ep, stage, notes)?;
        if !reused {
            if let Some(model) = unpriced_model(runner, &settings.chain.models) {
                return Err(RunError::Call {
                    stage,
                    error: crate::routing::CallError::NoPrices { model },
                    partial_saved: false,
                });
            }
            upstream_changed = true;
            up_to_run += up;
        }
        stages.push(StageEstimate {
            stage,
            reused,
            calls: calls.len() as u32,
            expected_usd: from_units(if reused { 0 } else { exp }).to_string(),
            upper_usd: from_units(if reused { 0 } else { up }).to_string(),
        });
    }
    let exp_to_run: i64 = stages
        .iter()
        .map(|s| crate::money::to_units(s.expected_usd.parse().unwrap_or_default()))
        .sum();
    Ok(Estimate {
        stages,
        expected_usd: from_units(exp_to_run).to_string(),
        upper_usd: from_units(up_to_run).to_string(),
        upper_units_to_run: up_to_run,
    })
}

fn is_reusable(
    runner: &Runner,
    ep: &Episode,
    stage: Stage,
    notes: &[StoredNote],
) -> Result<bool, RunError> {
    let hash = runner.stage_input_hash(ep, stage, notes)?;
    let current = runner.with_conn(|c| artifacts::current(c, &ep.id, stage))?;
    Ok(current.is_some_and(|a| a.input_hash == hash))
}
