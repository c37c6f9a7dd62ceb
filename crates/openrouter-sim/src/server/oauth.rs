//! OAuth PKCE, as OpenRouter offers it to apps with no client secret: `GET /auth` (the page
//! where the user approves the app; here it decides at once) sends the browser back to the
//! app's `callback_url` with a one-time `code`, and `POST /api/v1/auth/keys` trades that code
//! and the PKCE `code_verifier` for a key with its own account.
//!
//! Errors follow OpenRouter's PKCE guide: 400 "Invalid code_challenge_method" when the method
//! differs from the one given to `/auth`, 403 "Invalid code or code_verifier" for a wrong,
//! reused or expired code or a verifier that does not match. The guide does not say how a
//! refusal reaches the app; the emulator sends `error=access_denied` (RFC 6749 §4.1.2.1) and
//! no code, which an app must treat the same as a callback that never comes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::api_error::ApiError;
use super::oauth_book::{Method, Pending};
use super::state::Shared;
use crate::scenario::KeyConfig;

#[derive(Deserialize)]
pub struct AuthQuery {
    callback_url: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// OpenRouter accepts https callbacks, and http ones on localhost or 127.0.0.1 on any port.
fn callback_allowed(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://")
        || ["http://localhost", "http://127.0.0.1"].iter().any(|p| {
            lower
                .strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/', '?']))
        })
}

fn redirect(callback: &str, param: &str) -> Response {
    let sep = if callback.contains('?') { '&' } else { '?' };
    let location = format!("{callback}{sep}{param}");
    (StatusCode::FOUND, [(LOCATION, location)]).into_response()
}

/// `GET /auth`: the approval page. It approves at once (or refuses, when the scenario says).
pub async fn authorize(State(st): State<Arc<Shared>>, Query(q): Query<AuthQuery>) -> Response {
    let Some(callback) = q.callback_url.filter(|c| callback_allowed(c)) else {
        return ApiError::bad_request("Invalid callback_url").into_response();
    };
    let method = match q.code_challenge_method.as_deref().filter(|m| !m.is_empty()) {
        None => None,
        Some(m) => match Method::parse(m) {
            Some(m) => Some(m),
            None => return ApiError::bad_request("Invalid code_challenge_method").into_response(),
        },
    };
    let challenge = q.code_challenge.filter(|c| !c.is_empty());
    let scenario = st.scenario();
    if scenario.oauth.refuse {
        return redirect(&callback, "error=access_denied");
    }
    let code = st.oauth.random_hex(2);
    st.oauth.lock().codes.insert(
        code.clone(),
        Pending {
            // A challenge without a method is a plain one (RFC 7636 §4.3).
            method: method.or(challenge.as_ref().map(|_| Method::Plain)),
            challenge,
            issued_at: Instant::now(),
            lifetime: Duration::from_millis(scenario.oauth.code_lifetime_ms),
        },
    );
    redirect(&callback, &format!("code={code}"))
}

#[derive(Deserialize)]
struct ExchangeBody {
    code: String,
    code_verifier: Option<String>,
    code_challenge_method: Option<String>,
}

fn invalid_code() -> Response {
    ApiError::new(403, "Invalid code or code_verifier").into_response()
}

/// `POST /api/v1/auth/keys`: one code, one key. Any attempt uses the code up, so a code that
/// met a wrong verifier cannot be tried again.
pub async fn exchange(State(st): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<ExchangeBody>(&body) else {
        return ApiError::bad_request("Invalid request parameters").into_response();
    };
    let pending = {
        let mut book = st.oauth.lock();
        if let Some(v) = &req.code_verifier {
            book.verifiers.push(v.clone());
        }
        book.codes.remove(&req.code)
    };
    let Some(pending) = pending else {
        return invalid_code();
    };
    if pending.issued_at.elapsed() > pending.lifetime {
        return invalid_code();
    }
    if let Some(sent) = req.code_challenge_method.as_deref() {
        if Method::parse(sent) != pending.method {
            return ApiError::bad_request("Invalid code_challenge_method").into_response();
        }
    }
    if let Some(challenge) = &pending.challenge {
        let Some(verifier) = req.code_verifier.as_deref() else {
            return invalid_code();
        };
        let derived = match pending.method {
            Some(Method::S256) => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            _ => verifier.to_owned(),
        };
        if derived != *challenge {
            return invalid_code();
        }
    }
    let key = format!("sk-or-v1-{}", st.oauth.random_hex(4));
    let user_id = format!("user_{}", &st.oauth.random_hex(2)[..27]);
    let scenario = st.scenario();
    let account = KeyConfig {
        credits: scenario.oauth.credits.or(Some(scenario.default_credits)),
        limit: scenario.oauth.limit,
        ..KeyConfig::default()
    };
    st.oauth.lock().issued.insert(key.clone(), account.clone());
    st.register_issued_key(&key, account);
    Json(json!({"key": key, "user_id": user_id})).into_response()
}

#[cfg(test)]
mod tests {
    use super::callback_allowed;

    #[test]
    fn callbacks_are_https_or_loopback() {
        assert!(callback_allowed("http://127.0.0.1:4312/cb/x"));
        assert!(callback_allowed("http://localhost:3000"));
        assert!(callback_allowed("https://example.org/cb"));
        assert!(!callback_allowed("http://localhost.evil.example/cb"));
        assert!(!callback_allowed("http://example.org/cb"));
        assert!(!callback_allowed("javascript:alert(1)"));
    }
}
