//! One engine path for every AI call: cache → prices → budget reservation → attempt (plain or
//! streamed) → exact cost → settlement and request-log row → retry, fall back or stop.
//!
//! The caller waits for the cache lookup, the prices, the reservation (committed before the
//! request is sent: it is what keeps the limits safe) and the attempt. The settlement with
//! its request-log row and the cache write are handed to the bookkeeping writer and happen
//! just after; `Router::flush` waits for them. See `crate::bookkeeping`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use super::chain::Chain;
use super::cooldown::Cooldowns;
use super::money_answers;
use super::policy::{action_for, Action, RetryPolicy};
use crate::bookkeeping::{Bookkeeper, BookkeepingError};
use crate::budget::{prompt_token_bound, BudgetError, Reservation, ScopeLimit, WorstCase};
use crate::cache::{self, CacheKeyParts, CachedAnswer};
use crate::catalog::{self, ModelPrices};
use crate::gateway::{
    AttemptTiming, ChatRequest, Client, Completion, FailureKind, GatewayError, MaxPrice, Message,
    ProviderPrefs, StreamLimits,
};
use crate::ledger::{AttemptRow, CostSource, Status};
use crate::money::{from_units, to_units, to_units_ceil};
use crate::store::Store;
use crate::ErrorCode;

/// What kind of server a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionKind {
    OpenRouter,
    /// The local emulator: OpenRouter's API, simulated prices.
    Demo,
    /// Any other OpenAI-compatible server: no price list, no `usage.cost`, no `models` array.
    OpenAiCompatible,
}

/// The connection a router calls through.
#[derive(Debug, Clone)]
pub struct ConnectionProfile {
    pub id: String,
    pub kind: ConnectionKind,
    /// Send `provider.data_collection: "deny"`.
    pub deny_data_collection: bool,
    /// The producer knowingly turned spending limits off for this connection.
    pub limit_off: bool,
}

impl ConnectionProfile {
    fn speaks_openrouter(&self) -> bool {
        self.kind != ConnectionKind::OpenAiCompatible
    }
}

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

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Budget(#[from] BudgetError),
    /// 401, 402 or 400: no other model can help.
    #[error("{error}")]
    Stopped {
        error: GatewayError,
        spent_units: i64,
    },
    #[error("{}", every_model_failed(.last, .trail))]
    AllFailed {
        last: GatewayError,
        trail: Vec<AttemptNote>,
        spent_units: i64,
    },
    #[error("Stopped. The text so far is kept as a draft.")]
    Cancelled { partial: String, spent_units: i64 },
    #[error(
        "There are no prices for {model} on this connection, so Castwright cannot keep this call \
         within the spending limit. Enter its prices in Settings, or turn the limit off for this \
         connection."
    )]
    NoPrices { model: String },
    #[error("Castwright's spending records could not be written. {}", crate::store::plain_words(.0))]
    Store(#[from] rusqlite::Error),
    #[error(transparent)]
    Records(#[from] BookkeepingError),
    #[error("This step has no models. Choose at least one model for it.")]
    EmptyChain,
}

fn every_model_failed(last: &GatewayError, trail: &[AttemptNote]) -> String {
    let mut models: Vec<&str> = Vec::new();
    for n in trail {
        if !models.contains(&n.model_requested.as_str()) {
            models.push(&n.model_requested);
        }
    }
    let names: Vec<String> = models
        .iter()
        .map(|m| crate::pipeline::preflight::name_from_id(m))
        .collect();
    // A model that is gone will not come back: waiting is no advice for it.
    let advice = if last.kind == FailureKind::ModelNotFound {
        "Choose other models for this step."
    } else {
        "Try again later, or choose other models."
    };
    format!(
        "Every model for this step failed ({}). Last: {last} {advice}",
        names.join(", ")
    )
}

impl CallError {
    /// What a failed call is called outside (the table is `crate::error_codes`).
    pub fn code(&self) -> ErrorCode {
        match self {
            CallError::Budget(b) => b.code(),
            CallError::NoPrices { .. } => ErrorCode::BudgetRefused,
            CallError::Store(_) | CallError::Records(_) => ErrorCode::Database,
            CallError::Stopped { error, .. } => match error.kind.code() {
                ErrorCode::Internal => ErrorCode::AllModelsFailed,
                code => code,
            },
            CallError::AllFailed { .. } | CallError::EmptyChain => ErrorCode::AllModelsFailed,
            CallError::Cancelled { .. } => ErrorCode::Cancelled,
        }
    }

    /// What was spent before the call failed.
    pub fn spent_units(&self) -> i64 {
        match self {
            CallError::Stopped { spent_units, .. }
            | CallError::AllFailed { spent_units, .. }
            | CallError::Cancelled { spent_units, .. } => *spent_units,
            _ => 0,
        }
    }
}

/// Calls models through one connection, with everything around it.
#[derive(Clone)]
pub struct Router {
    client: Client,
    profile: ConnectionProfile,
    /// The database as the router uses it: the bookkeeping writer's connection, its reads
    /// and the writes handed to its thread.
    books: Arc<Bookkeeper>,
    policy: RetryPolicy,
    cooldowns: Cooldowns,
    /// When the catalog ("") and each model's endpoints were last found fresh, so that calls
    /// in quick succession do not ask the database again.
    checked: Arc<Mutex<HashMap<String, Instant>>>,
}

/// How long a freshness check of the prices is trusted before the database is asked again
/// (a small slack on the hour the stored prices are kept).
const RECHECK: Duration = Duration::from_secs(60);

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|e| e.into_inner())
}

impl Router {
    pub fn new(
        client: Client,
        profile: ConnectionProfile,
        store: Arc<Mutex<Store>>,
        policy: RetryPolicy,
    ) -> Self {
        let books = lock(&store).bookkeeper();
        Router {
            client,
            profile,
            books,
            policy,
            cooldowns: Cooldowns::default(),
            checked: Arc::default(),
        }
    }

    /// Waits until the request-log rows, settlements and cache entries of every call that
    /// has returned are committed; reports any that could not be written. Await it before
    /// reading the ledger, the budget totals or the cache after calls, and before saving work
    /// that those calls paid for.
    pub async fn flush(&self) -> Result<(), BookkeepingError> {
        self.books.flush().await
    }

    pub fn client(&self) -> &Client {
        &self.client
    }
    pub fn profile(&self) -> &ConnectionProfile {
        &self.profile
    }
    pub fn cooldowns(&self) -> &Cooldowns {
        &self.cooldowns
    }
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The model id as sent: `:floor`/`:nitro` are OpenRouter's routing variants, so another
    /// service gets the bare id it knows.
    fn routed(&self, chain: &Chain, model: &str) -> String {
        if self.profile.speaks_openrouter() {
            chain.routed(model)
        } else {
            model.to_string()
        }
    }

    /// The same connection, but every call sends `data_collection: "deny"`, with its own
    /// cooldowns so a probe's refusals never cool a model down for real runs.
    pub fn denying_data_collection(&self) -> Router {
        let mut r = self.clone();
        r.profile.deny_data_collection = true;
        r.cooldowns = Cooldowns::default();
        r
    }

    /// Makes sure the catalog and the endpoint prices of `models` are stored and fresh.
    pub async fn ensure_prices(&self, models: &[String]) -> Result<(), GatewayError> {
        if !self.profile.speaks_openrouter() {
            return Ok(());
        }
        let id = self.profile.id.clone();
        if !self.checked_lately("") {
            let stale = self
                .books
                .with_conn(|c| catalog::is_stale(c, &id, catalog::DEFAULT_MAX_AGE))
                .unwrap_or(true);
            let fresh = !stale || {
                let models = self.client.models().await?;
                self.books
                    .with_conn(|c| catalog::store_models(c, &id, &models))
                    .is_ok()
            };
            if fresh {
                self.mark_checked("");
            }
        }
        for m in models {
            let base = catalog::base_id(m).to_string();
            if self.checked_lately(&base) {
                continue;
            }
            let fresh = self
                .books
                .with_conn(|c| catalog::endpoints_fresh(c, &id, &base, catalog::DEFAULT_MAX_AGE))
                .unwrap_or(false);
            if fresh {
                self.mark_checked(&base);
                continue;
            }
            match self.client.endpoints(&base).await {
                Ok(e) => {
                    let stored = self
                        .books
                        .with_conn(|c| catalog::store_endpoints(c, &id, &e.data));
                    if stored.is_ok() {
                        self.mark_checked(&base);
                    }
                }
                // A retired model has no endpoints: the call itself will find out and move on.
                Err(e) if e.kind == FailureKind::ModelNotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn checked_lately(&self, what: &str) -> bool {
        let checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        checked.get(what).is_some_and(|t| t.elapsed() < RECHECK)
    }

    fn mark_checked(&self, what: &str) {
        self.checked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(what.to_string(), Instant::now());
    }

    fn prices_for(&self, model: &str) -> Result<Option<ModelPrices>, rusqlite::Error> {
        self.books.with_conn(|c| {
            if self.profile.speaks_openrouter() {
                catalog::dearest_prices(c, &self.profile.id, model)
            } else {
                catalog::manual_prices(c, &self.profile.id, model)
            }
        })
    }

    /// Runs one call to completion, failure or cancellation.
    pub async fn call(
        &self,
        spec: &CallSpec,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(CallEvent<'_>) + Send),
    ) -> Result<CallOutcome, CallError> {
        if spec.chain.models.is_empty() {
            return Err(CallError::EmptyChain);
        }
        let call_id = new_call_id();
        let started = Instant::now();
        let cache_key = cache::key(&CacheKeyParts {
            connection_id: &self.profile.id,
            models: &spec
                .chain
                .models
                .iter()
                .map(|m| self.routed(&spec.chain, m))
                .collect::<Vec<_>>(),
            messages: &spec.messages,
            max_tokens: Some(spec.max_tokens),
            temperature: spec.temperature.map(|t| format!("{t:.3}")),
            response_format: spec.response_format.as_ref(),
            stop: spec.stop.as_deref(),
        });
        if !spec.bypass_cache {
            if let Some(outcome) = self.answer_from_cache(spec, &call_id, &cache_key, on_event)? {
                return Ok(outcome);
            }
        }

        // Prices must be known before anything is reserved. A failure to fetch them is a
        // failure of the first attempt's connection, handled like one below.
        let limited = !self.profile.limit_off;
        let mut prices_error = None;
        if limited {
            if let Err(e) = self.ensure_prices(&spec.chain.models).await {
                prices_error = Some(e);
            }
        }

        let mut groups = spec.chain.groups(if self.profile.speaks_openrouter() {
            self.policy.server_fallback_width
        } else {
            1
        });
        let mut trail: Vec<AttemptNote> = Vec::new();
        let mut spent: i64 = 0;
        let mut attempt_no: u32 = 0;
        let mut last_error: Option<GatewayError> = prices_error;
        if let Some(e) = &last_error {
            if action_for(e.kind) == Action::Stop {
                return Err(CallError::Stopped {
                    error: e.clone(),
                    spent_units: 0,
                });
            }
        }
        let first_model = spec.chain.models[0].clone();
        let mut gi = 0;
        while gi < groups.len() {
            let group = groups[gi].clone();
            let group = &group;
            gi += 1;
            let is_last_group = gi == groups.len();
            if !is_last_group && group.iter().all(|m| self.cooldowns.is_cooling(m)) {
                tracing::debug!(model = %group[0], "skipping a model that is cooling down");
                continue;
            }
            let mut retry: u32 = 0;
            // Set after a 402 that says what the credit affords: one more try asking for that.
            let mut affordable_cap: Option<u32> = None;
            loop {
                let lowered;
                let spec: &CallSpec = match affordable_cap {
                    Some(m) => {
                        lowered = CallSpec {
                            max_tokens: m,
                            ..spec.clone()
                        };
                        &lowered
                    }
                    None => spec,
                };
                if started.elapsed() >= self.policy.deadline {
                    let e = last_error.clone().unwrap_or_else(|| {
                        GatewayError::new(FailureKind::AttemptTimeout, "the call ran out of time")
                    });
                    return Err(CallError::AllFailed {
                        last: e,
                        trail,
                        spent_units: spent,
                    });
                }
                let (reservation, dearest) = self.reserve(spec, group, &call_id).await?;
                if attempt_no > 0 {
                    on_event(CallEvent::Restart);
                }
                let result = self
                    .attempt(
                        spec,
                        group,
                        reservation.as_ref(),
                        dearest.as_ref(),
                        cancel,
                        started,
                        on_event,
                    )
                    .await;
                let (outcome, timing) = result;
                let mut row = AttemptRow::new(
                    &call_id,
                    &self.profile.id,
                    &self.routed(&spec.chain, &group[0]),
                );
                row.episode_id = spec.episode_id.clone();
                row.stage = spec.stage.clone();
                row.attempt = attempt_no;
                row.fallback_index = (gi - 1) as u32;
                row.retry_index = retry;
                row.latency_ms = timing.latency.as_millis() as u64;
                row.ttft_ms = timing.first_token.map(|t| t.as_millis() as u64);
                row.streamed = spec.stream;
                attempt_no += 1;
                match outcome {
                    Ok(completion) => {
                        let (units, source, served_prompt, served_completion) =
                            self.cost_of(&completion, spec).await;
                        row.model_served = Some(completion.model.clone());
                        row.provider = completion.provider.clone();
                        row.generation_id =
                            Some(completion.generation_id.clone()).filter(|g| !g.is_empty());
                        if let Some(u) = &completion.usage {
                            row.prompt_tokens = u.prompt_tokens;
                            row.completion_tokens = u.completion_tokens;
                            row.cached_tokens = u.cached_tokens();
                            row.reasoning_tokens = u.reasoning_tokens();
                        } else {
                            row.prompt_tokens = served_prompt;
                            row.completion_tokens = served_completion;
                        }
                        row.cost_units = units;
                        row.cost_source = source;
                        row.status = Status::Ok;
                        self.settle(reservation.as_ref(), &row)?;
                        spent += units;
                        self.cooldowns.record(
                            &completion.model,
                            true,
                            timing.latency,
                            self.policy.cooldown_after,
                            self.policy.cooldown,
                        );
                        trail.push(AttemptNote {
                            model_requested: row.model_requested.clone(),
                            model_served: row.model_served.clone(),
                            kind: None,
                            cost_units: units,
                        });
                        let served_base = catalog::base_id(&completion.model);
                        let first_base = catalog::base_id(&first_model);
                        if served_base != first_base {
                            on_event(CallEvent::TookOver {
                                from: &first_model,
                                to: &completion.model,
                            });
                        }
                        on_event(CallEvent::Cost { units: spent });
                        if completion.finish_reason.as_deref() != Some("error") {
                            let answer = CachedAnswer {
                                model: completion.model.clone(),
                                provider: completion.provider.clone(),
                                text: completion.text.clone(),
                                finish_reason: completion.finish_reason.clone(),
                                prompt_tokens: row.prompt_tokens,
                                completion_tokens: row.completion_tokens,
                                cost_units: units,
                            };
                            self.books.cache_put(&cache_key, &self.profile.id, answer);
                        }
                        return Ok(CallOutcome {
                            completion,
                            cost_units: spent,
                            cached: false,
                            saved_units: 0,
                            trail,
                            call_id,
                        });
                    }
                    Err((mut error, partial)) => {
                        let units = self.cost_of_failure(&error).await;
                        row.model_served = None;
                        row.provider = error.provider.clone();
                        row.generation_id = error.generation_id.clone();
                        row.cost_units = units.0;
                        row.cost_source = units.1;
                        row.status = if error.kind == FailureKind::Cancelled {
                            Status::Cancelled
                        } else {
                            Status::Error
                        };
                        row.error_kind = Some(error.kind.as_str().to_string());
                        row.error_message = Some(error.to_string());
                        self.settle(reservation.as_ref(), &row)?;
                        spent += units.0;
                        for m in group {
                            self.cooldowns.record(
                                m,
                                false,
                                timing.latency,
                                self.policy.cooldown_after,
                                self.policy.cooldown,
                            );
                        }
                        trail.push(AttemptNote {
                            model_requested: row.model_requested.clone(),
                            model_served: None,
                            kind: Some(error.kind),
                            cost_units: units.0,
                        });
                        if error.kind == FailureKind::Cancelled {
                            on_event(CallEvent::Cost { units: spent });
                            return Err(CallError::Cancelled {
                                partial,
                                spent_units: spent,
                            });
                        }
                        // OpenRouter's money answers (see `money_answers`).
                        if let Some(afford) = money_answers::affordable_tokens(&error) {
                            let asked = reservation
                                .as_ref()
                                .map_or(spec.max_tokens, |r| r.max_tokens);
                            if affordable_cap.is_none()
                                && afford >= spec.min_tokens
                                && afford < asked
                            {
                                affordable_cap = Some(afford);
                                on_event(CallEvent::Cost { units: spent });
                                last_error = Some(error);
                                continue;
                            }
                            if let Some(p) = &dearest {
                                error.credit_needed = Some(money_answers::credit_needed(
                                    asked.max(spec.min_tokens),
                                    afford,
                                    p.completion,
                                ));
                            }
                        }
                        let daily_quota = money_answers::is_daily_free_quota(&error);
                        let action = if daily_quota {
                            Action::NextModel
                        } else {
                            action_for(error.kind)
                        };
                        let long_wait = error
                            .retry_after
                            .is_some_and(|ra| ra > self.policy.retry_after_cap);
                        let next = match action {
                            Action::Stop => NextStep::GiveUp,
                            Action::Retry if retry < self.policy.max_retries && !long_wait => {
                                NextStep::RetrySame {
                                    after: self.policy.backoff(retry, error.retry_after),
                                }
                            }
                            _ => {
                                // A request of several models failed as a whole (its first
                                // model kept breaking, and OpenRouter does not move on from a
                                // broken stream): try the others without it before the rest of
                                // the chain.
                                if group.len() > 1 {
                                    groups.insert(gi, group[1..].to_vec());
                                }
                                match groups.get(gi) {
                                    // The free quota is used up: only another free model, or
                                    // a paid one the producer allowed, may take over.
                                    // Every free model shares the day's quota: skip them.
                                    Some(_) if daily_quota => {
                                        while groups
                                            .get(gi)
                                            .is_some_and(|g| money_answers::is_free(&g[0]))
                                        {
                                            groups.remove(gi);
                                        }
                                        match groups.get(gi) {
                                            Some(g)
                                                if self.policy.paid_backups_after_free_quota =>
                                            {
                                                NextStep::NextModel {
                                                    model: g[0].clone(),
                                                }
                                            }
                                            _ => NextStep::GiveUp,
                                        }
                                    }
                                    Some(g) => NextStep::NextModel {
                                        model: g[0].clone(),
                                    },
                                    None => NextStep::GiveUp,
                                }
                            }
                        };
                        on_event(CallEvent::AttemptFailed {
                            model: &row.model_requested,
                            error: &error,
                            next: &next,
                        });
                        on_event(CallEvent::Cost { units: spent });
                        last_error = Some(error.clone());
                        match next {
                            NextStep::RetrySame { after } => {
                                retry += 1;
                                tokio::select! {
                                    _ = tokio::time::sleep(after) => {}
                                    _ = cancel.cancelled() => {
                                        return Err(CallError::Cancelled { partial: String::new(), spent_units: spent });
                                    }
                                }
                            }
                            NextStep::NextModel { .. } => break,
                            NextStep::GiveUp => {
                                return Err(if action == Action::Stop || daily_quota {
                                    CallError::Stopped {
                                        error,
                                        spent_units: spent,
                                    }
                                } else {
                                    CallError::AllFailed {
                                        last: error,
                                        trail,
                                        spent_units: spent,
                                    }
                                });
                            }
                        }
                    }
                }
            }
        }
        let last = last_error.unwrap_or_else(|| {
            GatewayError::new(FailureKind::NoProvider, "every model is cooling down")
        });
        Err(CallError::AllFailed {
            last,
            trail,
            spent_units: spent,
        })
    }

    fn answer_from_cache(
        &self,
        spec: &CallSpec,
        call_id: &str,
        key: &str,
        on_event: &mut (dyn FnMut(CallEvent<'_>) + Send),
    ) -> Result<Option<CallOutcome>, CallError> {
        let hit = self.books.with_conn(|c| cache::get(c, key))?;
        let Some(hit) = hit else { return Ok(None) };
        let mut row = AttemptRow::new(
            call_id,
            &self.profile.id,
            &self.routed(&spec.chain, &spec.chain.models[0]),
        );
        row.episode_id = spec.episode_id.clone();
        row.stage = spec.stage.clone();
        row.model_served = Some(hit.model.clone());
        row.provider = hit.provider.clone();
        row.prompt_tokens = hit.prompt_tokens;
        row.completion_tokens = hit.completion_tokens;
        row.cost_source = CostSource::Cache;
        row.saved_units = hit.cost_units;
        row.status = Status::CacheHit;
        row.streamed = spec.stream;
        self.books.record(row)?;
        self.books.cache_hit(key);
        // A hit is delivered the way a live answer is: as text events, then its (zero) cost.
        if spec.stream {
            for piece in hit.text.split_inclusive(' ') {
                on_event(CallEvent::Text(piece));
            }
        } else {
            on_event(CallEvent::Text(&hit.text));
        }
        on_event(CallEvent::Reused {
            saved_units: hit.cost_units,
        });
        on_event(CallEvent::Cost { units: 0 });
        Ok(Some(CallOutcome {
            completion: Completion {
                generation_id: String::new(),
                model: hit.model,
                provider: hit.provider,
                text: hit.text,
                finish_reason: hit.finish_reason,
                usage: None,
            },
            cost_units: 0,
            cached: true,
            saved_units: hit.cost_units,
            trail: Vec::new(),
            call_id: call_id.to_string(),
        }))
    }

    /// Reserves the worst case for one attempt at `group`, or refuses; with the dearest
    /// prices the reservation assumed (the attempt's `max_price`). No reservation when the
    /// connection's limit is knowingly off.
    async fn reserve(
        &self,
        spec: &CallSpec,
        group: &[String],
        call_id: &str,
    ) -> Result<(Option<Reservation>, Option<ModelPrices>), CallError> {
        if self.profile.limit_off {
            return Ok((None, None));
        }
        let mut dearest: Option<ModelPrices> = None;
        for m in group {
            match self.prices_for(m)? {
                Some(p) => {
                    let d = dearest.get_or_insert(p.clone());
                    d.prompt = d.prompt.max(p.prompt);
                    d.completion = d.completion.max(p.completion);
                    d.request = d.request.max(p.request);
                }
                // A model with no price may still be retired (404, no money spent) — but it
                // may also serve and bill: without a price we cannot bound it.
                None if self.profile.speaks_openrouter() => {}
                None => return Err(CallError::NoPrices { model: m.clone() }),
            }
        }
        let Some(prices) = dearest else {
            // No price for any model of the group: on OpenRouter these are unknown or
            // retired models; reserve nothing and let the call find out (a 404 costs $0).
            // If one did answer, its real cost settles against the limits after the fact.
            let r = self
                .reserve_units(spec, call_id, 0, spec.max_tokens)
                .await?;
            return Ok((Some(r), None));
        };
        let wc = WorstCase {
            prompt_tokens: prompt_token_bound(&spec.messages),
            prompt_price: prices.prompt,
            completion_price: prices.completion,
            request_price: prices.request,
            max_tokens: spec.max_tokens,
            min_tokens: spec.min_tokens,
        };
        let r = self.books.reserve(call_id, &spec.limits, wc).await?;
        Ok((Some(r), Some(prices)))
    }

    async fn reserve_units(
        &self,
        spec: &CallSpec,
        call_id: &str,
        units: i64,
        max_tokens: u32,
    ) -> Result<Reservation, CallError> {
        let wc = WorstCase {
            prompt_tokens: 0,
            prompt_price: Decimal::ZERO,
            completion_price: Decimal::ZERO,
            request_price: from_units(units),
            max_tokens,
            min_tokens: 0,
        };
        Ok(self.books.reserve(call_id, &spec.limits, wc).await?)
    }

    /// Hands the attempt's settlement and row to the bookkeeping writer. Its reservation
    /// counts against the limits until that commits.
    fn settle(&self, reservation: Option<&Reservation>, row: &AttemptRow) -> Result<(), CallError> {
        match reservation {
            Some(r) => self.books.settle(r.clone(), row.clone())?,
            None => self.books.record(row.clone())?,
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        spec: &CallSpec,
        group: &[String],
        reservation: Option<&Reservation>,
        dearest: Option<&ModelPrices>,
        cancel: &CancellationToken,
        started: Instant,
        on_event: &mut (dyn FnMut(CallEvent<'_>) + Send),
    ) -> (Result<Completion, (GatewayError, String)>, AttemptTiming) {
        let routed: Vec<String> = group.iter().map(|m| self.routed(&spec.chain, m)).collect();
        let mut req = ChatRequest::new(routed[0].clone(), spec.messages.clone());
        if routed.len() > 1 {
            req.models = routed.clone();
        }
        req.max_tokens = Some(reservation.map(|r| r.max_tokens).unwrap_or(spec.max_tokens));
        req.temperature = spec.temperature;
        req.response_format = spec.response_format.clone();
        req.stop = spec.stop.clone();
        if self.profile.speaks_openrouter() {
            let mut prefs = ProviderPrefs::default();
            if self.profile.deny_data_collection {
                prefs.data_collection = Some("deny".into());
            }
            // The prices the reservation assumed (none when the limit is off).
            if let Some(p) = dearest {
                let million = Decimal::from(1_000_000);
                prefs.max_price = Some(MaxPrice {
                    prompt: (p.prompt * million).normalize(),
                    completion: (p.completion * million).normalize(),
                });
            }
            if spec.response_format.is_some() {
                prefs.require_parameters = Some(true);
            }
            if prefs != ProviderPrefs::default() {
                req.provider = Some(prefs);
            }
        }
        let remaining = self.policy.deadline.saturating_sub(started.elapsed());
        let attempt_limit = self.policy.attempt_timeout.min(remaining);
        let mut timing = AttemptTiming::default();
        let mut partial = String::new();
        let attempt_started = Instant::now();
        let result = if spec.stream {
            let limits = StreamLimits {
                first_token: self.policy.first_token_timeout.min(attempt_limit),
                idle: self.policy.idle_timeout,
            };
            let mut on_text = |t: &str| {
                partial.push_str(t);
                on_event(CallEvent::Text(t));
            };
            let fut = self
                .client
                .chat_stream(&req, limits, cancel, &mut timing, &mut on_text);
            match tokio::time::timeout(attempt_limit, fut).await {
                Ok(r) => r,
                Err(_) => Err(GatewayError::new(FailureKind::AttemptTimeout, "timed out")
                    .with_model(&req.model)),
            }
        } else {
            match tokio::time::timeout(attempt_limit, self.client.chat(&req, cancel)).await {
                Ok(Ok((c, t))) => {
                    timing = t;
                    on_event(CallEvent::Text(&c.text));
                    Ok(c)
                }
                Ok(Err(e)) => Err(e),
                Err(_) => Err(GatewayError::new(FailureKind::AttemptTimeout, "timed out")
                    .with_model(&req.model)),
            }
        };
        if timing.latency.is_zero() {
            timing.latency = attempt_started.elapsed();
        }
        let other_service = !self.profile.speaks_openrouter();
        let result = result.map_err(|mut e| {
            e.other_service = other_service;
            (e, partial)
        });
        (result, timing)
    }

    /// The exact cost of a finished answer: `usage.cost`, else `/generation`, else an
    /// estimate from catalog prices (marked as such).
    async fn cost_of(&self, c: &Completion, spec: &CallSpec) -> (i64, CostSource, u32, u32) {
        if let Some(cost) = c.usage.as_ref().and_then(|u| u.cost) {
            return (to_units(cost), CostSource::Usage, 0, 0);
        }
        if self.profile.speaks_openrouter() && !c.generation_id.is_empty() {
            if let Some((units, p, q)) = self.lookup_generation(&c.generation_id).await {
                return (units, CostSource::Generation, p, q);
            }
        }
        // Estimate: the usage counts if any, else bounds from the text.
        let (p, q) = match &c.usage {
            Some(u) => (u.prompt_tokens, u.completion_tokens),
            None => (
                u32::try_from(prompt_token_bound(&spec.messages)).unwrap_or(u32::MAX),
                u32::try_from(c.text.len()).unwrap_or(u32::MAX),
            ),
        };
        let prices = self.prices_for(&c.model).ok().flatten().or_else(|| {
            spec.chain
                .models
                .iter()
                .find_map(|m| self.prices_for(m).ok().flatten())
        });
        let units = prices
            .map(|pr| {
                to_units_ceil(
                    Decimal::from(p) * pr.prompt + Decimal::from(q) * pr.completion + pr.request,
                )
            })
            .unwrap_or(0);
        (units, CostSource::Estimate, p, q)
    }

    /// What a failed attempt cost: a started generation may have billed what it sent.
    async fn cost_of_failure(&self, e: &GatewayError) -> (i64, CostSource) {
        if !self.profile.speaks_openrouter() {
            return (0, CostSource::None);
        }
        match &e.generation_id {
            Some(id) if !id.is_empty() => match self.lookup_generation(id).await {
                Some((units, _, _)) => (units, CostSource::Generation),
                None => (0, CostSource::None),
            },
            _ => (0, CostSource::None),
        }
    }

    /// `/generation`, asking again through its early 404s.
    async fn lookup_generation(&self, id: &str) -> Option<(i64, u32, u32)> {
        for i in 0..self.policy.generation_lookup_attempts.max(1) {
            match self.client.generation(id).await {
                Ok(g) => {
                    let units = g.total_cost.map(to_units)?;
                    return Some((
                        units,
                        g.tokens_prompt.unwrap_or(0),
                        g.tokens_completion.unwrap_or(0),
                    ));
                }
                Err(e) if e.kind == FailureKind::ModelNotFound || e.status == Some(404) => {
                    tokio::time::sleep(self.policy.generation_lookup_delay.saturating_mul(i + 1))
                        .await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "generation lookup failed");
                    tokio::time::sleep(self.policy.generation_lookup_delay).await;
                }
            }
        }
        None
    }
}

fn new_call_id() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    format!("call_{n:016x}")
}
