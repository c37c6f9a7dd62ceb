//! OpenRouter's error answers: `{"error": {"code", "message", "metadata"?}}` with the status,
//! and the headers some of them carry (`Retry-After` on 429).

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::catalog::Endpoint;
use crate::faults::Fault;

/// The user id OpenRouter puts beside some error bodies.
const USER_ID: &str = "user_sim_0000000000000000000";

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Not worth trying the next model in `models` (the key itself is refused).
    pub terminal: bool,
}

fn default_message(status: u16) -> &'static str {
    match status {
        400 => "Invalid request parameters",
        401 => "User not found.",
        402 => "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Operation timed out. Please try again later.",
        413 => "Request payload too large",
        422 => "Invalid argument",
        429 => "Rate limit exceeded",
        500 => "Internal Server Error",
        502 | 529 => "Provider returned error",
        503 => "Service temporarily unavailable",
        524 => "Request timed out. Please try again later.",
        _ => "Error",
    }
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: json!({"error": {"message": message.into(), "code": status}}),
            headers: Vec::new(),
            terminal: matches!(status, 401 | 402),
        }
    }

    pub fn with_metadata(mut self, metadata: Value) -> ApiError {
        if let Some(err) = self.body.get_mut("error").and_then(Value::as_object_mut) {
            err.insert("metadata".into(), metadata);
        }
        self
    }

    fn with_user_id(mut self) -> ApiError {
        if let Some(obj) = self.body.as_object_mut() {
            obj.insert("user_id".into(), Value::String(USER_ID.into()));
        }
        self
    }

    fn with_header(mut self, name: &'static str, value: String) -> ApiError {
        if let Ok(v) = HeaderValue::from_str(&value) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }

    pub fn no_auth() -> ApiError {
        ApiError::new(401, "No auth credentials found")
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(404, message)
    }

    /// A provider failure whose real cause is only in `metadata.raw`.
    pub fn provider(status: u16, provider: &str, raw: String) -> ApiError {
        ApiError::new(status, "Provider returned error")
            .with_metadata(json!({
                "raw": raw,
                "provider_name": provider,
                "isDownstreamPipeClean": true,
                "isErrorUpstreamFault": true,
            }))
            .with_user_id()
    }

    /// The error a scripted fault answers with, or `None` for faults that are not an HTTP
    /// error (resets, stalls, stream faults).
    pub fn from_fault(
        fault: &Fault,
        model: &str,
        endpoint: Option<&Endpoint>,
        last_user_text: &str,
    ) -> Option<ApiError> {
        let provider = endpoint.map_or("OpenRouter", |e| e.provider.as_str());
        let err = match fault {
            Fault::RateLimit {
                retry_after_ms,
                upstream,
            } => {
                let base = if *upstream {
                    ApiError::new(429, "Provider returned error").with_metadata(json!({
                        "provider_name": provider,
                        "raw": format!("{model} is temporarily rate-limited upstream. Please retry shortly."),
                        "retry_after_ms": retry_after_ms,
                    }))
                } else {
                    ApiError::new(429, "Rate limit exceeded")
                        .with_metadata(json!({"retry_after_ms": retry_after_ms}))
                };
                base.with_user_id()
                    .with_header("retry-after", retry_after_header(*retry_after_ms))
                    .with_header("retry-after-ms", retry_after_ms.to_string())
            }
            Fault::Status { status, message } => {
                let msg = message
                    .clone()
                    .unwrap_or_else(|| default_message(*status).to_owned());
                let mut e = ApiError::new(*status, msg);
                if matches!(status, 502 | 529) {
                    let raw = if *status == 529 {
                        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.to_owned()
                    } else {
                        upstream_raw(provider)
                    };
                    e = e
                        .with_metadata(json!({"raw": raw, "provider_name": provider}))
                        .with_user_id();
                } else if let Some(ep) = endpoint {
                    e = e.with_metadata(json!({"provider_name": ep.provider}));
                }
                e
            }
            Fault::ProviderError { status, raw } => ApiError::provider(
                *status,
                provider,
                raw.clone().unwrap_or_else(|| upstream_raw(provider)),
            ),
            Fault::Moderation {
                reasons,
                flagged_input,
            } => {
                let flagged = flagged_input
                    .clone()
                    .unwrap_or_else(|| truncate_chars(last_user_text, 100));
                let mod_provider = endpoint.map_or("OpenAI", |e| e.provider.as_str());
                ApiError::new(
                    403,
                    format!(
                        "{model} requires moderation on {mod_provider}. Your input was flagged for \"{}\". No credits were charged.",
                        reasons.join(", ")
                    ),
                )
                .with_metadata(json!({
                    "reasons": reasons,
                    "flagged_input": flagged,
                    "provider_name": mod_provider,
                    "model_slug": model,
                }))
            }
            Fault::Unauthorized => ApiError::new(401, default_message(401)),
            Fault::PaymentRequired => ApiError::new(402, default_message(402)),
            _ => return None,
        };
        Some(err)
    }
}

/// `Retry-After` in seconds: whole seconds when exact, else a decimal (e.g. `0.05`) so that
/// millisecond-scale test delays survive clients that read fractional seconds.
pub fn retry_after_header(ms: u64) -> String {
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        s.trim_end_matches('0').to_owned()
    }
}

fn upstream_raw(provider: &str) -> String {
    let mut inner = Map::new();
    inner.insert("code".into(), Value::from(500));
    inner.insert(
        "message".into(),
        Value::String(format!(
            "{provider}: an internal error has occurred. Please retry."
        )),
    );
    inner.insert("status".into(), Value::String("INTERNAL".into()));
    serde_json::to_string_pretty(&json!({"error": inner})).unwrap_or_default() + "\n"
}

fn truncate_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n).collect::<String>() + "..."
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body)).into_response();
        for (k, v) in self.headers {
            res.headers_mut().insert(k, v);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_seconds() {
        assert_eq!(retry_after_header(2000), "2");
        assert_eq!(retry_after_header(50), "0.05");
        assert_eq!(retry_after_header(1500), "1.5");
        assert_eq!(retry_after_header(0), "0");
    }
}
