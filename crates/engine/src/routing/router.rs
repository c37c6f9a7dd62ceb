//! The router: one engine path for every AI call. [`Router::call`] reads as its steps —
//! the cache (`reuse`), the prices (`prices`), then for each attempt the reservation
//! (`reserve`), the attempt (`attempt`), its exact cost (`cost`) and its settlement with
//! its request-log row (`settle`) — and after a failed attempt asks the one fallback
//! decision (`policy::next_step`) whether to retry, move on or stop.
//!
//! The caller waits for the cache lookup, the prices, the reservation (committed before the
//! request is sent: it is what keeps the limits safe) and the attempt. The settlement with
//! its request-log row and the cache write are handed to the bookkeeping writer and happen
//! just after; `Router::flush` waits for them. See `crate::bookkeeping`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::attempt::Attempt;
use super::call::{new_call_id, AttemptNote, CallEvent, CallOutcome, CallSpec, NextStep};
use super::connection::ConnectionProfile;
use super::cooldown::Cooldowns;
use super::error::CallError;
use super::link::Link;
use super::money_answers;
use super::policy::{self, action_for, Action, Problem, Situation, Step};
use super::retry_policy::RetryPolicy;
use super::settle::{self, Place};
use crate::bookkeeping::{Bookkeeper, BookkeepingError};
use crate::catalog;
use crate::gateway::{AttemptTiming, Client, Completion, FailureKind, GatewayError};
use crate::ledger::AttemptRow;
use crate::store::Store;

/// Calls models through one connection, with everything around it.
#[derive(Clone)]
pub struct Router {
    link: Link,
    cooldowns: Cooldowns,
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a call has done so far, across its attempts.
#[derive(Default)]
struct Tally {
    call_id: String,
    trail: Vec<AttemptNote>,
    /// Spent so far, failed attempts included, in 1e-10 USD.
    spent: i64,
    attempts: u32,
    last_error: Option<GatewayError>,
}

impl Tally {
    fn all_failed(self) -> CallError {
        let last = self.last_error.unwrap_or_else(|| {
            GatewayError::new(FailureKind::NoProvider, "every model is cooling down")
        });
        CallError::AllFailed {
            last,
            trail: self.trail,
            spent_units: self.spent,
        }
    }
}

impl Router {
    pub fn new(
        client: Client,
        profile: ConnectionProfile,
        store: Arc<Mutex<Store>>,
        policy: RetryPolicy,
    ) -> Self {
        let books = Bookkeeper::of(&mut lock(&store));
        Router {
            link: Link {
                client,
                profile,
                books,
                policy,
                checked: Arc::default(),
            },
            cooldowns: Cooldowns::default(),
        }
    }

    /// Waits until the request-log rows, settlements and cache entries of every call that
    /// has returned are committed; reports any that could not be written. Await it before
    /// reading the ledger, the budget totals or the cache after calls, and before saving work
    /// that those calls paid for.
    pub async fn flush(&self) -> Result<(), BookkeepingError> {
        self.link.books.flush().await
    }

    pub fn client(&self) -> &Client {
        &self.link.client
    }
    pub fn profile(&self) -> &ConnectionProfile {
        &self.link.profile
    }
    pub fn cooldowns(&self) -> &Cooldowns {
        &self.cooldowns
    }
    pub fn policy(&self) -> &RetryPolicy {
        &self.link.policy
    }

    /// The same connection, but every call sends `data_collection: "deny"`, with its own
    /// cooldowns so a probe's refusals never cool a model down for real runs.
    pub fn denying_data_collection(&self) -> Router {
        let mut r = self.clone();
        r.link.profile.deny_data_collection = true;
        r.cooldowns = Cooldowns::default();
        r
    }

    /// Makes sure the catalog and the endpoint prices of `models` are stored and fresh.
    pub async fn ensure_prices(&self, models: &[String]) -> Result<(), GatewayError> {
        self.link.ensure_prices(models).await
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
        let link = &self.link;
        let call_id = new_call_id();
        let started = Instant::now();
        let cache_key = link.cache_key(spec);
        if !spec.bypass_cache {
            if let Some(outcome) = link.answer_from_cache(spec, &call_id, &cache_key, on_event)? {
                return Ok(outcome);
            }
        }
        let mut tally = Tally {
            call_id: call_id.clone(),
            ..Tally::default()
        };

        // 1. Prices, before anything is reserved. A failure to fetch them is a failure of the
        // first attempt's connection, handled like one.
        if !link.profile.limit_off {
            tally.last_error = link.ensure_prices(&spec.chain.models).await.err();
        }
        if let Some(e) = &tally.last_error {
            if action_for(e.kind) == Action::Stop {
                return Err(CallError::Stopped {
                    error: e.clone(),
                    spent_units: 0,
                });
            }
        }

        // The chain as requests: the first models together through OpenRouter's `models`
        // array, each later one alone.
        let speaks_openrouter = link.profile.speaks_openrouter();
        let width = if speaks_openrouter {
            link.policy.server_fallback_width
        } else {
            1
        };
        let mut requests = spec.chain.groups(width);
        let mut gi = 0;
        while gi < requests.len() {
            let group = requests[gi].clone();
            gi += 1;
            if gi < requests.len() && group.iter().all(|m| self.cooldowns.is_cooling(m)) {
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
                if started.elapsed() >= link.policy.deadline {
                    tally.last_error.get_or_insert_with(|| {
                        GatewayError::new(FailureKind::AttemptTimeout, "the call ran out of time")
                    });
                    return Err(tally.all_failed());
                }

                // 2. Reserve the attempt's worst case.
                let (reservation, dearest) = link.reserve(spec, &group, &call_id).await?;
                if tally.attempts > 0 {
                    on_event(CallEvent::Restart);
                }

                // 3. The attempt.
                let attempt = Attempt {
                    spec,
                    group: &group,
                    reservation: reservation.as_ref(),
                    dearest: dearest.as_ref(),
                    started,
                };
                let (outcome, timing) = link.attempt(&attempt, cancel, on_event).await;
                let requested = link.routed(&spec.chain, &group[0]);
                let place = Place {
                    call_id: &call_id,
                    requested: &requested,
                    attempt: tally.attempts,
                    fallback_index: (gi - 1) as u32,
                    retry_index: retry,
                };
                let row = link.row(spec, &place, &timing);
                tally.attempts += 1;

                let (mut error, partial) = match outcome {
                    // 4. Its exact cost; 5. settled with its row.
                    Ok(completion) => {
                        let cost = link.cost_of(&completion, spec).await;
                        let row = settle::answered(row, &completion, &cost);
                        link.settle(reservation.as_ref(), &row)?;
                        link.keep_answer(&cache_key, &completion, &row);
                        return Ok(self.answered(spec, completion, &row, &timing, tally, on_event));
                    }
                    Err(failed) => failed,
                };
                // 4. What the failure cost; 5. settled with its row.
                let cost = link.cost_of_failure(&error).await;
                let row = settle::failed(row, &error, &cost);
                link.settle(reservation.as_ref(), &row)?;
                self.note_failure(&group, &row, &error, &timing, &mut tally);
                if error.kind == FailureKind::Cancelled {
                    on_event(CallEvent::Cost { units: tally.spent });
                    return Err(CallError::Cancelled {
                        partial,
                        spent_units: tally.spent,
                    });
                }

                // 6. Retry, move on or stop: the one decision.
                let asked = reservation
                    .as_ref()
                    .map_or(spec.max_tokens, |r| r.max_tokens);
                let problem = problem_of(&error, asked, spec.min_tokens, affordable_cap);
                let ahead = ahead_of(&group, &requests[gi..]);
                let decision = policy::next_step(&Situation {
                    problem,
                    retries: retry,
                    max_retries: link.policy.max_retries,
                    retry_after: error.retry_after,
                    retry_after_cap: link.policy.retry_after_cap,
                    ahead: &ahead,
                    paid_backups: link.policy.paid_backups_after_free_quota,
                });
                tracing::debug!(reason = ?decision.reason, step = ?decision.step, "after a failed attempt");
                if let Step::RetryFewerTokens { max_tokens } = decision.step {
                    affordable_cap = Some(max_tokens);
                    on_event(CallEvent::Cost { units: tally.spent });
                    tally.last_error = Some(error);
                    continue;
                }
                if let (Problem::CreditAffords { tokens, .. }, Some(p)) = (problem, &dearest) {
                    error.credit_needed = Some(money_answers::credit_needed(
                        asked.max(spec.min_tokens),
                        tokens,
                        p.completion,
                    ));
                }
                let next = match decision.step {
                    Step::RetrySame { retry_after } => NextStep::RetrySame {
                        after: link.policy.backoff(retry, retry_after),
                    },
                    Step::NextModel { index } => NextStep::NextModel {
                        model: ahead[index].clone(),
                    },
                    Step::Stop | Step::RetryFewerTokens { .. } => NextStep::GiveUp,
                };
                on_event(CallEvent::AttemptFailed {
                    model: &row.model_requested,
                    error: &error,
                    next: &next,
                });
                on_event(CallEvent::Cost { units: tally.spent });
                tally.last_error = Some(error.clone());
                match (next, decision.step) {
                    (NextStep::RetrySame { after }, _) => {
                        retry += 1;
                        tokio::select! {
                            _ = tokio::time::sleep(after) => {}
                            _ = cancel.cancelled() => {
                                return Err(CallError::Cancelled { partial: String::new(), spent_units: tally.spent });
                            }
                        }
                    }
                    (NextStep::NextModel { .. }, Step::NextModel { index }) => {
                        // OpenRouter does not move on from a request of several models that
                        // failed as a whole (its first model kept breaking): its other models
                        // go next, as a request of their own. The requests skipped are gone.
                        if group.len() > 1 {
                            requests.insert(gi, group[1..].to_vec());
                        }
                        requests.drain(gi..gi + index);
                        break;
                    }
                    _ if decision.reason.no_model_can_help() => {
                        return Err(CallError::Stopped {
                            error,
                            spent_units: tally.spent,
                        });
                    }
                    _ => return Err(tally.all_failed()),
                }
            }
        }
        Err(tally.all_failed())
    }

    /// The end of a call that got its answer: the model's health, the trail, who served it,
    /// and what the call cost in all.
    fn answered(
        &self,
        spec: &CallSpec,
        completion: Completion,
        row: &AttemptRow,
        timing: &AttemptTiming,
        mut tally: Tally,
        on_event: &mut (dyn FnMut(CallEvent<'_>) + Send),
    ) -> CallOutcome {
        tally.spent += row.cost_units;
        self.link
            .note_health(&self.cooldowns, &completion.model, true, timing.latency);
        tally.trail.push(AttemptNote {
            model_requested: row.model_requested.clone(),
            model_served: row.model_served.clone(),
            kind: None,
            cost_units: row.cost_units,
        });
        let first_model = &spec.chain.models[0];
        if catalog::base_id(&completion.model) != catalog::base_id(first_model) {
            on_event(CallEvent::TookOver {
                from: first_model,
                to: &completion.model,
            });
        }
        on_event(CallEvent::Cost { units: tally.spent });
        CallOutcome {
            completion,
            cost_units: tally.spent,
            cached: false,
            saved_units: 0,
            trail: tally.trail,
            call_id: tally.call_id,
        }
    }

    /// A failed attempt counts against each model of its request, and goes in the trail.
    fn note_failure(
        &self,
        group: &[String],
        row: &AttemptRow,
        error: &GatewayError,
        timing: &AttemptTiming,
        tally: &mut Tally,
    ) {
        tally.spent += row.cost_units;
        for m in group {
            self.link
                .note_health(&self.cooldowns, m, false, timing.latency);
        }
        tally.trail.push(AttemptNote {
            model_requested: row.model_requested.clone(),
            model_served: None,
            kind: Some(error.kind),
            cost_units: row.cost_units,
        });
    }
}

/// A failed attempt as the fallback decision sees it.
fn problem_of(e: &GatewayError, asked: u32, least: u32, lowered: Option<u32>) -> Problem {
    if let Some(tokens) = money_answers::affordable_tokens(e) {
        Problem::CreditAffords {
            tokens,
            asked,
            least,
            lowered_before: lowered.is_some(),
        }
    } else if money_answers::is_daily_free_quota(e) {
        Problem::DailyFreeQuota
    } else {
        Problem::Failed(e.kind)
    }
}

/// The first model of each request still to send after `failed`: a request of several
/// models that failed as a whole is followed by its other models, then the rest.
fn ahead_of(failed: &[String], rest: &[Vec<String>]) -> Vec<String> {
    failed
        .get(1)
        .into_iter()
        .chain(rest.iter().filter_map(|g| g.first()))
        .cloned()
        .collect()
}
