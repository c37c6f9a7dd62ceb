//! Shapes of OpenRouter's `/models`, `/models/{id}/endpoints`, `/generation`, `/key` and
//! `/credits` answers. Prices are USD-per-token decimal strings and stay strings until parsed
//! exactly.

use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Pricing {
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub completion: Option<String>,
    #[serde(default)]
    pub request: Option<String>,
    #[serde(default)]
    pub input_cache_read: Option<String>,
}

impl Pricing {
    pub fn prompt_price(&self) -> Option<Decimal> {
        self.prompt.as_deref().and_then(super::money::price)
    }
    pub fn completion_price(&self) -> Option<Decimal> {
        self.completion.as_deref().and_then(super::money::price)
    }
    pub fn request_price(&self) -> Decimal {
        self.request
            .as_deref()
            .and_then(super::money::price)
            .unwrap_or(Decimal::ZERO)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TopProvider {
    #[serde(default)]
    pub context_length: Option<u64>,
    #[serde(default)]
    pub max_completion_tokens: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub name: String,
    #[serde(default)]
    pub context_length: Option<u64>,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub pricing: Pricing,
    #[serde(default)]
    pub top_provider: Option<TopProvider>,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub supported_parameters: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelsResponse {
    pub data: Vec<ModelInfo>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EndpointInfo {
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub name: String,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub provider_name: String,
    #[serde(default)]
    pub context_length: Option<u64>,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub pricing: Pricing,
    #[serde(default)]
    pub max_completion_tokens: Option<u64>,
    #[serde(default)]
    pub status: Option<i64>,
    #[serde(default)]
    pub uptime_last_30m: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EndpointsData {
    pub id: String,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub name: String,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub endpoints: Vec<EndpointInfo>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EndpointsResponse {
    pub data: EndpointsData,
}

/// `/generation` data: the authoritative record of one generation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Generation {
    pub id: String,
    #[serde(default, deserialize_with = "super::money::opt_decimal")]
    pub total_cost: Option<Decimal>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub provider_name: Option<String>,
    #[serde(default)]
    pub tokens_prompt: Option<u32>,
    #[serde(default)]
    pub tokens_completion: Option<u32>,
    #[serde(default)]
    pub native_tokens_reasoning: Option<u32>,
    #[serde(default)]
    pub native_tokens_cached: Option<u32>,
    #[serde(default)]
    pub latency: Option<f64>,
    #[serde(default)]
    pub finish_reason: Option<String>,
    #[serde(default)]
    pub cancelled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct KeyInfo {
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub label: String,
    #[serde(default, deserialize_with = "super::money::opt_decimal")]
    pub limit: Option<Decimal>,
    #[serde(default, deserialize_with = "super::money::opt_decimal")]
    pub usage: Option<Decimal>,
    #[serde(default, deserialize_with = "super::money::opt_decimal")]
    pub limit_remaining: Option<Decimal>,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub is_free_tier: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Credits {
    #[serde(default, deserialize_with = "super::money::opt_decimal")]
    pub total_credits: Option<Decimal>,
    #[serde(default, deserialize_with = "super::money::opt_decimal")]
    pub total_usage: Option<Decimal>,
}

impl Credits {
    pub fn balance(&self) -> Option<Decimal> {
        Some(self.total_credits? - self.total_usage?)
    }
}
