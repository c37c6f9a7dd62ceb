//! The model catalog: real model ids, context lengths and per-token prices (as published for
//! late 2026), each model served by one or more provider endpoints with their own price,
//! speed and uptime so that `:floor`, `:nitro` and `provider.sort` make a difference. Models
//! of earlier years are kept as retired ids, answered as OpenRouter answers an unknown id.
//! The data lives in `catalog/models.json` (dated, sources in `catalog/README.md`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::SimError;
use crate::money::Prices;

const CATALOG_JSON: &str = include_str!("catalog/models.json");

/// Whether a model thinks before it answers.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReasoningMode {
    /// Never reasons.
    None,
    /// Always reasons (DeepSeek V4 Pro, GPT-6 Astra): reasoning tokens are always reported.
    Always,
    /// Reasons when the request's `reasoning` object asks for it.
    OnRequest,
}

/// One provider serving a model.
#[derive(Clone, Debug, Deserialize)]
pub struct Endpoint {
    pub provider: String,
    pub tag: String,
    pub quantization: String,
    pub prompt: Decimal,
    pub completion: Decimal,
    #[serde(default)]
    pub input_cache_read: Option<Decimal>,
    /// Time before the provider starts working on the request (connection, queueing).
    pub latency_ms: u64,
    /// Time from then to the first token.
    pub ttft_ms: u64,
    pub tokens_per_second: u32,
    /// Percentage of successful requests, as `/endpoints` reports it.
    pub uptime: f64,
    /// Whether the provider may store and train on prompts (`data_collection: "deny"` skips it).
    pub collects_data: bool,
    #[serde(default)]
    pub context_length: Option<u64>,
    #[serde(default)]
    pub max_completion_tokens: Option<u64>,
}

impl Endpoint {
    pub fn prices(&self) -> Prices {
        Prices {
            prompt: self.prompt,
            completion: self.completion,
            cache_read: self.input_cache_read,
            request: Decimal::ZERO,
        }
    }

    /// Lower-case slug OpenRouter accepts in `provider.order`/`only`/`ignore` ("Amazon Bedrock"
    /// is `amazon-bedrock`); the tag's first part is accepted too.
    pub fn matches_slug(&self, slug: &str) -> bool {
        let want = normalise(slug);
        let tag_base = self.tag.split('/').next().unwrap_or(&self.tag);
        want == normalise(&self.provider)
            || want == normalise(tag_base)
            || want == normalise(&self.tag)
    }
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A model as listed by `/models`.
#[derive(Clone, Debug, Deserialize)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub created: u64,
    pub context_length: u64,
    pub max_completion_tokens: Option<u64>,
    pub tokenizer: String,
    pub instruct_type: Option<String>,
    pub moderated: bool,
    pub description: String,
    pub reasoning: ReasoningMode,
    /// Whether reasoning text is returned (OpenAI and Gemini count it but hide it).
    pub reasoning_visible: bool,
    pub endpoints: Vec<Endpoint>,
}

impl Model {
    /// The listed price is the primary (first) endpoint's, as on OpenRouter.
    pub fn primary(&self) -> Option<&Endpoint> {
        self.endpoints.first()
    }

    pub fn context_for(&self, e: &Endpoint) -> u64 {
        e.context_length.unwrap_or(self.context_length)
    }

    /// The output cap used when a request gives no `max_tokens`.
    pub fn max_output_for(&self, e: &Endpoint) -> Option<u64> {
        e.max_completion_tokens.or(self.max_completion_tokens)
    }

    fn supported_parameters(&self) -> Vec<&'static str> {
        let mut p = vec![
            "max_tokens",
            "temperature",
            "top_p",
            "stop",
            "frequency_penalty",
            "presence_penalty",
            "seed",
            "response_format",
            "structured_outputs",
        ];
        if self.reasoning != ReasoningMode::None {
            p.extend(["reasoning", "include_reasoning"]);
        }
        p
    }

    fn pricing_json(&self, e: &Endpoint) -> Value {
        let mut p = json!({
            "prompt": e.prompt.to_string(),
            "completion": e.completion.to_string(),
            "request": "0",
            "image": "0",
            "web_search": "0",
            "internal_reasoning": "0",
        });
        if let (Some(cache), Some(obj)) = (e.input_cache_read, p.as_object_mut()) {
            obj.insert("input_cache_read".into(), Value::String(cache.to_string()));
        }
        p
    }

    fn architecture_json(&self) -> Value {
        json!({
            "modality": "text->text",
            "input_modalities": ["text"],
            "output_modalities": ["text"],
            "tokenizer": self.tokenizer,
            "instruct_type": self.instruct_type,
        })
    }

    /// The entry of `GET /models`.
    pub fn to_list_json(&self) -> Value {
        let Some(primary) = self.primary() else {
            return Value::Null;
        };
        json!({
            "id": self.id,
            "canonical_slug": self.id,
            "hugging_face_id": "",
            "name": self.name,
            "created": self.created,
            "description": self.description,
            "context_length": self.context_length,
            "architecture": self.architecture_json(),
            "pricing": self.pricing_json(primary),
            "top_provider": {
                "context_length": self.context_for(primary),
                "max_completion_tokens": self.max_output_for(primary),
                "is_moderated": self.moderated,
            },
            "per_request_limits": null,
            "supported_parameters": self.supported_parameters(),
            // Required by the spec; null where the model sets no defaults and has no voices.
            "default_parameters": null,
            "supported_voices": null,
            "expiration_date": null,
            "knowledge_cutoff": null,
            "links": {"details": format!("/api/v1/models/{}/endpoints", self.id)},
        })
    }

    /// The body of `GET /models/{author}/{slug}/endpoints`.
    pub fn to_endpoints_json(&self) -> Value {
        let endpoints: Vec<Value> = self
            .endpoints
            .iter()
            .map(|e| {
                let ttft_s = (e.latency_ms + e.ttft_ms) as f64 / 1000.0;
                let tps = f64::from(e.tokens_per_second);
                json!({
                    "name": format!("{} | {}", e.provider, self.id),
                    "model_id": self.id,
                    "model_name": self.name,
                    "context_length": self.context_for(e),
                    "pricing": self.pricing_json(e),
                    "provider_name": e.provider,
                    "tag": e.tag,
                    "quantization": e.quantization,
                    "max_completion_tokens": self.max_output_for(e),
                    "max_prompt_tokens": null,
                    "supported_parameters": self.supported_parameters(),
                    "status": 0,
                    "uptime_last_30m": e.uptime,
                    "uptime_last_5m": e.uptime,
                    "uptime_last_1d": e.uptime,
                    "supports_implicit_caching": e.input_cache_read.is_some(),
                    "latency_last_30m": {"p50": ttft_s, "p75": ttft_s * 1.3, "p90": ttft_s * 1.8, "p99": ttft_s * 3.0},
                    "throughput_last_30m": {"p50": tps, "p75": tps * 0.85, "p90": tps * 0.7, "p99": tps * 0.4},
                })
            })
            .collect();
        json!({
            "data": {
                "id": self.id,
                "name": self.name,
                "created": self.created,
                "description": self.description,
                "architecture": self.architecture_json(),
                "endpoints": endpoints,
            }
        })
    }
}

#[derive(Deserialize)]
struct CatalogFile {
    /// The day the facts were taken (documentation; checked to be present).
    as_of: String,
    retired: Vec<RetiredModel>,
    models: Vec<Model>,
}

/// A model OpenRouter offered once and no longer lists.
#[derive(Clone, Debug, Deserialize)]
struct RetiredModel {
    id: String,
    /// The listed model that took its place (documentation for tests and readers).
    replaced_by: String,
}

/// What a model id resolves to.
pub enum Lookup<'a> {
    Found(&'a Model),
    /// Existed on OpenRouter once; now answered exactly like an unknown id.
    Retired,
    Unknown,
}

/// All models, in listing order.
#[derive(Debug)]
pub struct Catalog {
    models: Vec<Model>,
    by_id: BTreeMap<String, usize>,
    retired: Vec<RetiredModel>,
}

impl Catalog {
    pub fn builtin() -> Result<Catalog, SimError> {
        let file: CatalogFile =
            serde_json::from_str(CATALOG_JSON).map_err(|e| SimError::Catalog(e.to_string()))?;
        let mut by_id = BTreeMap::new();
        for (i, m) in file.models.iter().enumerate() {
            if m.endpoints.is_empty() {
                return Err(SimError::Catalog(format!("{} has no endpoints", m.id)));
            }
            if by_id.insert(m.id.clone(), i).is_some() {
                return Err(SimError::Catalog(format!("{} is listed twice", m.id)));
            }
        }
        for r in &file.retired {
            if by_id.contains_key(&r.id) {
                return Err(SimError::Catalog(format!("{} is listed and retired", r.id)));
            }
            if !by_id.contains_key(&r.replaced_by) {
                return Err(SimError::Catalog(format!(
                    "{} is replaced by {}, which is not listed",
                    r.id, r.replaced_by
                )));
            }
        }
        if file.as_of.trim().is_empty() {
            return Err(SimError::Catalog("the catalog has no date".into()));
        }
        Ok(Catalog {
            models: file.models,
            by_id,
            retired: file.retired,
        })
    }

    pub fn models(&self) -> &[Model] {
        &self.models
    }

    pub fn lookup(&self, id: &str) -> Lookup<'_> {
        if let Some(m) = self.by_id.get(id).and_then(|i| self.models.get(*i)) {
            return Lookup::Found(m);
        }
        if self.retired.iter().any(|r| r.id == id) {
            Lookup::Retired
        } else {
            Lookup::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn builtin_catalog_loads_with_todays_models_and_the_old_ones_retired() {
        let c = Catalog::builtin().unwrap();
        assert!(c.models().len() >= 25);
        let file: CatalogFile = serde_json::from_str(CATALOG_JSON).unwrap();
        assert_eq!(file.as_of, "2026-12-02");
        for id in [
            "anthropic/claude-opus-5.5",
            "anthropic/claude-haiku-4.5",
            "openai/gpt-6.1-sol",
            "openai/gpt-6-luna",
            "google/gemini-3.8-flash",
            "deepseek/deepseek-v4.1-flash",
            "meta-llama/llama-4-maverick",
            "mistralai/mistral-small-3.2-24b-instruct",
            "qwen/qwen3.8-max",
            "x-ai/grok-4.20",
            "google/gemma-4-31b-it:free",
        ] {
            assert!(matches!(c.lookup(id), Lookup::Found(_)), "{id}");
        }
        // The seed's original design and the 2025 presets are retired.
        for id in [
            "mistralai/mixtral-8x7b-instruct",
            "anthropic/claude-instant-1",
            "openai/gpt-3.5-turbo",
            "deepseek/deepseek-r1",
            "anthropic/claude-3-sonnet",
            "anthropic/claude-3-opus",
            "openai/gpt-4",
            "openai/gpt-4-turbo",
            "google/gemini-pro",
            "meta-llama/llama-3.3-70b-instruct",
            "openai/gpt-4o-mini",
            "anthropic/claude-opus-4",
            "openai/gpt-4.1-mini",
        ] {
            assert!(matches!(c.lookup(id), Lookup::Retired), "{id}");
        }
        assert!(matches!(c.lookup("nobody/nothing"), Lookup::Unknown));
        // Every vendor a producer would look for has a cheap and a listed model.
        for vendor in [
            "anthropic/",
            "openai/",
            "google/",
            "meta-llama/",
            "mistralai/",
            "deepseek/",
            "qwen/",
            "x-ai/",
        ] {
            assert!(
                c.models().iter().any(|m| m.id.starts_with(vendor)),
                "{vendor}"
            );
        }
        assert!(
            c.models()
                .iter()
                .filter(|m| m.id.ends_with(":free"))
                .count()
                >= 3
        );
    }

    #[test]
    fn prices_keep_sub_nano_precision() {
        let c = Catalog::builtin().unwrap();
        let Lookup::Found(m) = c.lookup("deepseek/deepseek-v4.1-flash") else {
            panic!("missing")
        };
        let e = m.primary().unwrap();
        assert_eq!(
            e.input_cache_read,
            Some(Decimal::from_str("0.0000000028").unwrap())
        );
        let listed = m.to_list_json();
        assert_eq!(listed["pricing"]["input_cache_read"], "0.0000000028");
        assert_eq!(listed["pricing"]["prompt"], "0.00000014");
    }

    #[test]
    fn slugs_match_names_and_tags() {
        let c = Catalog::builtin().unwrap();
        let Lookup::Found(m) = c.lookup("anthropic/claude-opus-5.5") else {
            panic!("missing")
        };
        let bedrock = &m.endpoints[1];
        assert!(bedrock.matches_slug("amazon-bedrock"));
        assert!(bedrock.matches_slug("Amazon Bedrock"));
        assert!(!bedrock.matches_slug("anthropic"));
    }
}
