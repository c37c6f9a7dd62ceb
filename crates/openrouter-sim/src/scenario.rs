//! Scenarios: everything about a run that a test or a demo may want to script — timing, key
//! balances, endpoint speeds and availability, and the fault schedule. Read from JSON (a file,
//! or the `/__sim/scenario` control endpoint) or built in Rust. The format is documented with
//! an example in the crate's README.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::answers::ScriptedAnswer;
use crate::error::SimError;
use crate::faults::FaultRule;
use crate::free_limits::FreeLimits;
pub use crate::scenario_oauth::OAuthScenario;

/// A complete description of how the emulator behaves.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Free text shown in logs.
    pub name: String,
    pub timing: Timing,
    /// Credit every new key starts with, in USD.
    pub default_credits: Decimal,
    /// Keys with their own balance or limit, or refused outright.
    pub keys: BTreeMap<String, KeyConfig>,
    /// Changes to catalog endpoints: speed, availability.
    pub endpoints: Vec<EndpointOverride>,
    /// The fault schedule, checked in order.
    pub faults: Vec<FaultRule>,
    /// Repeated prompt prefixes are reported as cached tokens (and billed at the cache price)
    /// on endpoints that have one.
    pub prompt_caching: bool,
    /// How the usage chunk at the end of a stream carries `choices`.
    pub usage_chunk: UsageChunkStyle,
    /// Endpoints fail at random (seeded) in proportion to their listed downtime, answering
    /// 502 "Provider returned error" so that routing falls back to the next provider.
    pub uptime_failures: bool,
    /// The OAuth PKCE sign-in (`/auth`, `/api/v1/auth/keys`).
    pub oauth: OAuthScenario,
    /// Scripted answers per task and model, tried in order before the generated text.
    pub answers: Vec<ScriptedAnswer>,
    /// The allowance for `:free` models (OpenRouter's published one by default).
    pub free_limits: FreeLimits,
}

/// Waiting times. Catalog latencies are multiplied by `latency_scale`; everything else is in
/// milliseconds, so fault tests can run in a few milliseconds.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Timing {
    /// 1.0 = the catalog's realistic latencies and token rates; 0 = no waiting at all.
    pub latency_scale: f64,
    /// `: OPENROUTER PROCESSING` comments sent as soon as a stream opens.
    pub processing_comments: u32,
    /// While a stream waits for its first token, one more comment every this many ms.
    pub keepalive_ms: u64,
    /// `/generation?id=` answers 404 for this long after a generation finishes.
    pub generation_visible_after_ms: u64,
    /// Words per content chunk in a stream.
    pub words_per_chunk: u32,
}

/// A key's account.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct KeyConfig {
    /// Credit in USD; the scenario's `default_credits` when absent.
    pub credits: Option<Decimal>,
    /// Spending limit of the key in USD (`/key`'s `limit`), if any.
    pub limit: Option<Decimal>,
    /// Refused with 401 as an unknown key.
    pub invalid: bool,
    /// Reported as a free-tier key by `/key`.
    pub free_tier: bool,
}

/// Changes one catalog endpoint (or all endpoints of a model when `provider` is absent).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EndpointOverride {
    pub model: String,
    pub provider: Option<String>,
    pub latency_ms: Option<u64>,
    pub ttft_ms: Option<u64>,
    pub tokens_per_second: Option<u32>,
    pub uptime: Option<f64>,
    /// `false` takes the endpoint out of routing, as when a provider is down.
    pub available: Option<bool>,
}

/// The usage chunk after `finish_reason`: recorded streams carry one empty choice, some
/// providers send `choices: []`.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum UsageChunkStyle {
    #[default]
    EmptyChoice,
    NoChoices,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            latency_scale: 0.05,
            processing_comments: 2,
            keepalive_ms: 100,
            generation_visible_after_ms: 50,
            words_per_chunk: 3,
        }
    }
}

impl Default for Scenario {
    /// All healthy, with small but real latencies (a twentieth of the catalog's).
    fn default() -> Self {
        Scenario {
            name: "default".into(),
            timing: Timing::default(),
            default_credits: Decimal::from(10),
            keys: BTreeMap::new(),
            endpoints: Vec::new(),
            faults: Vec::new(),
            prompt_caching: true,
            usage_chunk: UsageChunkStyle::EmptyChoice,
            uptime_failures: false,
            oauth: OAuthScenario::default(),
            answers: Vec::new(),
            free_limits: FreeLimits::default(),
        }
    }
}

impl Scenario {
    /// No waiting anywhere: for tests and benchmarks.
    pub fn instant() -> Scenario {
        Scenario {
            name: "instant".into(),
            timing: Timing {
                latency_scale: 0.0,
                processing_comments: 1,
                keepalive_ms: 0,
                generation_visible_after_ms: 0,
                words_per_chunk: 3,
            },
            ..Scenario::default()
        }
    }

    /// The app's demo connection: the catalog's real latencies and token rates, and
    /// `/generation` lagging half a second behind like the real one.
    pub fn demo() -> Scenario {
        Scenario {
            name: "demo".into(),
            timing: Timing {
                latency_scale: 1.0,
                processing_comments: 3,
                keepalive_ms: 300,
                generation_visible_after_ms: 500,
                words_per_chunk: 2,
            },
            ..Scenario::default()
        }
    }

    /// Parses scenario JSON and checks it.
    pub fn from_json(text: &str) -> Result<Scenario, SimError> {
        let s: Scenario =
            serde_json::from_str(text).map_err(|e| SimError::ScenarioInvalid(e.to_string()))?;
        s.validate()?;
        Ok(s)
    }

    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario, SimError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| SimError::ScenarioRead {
            path: path.to_path_buf(),
            source,
        })?;
        Scenario::from_json(&text)
    }

    /// Rejects values that would make the emulator misbehave rather than fail on purpose.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |m: String| Err(SimError::ScenarioInvalid(m));
        if !(self.timing.latency_scale.is_finite() && self.timing.latency_scale >= 0.0) {
            return bad("timing.latency_scale must be a number >= 0".into());
        }
        if self.timing.words_per_chunk == 0 {
            return bad("timing.words_per_chunk must be at least 1".into());
        }
        if self.default_credits.is_sign_negative() {
            return bad("default_credits must not be negative".into());
        }
        // A listed key OpenRouter could never have issued would only ever be refused.
        if let Some(k) = self.keys.keys().find(|k| !crate::keys::is_well_formed(k)) {
            return bad(format!(
                "keys: {k:?} is not an OpenRouter key (sk-or-v1- and 64 hex digits)"
            ));
        }
        for (i, f) in self.faults.iter().enumerate() {
            f.validate().or_else(|m| bad(format!("faults[{i}]: {m}")))?;
        }
        for (i, a) in self.answers.iter().enumerate() {
            a.validate()
                .or_else(|m| bad(format!("answers[{i}]: {m}")))?;
        }
        Ok(())
    }

    /// The key's configuration, or the default account.
    pub fn key(&self, key: &str) -> KeyConfig {
        self.keys.get(key).cloned().unwrap_or_default()
    }

    pub fn credits_for(&self, key: &str) -> Decimal {
        self.key(key).credits.unwrap_or(self.default_credits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_json_is_the_default_scenario() {
        let s = Scenario::from_json("{}").unwrap();
        assert_eq!(s, Scenario::default());
        assert_eq!(s.default_credits, Decimal::from(10));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = Scenario::from_json(r#"{"timming": {}}"#).unwrap_err();
        assert!(err.to_string().contains("timming"), "{err}");
    }

    #[test]
    fn reads_keys_and_timing() {
        let low = crate::keys::test_key("low");
        let s = Scenario::from_json(&format!(
            r#"{{"timing": {{"latency_scale": 0}}, "keys": {{"{low}": {{"credits": "0.001", "limit": "0.5"}}}}}}"#
        ))
        .unwrap();
        assert_eq!(s.timing.latency_scale, 0.0);
        assert_eq!(s.credits_for(&low).to_string(), "0.001");
        assert_eq!(
            s.credits_for(&crate::keys::test_key("other")),
            Decimal::from(10)
        );
    }

    #[test]
    fn listed_keys_must_be_well_formed() {
        let err = Scenario::from_json(r#"{"keys": {"sk-capped": {"limit": "1"}}}"#).unwrap_err();
        assert!(err.to_string().contains("not an OpenRouter key"), "{err}");
    }

    #[test]
    fn scenario_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let demo = Scenario::demo();
        std::fs::write(&path, serde_json::to_string(&demo).unwrap()).unwrap();
        assert_eq!(Scenario::from_file(&path).unwrap(), demo);
        assert!(Scenario::from_file(dir.path().join("missing.json")).is_err());
    }
}
