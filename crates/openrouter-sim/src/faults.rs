//! The fault schedule: which request attempts fail, and how. A rule targets a model (or every
//! model), optionally one provider endpoint of it, a key, or only streamed/plain requests, and
//! fires by attempt count or by seeded probability. Rules without `provider` are checked once
//! per model attempt (the model fails as a whole, so the `models` array moves on); rules with
//! `provider` are checked per endpoint attempt (so routing falls back to the next provider).

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::Endpoint;
use crate::seeded::{self, Fnv};

/// One entry of the schedule.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Model id as requested, without a `:floor`/`:nitro` suffix; absent = every model.
    #[serde(default)]
    pub model: Option<String>,
    /// Provider slug or name (`"amazon-bedrock"`, `"Amazon Bedrock"`); absent = the model.
    #[serde(default)]
    pub provider: Option<String>,
    /// Only requests made with this API key.
    #[serde(default)]
    pub key: Option<String>,
    /// Only streamed (`true`) or only plain (`false`) requests.
    #[serde(default)]
    pub stream: Option<bool>,
    #[serde(default)]
    pub when: When,
    pub fault: Fault,
}

/// When a rule fires, counted over the attempts it matches (1 = the first). All conditions
/// given must hold; none given = every matching attempt.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct When {
    /// Exactly these attempts, e.g. `[1, 2]`.
    pub attempts: Vec<u64>,
    /// The first N attempts.
    pub first: Option<u64>,
    /// Every attempt after the Nth.
    pub after: Option<u64>,
    /// Every Nth attempt.
    pub every: Option<u64>,
    /// With this probability (0..=1), drawn from the scenario seed.
    pub probability: Option<f64>,
    /// At most this many times in all.
    pub times: Option<u64>,
}

/// How the mid-stream error chunk marks its choice: OpenRouter documents
/// `finish_reason: "error"`; recorded streams show `null`.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorFinish {
    #[default]
    Error,
    Null,
}

fn default_retry_after_ms() -> u64 {
    1000
}
fn default_true() -> bool {
    true
}
fn default_502() -> u16 {
    502
}
fn default_code() -> Value {
    Value::from(502)
}
fn default_reasons() -> Vec<String> {
    vec!["violence".into()]
}

/// What happens to the attempt.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// 429 with `Retry-After` (seconds, fractional below one), `retry-after-ms`, and
    /// `metadata.retry_after_ms`; by default in the recorded upstream form ("Provider returned
    /// error" with the provider's text in `metadata.raw`).
    RateLimit {
        #[serde(default = "default_retry_after_ms")]
        retry_after_ms: u64,
        #[serde(default = "default_true")]
        upstream: bool,
    },
    /// Any status with OpenRouter's body for it: 400, 401, 402, 403, 404, 408, 413, 500, 502,
    /// 503, 524, 529.
    Status {
        status: u16,
        #[serde(default)]
        message: Option<String>,
    },
    /// "Provider returned error" with the real cause only in `metadata.raw`.
    ProviderError {
        #[serde(default = "default_502")]
        status: u16,
        #[serde(default)]
        raw: Option<String>,
    },
    /// 403: the provider's moderation flagged the input, with OpenRouter's metadata.
    Moderation {
        #[serde(default = "default_reasons")]
        reasons: Vec<String>,
        #[serde(default)]
        flagged_input: Option<String>,
    },
    /// 401 as for a key OpenRouter does not know.
    Unauthorized,
    /// 402 as for an account out of credit.
    PaymentRequired,
    /// The TCP connection is reset (RST) before any response byte.
    ConnectionReset,
    /// Nothing at all is sent for this long, then the request proceeds.
    StallFirstByte { ms: u64 },
    /// Streams only: after this many content chunks, nothing is sent for `ms`.
    StallMidStream { after_chunks: u32, ms: u64 },
    /// Streams only: after this many content chunks, an error chunk on the 200 stream, then
    /// `[DONE]`. `code` may be a number or a string.
    MidStreamError {
        after_chunks: u32,
        #[serde(default = "default_code")]
        code: Value,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        finish_reason: ErrorFinish,
    },
    /// Streams only: the stream ends after this many content chunks, without a finish
    /// reason, usage or `[DONE]`.
    TruncatedStream { after_chunks: u32 },
    /// Streams only: one chunk of broken JSON after this many content chunks; the stream
    /// then goes on.
    MalformedChunk { after_chunks: u32 },
    /// Streams only: the connection is reset after this many content chunks.
    ResetMidStream { after_chunks: u32 },
}

impl Fault {
    /// Faults that only make sense once a stream has started.
    pub fn stream_only(&self) -> bool {
        matches!(
            self,
            Fault::StallMidStream { .. }
                | Fault::MidStreamError { .. }
                | Fault::TruncatedStream { .. }
                | Fault::MalformedChunk { .. }
                | Fault::ResetMidStream { .. }
        )
    }
}

impl FaultRule {
    pub fn validate(&self) -> Result<(), String> {
        if let Some(p) = self.when.probability {
            if !(0.0..=1.0).contains(&p) {
                return Err("when.probability must be between 0 and 1".into());
            }
        }
        if self.when.every == Some(0) {
            return Err("when.every must be at least 1".into());
        }
        match &self.fault {
            Fault::Status { status, .. } | Fault::ProviderError { status, .. }
                if !(400..=599).contains(status) =>
            {
                Err(format!("status {status} is not an error status"))
            }
            _ => Ok(()),
        }
    }

    fn matches(&self, t: &Target<'_>) -> bool {
        if self.provider.is_some() != t.endpoint.is_some() {
            return false;
        }
        if self.fault.stream_only() && !t.stream {
            return false;
        }
        let model_ok = self.model.as_deref().is_none_or(|m| m == t.model);
        let provider_ok = match (&self.provider, t.endpoint) {
            (Some(p), Some(e)) => e.matches_slug(p),
            _ => true,
        };
        let key_ok = self.key.as_deref().is_none_or(|k| k == t.key);
        let stream_ok = self.stream.is_none_or(|s| s == t.stream);
        model_ok && provider_ok && key_ok && stream_ok
    }
}

/// What an attempt is made against.
pub struct Target<'a> {
    /// The model id without routing suffix.
    pub model: &'a str,
    /// `None` for the model-level check, the endpoint for the endpoint-level one.
    pub endpoint: Option<&'a Endpoint>,
    pub key: &'a str,
    pub stream: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct Counter {
    seen: u64,
    fired: u64,
}

/// Attempt counters for the current scenario's rules; replaced with the scenario.
#[derive(Debug, Default)]
pub struct FaultBook {
    counters: Vec<Counter>,
}

impl FaultBook {
    pub fn new(rules: usize) -> FaultBook {
        FaultBook {
            counters: vec![Counter::default(); rules],
        }
    }

    /// Counts this attempt against every rule it matches and returns the faults that fire.
    pub fn check(&mut self, rules: &[FaultRule], seed: u64, target: &Target<'_>) -> Vec<Fault> {
        if self.counters.len() != rules.len() {
            self.counters = vec![Counter::default(); rules.len()];
        }
        let mut fired = Vec::new();
        for (i, (rule, counter)) in rules.iter().zip(self.counters.iter_mut()).enumerate() {
            if !rule.matches(target) {
                continue;
            }
            counter.seen += 1;
            let n = counter.seen;
            let w = &rule.when;
            let mut fire = (w.attempts.is_empty() || w.attempts.contains(&n))
                && w.first.is_none_or(|f| n <= f)
                && w.after.is_none_or(|a| n > a)
                && w.every.is_none_or(|e| e > 0 && n % e == 0)
                && w.times.is_none_or(|t| counter.fired < t);
            if fire {
                if let Some(p) = w.probability {
                    let topic = Fnv::default().str("fault").u64(i as u64).u64(n).finish();
                    fire = seeded::rng(seed, topic).random::<f64>() < p;
                }
            }
            if fire {
                counter.fired += 1;
                fired.push(rule.fault.clone());
            }
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> FaultRule {
        serde_json::from_str(json).unwrap()
    }

    fn target(model: &str) -> Target<'_> {
        Target {
            model,
            endpoint: None,
            key: "k",
            stream: false,
        }
    }

    #[test]
    fn fires_on_the_listed_attempts_only() {
        let rules = vec![rule(
            r#"{"model": "openai/gpt-6.1-sol", "when": {"attempts": [1, 3]}, "fault": {"type": "status", "status": 503}}"#,
        )];
        let mut book = FaultBook::new(1);
        let fired: Vec<usize> = (0..4)
            .map(|_| book.check(&rules, 0, &target("openai/gpt-6.1-sol")).len())
            .collect();
        assert_eq!(fired, vec![1, 0, 1, 0]);
        assert!(book
            .check(&rules, 0, &target("openai/gpt-6.1-terra"))
            .is_empty());
    }

    #[test]
    fn times_caps_and_first_limits() {
        let rules = vec![rule(
            r#"{"when": {"first": 5, "times": 2}, "fault": {"type": "rate_limit", "retry_after_ms": 20}}"#,
        )];
        let mut book = FaultBook::new(1);
        let n: usize = (0..6)
            .map(|_| book.check(&rules, 0, &target("a/b")).len())
            .sum();
        assert_eq!(n, 2);
    }

    #[test]
    fn probability_is_reproducible_for_a_seed() {
        let rules = vec![rule(
            r#"{"when": {"probability": 0.5}, "fault": {"type": "status", "status": 500}}"#,
        )];
        let run = |seed| {
            let mut book = FaultBook::new(1);
            (0..64)
                .map(|_| !book.check(&rules, seed, &target("a/b")).is_empty())
                .collect::<Vec<bool>>()
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
        let hits = run(3).iter().filter(|h| **h).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }

    #[test]
    fn stream_faults_skip_plain_requests() {
        let rules = vec![rule(
            r#"{"fault": {"type": "truncated_stream", "after_chunks": 2}}"#,
        )];
        let mut book = FaultBook::new(1);
        assert!(book.check(&rules, 0, &target("a/b")).is_empty());
        let t = Target {
            stream: true,
            ..target("a/b")
        };
        assert_eq!(book.check(&rules, 0, &t).len(), 1);
    }

    #[test]
    fn string_and_number_codes_parse() {
        let r = rule(
            r#"{"fault": {"type": "mid_stream_error", "after_chunks": 1, "code": "server_error", "finish_reason": "null"}}"#,
        );
        match r.fault {
            Fault::MidStreamError {
                code,
                finish_reason,
                ..
            } => {
                assert_eq!(code, Value::from("server_error"));
                assert_eq!(finish_reason, ErrorFinish::Null);
            }
            other => panic!("{other:?}"),
        }
    }
}
