//! What every stage of one run shares — the episode and its notes, the run's options, the
//! router (through which each call reserves and settles its money), the limits it is held
//! to, the live spend, the progress callback and the cancel token — and the one way a stage
//! makes a call with it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use super::episode::Episode;
use super::notes_store::StoredNote;
use super::run::error::RunError;
use super::run::events::{display_name, Emit, EventMap, ProgressEvent};
use super::run::outcome::RunOptions;
use super::script_answer::RawAnswer;
use super::{Stage, StageSettings};
use crate::budget::ScopeLimit;
use crate::gateway::{Completion, Message};
use crate::money::from_units;
use crate::routing::{CallError, CallEvent, CallOutcome, CallSpec, Chain, Router};
use crate::store::Store;

/// One call of a stage, as the stage asks it.
#[derive(Debug, Clone)]
pub(crate) struct Ask {
    pub stage: Stage,
    /// The stage whose cost this call is, when not `stage` itself: the rewrite streams into
    /// the Script card but belongs to the Quality check that ran it (its request-log rows
    /// and its cost events say so), so no cost is ever counted in two cards.
    pub paid_by: Option<Stage>,
    pub chain: Chain,
    pub temperature: f32,
    pub messages: Vec<Message>,
    pub max_tokens: u32,
    pub response_format: Option<serde_json::Value>,
    pub bypass_cache: bool,
    pub stream: bool,
}

impl Ask {
    /// A plain call of `stage` on its chain with its settings.
    pub fn new(stage: Stage, settings: &StageSettings, messages: Vec<Message>) -> Self {
        Ask {
            stage,
            paid_by: None,
            chain: settings.chain.clone(),
            temperature: settings.temperature,
            messages,
            max_tokens: settings.max_tokens,
            response_format: None,
            bypass_cache: false,
            stream: false,
        }
    }
}

/// What a stage has done so far: its calls, their cost, the last model that answered.
#[derive(Debug, Default)]
pub(crate) struct StageAcc {
    pub calls: u32,
    pub cached_calls: u32,
    pub cost_units: i64,
    pub model: Option<String>,
    /// Text finished so far (kept as a draft if the stage is cancelled).
    pub text: String,
    /// A script answer as it arrived and the chat taken off it, kept beside the output.
    pub answer: Option<RawAnswer>,
    /// What happened on the way, in plain words, for the stage's record.
    pub notes: Vec<String>,
}

impl StageAcc {
    pub fn all_cached(&self) -> bool {
        self.calls > 0 && self.cached_calls == self.calls
    }

    /// The stage's record as the producer reads it.
    pub fn note_text(&self) -> Option<String> {
        (!self.notes.is_empty()).then(|| self.notes.join(". "))
    }

    /// Adds what another accumulator (a rewrite, a re-check) spent.
    pub fn add_spend(&mut self, other: &StageAcc) {
        self.cost_units += other.cost_units;
        self.calls += other.calls;
    }
}

/// One run's shared context (see the module comment).
pub(crate) struct StageCtx<'a, 'e> {
    pub router: &'a Router,
    pub store: &'a Arc<Mutex<Store>>,
    pub ep: &'a Episode,
    pub notes: &'a [StoredNote],
    pub opts: &'a RunOptions,
    pub cancel: &'a CancellationToken,
    pub emit: &'a mut Emit<'e>,
    /// The episode's spend as this run sees it (see `Runner::spend`).
    pub meter: Arc<AtomicI64>,
    /// The episode's and the month's limits every call is reserved against.
    pub limits: Vec<ScopeLimit>,
    /// The 80 % warning was given.
    pub warned: bool,
    /// A long script's parts may be written at the same time (see `stages::script`).
    pub parts_together: bool,
}

impl StageCtx<'_, '_> {
    /// The database, briefly locked.
    pub fn db(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The display name of a model ("Claude 3 Opus"), from the catalog when known.
    pub fn display(&self, model: &str) -> String {
        display_name(self.db().conn(), &self.router.profile().id, model)
    }

    pub fn emit(&mut self, ev: ProgressEvent) {
        (self.emit)(ev)
    }

    /// Waits for the bookkeeping of the calls made so far (see `Router::flush`): before a
    /// stage's work is saved, so a finished stage never has calls missing from the ledger.
    pub async fn flush(&mut self, stage: Stage) -> Result<(), RunError> {
        self.router.flush().await.map_err(|e| RunError::Call {
            stage,
            error: CallError::Records(e),
            partial_saved: false,
        })
    }

    /// The call as the router takes it.
    pub fn spec(&self, ask: &Ask) -> CallSpec {
        CallSpec {
            episode_id: Some(self.ep.id.clone()),
            stage: Some(ask.paid_by.unwrap_or(ask.stage).as_str().to_string()),
            chain: ask.chain.clone(),
            messages: ask.messages.clone(),
            max_tokens: ask.max_tokens,
            min_tokens: ask.stage.min_tokens().min(ask.max_tokens),
            temperature: Some(ask.temperature),
            response_format: ask.response_format.clone(),
            stop: None,
            stream: ask.stream,
            bypass_cache: ask.bypass_cache,
            limits: self.limits.clone(),
        }
    }

    /// Maps a call's events of `stage` to progress events.
    pub fn event_map(&self, stage: Stage) -> EventMap {
        EventMap::new(
            self.store.clone(),
            self.router.profile().id.clone(),
            stage,
            self.meter.clone(),
        )
    }

    /// One call: the router reserves its worst case, sends it (moving along the chain as its
    /// policy says), settles the cost; its events go out as progress.
    pub async fn call(&mut self, ask: &Ask, acc: &mut StageAcc) -> Result<Completion, RunError> {
        let spec = self.spec(ask);
        let mut map = self.event_map(ask.stage);
        if let Some(payer) = ask.paid_by {
            map.costs_go_to(payer);
        }
        let emit = &mut *self.emit;
        let mut on = |e: CallEvent<'_>| {
            if let Some(ev) = map.map(e) {
                emit(ev);
            }
        };
        let r = self.router.call(&spec, self.cancel, &mut on).await;
        self.after_call(ask.stage, r, acc)
    }

    /// Counts a finished call into `acc` and warns once when spend passes 80 % of the limit.
    pub fn after_call(
        &mut self,
        stage: Stage,
        r: Result<CallOutcome, CallError>,
        acc: &mut StageAcc,
    ) -> Result<Completion, RunError> {
        match r {
            Ok(out) => {
                acc.calls += 1;
                acc.cost_units += out.cost_units;
                acc.cached_calls += u32::from(out.cached);
                acc.model = Some(out.completion.model.clone());
                self.budget_warning();
                Ok(out.completion)
            }
            Err(e) => {
                acc.cost_units += e.spent_units();
                self.budget_warning();
                Err(RunError::Call {
                    stage,
                    error: e,
                    partial_saved: false,
                })
            }
        }
    }

    fn budget_warning(&mut self) {
        if self.warned {
            return;
        }
        let spent = from_units(self.meter.load(Ordering::Relaxed));
        let limit = self.ep.brief.budget_usd;
        if spent * Decimal::from(10) >= limit * Decimal::from(8) {
            self.warned = true;
            self.emit(ProgressEvent::BudgetWarning {
                spent_usd: spent.to_string(),
                limit_usd: limit.to_string(),
            });
        }
    }
}
