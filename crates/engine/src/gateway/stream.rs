//! Turns the SSE events of an OpenRouter chat stream into text and a final result.
//!
//! What real streams do, and what is handled here: keep-alive comments (the SSE reader drops
//! them); usage arriving in its own chunk after the `finish_reason` chunk, with `choices: []`
//! or one empty choice; an `error` object on a 200 stream with `finish_reason` `"error"` or
//! `null`; a stream that ends without `[DONE]`.

use serde::Deserialize;

use super::error::{ErrorDetail, FailureKind, GatewayError};
use super::types::{Completion, Usage};

#[derive(Debug, Deserialize)]
struct Chunk {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<ErrorDetail>,
}

#[derive(Debug, Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
}

/// What one SSE event meant.
#[derive(Debug, PartialEq)]
pub enum Step<'a> {
    /// New answer text.
    Text(&'a str),
    /// Nothing to show (role-only delta, usage, finish).
    Nothing,
    /// `[DONE]`: the stream is complete.
    Done,
}

/// Accumulates one streamed answer.
#[derive(Debug, Default)]
pub struct StreamState {
    pub generation_id: Option<String>,
    pub model: Option<String>,
    pub provider: Option<String>,
    pub text: String,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    pub done: bool,
    pub chunks: u64,
}

impl StreamState {
    pub fn new(generation_id: Option<String>) -> Self {
        StreamState {
            generation_id,
            ..StreamState::default()
        }
    }

    /// Applies one event's data. Returns the new text, if any, or the failure it carried.
    pub fn apply<'s>(&'s mut self, data: &str) -> Result<Step<'s>, GatewayError> {
        let data = data.trim();
        if data == "[DONE]" {
            self.done = true;
            return Ok(Step::Done);
        }
        let chunk: Chunk = serde_json::from_str(data).map_err(|e| {
            let mut err = GatewayError::new(
                FailureKind::Malformed,
                format!("unreadable stream chunk: {e}"),
            );
            err.generation_id = self.generation_id.clone();
            err
        })?;
        self.chunks += 1;
        if self.generation_id.is_none() {
            self.generation_id = chunk.id.filter(|s| !s.is_empty());
        }
        if let Some(m) = chunk.model.filter(|s| !s.is_empty()) {
            self.model = Some(m);
        }
        if chunk.provider.is_some() {
            self.provider = chunk.provider;
        }
        if let Some(detail) = chunk.error {
            let mut err = GatewayError::from_stream_error(detail);
            err.generation_id = self.generation_id.clone();
            err.provider = err.provider.or_else(|| self.provider.clone());
            return Err(err);
        }
        if chunk.usage.is_some() {
            self.usage = chunk.usage;
        }
        let mut new_text_from = None;
        if let Some(choice) = chunk.choices.into_iter().next() {
            if let Some(reason) = choice.finish_reason {
                if reason == "error" {
                    let mut err = GatewayError::new(
                        FailureKind::MidStreamError,
                        "the provider reported an error",
                    );
                    err.generation_id = self.generation_id.clone();
                    return Err(err);
                }
                self.finish_reason = Some(reason);
            }
            if let Some(text) = choice.delta.and_then(|d| d.content) {
                if !text.is_empty() {
                    new_text_from = Some(self.text.len());
                    self.text.push_str(&text);
                }
            }
        }
        Ok(match new_text_from {
            Some(start) => Step::Text(&self.text[start..]),
            None => Step::Nothing,
        })
    }

    /// The stream ended (with or without `[DONE]`). An answer that reached its
    /// `finish_reason` is complete even if the connection closed before `[DONE]` or the usage
    /// chunk (the cost is then looked up); one that did not is cut.
    pub fn finish(self, requested_model: &str) -> Result<Completion, GatewayError> {
        if self.finish_reason.is_none() {
            let mut err = GatewayError::new(
                FailureKind::StreamCut,
                if self.done {
                    "the stream ended without finishing the answer"
                } else {
                    "the connection closed before the answer finished"
                },
            );
            err.generation_id = self.generation_id;
            err.provider = self.provider;
            return Err(err);
        }
        Ok(Completion {
            generation_id: self.generation_id.unwrap_or_default(),
            model: self.model.unwrap_or_else(|| requested_model.to_string()),
            provider: self.provider,
            text: self.text,
            finish_reason: self.finish_reason,
            usage: self.usage,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(events: &[&str]) -> (StreamState, Option<GatewayError>) {
        let mut s = StreamState::new(None);
        for e in events {
            if let Err(err) = s.apply(e) {
                return (s, Some(err));
            }
        }
        (s, None)
    }

    #[test]
    fn usage_after_finish_reason_with_empty_choices_is_kept() {
        let (s, err) = run(&[
            r#"{"id":"gen-1","provider":"OpenAI","model":"openai/gpt-6.1-sol","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"#,
            r#"{"id":"gen-1","model":"openai/gpt-6.1-sol","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop","native_finish_reason":"stop"}]}"#,
            r#"{"id":"gen-1","model":"openai/gpt-6.1-sol","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"cost":0.00036}}"#,
            "[DONE]",
        ]);
        assert!(err.is_none());
        let c = s.finish("openai/gpt-6.1-sol").unwrap();
        assert_eq!(c.text, "Hello");
        assert_eq!(c.generation_id, "gen-1");
        assert_eq!(c.provider.as_deref(), Some("OpenAI"));
        assert_eq!(c.usage.unwrap().cost.unwrap().to_string(), "0.00036");
    }

    #[test]
    fn usage_with_one_empty_choice_is_kept() {
        let (s, _) = run(&[
            r#"{"id":"gen-2","model":"x-ai/grok-4","choices":[{"index":0,"delta":{"content":"?"},"finish_reason":"stop"}]}"#,
            r#"{"id":"gen-2","model":"x-ai/grok-4","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":{"prompt_tokens":687,"completion_tokens":187,"total_tokens":874,"cost":0.00333825,"prompt_tokens_details":{"cached_tokens":679},"completion_tokens_details":{"reasoning_tokens":118}}}"#,
        ]);
        let c = s.finish("x-ai/grok-4").unwrap();
        let u = c.usage.unwrap();
        assert_eq!(u.cached_tokens(), 679);
        assert_eq!(u.reasoning_tokens(), 118);
        assert_eq!(c.finish_reason.as_deref(), Some("stop"));
    }

    #[test]
    fn error_chunks_in_both_forms() {
        // Documented form: finish_reason "error" beside a top-level error, string code.
        let (s, err) = run(&[
            r#"{"id":"gen-3","choices":[{"delta":{"content":"part"},"finish_reason":null}]}"#,
            r#"{"id":"gen-3","error":{"code":"server_error","message":"Provider disconnected"},"choices":[{"delta":{"content":""},"finish_reason":"error"}]}"#,
        ]);
        let err = err.unwrap();
        assert_eq!(err.kind, FailureKind::MidStreamError);
        assert_eq!(err.code.as_deref(), Some("server_error"));
        assert_eq!(err.generation_id.as_deref(), Some("gen-3"));
        assert_eq!(s.text, "part");
        // Recorded form: finish_reason null, numeric code.
        let (_, err) = run(&[
            r#"{"id":"gen-4","error":{"code":502,"message":"Upstream error"},"choices":[{"delta":{"content":""},"finish_reason":null}]}"#,
        ]);
        assert_eq!(err.unwrap().code.as_deref(), Some("502"));
    }

    #[test]
    fn a_stream_without_a_finish_is_cut() {
        let (s, _) = run(&[r#"{"id":"gen-5","choices":[{"delta":{"content":"half"}}]}"#]);
        let err = s.finish("m").unwrap_err();
        assert_eq!(err.kind, FailureKind::StreamCut);
        assert_eq!(err.generation_id.as_deref(), Some("gen-5"));
    }

    #[test]
    fn finished_but_no_done_and_no_usage_is_complete_without_cost() {
        let (s, _) = run(&[
            r#"{"id":"gen-6","choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}"#,
        ]);
        let c = s.finish("m").unwrap();
        assert_eq!(c.text, "ok");
        assert!(c.usage.is_none());
        assert_eq!(c.model, "m");
    }

    #[test]
    fn a_malformed_chunk_is_reported() {
        let (_, err) = run(&[
            r#"{"id":"gen-7","choices":[{"delta":{"content":"a"}}]}"#,
            "{not json",
        ]);
        let err = err.unwrap();
        assert_eq!(err.kind, FailureKind::Malformed);
        assert_eq!(err.generation_id.as_deref(), Some("gen-7"));
    }
}
