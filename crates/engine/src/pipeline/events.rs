//! Typed progress of a run. The engine hands them to a plain callback; the window app turns
//! them into a Tauri `Channel`, the headless mode into lines on standard error.

use serde::Serialize;

use super::Stage;

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
