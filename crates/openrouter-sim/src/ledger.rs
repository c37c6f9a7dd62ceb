//! Money and history: what each key has spent, every generation (for `/generation` and the
//! control endpoint's billing report), and which prompt prefixes providers have cached.
//! Balances are read from the scenario at the moment they are asked for, so changing a key's
//! credit in the scenario takes effect at once; usage is kept here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use crate::clock;
use crate::money::{json_number, Cost};
use crate::scenario::Scenario;

/// Spending of one key.
#[derive(Clone, Debug, Default)]
struct Account {
    usage: Decimal,
    generations: u64,
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// One finished (or cut-short) generation.
#[derive(Clone, Debug)]
pub struct Generation {
    pub id: String,
    pub key: String,
    pub model: String,
    pub provider: String,
    pub streamed: bool,
    /// The client went away before the end; billed only for what was sent.
    pub cancelled: bool,
    pub prompt_tokens: u64,
    pub cached_tokens: u64,
    pub completion_tokens: u64,
    pub reasoning_tokens: u64,
    pub cost: Cost,
    pub latency_ms: u64,
    pub generation_time_ms: u64,
    pub finish_reason: Option<String>,
    pub user: Option<String>,
    pub created_micros: u128,
    pub visible_at: Instant,
}

impl Generation {
    /// The body of `GET /generation?id=`.
    pub fn to_json(&self) -> Value {
        let mut data = json!({
        "id": self.id,
        "upstream_id": format!("chatcmpl-{}", self.id.trim_start_matches("gen-")),
        "total_cost": json_number(self.cost.total),
        "cache_discount": if self.cached_tokens > 0 { json_number(self.cost.cache_discount) } else { Value::Null },
        "upstream_inference_cost": null,
        "provider_name": self.provider,
        "created_at": clock::rfc3339_micros(self.created_micros),
        "model": self.model,
        "app_id": null,
        "streamed": self.streamed,
        "cancelled": self.cancelled,
        "latency": self.latency_ms,
        "moderation_latency": null,
        "generation_time": self.generation_time_ms,
        "tokens_prompt": self.prompt_tokens,
        "tokens_completion": self.completion_tokens,
        "native_tokens_prompt": self.prompt_tokens,
        "native_tokens_completion": self.completion_tokens,
        "native_tokens_reasoning": self.reasoning_tokens,
        "native_tokens_cached": self.cached_tokens,
        "num_media_prompt": null,
        "num_media_completion": null,
        "num_search_results": null,
        "origin": "",
        "is_byok": false,
        "finish_reason": self.finish_reason,
        "native_finish_reason": self.finish_reason,
        "usage": json_number(self.cost.total),
        "external_user": self.user,
        "api_type": "completions",
        });
        // Required by the spec; a plain completion through no preset, router, plugin or
        // workspace has them empty.
        let unused = json!({
        "service_tier": null,
        "native_tokens_completion_images": 0,
        "num_input_audio_prompt": 0,
        "num_fetches": 0,
        "web_search_engine": null,
        "preset_id": null,
        "router": null,
        "provider_responses": null,
        "user_agent": null,
        "http_referer": null,
        "data_region": "global",
        "workspace_id": null,
        });
        if let (Some(d), Value::Object(extra)) = (data.as_object_mut(), unused) {
            d.extend(extra);
        }
        json!({ "data": data })
    }

    fn summary(&self) -> GenerationSummary {
        GenerationSummary {
            id: self.id.clone(),
            key: self.key.clone(),
            model: self.model.clone(),
            provider: self.provider.clone(),
            streamed: self.streamed,
            cancelled: self.cancelled,
            prompt_tokens: self.prompt_tokens,
            cached_tokens: self.cached_tokens,
            completion_tokens: self.completion_tokens,
            reasoning_tokens: self.reasoning_tokens,
            cost: self.cost.total,
            finish_reason: self.finish_reason.clone(),
        }
    }
}

/// A generation as listed by the billing report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct GenerationSummary {
    pub id: String,
    pub key: String,
    pub model: String,
    pub provider: String,
    pub streamed: bool,
    pub cancelled: bool,
    pub prompt_tokens: u64,
    pub cached_tokens: u64,
    pub completion_tokens: u64,
    pub reasoning_tokens: u64,
    /// Exact, as a decimal string.
    pub cost: Decimal,
    /// `stop`, `length`, `error`, or none for a stream cut short.
    pub finish_reason: Option<String>,
}

/// What one key was billed, with its balance. Amounts are exact decimal strings in JSON.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct KeyBilling {
    pub billed: Decimal,
    pub generations: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub credits: Decimal,
    pub limit: Option<Decimal>,
    pub remaining: Decimal,
}

/// Everything billed since the start (or the last reset), in total and per key.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct BillingReport {
    pub total: Decimal,
    pub generations: u64,
    pub per_key: BTreeMap<String, KeyBilling>,
    /// Every generation, oldest first.
    pub history: Vec<GenerationSummary>,
}

#[derive(Debug, Default)]
pub struct Ledger {
    accounts: BTreeMap<String, Account>,
    generations: HashMap<String, Generation>,
    order: Vec<String>,
    cached_prefixes: HashSet<u64>,
}

impl Ledger {
    /// Credit left for the key: its credit less usage, or its limit less usage if lower.
    pub fn remaining(&self, key: &str, scenario: &Scenario) -> Decimal {
        let usage = self.usage(key);
        let by_credit = scenario.credits_for(key) - usage;
        match scenario.key(key).limit {
            Some(limit) => by_credit.min(limit - usage),
            None => by_credit,
        }
    }

    pub fn usage(&self, key: &str) -> Decimal {
        self.accounts.get(key).map_or(Decimal::ZERO, |a| a.usage)
    }

    /// Whether this prompt prefix was seen before for the key and model; remembers it.
    pub fn cache_hit(&mut self, prefix_hash: u64) -> bool {
        !self.cached_prefixes.insert(prefix_hash)
    }

    /// Bills a generation to its key and keeps it for `/generation`.
    pub fn record(&mut self, g: Generation) {
        let account = self.accounts.entry(g.key.clone()).or_default();
        account.usage += g.cost.total;
        account.generations += 1;
        account.prompt_tokens += g.prompt_tokens;
        account.completion_tokens += g.completion_tokens;
        self.order.push(g.id.clone());
        self.generations.insert(g.id.clone(), g);
    }

    /// The generation if it exists and its visibility delay has passed.
    pub fn generation(&self, id: &str, now: Instant) -> Option<&Generation> {
        self.generations.get(id).filter(|g| now >= g.visible_at)
    }

    pub fn report(&self, scenario: &Scenario) -> BillingReport {
        let per_key = self
            .accounts
            .iter()
            .map(|(k, a)| {
                (
                    k.clone(),
                    KeyBilling {
                        billed: a.usage.normalize(),
                        generations: a.generations,
                        prompt_tokens: a.prompt_tokens,
                        completion_tokens: a.completion_tokens,
                        credits: scenario.credits_for(k),
                        limit: scenario.key(k).limit,
                        remaining: self.remaining(k, scenario).normalize(),
                    },
                )
            })
            .collect();
        BillingReport {
            total: self
                .accounts
                .values()
                .map(|a| a.usage)
                .sum::<Decimal>()
                .normalize(),
            generations: self.order.len() as u64,
            per_key,
            history: self
                .order
                .iter()
                .filter_map(|id| self.generations.get(id))
                .map(Generation::summary)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn gen(id: &str, key: &str, cost: &str) -> Generation {
        let total = Decimal::from_str(cost).unwrap();
        Generation {
            id: id.into(),
            key: key.into(),
            model: "m/x".into(),
            provider: "P".into(),
            streamed: false,
            cancelled: false,
            prompt_tokens: 10,
            cached_tokens: 0,
            completion_tokens: 5,
            reasoning_tokens: 0,
            cost: Cost {
                total,
                prompt_part: Decimal::ZERO,
                completion_part: total,
                cache_discount: Decimal::ZERO,
            },
            latency_ms: 1,
            generation_time_ms: 1,
            finish_reason: Some("stop".into()),
            user: None,
            created_micros: 0,
            visible_at: Instant::now(),
        }
    }

    #[test]
    fn records_and_reports_exact_totals() {
        let mut l = Ledger::default();
        let s = Scenario::default();
        l.record(gen("gen-1", "a", "0.0000000001"));
        l.record(gen("gen-2", "a", "0.1234567891"));
        l.record(gen("gen-3", "b", "1"));
        let r = l.report(&s);
        assert_eq!(r.total, Decimal::from_str("1.1234567892").unwrap());
        assert_eq!(r.generations, 3);
        assert_eq!(
            r.per_key["a"].billed,
            Decimal::from_str("0.1234567892").unwrap()
        );
        assert_eq!(r.per_key["b"].remaining, Decimal::from(9));
        assert_eq!(r.history.len(), 3);
    }

    #[test]
    fn limit_caps_remaining() {
        let k = crate::keys::test_key("capped");
        let s = Scenario::from_json(&format!(
            r#"{{"keys": {{"{k}": {{"credits": "5", "limit": "1"}}}}}}"#
        ))
        .unwrap();
        let mut l = Ledger::default();
        l.record(gen("gen-1", &k, "0.25"));
        assert_eq!(l.remaining(&k, &s), Decimal::from_str("0.75").unwrap());
    }

    #[test]
    fn cache_hits_after_first_sight() {
        let mut l = Ledger::default();
        assert!(!l.cache_hit(7));
        assert!(l.cache_hit(7));
    }
}
