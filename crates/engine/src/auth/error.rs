//! What can go wrong while connecting, in the producer's words. No message carries the
//! verifier, the code or the key, nor what the server said (it might echo the code).

use crate::connections::KeyError;
use crate::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("Connecting was cancelled. Nothing was saved.")]
    Cancelled,
    #[error(
        "No approval came back from OpenRouter within {minutes} minutes, so nothing was saved. \
         Press \"Connect with OpenRouter\" to try again."
    )]
    TimedOut { minutes: u64 },
    #[error(
        "Castwright was not approved on OpenRouter, so nothing was saved. Press \"Connect with \
         OpenRouter\" to try again, or paste a key instead."
    )]
    Refused,
    #[error(
        "OpenRouter did not accept this sign-in (it may have expired or been used already). \
         Nothing was saved. Press \"Connect with OpenRouter\" to try again."
    )]
    CodeRefused,
    #[error(
        "Castwright could not reach OpenRouter. Check your internet connection, then press \
         \"Connect with OpenRouter\" again. Nothing was saved."
    )]
    Offline,
    #[error(
        "OpenRouter issued a key but did not accept it when Castwright checked it. Nothing was \
         saved. Try connecting again in a few minutes."
    )]
    KeyNotAccepted,
    #[error("Castwright could not wait for OpenRouter's answer on this computer ({detail}).")]
    Listener { detail: String },
    #[error("Another connection to OpenRouter is already waiting for your approval.")]
    AlreadyWaiting,
    #[error(transparent)]
    Save(#[from] KeyError),
}

impl AuthError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AuthError::Cancelled => ErrorCode::Cancelled,
            AuthError::Refused | AuthError::CodeRefused | AuthError::KeyNotAccepted => {
                ErrorCode::KeyRejected
            }
            AuthError::TimedOut { .. } | AuthError::AlreadyWaiting => ErrorCode::InvalidInput,
            AuthError::Offline | AuthError::Listener { .. } => ErrorCode::Internal,
            AuthError::Save(e) => e.code(),
        }
    }
}
