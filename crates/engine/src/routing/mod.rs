//! A call's route: the model chain, the one retry policy, the table of which failures retry,
//! move on or stop, cooldowns for models that keep failing, and the runner that ties them to
//! the budget, the cache and the request log.

mod chain;
mod cooldown;
pub mod money_answers;
mod policy;
mod runner;

pub use chain::{Chain, Variant};
pub use cooldown::{Cooldowns, ModelHealth};
pub use policy::{action_for, Action, RetryPolicy};
pub use runner::{
    AttemptNote, CallError, CallEvent, CallOutcome, CallSpec, ConnectionKind, ConnectionProfile,
    NextStep, Router,
};
