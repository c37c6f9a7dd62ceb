//! The plan for a request that is going to be answered: the model and endpoint chosen, the
//! reply's text cut to `max_tokens` and `stop`, and the prompt-cache hit. The chat handler
//! makes it; the plain and streamed replies and the settlement only read it, so they depend
//! on this module and not on the handler.

use std::sync::Arc;
use std::time::Instant;

use super::reply::Ident;
use super::state::Shared;
use crate::catalog::{Endpoint, Model, ReasoningMode};
use crate::clock;
use crate::faults::Fault;
use crate::request::ChatRequest;
use crate::scenario::Scenario;
use crate::seeded::Fnv;
use crate::textgen;
use crate::tokens;

/// Everything decided about a request that is going to be answered.
pub struct Plan {
    pub key: String,
    pub req: ChatRequest,
    pub model: Model,
    pub endpoint: Endpoint,
    pub ident: Ident,
    pub prompt_tokens: u64,
    pub cached_tokens: u64,
    pub stream_faults: Vec<Fault>,
    pub started: Instant,
    pub scenario: Arc<Scenario>,
    pub output: Output,
}

/// How many times faster than it writes a provider reads the prompt. Reading is parallel and
/// writing is not: providers read long prompts at thousands of tokens a second (a premium
/// model writing 45 tokens/s reads about 4,500), so a 20,000-token prompt adds seconds, not
/// minutes, before the first token.
const READ_SPEEDUP: u64 = 100;

impl Plan {
    /// Milliseconds from the request to the first token, before `latency_scale`: the
    /// provider's latency and time to first token, plus the time to read the prompt's
    /// uncached tokens (a long prompt waits longer, as with a real provider).
    pub fn first_token_ms(&self) -> u64 {
        let e = &self.endpoint;
        let unread = self.prompt_tokens.saturating_sub(self.cached_tokens);
        e.latency_ms + e.ttft_ms + reading_ms(unread, e.tokens_per_second)
    }
}

/// Milliseconds to read `tokens` of prompt for an endpoint that writes `tokens_per_second`.
fn reading_ms(tokens: u64, tokens_per_second: u32) -> u64 {
    tokens.saturating_mul(1000) / (u64::from(tokens_per_second.max(1)) * READ_SPEEDUP)
}

/// The reply's text, cut to `max_tokens` and `stop`.
pub struct Output {
    pub content: String,
    /// Reasoning text to show (empty when the model hides it or the request excludes it).
    pub reasoning_text: String,
    /// Reasoning tokens billed whether shown or not.
    pub reasoning_tokens: u64,
    pub finish: &'static str,
}

impl Output {
    pub fn completion_tokens(&self) -> u64 {
        self.reasoning_tokens + tokens::count(&self.content)
    }
}

/// The output cap: the request's `max_tokens`, else the endpoint's maximum, within what the
/// context leaves after the prompt.
pub(super) fn max_output(
    req: &ChatRequest,
    model: &Model,
    e: &Endpoint,
    prompt_tokens: u64,
) -> u64 {
    let room = model.context_for(e).saturating_sub(prompt_tokens);
    let cap = model.max_output_for(e).unwrap_or(room).min(room);
    req.requested_max_tokens().map_or(cap, |m| m.min(cap))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn make_plan(
    st: &Shared,
    scenario: &Arc<Scenario>,
    key: &str,
    req: &ChatRequest,
    model: &Model,
    endpoint: &Endpoint,
    request_no: u64,
    prompt_tokens: u64,
    stream_faults: Vec<Fault>,
    started: Instant,
) -> Plan {
    let max_out = max_output(req, model, endpoint, prompt_tokens);
    let reasoning_on = match model.reasoning {
        ReasoningMode::Always => true,
        ReasoningMode::OnRequest => req.wants_reasoning(),
        ReasoningMode::None => false,
    };
    let (reasoning_text, reasoning_tokens) = if reasoning_on {
        let full = textgen::reasoning(req);
        let shown = tokens::truncate(&full, max_out / 2).to_owned();
        let n = tokens::count(&shown);
        let visible = model.reasoning_visible && !req.excludes_reasoning();
        (if visible { shown } else { String::new() }, n)
    } else {
        (String::new(), 0)
    };
    let budget = max_out.saturating_sub(reasoning_tokens);
    let scripted = st.scripted_answer(textgen::task_of(req), &model.id);
    let (draft, mut finish) = match scripted {
        Some(a) => (a.text.clone(), a.finish()),
        None => (textgen::write(req, st.seed, budget), "stop"),
    };
    let mut content = draft.as_str();
    if let Some(stop) = &req.stop {
        if let Some(at) = stop
            .sequences()
            .iter()
            .filter(|s| !s.is_empty())
            .filter_map(|s| content.find(s))
            .min()
        {
            content = &content[..at];
        }
    }
    let cut = tokens::truncate(content, budget);
    if cut.len() < content.len() {
        finish = "length";
    }
    let content = cut.to_owned();

    // Prompt caching: a prefix (every message but the last) seen before for this key and
    // model is read from the provider's cache.
    let mut cached_tokens = 0;
    if scenario.prompt_caching && endpoint.input_cache_read.is_some() && req.messages.len() > 1 {
        let prefix: Vec<String> = req.messages[..req.messages.len() - 1]
            .iter()
            .map(|m| m.text())
            .collect();
        let mut h = Fnv::default().str(key).str(&model.id);
        for p in &prefix {
            h = h.str(p);
        }
        if st.ledger().cache_hit(h.finish()) {
            cached_tokens =
                tokens::prompt(prefix.iter().map(String::as_str)) - tokens::REPLY_PRIMING;
        }
    }

    Plan {
        key: key.to_owned(),
        req: req.clone(),
        model: model.clone(),
        endpoint: endpoint.clone(),
        ident: Ident {
            id: st.generation_id(request_no),
            provider: endpoint.provider.clone(),
            model: model.id.clone(),
            created: clock::unix_now(),
        },
        prompt_tokens,
        cached_tokens,
        stream_faults,
        started,
        scenario: scenario.clone(),
        output: Output {
            content,
            reasoning_text,
            reasoning_tokens,
            finish,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::reading_ms;

    #[test]
    fn a_long_prompt_takes_seconds_to_read_and_a_short_one_next_to_nothing() {
        // A premium writer at 45 tokens/s reads 4,500 a second.
        assert_eq!(reading_ms(20_000, 45), 4_444);
        assert_eq!(reading_ms(200, 45), 44);
        // A fast evaluator reads the same long prompt in under a second.
        assert_eq!(reading_ms(20_000, 230), 869);
        assert_eq!(reading_ms(0, 0), 0);
    }
}
