//! The JSON shapes of a completion, a stream chunk and `usage`, in the field order OpenRouter
//! sends them (structs, because a JSON map would sort the keys).

use serde::Serialize;
use serde_json::Value;

use crate::money::{json_number, Cost};

#[derive(Serialize, Clone, Debug)]
pub struct PromptDetails {
    pub cached_tokens: u64,
    pub audio_tokens: u64,
}

#[derive(Serialize, Clone, Debug)]
pub struct CostDetails {
    pub upstream_inference_cost: Option<Value>,
    pub upstream_inference_prompt_cost: Value,
    pub upstream_inference_completions_cost: Value,
}

#[derive(Serialize, Clone, Debug)]
pub struct CompletionDetails {
    pub reasoning_tokens: u64,
    pub image_tokens: u64,
}

#[derive(Serialize, Clone, Debug)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    pub cost: Value,
    pub is_byok: bool,
    pub prompt_tokens_details: PromptDetails,
    pub cost_details: CostDetails,
    pub completion_tokens_details: CompletionDetails,
}

impl Usage {
    pub fn new(prompt: u64, cached: u64, completion: u64, reasoning: u64, cost: &Cost) -> Usage {
        Usage {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: prompt + completion,
            cost: json_number(cost.total),
            is_byok: false,
            prompt_tokens_details: PromptDetails {
                cached_tokens: cached,
                audio_tokens: 0,
            },
            cost_details: CostDetails {
                upstream_inference_cost: None,
                upstream_inference_prompt_cost: json_number(cost.prompt_part),
                upstream_inference_completions_cost: json_number(cost.completion_part),
            },
            completion_tokens_details: CompletionDetails {
                reasoning_tokens: reasoning,
                image_tokens: 0,
            },
        }
    }
}

/// Identity shared by every chunk of one stream.
#[derive(Clone, Debug)]
pub struct Ident {
    pub id: String,
    pub provider: String,
    pub model: String,
    pub created: u64,
}

/// One entry of `reasoning_details`.
#[derive(Serialize, Clone, Debug)]
pub struct ReasoningDetail {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
    pub format: &'static str,
    pub index: u32,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct Delta {
    pub role: &'static str,
    pub content: String,
    /// Present (as a string or `null`) in the chunks of a reasoning generation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_details: Option<Vec<ReasoningDetail>>,
}

#[derive(Serialize, Clone, Debug)]
pub struct ChunkChoice {
    pub index: u32,
    pub delta: Delta,
    pub finish_reason: Option<String>,
    pub native_finish_reason: Option<String>,
    pub logprobs: Option<Value>,
}

#[derive(Serialize, Clone, Debug)]
pub struct Chunk<'a> {
    pub id: &'a str,
    pub provider: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    pub model: &'a str,
    pub object: &'static str,
    pub created: u64,
    pub choices: Vec<ChunkChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

impl<'a> Chunk<'a> {
    pub fn new(ident: &'a Ident, choices: Vec<ChunkChoice>) -> Chunk<'a> {
        Chunk {
            id: &ident.id,
            provider: &ident.provider,
            error: None,
            model: &ident.model,
            object: "chat.completion.chunk",
            created: ident.created,
            choices,
            usage: None,
        }
    }

    /// `data: {...}\n\n`
    pub fn sse(&self) -> String {
        format!(
            "data: {}\n\n",
            serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
        )
    }
}

pub fn choice(delta: Delta, finish: Option<&str>, native: Option<&str>) -> ChunkChoice {
    ChunkChoice {
        index: 0,
        delta,
        finish_reason: finish.map(str::to_owned),
        native_finish_reason: native.map(str::to_owned),
        logprobs: None,
    }
}

#[derive(Serialize, Clone, Debug)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
    pub refusal: Option<String>,
    pub reasoning: Option<String>,
}

#[derive(Serialize, Clone, Debug)]
pub struct Choice {
    pub logprobs: Option<Value>,
    pub finish_reason: String,
    pub native_finish_reason: String,
    pub index: u32,
    pub message: Message,
}

#[derive(Serialize, Clone, Debug)]
pub struct Completion {
    pub id: String,
    pub provider: String,
    pub model: String,
    pub object: &'static str,
    pub created: u64,
    pub choices: Vec<Choice>,
    pub system_fingerprint: Option<String>,
    pub usage: Usage,
}

/// The provider's own name for a finish reason, as `native_finish_reason` reports it.
pub fn native_finish(model: &str, finish: &str) -> String {
    let author = model.split('/').next().unwrap_or("");
    match (author, finish) {
        ("anthropic", "stop") => "end_turn".into(),
        ("anthropic", "length") => "max_tokens".into(),
        ("google", "stop") => "STOP".into(),
        ("google", "length") => "MAX_TOKENS".into(),
        ("x-ai", "stop") => "completed".into(),
        _ => finish.into(),
    }
}
