//! The parts of a chat completion request the emulator reads. Parsing is lenient like
//! OpenRouter's: unknown fields are ignored, `content` may be a string or a list of parts.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use crate::seeded::Fnv;

#[derive(Clone, Debug, Deserialize)]
pub struct ChatRequest {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub models: Vec<String>,
    #[serde(default)]
    pub messages: Vec<Message>,
    #[serde(default)]
    pub stream: bool,
    #[serde(default)]
    pub max_tokens: Option<u64>,
    #[serde(default)]
    pub max_completion_tokens: Option<u64>,
    #[serde(default)]
    pub temperature: Option<f64>,
    #[serde(default)]
    pub stop: Option<Stop>,
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub provider: Option<ProviderPrefs>,
    #[serde(default)]
    pub reasoning: Option<Value>,
    #[serde(default)]
    pub include_reasoning: Option<bool>,
    #[serde(default)]
    pub seed: Option<i64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Message {
    pub role: String,
    #[serde(default)]
    pub content: Value,
}

impl Message {
    /// The message's text: a string, or the `text` of its parts joined by newlines.
    pub fn text(&self) -> String {
        match &self.content {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Stop {
    One(String),
    Many(Vec<String>),
}

impl Stop {
    pub fn sequences(&self) -> Vec<&str> {
        match self {
            Stop::One(s) => vec![s.as_str()],
            Stop::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct ResponseFormat {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub json_schema: Option<JsonSchemaFormat>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct JsonSchemaFormat {
    #[serde(default)]
    pub schema: Option<Value>,
}

/// OpenRouter's `provider` object.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProviderPrefs {
    #[serde(default)]
    pub order: Option<Vec<String>>,
    #[serde(default)]
    pub allow_fallbacks: Option<bool>,
    #[serde(default)]
    pub sort: Option<Value>,
    #[serde(default)]
    pub only: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Option<Vec<String>>,
    #[serde(default)]
    pub max_price: Option<MaxPrice>,
    #[serde(default)]
    pub data_collection: Option<String>,
}

/// USD per million tokens; OpenRouter accepts numbers or strings.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MaxPrice {
    #[serde(default)]
    pub prompt: Option<Value>,
    #[serde(default)]
    pub completion: Option<Value>,
}

/// Reads a price given as a JSON number or string.
pub fn decimal_of(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.to_string().parse().ok().or_else(|| {
            n.as_f64()
                .and_then(|f| Decimal::from_scientific(&format!("{f:e}")).ok())
        }),
        _ => None,
    }
}

/// What the request asks its output to look like.
#[derive(Clone, Debug, PartialEq)]
pub enum OutputFormat {
    Text,
    JsonObject,
    JsonSchema(Value),
}

impl ChatRequest {
    /// The models to try, in order: `model`, then `models`, without repeats.
    pub fn model_chain(&self) -> Vec<String> {
        let mut chain: Vec<String> = Vec::new();
        for m in self.model.iter().chain(self.models.iter()) {
            if !m.is_empty() && !chain.contains(m) {
                chain.push(m.clone());
            }
        }
        chain
    }

    pub fn requested_max_tokens(&self) -> Option<u64> {
        self.max_tokens.or(self.max_completion_tokens)
    }

    pub fn output_format(&self) -> OutputFormat {
        match &self.response_format {
            Some(rf) if rf.kind == "json_schema" => rf
                .json_schema
                .as_ref()
                .and_then(|j| j.schema.clone())
                .map_or(OutputFormat::JsonObject, OutputFormat::JsonSchema),
            Some(rf) if rf.kind == "json_object" => OutputFormat::JsonObject,
            _ => OutputFormat::Text,
        }
    }

    /// Whether the request asks a model that reasons on request to do so.
    pub fn wants_reasoning(&self) -> bool {
        if self.include_reasoning == Some(true) {
            return true;
        }
        match &self.reasoning {
            Some(Value::Object(o)) => {
                o.get("enabled").and_then(Value::as_bool) != Some(false)
                    && (o.contains_key("effort")
                        || o.contains_key("max_tokens")
                        || o.get("enabled").and_then(Value::as_bool) == Some(true))
            }
            _ => false,
        }
    }

    /// Whether reasoning text is to be left out of the response (it is still counted).
    pub fn excludes_reasoning(&self) -> bool {
        self.include_reasoning == Some(false)
            || self
                .reasoning
                .as_ref()
                .and_then(|r| r.get("exclude"))
                .and_then(Value::as_bool)
                == Some(true)
    }

    /// A stable hash of what shapes the output, so text is deterministic per request.
    pub fn content_hash(&self) -> u64 {
        let mut h = Fnv::default();
        for m in &self.messages {
            h = h.str(&m.role).str(&m.text());
        }
        h = h.u64(self.temperature.map_or(0, f64::to_bits));
        h = h.u64(self.seed.map_or(0, |s| s as u64));
        h = h.str(&format!("{:?}", self.output_format()));
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chain_puts_model_first_and_drops_repeats() {
        let r: ChatRequest = serde_json::from_value(json!({
            "model": "a/b", "models": ["c/d", "a/b", "e/f"], "messages": []
        }))
        .unwrap();
        assert_eq!(r.model_chain(), vec!["a/b", "c/d", "e/f"]);
    }

    #[test]
    fn content_parts_are_joined() {
        let m: Message = serde_json::from_value(json!({
            "role": "user", "content": [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}]
        }))
        .unwrap();
        assert_eq!(m.text(), "one\ntwo");
    }

    #[test]
    fn prices_parse_from_strings_and_numbers() {
        assert_eq!(decimal_of(&json!("1.5")).unwrap().to_string(), "1.5");
        assert_eq!(decimal_of(&json!(2)).unwrap().to_string(), "2");
        assert_eq!(decimal_of(&json!(0.25)).unwrap().to_string(), "0.25");
    }

    #[test]
    fn response_formats() {
        let r: ChatRequest = serde_json::from_value(json!({
            "messages": [], "response_format": {"type": "json_schema", "json_schema": {"name": "v", "schema": {"type": "object"}}}
        }))
        .unwrap();
        assert_eq!(
            r.output_format(),
            OutputFormat::JsonSchema(json!({"type": "object"}))
        );
    }
}
