//! Step 4: what an attempt cost, exactly: `usage.cost` from the answer, else OpenRouter's
//! `/generation` record, else an estimate from the stored prices (marked as such). A failed
//! attempt costs what a started generation billed, else nothing.

use rust_decimal::Decimal;

use super::call::CallSpec;
use super::link::Link;
use crate::budget::prompt_token_bound;
use crate::gateway::{Completion, FailureKind, GatewayError};
use crate::ledger::CostSource;
use crate::money::{to_units, to_units_ceil};

/// What one attempt cost, in 1e-10 USD, and where the figure came from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cost {
    pub units: i64,
    pub source: CostSource,
    /// The token counts `/generation` or the estimate went by, for an answer that carries no
    /// usage of its own.
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

impl Cost {
    fn new(units: i64, source: CostSource, prompt_tokens: u32, completion_tokens: u32) -> Self {
        Cost {
            units,
            source,
            prompt_tokens,
            completion_tokens,
        }
    }
}

impl Link {
    /// The exact cost of a finished answer: `usage.cost`, else `/generation`, else an
    /// estimate from catalog prices (marked as such).
    pub(super) async fn cost_of(&self, c: &Completion, spec: &CallSpec) -> Cost {
        if let Some(cost) = c.usage.as_ref().and_then(|u| u.cost) {
            return Cost::new(to_units(cost), CostSource::Usage, 0, 0);
        }
        if self.profile.speaks_openrouter() && !c.generation_id.is_empty() {
            if let Some((units, p, q)) = self.lookup_generation(&c.generation_id).await {
                return Cost::new(units, CostSource::Generation, p, q);
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
        Cost::new(units, CostSource::Estimate, p, q)
    }

    /// What a failed attempt cost: a started generation may have billed what it sent.
    pub(super) async fn cost_of_failure(&self, e: &GatewayError) -> Cost {
        let nothing = Cost::new(0, CostSource::None, 0, 0);
        if !self.profile.speaks_openrouter() {
            return nothing;
        }
        match &e.generation_id {
            Some(id) if !id.is_empty() => match self.lookup_generation(id).await {
                Some((units, _, _)) => Cost::new(units, CostSource::Generation, 0, 0),
                None => nothing,
            },
            _ => nothing,
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
