//! Before any step: the exact-match cache. A hit is delivered the way a live answer is, costs
//! nothing, and is logged as a hit with what it saved; no reservation is made for it.

use super::call::{CallEvent, CallOutcome, CallSpec};
use super::error::CallError;
use super::link::Link;
use crate::cache::{self, CacheKeyParts};
use crate::gateway::Completion;
use crate::ledger::{AttemptRow, CostSource, Status};

impl Link {
    /// The cache key of a call: the connection, the models as sent, and everything in the
    /// request that shapes the answer.
    pub(super) fn cache_key(&self, spec: &CallSpec) -> String {
        cache::key(&CacheKeyParts {
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
        })
    }

    /// The cached answer to this call, if there is one.
    pub(super) fn answer_from_cache(
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
}
