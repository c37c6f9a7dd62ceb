//! Typed progress of a run. The engine hands them to a plain callback; the window app turns
//! them into a Tauri `Channel`, the headless mode into lines on standard error. A call's own
//! events (text, a failed attempt, its cost) are mapped here to what the producer reads.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::super::Stage;
use crate::money::from_units;
use crate::routing::{CallEvent, NextStep};
use crate::store::Store;

/// Where a run's progress goes.
pub type Emit<'a> = dyn FnMut(ProgressEvent) + Send + 'a;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProgressEvent {
    /// A stage begins; `reused` when its finished output is taken as it is (no cost).
    StageStarted {
        stage: Stage,
        models: Vec<String>,
        reused: bool,
    },
    /// New text of the stage's current call.
    TextDelta { stage: Stage, text: String },
    /// The text shown so far is void (a failed attempt; the next model starts over).
    TextReset { stage: Stage },
    /// A model failed; `message` is the one calm line the producer reads, e.g.
    /// "Claude Opus was unavailable — GPT-4 took over".
    AttemptFailed {
        stage: Stage,
        model: String,
        message: String,
    },
    /// Before the run: a stage's models were changed for it (a retired model left out or
    /// replaced), or what a paid backup would cost; `message` is the plain-words line.
    ModelsChanged {
        stage: Stage,
        model: String,
        message: String,
    },
    /// A call finished; money as decimal strings (USD).
    RequestCost {
        stage: Stage,
        cost_usd: String,
        episode_spent_usd: String,
    },
    /// A stage finished.
    StageFinished {
        stage: Stage,
        cost_usd: String,
        model: Option<String>,
        cached: bool,
        words: u32,
    },
    /// Spend passed 80 % of the episode's limit.
    BudgetWarning {
        spent_usd: String,
        limit_usd: String,
    },
    /// The run stopped: `code` is what the UI acts on.
    Error {
        stage: Option<Stage>,
        code: String,
        message: String,
    },
}

/// Maps one call's events to progress events. `counted` is how much of this call's cost is
/// already in `meter` (its `Cost` events give the call's total so far).
pub(crate) struct EventMap {
    store: Arc<Mutex<Store>>,
    connection_id: String,
    stage: Stage,
    /// The stage whose card the call's cost goes to (see `Ask::paid_by`).
    cost_stage: Stage,
    meter: Arc<AtomicI64>,
    counted: i64,
}

impl EventMap {
    pub(crate) fn new(
        store: Arc<Mutex<Store>>,
        connection_id: String,
        stage: Stage,
        meter: Arc<AtomicI64>,
    ) -> Self {
        EventMap {
            store,
            connection_id,
            stage,
            cost_stage: stage,
            meter,
            counted: 0,
        }
    }

    /// The call's cost events go to `stage`'s card (its text still goes to its own).
    pub(crate) fn costs_go_to(&mut self, stage: Stage) {
        self.cost_stage = stage;
    }

    /// A call's event as the producer sees it.
    pub(crate) fn map(&mut self, e: CallEvent<'_>) -> Option<ProgressEvent> {
        let stage = self.stage;
        let name = |m: &str| {
            let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
            display_name(store.conn(), &self.connection_id, m)
        };
        match e {
            CallEvent::Text(t) => Some(ProgressEvent::TextDelta {
                stage,
                text: t.to_string(),
            }),
            CallEvent::Restart => Some(ProgressEvent::TextReset { stage }),
            CallEvent::AttemptFailed { model, error, next } => {
                let message = match next {
                    NextStep::NextModel { model: to } => {
                        format!("{} was unavailable — {} took over", name(model), name(to))
                    }
                    NextStep::RetrySame { .. } => {
                        format!("{} was unavailable — trying it again", name(model))
                    }
                    NextStep::GiveUp => error.to_string(),
                };
                Some(ProgressEvent::AttemptFailed {
                    stage,
                    model: model.to_string(),
                    message,
                })
            }
            CallEvent::TookOver { from, to } => Some(ProgressEvent::AttemptFailed {
                stage,
                model: from.to_string(),
                message: format!("{} was unavailable — {} took over", name(from), name(to)),
            }),
            CallEvent::Cost { units } => {
                let delta = units - self.counted;
                let spent = self.meter.fetch_add(delta, Ordering::Relaxed) + delta;
                self.counted = units;
                Some(ProgressEvent::RequestCost {
                    stage: self.cost_stage,
                    cost_usd: from_units(units).to_string(),
                    episode_spent_usd: from_units(spent).to_string(),
                })
            }
            CallEvent::Reused { .. } => None,
        }
    }
}

/// "Claude Opus 5.5" for `anthropic/claude-opus-5.5`: the catalog's name without its vendor
/// prefix, or the id's last part when the catalog does not know it.
pub fn display_name(conn: &rusqlite::Connection, connection_id: &str, model: &str) -> String {
    let base = crate::catalog::base_id(model);
    let name: Option<String> = conn
        .query_row(
            "SELECT name FROM catalog_models WHERE connection_id = ?1 AND model_id = ?2",
            rusqlite::params![connection_id, base],
            |r| r.get(0),
        )
        .ok();
    match name {
        Some(n) => n
            .split_once(": ")
            .map(|(_, rest)| rest.to_string())
            .unwrap_or(n),
        None => base.rsplit('/').next().unwrap_or(base).to_string(),
    }
}
