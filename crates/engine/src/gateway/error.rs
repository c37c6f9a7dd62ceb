//! Every way a call to OpenRouter (or another OpenAI-compatible server) can fail, typed, with
//! the words a producer reads. OpenRouter's error body is `{"error": {code, message,
//! metadata}}`; the real cause of a "Provider returned error" hides in `metadata.raw`, and
//! moderation reasons in `metadata.reasons` — both are surfaced.

use std::time::Duration;

use crate::ErrorCode;
use serde::{Deserialize, Serialize};

/// What went wrong, as the retry table sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// 400: the request itself is wrong; retrying cannot help.
    BadRequest,
    /// 401: the key is missing, wrong or revoked.
    Unauthorized,
    /// 402: not enough credit for this request.
    PaymentRequired,
    /// 403: the provider's moderation flagged the content.
    Moderated,
    /// 404: the model does not exist (any more) or has no endpoints.
    ModelNotFound,
    /// 408: the request timed out at OpenRouter.
    RequestTimeout,
    /// 413: the prompt is larger than the model accepts.
    PayloadTooLarge,
    /// 429: rate-limited.
    RateLimited,
    /// 500 / 502: the provider failed.
    ProviderError,
    /// 503: no provider can serve the request with these routing requirements.
    NoProvider,
    /// 524: the provider timed out.
    UpstreamTimeout,
    /// 529: the provider is overloaded.
    Overloaded,
    /// Any other HTTP status.
    OtherStatus,
    /// The connection failed or was reset.
    Connection,
    /// No first token within the time-to-first-token limit.
    FirstTokenTimeout,
    /// The stream went quiet for longer than the idle limit.
    IdleTimeout,
    /// The whole attempt took longer than its limit.
    AttemptTimeout,
    /// The stream ended before the answer finished.
    StreamCut,
    /// A chunk or body that is not the JSON OpenRouter sends.
    Malformed,
    /// An error object arrived inside a stream that had started.
    MidStreamError,
    /// The caller cancelled.
    Cancelled,
}

impl FailureKind {
    pub fn from_status(status: u16) -> FailureKind {
        match status {
            400 | 422 => FailureKind::BadRequest,
            401 => FailureKind::Unauthorized,
            402 => FailureKind::PaymentRequired,
            403 => FailureKind::Moderated,
            404 => FailureKind::ModelNotFound,
            408 => FailureKind::RequestTimeout,
            413 => FailureKind::PayloadTooLarge,
            429 => FailureKind::RateLimited,
            500 | 502 => FailureKind::ProviderError,
            503 => FailureKind::NoProvider,
            524 => FailureKind::UpstreamTimeout,
            529 => FailureKind::Overloaded,
            _ => FailureKind::OtherStatus,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::BadRequest => "bad_request",
            FailureKind::Unauthorized => "unauthorized",
            FailureKind::PaymentRequired => "payment_required",
            FailureKind::Moderated => "moderated",
            FailureKind::ModelNotFound => "model_not_found",
            FailureKind::RequestTimeout => "request_timeout",
            FailureKind::PayloadTooLarge => "payload_too_large",
            FailureKind::RateLimited => "rate_limited",
            FailureKind::ProviderError => "provider_error",
            FailureKind::NoProvider => "no_provider",
            FailureKind::UpstreamTimeout => "upstream_timeout",
            FailureKind::Overloaded => "overloaded",
            FailureKind::OtherStatus => "other_status",
            FailureKind::Connection => "connection",
            FailureKind::FirstTokenTimeout => "first_token_timeout",
            FailureKind::IdleTimeout => "idle_timeout",
            FailureKind::AttemptTimeout => "attempt_timeout",
            FailureKind::StreamCut => "stream_cut",
            FailureKind::Malformed => "malformed",
            FailureKind::MidStreamError => "mid_stream_error",
            FailureKind::Cancelled => "cancelled",
        }
    }
}

/// A failed call, with everything the server told us.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayError {
    pub kind: FailureKind,
    pub status: Option<u16>,
    /// `error.code` as text (OpenRouter sends numbers or strings).
    pub code: Option<String>,
    /// `error.message` as the server wrote it.
    pub server_message: String,
    /// The upstream cause from `error.metadata.raw`, when given.
    pub raw: Option<String>,
    pub provider: Option<String>,
    /// Moderation reasons from a 403.
    pub reasons: Vec<String>,
    /// How long the server asked us to wait (header or metadata).
    pub retry_after: Option<Duration>,
    /// The model the request was for, to name it in the message.
    pub model: Option<String>,
    /// The generation the server had started before failing (billing may still apply).
    pub generation_id: Option<String>,
    /// It came from another OpenAI-compatible service, not OpenRouter: the words name it so.
    pub other_service: bool,
    /// For a 402 on OpenRouter: roughly how much more credit (USD) the answer needs.
    pub credit_needed: Option<rust_decimal::Decimal>,
}

impl GatewayError {
    pub fn new(kind: FailureKind, server_message: impl Into<String>) -> Self {
        GatewayError {
            kind,
            status: None,
            code: None,
            server_message: server_message.into(),
            raw: None,
            provider: None,
            reasons: Vec::new(),
            retry_after: None,
            model: None,
            generation_id: None,
            other_service: false,
            credit_needed: None,
        }
    }

    pub fn with_model(mut self, model: &str) -> Self {
        if self.model.is_none() {
            self.model = Some(model.to_string());
        }
        self
    }

    /// Builds the error from an HTTP status, `Retry-After` and the body.
    pub fn from_response(status: u16, retry_after: Option<Duration>, body: &[u8]) -> Self {
        let mut err = GatewayError::new(FailureKind::from_status(status), "");
        err.status = Some(status);
        err.retry_after = retry_after;
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(parsed) => err.absorb(parsed.error),
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                err.server_message = text.chars().take(300).collect();
            }
        }
        err
    }

    /// Builds the error from an `error` object that arrived inside a stream.
    pub fn from_stream_error(detail: ErrorDetail) -> Self {
        let mut err = GatewayError::new(FailureKind::MidStreamError, "");
        err.absorb(detail);
        err
    }

    fn absorb(&mut self, detail: ErrorDetail) {
        self.code = detail.code.map(|c| match c {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        });
        self.server_message = detail.message.unwrap_or_default();
        if let Some(meta) = detail.metadata {
            self.raw = meta.raw.map(|raw| match raw {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            });
            self.provider = meta.provider_name;
            self.reasons = meta.reasons.unwrap_or_default();
            if self.retry_after.is_none() {
                self.retry_after = meta.retry_after.and_then(seconds);
            }
        }
    }

    /// The upstream cause in a sentence: the message inside `raw` when it is JSON, else raw.
    pub fn cause(&self) -> Option<String> {
        let raw = self.raw.as_deref()?.trim();
        if raw.is_empty() {
            return None;
        }
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(raw) {
            let inner = v
                .pointer("/error/message")
                .or_else(|| v.pointer("/message"))
                .and_then(|m| m.as_str());
            if let Some(m) = inner {
                return Some(m.to_string());
            }
        }
        Some(raw.chars().take(300).collect())
    }

    fn model_name(&self) -> &str {
        self.model.as_deref().unwrap_or("The model")
    }
}

/// Plain words for the producer: what happened, and what to do.
impl std::fmt::Display for GatewayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let model = self.model_name();
        let cause = self.cause().map(|c| format!(" ({c})")).unwrap_or_default();
        match self.kind {
            FailureKind::Unauthorized if self.other_service => write!(
                f,
                "The service did not accept its key. Check the key in Settings, under Other services."
            ),
            FailureKind::Unauthorized => write!(
                f,
                "Your OpenRouter key was not accepted. Check it in Settings, or paste a new one."
            ),
            FailureKind::PaymentRequired if self.other_service => write!(
                f,
                "The service says the account cannot pay for this ({}). Add credit with the \
                 service, or choose a cheaper model; nothing was lost.",
                if self.server_message.is_empty() { "no details given" } else { &self.server_message }
            ),
            FailureKind::PaymentRequired if self.credit_needed.is_some() => write!(
                f,
                "Your OpenRouter credit is too low for this step: {model} needs about {} more \
                 to write it. Add credit on OpenRouter, then run again; nothing was lost.",
                crate::money::display_usd(self.credit_needed.unwrap_or_default())
            ),
            FailureKind::PaymentRequired => {
                let detail = if self.server_message.is_empty() {
                    String::new()
                } else {
                    format!(" OpenRouter said: “{}”", self.server_message)
                };
                write!(
                    f,
                    "Your OpenRouter credit ran out.{detail} Add credits on OpenRouter, or use a \
                     shorter output or cheaper models; nothing was lost."
                )
            }
            FailureKind::Moderated => {
                let reasons = if self.reasons.is_empty() {
                    self.server_message.clone()
                } else {
                    self.reasons.join(", ")
                };
                write!(
                    f,
                    "The provider declined this content: {reasons}. Edit the notes, or choose another model."
                )
            }
            FailureKind::ModelNotFound if self.other_service => write!(
                f,
                "{model} is not available on this service. Choose another model for this step."
            ),
            FailureKind::ModelNotFound => write!(
                f,
                "{} is no longer offered on OpenRouter. Choose another model for this step.",
                crate::catalog::model_ids::name_from_id(model)
            ),
            FailureKind::BadRequest => write!(
                f,
                "{model} could not take this request{}. Try another model, or shorten the notes.",
                if self.server_message.is_empty() { String::new() } else { format!(" ({})", self.server_message) }
            ),
            FailureKind::PayloadTooLarge => write!(
                f,
                "The notes are too long for {model}. Shorten them, or choose a model that reads more."
            ),
            FailureKind::RateLimited if is_daily_free_quota(self) => write!(
                f,
                "The free models' requests for today are used up. Allow paid backup models, add \
                 credit on OpenRouter (which raises the free allowance), or run again tomorrow."
            ),
            FailureKind::RateLimited => write!(f, "{model} was busy (too many requests){cause}."),
            FailureKind::ProviderError => write!(f, "{model}'s provider had a problem{cause}."),
            FailureKind::NoProvider => write!(f, "No provider could serve {model} right now{cause}."),
            FailureKind::UpstreamTimeout | FailureKind::RequestTimeout | FailureKind::AttemptTimeout => {
                write!(f, "{model} took too long to answer.")
            }
            FailureKind::FirstTokenTimeout => write!(f, "{model} did not start answering in time."),
            FailureKind::IdleTimeout => write!(f, "{model} stopped answering part-way."),
            FailureKind::Overloaded => write!(f, "{model} was overloaded{cause}."),
            FailureKind::Connection => write!(
                f,
                "Castwright could not reach the AI service. Check your internet connection and try again."
            ),
            FailureKind::StreamCut => write!(f, "{model}'s answer was cut off part-way."),
            FailureKind::Malformed => write!(f, "{model} sent an answer Castwright could not read."),
            FailureKind::MidStreamError => {
                let m = if self.server_message.is_empty() { "an error" } else { &self.server_message };
                write!(f, "{model} failed part-way through its answer: {m}{cause}.")
            }
            FailureKind::Cancelled => write!(f, "Stopped. The text so far is kept as a draft."),
            FailureKind::OtherStatus => write!(
                f,
                "{model} failed (status {}){cause}.",
                self.status.map(|s| s.to_string()).unwrap_or_else(|| "unknown".into())
            ),
        }
    }
}

impl std::error::Error for GatewayError {}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

/// OpenRouter's `error` object (in an error response, or a chunk of a 200 stream).
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: Option<serde_json::Value>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub metadata: Option<ErrorMetadata>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ErrorMetadata {
    #[serde(default)]
    pub raw: Option<serde_json::Value>,
    #[serde(default)]
    pub provider_name: Option<String>,
    #[serde(default)]
    pub reasons: Option<Vec<String>>,
    #[serde(default)]
    pub retry_after: Option<serde_json::Value>,
}

fn seconds(v: serde_json::Value) -> Option<Duration> {
    let secs = match v {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

/// Reads a `Retry-After` header: seconds (possibly fractional) or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let when =
        time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc2822).ok()?;
    let delta = when - time::OffsetDateTime::now_utc();
    Some(Duration::from_secs_f64(
        delta.as_seconds_f64().clamp(0.0, 86_400.0),
    ))
}

impl FailureKind {
    /// What a service's refusal is, for the producer (the table: `crate::error_codes`).
    pub fn code(self) -> ErrorCode {
        match self {
            FailureKind::Unauthorized => ErrorCode::KeyRejected,
            FailureKind::PaymentRequired => ErrorCode::CreditsExhausted,
            FailureKind::BadRequest => ErrorCode::InvalidInput,
            _ => ErrorCode::Internal,
        }
    }
}

impl GatewayError {
    pub fn code(&self) -> ErrorCode {
        self.kind.code()
    }
}

/// The 429 OpenRouter sends when a key's free-model requests for the day are used up
/// ("Rate limit exceeded: free-models-per-day. …").
pub fn is_daily_free_quota(e: &GatewayError) -> bool {
    if e.kind != FailureKind::RateLimited {
        return false;
    }
    let text = format!(
        "{} {}",
        e.server_message.to_ascii_lowercase(),
        e.raw.as_deref().unwrap_or_default().to_ascii_lowercase()
    );
    text.contains("free-models-per-day") || (text.contains("free") && text.contains("per day"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_error_surfaces_the_raw_cause() {
        let body = br#"{"error":{"message":"Provider returned error","code":502,"metadata":{"raw":"{\n \"error\": {\"code\": 500, \"message\": \"An internal error has occurred.\"}}","provider_name":"Google AI Studio"}}}"#;
        let err = GatewayError::from_response(502, None, body).with_model("Gemini Pro");
        assert_eq!(err.kind, FailureKind::ProviderError);
        assert_eq!(err.code.as_deref(), Some("502"));
        assert_eq!(err.provider.as_deref(), Some("Google AI Studio"));
        assert_eq!(
            err.cause().as_deref(),
            Some("An internal error has occurred.")
        );
        let msg = err.to_string();
        assert!(
            msg.contains("Gemini Pro's provider had a problem (An internal error has occurred.)"),
            "{msg}"
        );
    }

    #[test]
    fn moderation_names_the_reasons() {
        let body = br#"{"error":{"code":403,"message":"Input flagged","metadata":{"reasons":["violence","harassment"],"flagged_input":"...","provider_name":"OpenAI","model_slug":"openai/gpt-6.1-sol"}}}"#;
        let err = GatewayError::from_response(403, None, body);
        assert_eq!(err.kind, FailureKind::Moderated);
        assert!(err
            .to_string()
            .contains("declined this content: violence, harassment"));
    }

    #[test]
    fn retry_after_from_metadata_or_header() {
        let body =
            br#"{"error":{"code":429,"message":"Rate limited","metadata":{"retry_after":2.5}}}"#;
        let err = GatewayError::from_response(429, None, body);
        assert_eq!(err.retry_after, Some(Duration::from_millis(2500)));
        let err = GatewayError::from_response(429, parse_retry_after("0.05"), b"{}");
        assert_eq!(err.retry_after, Some(Duration::from_millis(50)));
        assert!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").is_some());
        assert!(parse_retry_after("soon").is_none());
    }

    #[test]
    fn a_non_json_body_keeps_its_text() {
        let err = GatewayError::from_response(500, None, b"<html>Bad gateway</html>");
        assert_eq!(err.kind, FailureKind::ProviderError);
        assert!(err.server_message.contains("Bad gateway"));
    }

    #[test]
    fn string_and_number_codes() {
        let s: ErrorDetail =
            serde_json::from_str(r#"{"code":"server_error","message":"x"}"#).unwrap();
        assert_eq!(
            GatewayError::from_stream_error(s).code.as_deref(),
            Some("server_error")
        );
        let n: ErrorDetail = serde_json::from_str(r#"{"code":502,"message":"x"}"#).unwrap();
        assert_eq!(
            GatewayError::from_stream_error(n).code.as_deref(),
            Some("502")
        );
    }

    #[test]
    fn statuses_map_to_kinds() {
        use FailureKind::*;
        for (status, kind) in [
            (400, BadRequest),
            (401, Unauthorized),
            (402, PaymentRequired),
            (403, Moderated),
            (404, ModelNotFound),
            (408, RequestTimeout),
            (413, PayloadTooLarge),
            (429, RateLimited),
            (500, ProviderError),
            (502, ProviderError),
            (503, NoProvider),
            (524, UpstreamTimeout),
            (529, Overloaded),
            (418, OtherStatus),
        ] {
            assert_eq!(FailureKind::from_status(status), kind, "{status}");
        }
    }
}
