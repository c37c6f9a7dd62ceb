//! One logical call as its caller sees it: what is asked, what happens meanwhile, what comes
//! back.

use std::time::Duration;

use crate::budget::ScopeLimit;
use crate::gateway::{Completion, FailureKind, GatewayError, Message};

use super::chain::Chain;

/// One logical call.
#[derive(Debug, Clone)]
pub struct CallSpec {
    pub episode_id: Option<String>,
    pub stage: Option<String>,
    pub chain: Chain,
    pub messages: Vec<Message>,
    pub max_tokens: u32,
    /// The least output worth having; below it the call is refused rather than cut short.
    pub min_tokens: u32,
    pub temperature: Option<f32>,
    pub response_format: Option<serde_json::Value>,
    pub stop: Option<Vec<String>>,
    pub stream: bool,
    pub bypass_cache: bool,
    pub limits: Vec<ScopeLimit>,
}

/// What happens after a failed attempt, for the producer's one calm line.
#[derive(Debug, Clone, PartialEq)]
pub enum NextStep {
    RetrySame { after: Duration },
    NextModel { model: String },
    GiveUp,
}

/// Progress of a call, as it happens.
#[derive(Debug)]
pub enum CallEvent<'a> {
    /// New answer text. After a failed streamed attempt, `restart` is sent first.
    Text(&'a str),
    /// A new attempt begins; any text shown from an earlier attempt is void.
    Restart,
    AttemptFailed {
        model: &'a str,
        error: &'a GatewayError,
        next: &'a NextStep,
    },
    /// Another model answered in place of the one asked for first.
    TookOver { from: &'a str, to: &'a str },
    /// The answer came from the cache.
    Reused { saved_units: i64 },
    /// The call's cost, once known.
    Cost { units: i64 },
}

/// One attempt in the trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptNote {
    pub model_requested: String,
    pub model_served: Option<String>,
    pub kind: Option<FailureKind>,
    pub cost_units: i64,
}

#[derive(Debug, Clone)]
pub struct CallOutcome {
    pub completion: Completion,
    /// What this call cost in all (failed attempts included), in 1e-10 USD.
    pub cost_units: i64,
    pub cached: bool,
    pub saved_units: i64,
    pub trail: Vec<AttemptNote>,
    pub call_id: String,
}

/// A fresh id for one call; every attempt's request-log row and its reservation carry it.
pub(super) fn new_call_id() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    format!("call_{n:016x}")
}
