//! Script: the outline into a script, a few segments per call for long episodes (see
//! `call_plan::script_parts`), each part finished (continued or moved to the next model as
//! any answer) before the parts are joined in order.
//!
//! The parts of a long script are written at the same time when the budget can hold every
//! part's worst case at once (each part still reserves its own worst case before it is sent,
//! in the router, as any call does — this only decides whether to send them together); else
//! one after another. How the parts' transitions hold without reading each other: `seams`.

use futures_util::future::join_all;

use super::super::artifacts;
use super::super::call_plan::{self, PlannedCall};
use super::super::continuation::plain_judge;
use super::super::run::error::RunError;
use super::super::run::events::ProgressEvent;
use super::super::stage_ctx::{Ask, StageAcc, StageCtx};
use super::super::{script_answer, Stage, StageSettings};
use crate::routing::CallError;

pub(crate) async fn run(
    ctx: &mut StageCtx<'_, '_>,
    settings: &StageSettings,
    forced: bool,
    acc: &mut StageAcc,
) -> Result<String, RunError> {
    let ep = ctx.ep;
    let outline = artifacts::current(ctx.db().conn(), &ep.id, Stage::Synthesis)?
        .map(|a| a.content)
        .unwrap_or_default();
    let calls = call_plan::script_calls(ep, ctx.notes, &outline);
    let groups: Vec<&[String]> = calls.iter().map(|c| c.segments.as_slice()).collect();
    let asks: Vec<Ask> = calls
        .iter()
        .map(|c| Ask {
            max_tokens: c.max_tokens,
            bypass_cache: forced,
            stream: ctx.opts.stream,
            ..Ask::new(Stage::Script, settings, c.messages.clone())
        })
        .collect();
    let together = asks.len() > 1 && ctx.parts_together && all_fit(ctx, &calls)?;
    tracing::debug!(parts = asks.len(), together, "writing the script");
    let answers = if together {
        all_at_once(ctx, &asks, &groups, acc).await?
    } else {
        one_by_one(ctx, &asks, &groups, acc).await?
    };
    // Each part's chat is taken off on its own; the clean script is what is saved.
    let (content, answer) = script_answer::clean_script(&ep.brief, &answers);
    acc.answer = Some(answer);
    Ok(content)
}

/// Whether the budget has room for every part's worst case at once (the dearest model of the
/// chain, the whole prompt, the part's full answer length): what the router would reserve
/// for each, or more. Always, on a connection whose limits are off.
fn all_fit(ctx: &StageCtx<'_, '_>, calls: &[PlannedCall]) -> Result<bool, RunError> {
    let profile = ctx.router.profile();
    if profile.limit_off {
        return Ok(true);
    }
    let db = ctx.db();
    let needed: i64 = calls
        .iter()
        .map(|c| call_plan::upper_units(db.conn(), profile, c))
        .sum();
    let room = crate::budget::room(db.conn(), &ctx.limits)?;
    Ok(room.is_none_or(|r| needed <= r))
}

/// The parts one after another, each streamed as it is written.
async fn one_by_one(
    ctx: &mut StageCtx<'_, '_>,
    asks: &[Ask],
    groups: &[&[String]],
    acc: &mut StageAcc,
) -> Result<Vec<String>, RunError> {
    let mut script = String::new();
    let mut answers = Vec::new();
    for (i, (ask, group)) in asks.iter().zip(groups).enumerate() {
        if i > 0 {
            ctx.emit(ProgressEvent::TextDelta {
                stage: Stage::Script,
                text: "\n\n".into(),
            });
            script.push_str("\n\n");
        }
        acc.text = script.clone();
        let c = ctx.complete(ask, None, acc, &plain_judge(group)).await?;
        script.push_str(c.text.trim());
        answers.push(c.text);
    }
    Ok(answers)
}

/// The parts at the same time. Their text would interleave, so each part's costs and failures
/// go out live and its text when it and every part before it are in — the script appears in
/// order. A part that fails or is cancelled stops the stage as it would one after another;
/// everything the parts wrote, in order, is kept for the draft.
async fn all_at_once(
    ctx: &mut StageCtx<'_, '_>,
    asks: &[Ask],
    groups: &[&[String]],
    acc: &mut StageAcc,
) -> Result<Vec<String>, RunError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, PartEvent)>();
    let judges: Vec<_> = groups.iter().map(|g| plain_judge(g)).collect();
    let (router, store, ep, notes, opts, cancel) = (
        ctx.router, ctx.store, ctx.ep, ctx.notes, ctx.opts, ctx.cancel,
    );
    let (meter, limits) = (ctx.meter.clone(), ctx.limits.clone());
    let parts = asks
        .iter()
        .zip(&judges)
        .enumerate()
        .map(|(i, (ask, judge))| {
            let tx = tx.clone();
            let meter = meter.clone();
            let limits = limits.clone();
            async move {
                let report = tx.clone();
                let mut forward = move |ev: ProgressEvent| {
                    let _ = tx.send((i, PartEvent::Progress(ev)));
                };
                let mut part = StageCtx {
                    router,
                    store,
                    ep,
                    notes,
                    opts,
                    cancel,
                    emit: &mut forward,
                    meter,
                    limits,
                    // The run's one warning is given by the stage (see `Shown::pass`).
                    warned: false,
                    parts_together: false,
                };
                let mut pacc = StageAcc::default();
                let r = part.complete(ask, None, &mut pacc, judge).await;
                let text = r.as_ref().ok().map(|c| c.text.clone());
                let _ = report.send((i, PartEvent::Done(text)));
                (r, pacc)
            }
        });
    let all = join_all(parts);
    drop(tx);
    tokio::pin!(all);
    let mut shown = Shown::new(asks.len(), opts.stream);
    let results = loop {
        tokio::select! {
            results = &mut all => break results,
            Some((i, ev)) = rx.recv() => shown.pass(ctx, i, ev),
        }
    };
    while let Ok((i, ev)) = rx.try_recv() {
        shown.pass(ctx, i, ev);
    }
    let mut texts: Vec<String> = Vec::new();
    let mut first_err: Option<RunError> = None;
    for (r, pacc) in results {
        acc.calls += pacc.calls;
        acc.cached_calls += pacc.cached_calls;
        acc.cost_units += pacc.cost_units;
        acc.model = pacc.model.or(acc.model.take());
        acc.notes.extend(pacc.notes);
        match r {
            Ok(c) => texts.push(c.text),
            Err(e) => {
                texts.push(partial_of(&e).to_string());
                first_err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_err {
        // What every part wrote, in order, is the draft.
        acc.text = String::new();
        let written: Vec<&str> = texts
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        return Err(with_partial(e, written.join("\n\n")));
    }
    let joined: Vec<&str> = texts.iter().map(|t| t.trim()).collect();
    acc.text = joined.join("\n\n");
    Ok(texts)
}

/// What a part sends while it runs.
enum PartEvent {
    Progress(ProgressEvent),
    /// The part is in: its finished text, or `None` when it failed.
    Done(Option<String>),
}

/// Which parts' text has been shown: a part's text goes out once it and every part before it
/// are in, so the producer reads the script in order while the later parts are written.
struct Shown {
    texts: Vec<Option<String>>,
    next: usize,
    stream: bool,
}

impl Shown {
    fn new(n: usize, stream: bool) -> Self {
        Shown {
            texts: vec![None; n],
            next: 0,
            stream,
        }
    }

    fn pass(&mut self, ctx: &mut StageCtx<'_, '_>, i: usize, ev: PartEvent) {
        match ev {
            // Parallel parts would interleave their text: it goes out whole, in order.
            PartEvent::Progress(
                ProgressEvent::TextDelta { .. } | ProgressEvent::TextReset { .. },
            ) => {}
            PartEvent::Progress(ProgressEvent::BudgetWarning { .. }) if ctx.warned => {}
            PartEvent::Progress(ev) => {
                if matches!(ev, ProgressEvent::BudgetWarning { .. }) {
                    ctx.warned = true;
                }
                ctx.emit(ev);
            }
            PartEvent::Done(text) => {
                self.texts[i] = text;
                while self.stream && self.next < self.texts.len() {
                    let Some(t) = &self.texts[self.next] else {
                        break;
                    };
                    let sep = if self.next > 0 { "\n\n" } else { "" };
                    ctx.emit(ProgressEvent::TextDelta {
                        stage: Stage::Script,
                        text: format!("{sep}{}", t.trim()),
                    });
                    self.next += 1;
                }
            }
        }
    }
}

/// The text an error kept (a cancelled or unfinished part's).
fn partial_of(e: &RunError) -> &str {
    match e {
        RunError::Call {
            error: CallError::Cancelled { partial, .. },
            ..
        }
        | RunError::Unfinished { partial, .. } => partial,
        _ => "",
    }
}

/// The error with `text` as what it kept.
fn with_partial(e: RunError, text: String) -> RunError {
    match e {
        RunError::Call {
            stage,
            error: CallError::Cancelled { spent_units, .. },
            partial_saved,
        } => RunError::Call {
            stage,
            error: CallError::Cancelled {
                partial: text,
                spent_units,
            },
            partial_saved,
        },
        RunError::Unfinished {
            stage,
            message,
            partial_saved,
            ..
        } => RunError::Unfinished {
            stage,
            message,
            partial: text,
            partial_saved,
        },
        other => other,
    }
}
