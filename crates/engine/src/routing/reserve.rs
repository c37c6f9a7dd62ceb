//! Step 2 of an attempt: the budget reservation. The worst case of the attempt (every
//! prompt token and `max_tokens` at the dearest prices of the models it may reach) is
//! reserved against the episode's and the month's limits, committed before the request is
//! sent — that is what keeps the limits safe — and settled to the real cost afterwards
//! (`settle`). See `crate::bookkeeping` for how the writer commits it.

use rust_decimal::Decimal;

use super::call::CallSpec;
use super::error::CallError;
use super::link::Link;
use crate::budget::{prompt_token_bound, Reservation, WorstCase};
use crate::catalog::ModelPrices;
use crate::money::from_units;

impl Link {
    /// Reserves the worst case for one attempt at `group`, or refuses; with the dearest
    /// prices the reservation assumed (the attempt's `max_price`). No reservation when the
    /// connection's limit is knowingly off.
    pub(super) async fn reserve(
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
}
