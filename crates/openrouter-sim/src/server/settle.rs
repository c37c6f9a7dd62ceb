//! Billing a generation once it is over: the key is charged for the prompt and the
//! completion tokens actually produced (or, for a stream the client left, actually sent), and
//! the generation becomes visible to `/generation` after the scenario's delay.

use std::time::{Duration, Instant};

use super::plan::Plan;
use super::reply::Usage;
use super::state::Shared;
use crate::clock;
use crate::ledger::Generation;

pub struct Settled {
    pub usage: Usage,
}

pub struct Outcome<'a> {
    pub completion_tokens: u64,
    pub reasoning_tokens: u64,
    pub finish: Option<&'a str>,
    pub cancelled: bool,
    pub streamed: bool,
    pub first_token_at: Option<Instant>,
}

pub fn settle(st: &Shared, plan: &Plan, o: Outcome<'_>) -> Settled {
    let cost =
        plan.endpoint
            .prices()
            .cost(plan.prompt_tokens, plan.cached_tokens, o.completion_tokens);
    let usage = Usage::new(
        plan.prompt_tokens,
        plan.cached_tokens,
        o.completion_tokens,
        o.reasoning_tokens,
        &cost,
    );
    let now = Instant::now();
    let latency = o
        .first_token_at
        .unwrap_or(now)
        .saturating_duration_since(plan.started);
    let generation_time = now.saturating_duration_since(plan.started);
    let visible_after = Duration::from_millis(plan.scenario.timing.generation_visible_after_ms);
    st.ledger().record(Generation {
        id: plan.ident.id.clone(),
        key: plan.key.clone(),
        model: plan.model.id.clone(),
        provider: plan.endpoint.provider.clone(),
        streamed: o.streamed,
        cancelled: o.cancelled,
        prompt_tokens: plan.prompt_tokens,
        cached_tokens: plan.cached_tokens,
        completion_tokens: o.completion_tokens,
        reasoning_tokens: o.reasoning_tokens,
        cost: cost.clone(),
        latency_ms: latency.as_millis() as u64,
        generation_time_ms: generation_time.as_millis() as u64,
        finish_reason: o.finish.map(str::to_owned),
        user: plan.req.user.clone(),
        created_micros: clock::unix_now_micros(),
        visible_at: now + visible_after,
    });
    tracing::info!(
        id = %plan.ident.id,
        cost = %cost.total,
        prompt_tokens = plan.prompt_tokens,
        completion_tokens = o.completion_tokens,
        cancelled = o.cancelled,
        "billed"
    );
    Settled { usage }
}
