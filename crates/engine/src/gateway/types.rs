//! OpenRouter's chat-completion shapes, as much of them as Castwright uses. Field names follow
//! OpenRouter's API; anything we do not read is ignored, so new fields never break us.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: Role::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }
}

/// OpenRouter's `provider` routing preferences.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderPrefs {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_collection: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_fallbacks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// The most we agree to pay, in USD per million tokens: our budget reservation assumed
    /// no dearer endpoint than this, so OpenRouter must not route to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_price: Option<MaxPrice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaxPrice {
    /// USD per million prompt tokens.
    #[serde(with = "rust_decimal::serde::str")]
    pub prompt: Decimal,
    /// USD per million completion tokens.
    #[serde(with = "rust_decimal::serde::str")]
    pub completion: Decimal,
}

/// A chat completion request. `models` is OpenRouter's server-side fallback list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatRequest {
    pub model: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    pub messages: Vec<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderPrefs>,
    pub stream: bool,
}

impl ChatRequest {
    pub fn new(model: impl Into<String>, messages: Vec<Message>) -> Self {
        ChatRequest {
            model: model.into(),
            models: Vec::new(),
            messages,
            max_tokens: None,
            temperature: None,
            response_format: None,
            stop: None,
            user: None,
            provider: None,
            stream: false,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct PromptTokensDetails {
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub cached_tokens: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct CompletionTokensDetails {
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub reasoning_tokens: u32,
}

/// Token counts and, on OpenRouter, the exact cost in USD. `cost` arrives as a JSON number
/// with at most 10 decimal places; it is read through its shortest decimal text, which gives
/// back exactly the digits OpenRouter sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Usage {
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub prompt_tokens: u32,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub completion_tokens: u32,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub total_tokens: u32,
    #[serde(default, deserialize_with = "crate::gateway::money::opt_decimal")]
    pub cost: Option<Decimal>,
    #[serde(default)]
    pub prompt_tokens_details: Option<PromptTokensDetails>,
    #[serde(default)]
    pub completion_tokens_details: Option<CompletionTokensDetails>,
}

impl Usage {
    pub fn cached_tokens(&self) -> u32 {
        self.prompt_tokens_details
            .as_ref()
            .map(|d| d.cached_tokens)
            .unwrap_or(0)
    }
    pub fn reasoning_tokens(&self) -> u32 {
        self.completion_tokens_details
            .as_ref()
            .map(|d| d.reasoning_tokens)
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ResponseMessage {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub reasoning: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Choice {
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub message: ResponseMessage,
    #[serde(default)]
    pub finish_reason: Option<String>,
    #[serde(default)]
    pub native_finish_reason: Option<String>,
}

/// A plain (non-streamed) completion.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChatCompletion {
    pub id: String,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub model: String,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub usage: Option<Usage>,
}

impl ChatCompletion {
    pub fn text(&self) -> &str {
        self.choices
            .first()
            .and_then(|c| c.message.content.as_deref())
            .unwrap_or("")
    }
}

/// What a finished call produced, streamed or not: the text and the facts the ledger needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub generation_id: String,
    /// The model that answered (after OpenRouter's own fallback), which billing follows.
    pub model: String,
    pub provider: Option<String>,
    pub text: String,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
}
