//! Step 5: settling an attempt. Its request-log row (the attempt as it happened, with its
//! exact cost) and the settlement of its reservation to that cost are handed to the
//! bookkeeping writer together, off the call's path; the reservation keeps counting against
//! the limits until they commit (see `crate::bookkeeping`). An answer worth reusing goes to
//! the cache the same way.

use std::time::Duration;

use super::call::CallSpec;
use super::cost::Cost;
use super::error::CallError;
use super::link::Link;
use crate::budget::Reservation;
use crate::cache::CachedAnswer;
use crate::gateway::{AttemptTiming, Completion, FailureKind, GatewayError};
use crate::ledger::{AttemptRow, Status};

/// Where an attempt stands within its call, for its row.
pub(super) struct Place<'a> {
    pub call_id: &'a str,
    /// The model asked for first (the request's first model, as sent).
    pub requested: &'a str,
    /// 0-based within the call.
    pub attempt: u32,
    /// Which request of the chain.
    pub fallback_index: u32,
    /// Retries of this request before this one.
    pub retry_index: u32,
}

impl Link {
    /// The row of one attempt, before its outcome is known.
    pub(super) fn row(
        &self,
        spec: &CallSpec,
        at: &Place<'_>,
        timing: &AttemptTiming,
    ) -> AttemptRow {
        let mut row = AttemptRow::new(at.call_id, &self.profile.id, at.requested);
        row.episode_id = spec.episode_id.clone();
        row.stage = spec.stage.clone();
        row.attempt = at.attempt;
        row.fallback_index = at.fallback_index;
        row.retry_index = at.retry_index;
        row.latency_ms = timing.latency.as_millis() as u64;
        row.ttft_ms = timing.first_token.map(|t| t.as_millis() as u64);
        row.streamed = spec.stream;
        row
    }

    /// Hands the attempt's settlement and row to the bookkeeping writer. Its reservation
    /// counts against the limits until that commits.
    pub(super) fn settle(
        &self,
        reservation: Option<&Reservation>,
        row: &AttemptRow,
    ) -> Result<(), CallError> {
        match reservation {
            Some(r) => self.books.settle(r.clone(), row.clone())?,
            None => self.books.record(row.clone())?,
        }
        Ok(())
    }

    /// Keeps a finished answer for the next identical request (an answer that ended in an
    /// error is not worth reusing).
    pub(super) fn keep_answer(&self, cache_key: &str, c: &Completion, row: &AttemptRow) {
        if c.finish_reason.as_deref() == Some("error") {
            return;
        }
        let answer = CachedAnswer {
            model: c.model.clone(),
            provider: c.provider.clone(),
            text: c.text.clone(),
            finish_reason: c.finish_reason.clone(),
            prompt_tokens: row.prompt_tokens,
            completion_tokens: row.completion_tokens,
            cost_units: row.cost_units,
        };
        self.books.cache_put(cache_key, &self.profile.id, answer);
    }

    /// Marks a model's success or failure, so one that keeps failing rests a while.
    pub(super) fn note_health(
        &self,
        cooldowns: &super::cooldown::Cooldowns,
        model: &str,
        ok: bool,
        latency: Duration,
    ) {
        cooldowns.record(
            model,
            ok,
            latency,
            self.policy.cooldown_after,
            self.policy.cooldown,
        );
    }
}

/// The row of an attempt that answered.
pub(super) fn answered(mut row: AttemptRow, c: &Completion, cost: &Cost) -> AttemptRow {
    row.model_served = Some(c.model.clone());
    row.provider = c.provider.clone();
    row.generation_id = Some(c.generation_id.clone()).filter(|g| !g.is_empty());
    if let Some(u) = &c.usage {
        row.prompt_tokens = u.prompt_tokens;
        row.completion_tokens = u.completion_tokens;
        row.cached_tokens = u.cached_tokens();
        row.reasoning_tokens = u.reasoning_tokens();
    } else {
        row.prompt_tokens = cost.prompt_tokens;
        row.completion_tokens = cost.completion_tokens;
    }
    row.cost_units = cost.units;
    row.cost_source = cost.source;
    row.status = Status::Ok;
    row
}

/// The row of an attempt that failed or was cancelled.
pub(super) fn failed(mut row: AttemptRow, e: &GatewayError, cost: &Cost) -> AttemptRow {
    row.model_served = None;
    row.provider = e.provider.clone();
    row.generation_id = e.generation_id.clone();
    row.cost_units = cost.units;
    row.cost_source = cost.source;
    row.status = if e.kind == FailureKind::Cancelled {
        Status::Cancelled
    } else {
        Status::Error
    };
    row.error_kind = Some(e.kind.as_str().to_string());
    row.error_message = Some(e.to_string());
    row
}
