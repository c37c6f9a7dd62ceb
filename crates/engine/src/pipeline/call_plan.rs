//! What a run will ask, worked out once: how a script is split into parts, how long each
//! answer may be, which calls each stage makes (the Quality check's rewrite and its re-check
//! included), and what they can cost at worst. The run sizes its calls with these functions
//! and the estimate adds up the same list, so the figure shown before a run cannot drift from
//! what the run does.

use rust_decimal::Decimal;

use super::episode::Episode;
use super::notes_store::StoredNote;
use super::seams::{seams, POINT_CHARS};
use super::{prompts, research, Stage, StageSettings};
use crate::budget::{prompt_token_bound, WorstCase};
use crate::catalog;
use crate::gateway::Message;
use crate::money::to_units_ceil;
use crate::routing::policy::{self, Problem, Situation, Step};
use crate::routing::{Chain, ConnectionKind, ConnectionProfile};

/// Words a single script call aims at before the script is written in parts.
pub const SCRIPT_WORDS_PER_CALL: usize = 1_800;

/// The longest answer a script call asks for.
pub const MAX_SCRIPT_TOKENS: u32 = 16_000;

/// Output tokens for a word count (0.75 words per token, plus headroom for headings).
pub fn words_to_tokens(words: u32) -> u32 {
    words.saturating_mul(3) / 2 + 200
}

/// One part of a script: the segments it writes, its share of the word target and the
/// longest answer it may give.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptPart<'s> {
    pub segments: &'s [String],
    pub words: u32,
    pub max_tokens: u32,
}

/// Long episodes are written a few segments at a time so each part reaches its share of the
/// word target (models stop early on very long single answers).
pub fn script_parts<'s>(
    target: u32,
    segments: &'s [String],
    settings: &StageSettings,
) -> Vec<ScriptPart<'s>> {
    let parts = (target as usize)
        .div_ceil(SCRIPT_WORDS_PER_CALL)
        .clamp(1, segments.len().max(1));
    let per_part = segments.len().div_ceil(parts).max(1);
    segments
        .chunks(per_part)
        .map(|group| {
            let words = target * group.len() as u32 / segments.len().max(1) as u32;
            ScriptPart {
                segments: group,
                words,
                max_tokens: settings
                    .max_tokens
                    .max(words_to_tokens(words))
                    .min(MAX_SCRIPT_TOKENS),
            }
        })
        .collect()
}

/// The longest answer a rewrite of the whole script may give.
pub fn rewrite_max_tokens(target: u32, script: &StageSettings) -> u32 {
    script
        .max_tokens
        .max(words_to_tokens(target))
        .min(MAX_SCRIPT_TOKENS)
}

/// One call a stage may make, sized at its worst.
#[derive(Debug, Clone)]
pub struct PlannedCall {
    /// Every model the call can reach (its price is the dearest of them).
    pub models: Vec<String>,
    pub messages: Vec<Message>,
    pub max_tokens: u32,
    /// Made only when the script fails its check: the rewrite and its re-check. They count
    /// in the upper bound, not in what the run is expected to cost.
    pub conditional: bool,
    /// The segments a script part writes (empty for other calls).
    pub segments: Vec<String>,
}

/// The Script stage's calls, one per part: the outline and the notes, the part's segments,
/// its share of the words, and its seams with the parts beside it (see `seams`).
pub fn script_calls(ep: &Episode, notes: &[StoredNote], outline: &str) -> Vec<PlannedCall> {
    let settings = &ep.plan.script;
    let labelled = research::labelled(notes);
    let plan = prompts::segment_plan(&ep.brief);
    let parts = script_parts(ep.brief.word_target(), &plan, settings);
    let groups: Vec<&[String]> = parts.iter().map(|p| p.segments).collect();
    let seams = seams(outline, &plan, &groups);
    parts
        .iter()
        .zip(&seams)
        .map(|(p, seam)| PlannedCall {
            models: settings.chain.models.clone(),
            messages: prompts::script(&ep.brief, outline, &labelled, p.segments, p.words, seam),
            max_tokens: p.max_tokens,
            conditional: false,
            segments: p.segments.to_vec(),
        })
        .collect()
}

/// The most `call` can cost: what the router reserves for it, or more (the dearest model of
/// all it can reach).
pub fn upper_units(
    conn: &rusqlite::Connection,
    profile: &ConnectionProfile,
    call: &PlannedCall,
) -> i64 {
    call_cost(
        &prices(conn, profile, &call.models),
        &call.messages,
        call.max_tokens,
    )
    .1
}

/// The calls `stage` makes, with prompts as long as their inputs can be (earlier stages'
/// outputs at their full length). A script that fails its check is rewritten by a later model
/// of the Script chain, and the rewrite checked again: both belong to the Quality check.
pub fn stage_calls(ep: &Episode, notes: &[StoredNote], stage: Stage) -> Vec<PlannedCall> {
    let settings = ep.plan.get(stage);
    let labelled = research::labelled(notes);
    let target = ep.brief.word_target();
    let call = |models: &[String], messages, max_tokens, conditional| PlannedCall {
        models: models.to_vec(),
        messages,
        max_tokens,
        conditional,
        segments: Vec::new(),
    };
    let models = &settings.chain.models;
    match stage {
        Stage::Research => research::plan(notes)
            .iter()
            .map(|b| {
                call(
                    models,
                    prompts::research(&ep.brief, &b.pieces),
                    settings.max_tokens,
                    false,
                )
            })
            .collect(),
        Stage::Synthesis => {
            let research_out =
                (research::plan(notes).len() as u32 * ep.plan.research.max_tokens * 4) as usize;
            vec![call(
                models,
                prompts::synthesis(&ep.brief, &"x".repeat(research_out)),
                settings.max_tokens,
                false,
            )]
        }
        Stage::Script => {
            // The outline at its longest, read as one point (so each part's seam carries a
            // point of the longest length it can have).
            let longest = (ep.plan.synthesis.max_tokens * 4) as usize;
            let outline = format!("1. {}", "x".repeat(longest.max(POINT_CHARS)));
            script_calls(ep, notes, &outline)
        }
        Stage::QualityCheck => {
            let check = |script_tokens: u32, conditional| {
                let script = "x".repeat((script_tokens * 4) as usize);
                let msgs = prompts::quality(&ep.brief, &script, &labelled, target, target);
                call(models, msgs, settings.max_tokens, conditional)
            };
            let mut calls = vec![check(words_to_tokens(target), false)];
            // The rewrite goes to a model after the one that wrote the script: at worst any
            // model of the Script chain but its first.
            if let Some(writers) = rewrite_chain(&ep.plan.script.chain, None) {
                let rewrite_tokens = rewrite_max_tokens(target, &ep.plan.script);
                let script = "x".repeat((words_to_tokens(target) * 4) as usize);
                let fixes = vec!["x".repeat((settings.max_tokens * 4) as usize)];
                let msgs = prompts::rewrite(&ep.brief, &script, &fixes, &labelled, target);
                calls.push(call(&writers.models, msgs, rewrite_tokens, true));
                calls.push(check(rewrite_tokens, true));
            }
            calls
        }
    }
}

/// The models that may rewrite a script below the bar: the routing policy's decision
/// (`policy::next_step` with `Problem::BelowTheBar`) over the Script chain after the model
/// that wrote it (all but the first when the writer is not known). `None` when there is none.
pub fn rewrite_chain(script_chain: &Chain, writer: Option<&str>) -> Option<Chain> {
    let models = &script_chain.models;
    let next = policy::after(models, writer, 0);
    let ahead = models.get(next..).unwrap_or(&[]);
    match policy::next_step(&Situation::answer(Problem::BelowTheBar, ahead)).step {
        Step::NextModel { index } => Some(Chain {
            models: ahead[index..].to_vec(),
            variant: script_chain.variant,
        }),
        _ => None,
    }
}

/// The prices a call is costed at.
#[derive(Debug, Clone, Default)]
pub struct Prices {
    dearest_prompt: Decimal,
    dearest_completion: Decimal,
    request: Decimal,
    first_prompt: Decimal,
    first_completion: Decimal,
}

fn known_prices(
    conn: &rusqlite::Connection,
    profile: &ConnectionProfile,
    model: &str,
) -> Option<catalog::ModelPrices> {
    if profile.kind == ConnectionKind::OpenAiCompatible {
        catalog::manual_prices(conn, &profile.id, model)
            .ok()
            .flatten()
    } else {
        catalog::dearest_prices(conn, &profile.id, model)
            .ok()
            .flatten()
    }
}

/// The dearest prices among `models` (what the budget reserves at) and the first model's
/// (what the call is expected to cost).
pub fn prices(
    conn: &rusqlite::Connection,
    profile: &ConnectionProfile,
    models: &[String],
) -> Prices {
    let mut p = Prices::default();
    let mut first = true;
    for m in models {
        if let Some(mp) = known_prices(conn, profile, m) {
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
pub fn unpriced_model(
    conn: &rusqlite::Connection,
    profile: &ConnectionProfile,
    models: &[String],
) -> Option<String> {
    if profile.kind != ConnectionKind::OpenAiCompatible || profile.limit_off {
        return None;
    }
    models
        .iter()
        .find(|m| {
            catalog::manual_prices(conn, &profile.id, m)
                .ok()
                .flatten()
                .is_none()
        })
        .cloned()
}

/// One call's cost: (expected units, upper units).
pub fn call_cost(p: &Prices, messages: &[Message], max_tokens: u32) -> (i64, i64) {
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

/// A stage's share of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct StageCost {
    pub stage: Stage,
    /// Nothing to pay: the saved output still fits.
    pub reused: bool,
    /// Calls made when the script passes its check (no rewrite).
    pub calls: u32,
    pub expected_units: i64,
    pub upper_units: i64,
}

/// What a run costs: per stage, and the upper bound of the stages still to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunCost {
    pub stages: Vec<StageCost>,
    pub expected_units: i64,
    pub upper_units_to_run: i64,
}

/// A stage to run has a model without prices (see [`unpriced_model`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Unpriced {
    pub stage: Stage,
    pub model: String,
}

/// Costs every stage of `ep`. `fits(stage)` says whether a stage's saved output still fits
/// its input (asked only while every stage before it is reused and it is not forced again).
pub fn run_cost(
    conn: &rusqlite::Connection,
    profile: &ConnectionProfile,
    ep: &Episode,
    notes: &[StoredNote],
    rerun: Option<Stage>,
    fits: &mut dyn FnMut(Stage) -> bool,
) -> Result<RunCost, Unpriced> {
    let mut stages = Vec::new();
    let mut upper_to_run = 0i64;
    let mut expected_to_run = 0i64;
    let mut upstream_changed = false;
    for stage in Stage::ALL {
        let calls = stage_calls(ep, notes, stage);
        let (mut exp, mut up) = (0i64, 0i64);
        for c in &calls {
            let (e, u) = call_cost(&prices(conn, profile, &c.models), &c.messages, c.max_tokens);
            if !c.conditional {
                exp += e;
            }
            up += u;
        }
        let reused = !upstream_changed && rerun != Some(stage) && fits(stage);
        if !reused {
            if let Some(model) = unpriced_model(conn, profile, &ep.plan.get(stage).chain.models) {
                return Err(Unpriced { stage, model });
            }
            upstream_changed = true;
            upper_to_run += up;
            expected_to_run += exp;
        }
        stages.push(StageCost {
            stage,
            reused,
            calls: calls.iter().filter(|c| !c.conditional).count() as u32,
            expected_units: if reused { 0 } else { exp },
            upper_units: if reused { 0 } else { up },
        });
    }
    Ok(RunCost {
        stages,
        expected_units: expected_to_run,
        upper_units_to_run: upper_to_run,
    })
}
