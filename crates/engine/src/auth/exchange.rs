//! Trading the code and the verifier for a key at `<base>/auth/keys`, then asking the new key
//! about itself (`/key`) before anything is stored.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::error::AuthError;
use crate::gateway::{Client, FailureKind, REFERER, TITLE};
use crate::secrets::Sensitive;

#[derive(Deserialize)]
struct Issued {
    key: String,
}

pub async fn exchange(
    base: &str,
    code: &Sensitive<String>,
    verifier: &Sensitive<String>,
) -> Result<Sensitive<String>, AuthError> {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|_| AuthError::Offline)?;
    let resp = http
        .post(format!("{base}/auth/keys"))
        .header("HTTP-Referer", REFERER)
        .header("X-Title", TITLE)
        .json(&json!({
            "code": code.expose(),
            "code_verifier": verifier.expose(),
            "code_challenge_method": "S256",
        }))
        .send()
        .await
        // reqwest's error text names the URL, never the body; still, say only what happened.
        .map_err(|_| AuthError::Offline)?;
    let status = resp.status().as_u16();
    if (400..500).contains(&status) {
        tracing::info!(status, "sign-in: OpenRouter refused the code");
        return Err(AuthError::CodeRefused);
    }
    if status != 200 {
        tracing::info!(status, "sign-in: OpenRouter failed the exchange");
        return Err(AuthError::Offline);
    }
    let issued: Issued = resp.json().await.map_err(|_| AuthError::CodeRefused)?;
    if issued.key.trim().is_empty() {
        return Err(AuthError::CodeRefused);
    }
    Ok(Sensitive::new(issued.key))
}

/// The new key answers `/key`: it works before it replaces anything.
pub async fn check_key(base: &str, key: &Sensitive<String>) -> Result<(), AuthError> {
    let client = Client::new(base, Some(key.clone())).map_err(|_| AuthError::Offline)?;
    match client.key_info().await {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.kind,
                FailureKind::Connection | FailureKind::AttemptTimeout
            ) =>
        {
            Err(AuthError::Offline)
        }
        Err(e) => {
            tracing::info!(
                kind = e.kind.as_str(),
                "sign-in: the new key was not accepted"
            );
            Err(AuthError::KeyNotAccepted)
        }
    }
}
