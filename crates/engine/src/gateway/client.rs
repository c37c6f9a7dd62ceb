//! A small typed client for OpenRouter and any OpenAI-compatible server.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use tokio_util::sync::CancellationToken;

use super::catalog_types::{Credits, EndpointsResponse, Generation, KeyInfo, ModelsResponse};
use super::error::{parse_retry_after, FailureKind, GatewayError};
use super::sse::{SseEvent, SseReader};
use super::stream::{Step, StreamState};
use super::types::{ChatCompletion, ChatRequest, Completion};
use crate::secrets::Sensitive;

/// Who we say we are (OpenRouter's app attribution headers).
pub const REFERER: &str = "https://castwright.app";
pub const TITLE: &str = "Castwright";

/// Time limits for one streamed attempt.
#[derive(Debug, Clone, Copy)]
pub struct StreamLimits {
    /// From sending the request to the first text.
    pub first_token: Duration,
    /// Longest quiet spell between chunks once text is flowing.
    pub idle: Duration,
}

/// Facts about one attempt, known whether it succeeded or not.
#[derive(Debug, Clone, Default)]
pub struct AttemptTiming {
    pub latency: Duration,
    pub first_token: Option<Duration>,
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    key: Option<Sensitive<String>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("key", &self.key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl Client {
    /// A client for the API base (e.g. `https://openrouter.ai/api/v1`).
    pub fn new(base_url: &str, key: Option<Sensitive<String>>) -> Result<Client, GatewayError> {
        let mut headers = HeaderMap::new();
        headers.insert("HTTP-Referer", HeaderValue::from_static(REFERER));
        headers.insert("X-Title", HeaderValue::from_static(TITLE));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(Duration::from_secs(15))
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| GatewayError::new(FailureKind::Connection, e.to_string()))?;
        Ok(Client {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            key,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(key) = &self.key {
            // The only place the key leaves the keychain's wrapper.
            let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                .unwrap_or_else(|_| HeaderValue::from_static("Bearer invalid"));
            value.set_sensitive(true);
            rb = rb.header(AUTHORIZATION, value);
        }
        rb
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Result<reqwest::Response, GatewayError> {
        let resp = rb.send().await.map_err(connection_error)?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(resp);
        }
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = resp.bytes().await.unwrap_or_default();
        Err(GatewayError::from_response(status, retry_after, &body))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<T, GatewayError> {
        let resp = self.send(self.request(reqwest::Method::GET, path)).await?;
        let body = resp.bytes().await.map_err(connection_error)?;
        serde_json::from_slice(&body).map_err(|e| {
            GatewayError::new(
                FailureKind::Malformed,
                format!("unreadable answer from {path}: {e}"),
            )
        })
    }

    /// A plain (non-streamed) completion.
    pub async fn chat(
        &self,
        req: &ChatRequest,
        cancel: &CancellationToken,
    ) -> Result<(Completion, AttemptTiming), GatewayError> {
        let started = Instant::now();
        let mut body = req.clone();
        body.stream = false;
        let work = async {
            let resp = self
                .send(
                    self.request(reqwest::Method::POST, "/chat/completions")
                        .json(&body),
                )
                .await?;
            let header_id = generation_header(&resp);
            let bytes = resp.bytes().await.map_err(connection_error)?;
            // OpenRouter can answer 200 with an error object (e.g. a provider failure after
            // routing); treat it like the matching error response.
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                if v.get("error").is_some() && v.get("choices").is_none() {
                    let status = v
                        .pointer("/error/code")
                        .and_then(|c| c.as_u64())
                        .and_then(|c| u16::try_from(c).ok())
                        .unwrap_or(502);
                    let mut err = GatewayError::from_response(status, None, &bytes);
                    err.generation_id = header_id;
                    return Err(err);
                }
            }
            let parsed: ChatCompletion = serde_json::from_slice(&bytes).map_err(|e| {
                let mut err = GatewayError::new(
                    FailureKind::Malformed,
                    format!("unreadable completion: {e}"),
                );
                err.generation_id = header_id.clone();
                err
            })?;
            let choice = parsed.choices.first();
            Ok(Completion {
                generation_id: if parsed.id.is_empty() {
                    header_id.unwrap_or_default()
                } else {
                    parsed.id.clone()
                },
                model: if parsed.model.is_empty() {
                    req.model.clone()
                } else {
                    parsed.model.clone()
                },
                provider: parsed.provider.clone(),
                text: parsed.text().to_string(),
                finish_reason: choice.and_then(|c| c.finish_reason.clone()),
                usage: parsed.usage.clone(),
            })
        };
        let completion = tokio::select! {
            r = work => r,
            _ = cancel.cancelled() => Err(GatewayError::new(FailureKind::Cancelled, "cancelled")),
        }
        .map_err(|e| e.with_model(&req.model))?;
        let latency = started.elapsed();
        Ok((
            completion,
            AttemptTiming {
                latency,
                first_token: Some(latency),
            },
        ))
    }

    /// A streamed completion. Text goes to `on_text` as it arrives; the result is the whole
    /// answer. On failure the error carries the generation id (the provider may bill what it
    /// sent) and `timing` says how far it got.
    pub async fn chat_stream(
        &self,
        req: &ChatRequest,
        limits: StreamLimits,
        cancel: &CancellationToken,
        timing: &mut AttemptTiming,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, GatewayError> {
        let started = Instant::now();
        let mut body = req.clone();
        body.stream = true;
        let first_deadline = tokio::time::Instant::now() + limits.first_token;
        let send = self.send(
            self.request(reqwest::Method::POST, "/chat/completions")
                .header(CONTENT_TYPE, "application/json")
                .json(&body),
        );
        let resp = tokio::select! {
            r = send => r.map_err(|e| e.with_model(&req.model))?,
            _ = tokio::time::sleep_until(first_deadline) => {
                timing.latency = started.elapsed();
                return Err(GatewayError::new(FailureKind::FirstTokenTimeout, "no answer in time").with_model(&req.model));
            }
            _ = cancel.cancelled() => {
                timing.latency = started.elapsed();
                return Err(GatewayError::new(FailureKind::Cancelled, "cancelled").with_model(&req.model));
            }
        };
        let mut state = StreamState::new(generation_header(&resp));
        let mut reader = SseReader::new();
        let mut events: Vec<SseEvent> = Vec::new();
        let mut bytes = resp.bytes_stream();
        let mut last_data = tokio::time::Instant::now();
        let result: Result<(), GatewayError> = 'read: loop {
            let deadline = match timing.first_token {
                None => first_deadline,
                Some(_) => last_data + limits.idle,
            };
            let next = tokio::select! {
                n = bytes.next() => n,
                _ = tokio::time::sleep_until(deadline) => {
                    let kind = if timing.first_token.is_none() { FailureKind::FirstTokenTimeout } else { FailureKind::IdleTimeout };
                    break 'read Err(GatewayError::new(kind, "the stream stalled"));
                }
                _ = cancel.cancelled() => break 'read Err(GatewayError::new(FailureKind::Cancelled, "cancelled")),
            };
            let at_end = next.is_none();
            match next {
                None => {
                    reader.finish(&mut events);
                }
                Some(Err(e)) => break 'read Err(connection_error(e)),
                Some(Ok(chunk)) => reader.feed(&chunk, &mut events),
            }
            let ended = next_is_end(&events, &state);
            for ev in events.drain(..) {
                last_data = tokio::time::Instant::now();
                match state.apply(&ev.data) {
                    Ok(Step::Text(t)) => {
                        if timing.first_token.is_none() {
                            timing.first_token = Some(started.elapsed());
                        }
                        on_text(t);
                    }
                    Ok(Step::Done) => break,
                    Ok(Step::Nothing) => {
                        // Metadata chunks also prove the stream is alive.
                    }
                    Err(e) => break 'read Err(e),
                }
            }
            if state.done || ended {
                break 'read Ok(());
            }
            if at_end {
                break 'read Ok(());
            }
        };
        timing.latency = started.elapsed();
        let gen_id = state.generation_id.clone();
        let provider = state.provider.clone();
        match result {
            Ok(()) => state
                .finish(&req.model)
                .map_err(|e| e.with_model(&req.model)),
            Err(mut e) => {
                if e.generation_id.is_none() {
                    e.generation_id = gen_id;
                }
                if e.provider.is_none() {
                    e.provider = provider;
                }
                Err(e.with_model(&req.model))
            }
        }
    }

    /// `GET /models`: the catalog with prices.
    pub async fn models(&self) -> Result<ModelsResponse, GatewayError> {
        self.get_json("/models").await
    }

    /// `GET /models/{author}/{slug}/endpoints`: a model's provider endpoints and their prices.
    pub async fn endpoints(&self, model_id: &str) -> Result<EndpointsResponse, GatewayError> {
        let id = model_id.split(':').next().unwrap_or(model_id);
        self.get_json(&format!("/models/{id}/endpoints"))
            .await
            .map_err(|e| e.with_model(model_id))
    }

    /// `GET /generation?id=`: what a finished generation cost.
    pub async fn generation(&self, id: &str) -> Result<Generation, GatewayError> {
        #[derive(serde::Deserialize)]
        struct Wrap {
            data: Generation,
        }
        let w: Wrap = self
            .get_json(&format!("/generation?id={}", urlencode(id)))
            .await?;
        Ok(w.data)
    }

    /// `GET /key`: the key's label, limit and usage.
    pub async fn key_info(&self) -> Result<KeyInfo, GatewayError> {
        #[derive(serde::Deserialize)]
        struct Wrap {
            data: KeyInfo,
        }
        let w: Wrap = self.get_json("/key").await?;
        Ok(w.data)
    }

    /// `GET /credits`: credit bought and used.
    pub async fn credits(&self) -> Result<Credits, GatewayError> {
        #[derive(serde::Deserialize)]
        struct Wrap {
            data: Credits,
        }
        let w: Wrap = self.get_json("/credits").await?;
        Ok(w.data)
    }
}

/// Whether the events just read include `[DONE]` (stop reading even if the server keeps the
/// connection open).
fn next_is_end(events: &[SseEvent], state: &StreamState) -> bool {
    state.done || events.iter().any(|e| e.data.trim() == "[DONE]")
}

fn generation_header(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get("x-generation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn connection_error(e: reqwest::Error) -> GatewayError {
    let kind = if e.is_timeout() {
        FailureKind::AttemptTimeout
    } else if e.is_decode() || e.is_body() {
        FailureKind::StreamCut
    } else {
        FailureKind::Connection
    };
    // reqwest's message names the URL, never headers, so the key cannot appear in it.
    GatewayError::new(kind, e.to_string())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
