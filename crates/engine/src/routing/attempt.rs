//! Step 3: one attempt — the request as sent (one model, or several through OpenRouter's
//! `models` array, with the provider preferences and the `max_price` the reservation
//! assumed), plain or streamed, within the attempt's and the call's time limits.

use std::time::Instant;

use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use super::call::{CallEvent, CallSpec};
use super::link::Link;
use crate::budget::Reservation;
use crate::catalog::ModelPrices;
use crate::gateway::{
    AttemptTiming, ChatRequest, Completion, FailureKind, GatewayError, MaxPrice, ProviderPrefs,
    StreamLimits,
};

/// One attempt to send: the call, the models of this request, and what was reserved for it.
pub(super) struct Attempt<'a> {
    pub spec: &'a CallSpec,
    /// One model, or several for OpenRouter's `models` array.
    pub group: &'a [String],
    pub reservation: Option<&'a Reservation>,
    /// The dearest prices the reservation assumed: the request's `max_price`.
    pub dearest: Option<&'a ModelPrices>,
    /// When the call began: its deadline counts from here.
    pub started: Instant,
}

/// What came back: the answer, or the failure with any text streamed before it.
pub(super) type Answer = Result<Completion, (GatewayError, String)>;

impl Link {
    pub(super) async fn attempt(
        &self,
        a: &Attempt<'_>,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(CallEvent<'_>) + Send),
    ) -> (Answer, AttemptTiming) {
        let Attempt {
            spec,
            group,
            reservation,
            dearest,
            started,
        } = *a;
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
}
