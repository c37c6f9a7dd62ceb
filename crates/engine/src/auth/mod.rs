//! One-click connect: OAuth PKCE against the connection's `/auth` and `/api/v1/auth/keys`.
//!
//! [`Connect::start`] makes a verifier and its S256 challenge and opens a one-shot loopback
//! callback; the caller opens [`Connect::auth_url`] in the browser; [`Connect::finish`] waits
//! for the browser to come back (cancellable, with a time limit), trades the code and the
//! verifier for a key and checks that key with `/key`; [`NewKey::save`] puts it in the
//! keychain in one step, replacing any earlier key only now that the new one is known to work.
//! The verifier, the code and the key stay inside `Sensitive` and never reach a log, the
//! database, IPC or an error message.

mod callback;
mod error;
mod exchange;
mod pkce;

use std::time::Duration;

use tokio_util::sync::CancellationToken;

pub use error::AuthError;
pub use pkce::s256_challenge;

use crate::connections::{set_openrouter_key, KeyStatus};
use crate::secrets::{Keychain, Sensitive};
use crate::store::Store;
use callback::Callback;
use pkce::Pkce;

/// How long the app waits for the producer to approve in the browser.
pub const APPROVAL_WAIT: Duration = Duration::from_secs(5 * 60);

/// A sign-in in progress: the browser has yet to come back.
pub struct Connect {
    base: String,
    pkce: Pkce,
    callback: Callback,
    auth_url: String,
}

/// `<origin>/auth` for an API base `<origin>/api/v1` (OpenRouter's approval page sits beside
/// the API, not inside it).
fn approval_page(base: &str) -> String {
    let origin = base.strip_suffix("/api/v1").unwrap_or(base);
    format!("{origin}/auth")
}

impl Connect {
    /// Prepares a sign-in against the API base (e.g. `https://openrouter.ai/api/v1`).
    pub async fn start(base_url: &str) -> Result<Connect, AuthError> {
        let base = base_url.trim_end_matches('/').to_owned();
        let pkce = Pkce::new();
        let callback = Callback::bind().await?;
        let auth_url = reqwest::Url::parse_with_params(
            &approval_page(&base),
            [
                ("callback_url", callback.url()),
                ("code_challenge", pkce.challenge.as_str()),
                ("code_challenge_method", "S256"),
            ],
        )
        .map_err(|_| AuthError::Offline)?
        .to_string();
        Ok(Connect {
            base,
            pkce,
            callback,
            auth_url,
        })
    }

    /// The page to open in the browser. It carries the challenge, never the verifier.
    pub fn auth_url(&self) -> &str {
        &self.auth_url
    }

    /// Waits for approval (at most `wait`), trades the code for a key, and checks the key.
    pub async fn finish(
        self,
        wait: Duration,
        cancel: &CancellationToken,
    ) -> Result<NewKey, AuthError> {
        tracing::info!("sign-in: waiting for approval in the browser");
        let code = self.callback.wait(wait, cancel).await?;
        let key = tokio::select! {
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            key = exchange::exchange(&self.base, &code, &self.pkce.verifier) => key?,
        };
        tokio::select! {
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            checked = exchange::check_key(&self.base, &key) => checked?,
        };
        tracing::info!("sign-in: OpenRouter issued a key and it works");
        Ok(NewKey(key))
    }
}

/// A key OpenRouter issued and accepted, not stored yet.
pub struct NewKey(Sensitive<String>);

impl NewKey {
    /// Stores it as the OpenRouter key (replacing the old one in the same write) and notes
    /// the time for the rotation reminder.
    pub fn save(self, store: &Store, keychain: &Keychain) -> Result<KeyStatus, AuthError> {
        Ok(set_openrouter_key(store, keychain, &self.0)?)
    }
}

#[cfg(test)]
mod tests {
    use super::approval_page;

    #[test]
    fn the_approval_page_sits_beside_the_api() {
        assert_eq!(
            approval_page("https://openrouter.ai/api/v1"),
            "https://openrouter.ai/auth"
        );
        assert_eq!(
            approval_page("http://127.0.0.1:9/api/v1"),
            "http://127.0.0.1:9/auth"
        );
    }
}
