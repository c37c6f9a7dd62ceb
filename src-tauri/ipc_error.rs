//! The one error type that crosses IPC: `{code, message}`. The code is what the UI acts on
//! (which screen or button to offer); the message is the plain sentence it shows.

use castwright_engine::ErrorCode;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        IpcError::new(ErrorCode::Internal, message)
    }
}

/// Every engine error type has a `code()` and a plain `Display`; this maps them alike.
macro_rules! from_engine {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for IpcError {
            fn from(err: $t) -> Self {
                IpcError::new(err.code(), err.to_string())
            }
        }
    )*};
}

from_engine!(
    castwright_engine::secrets::SecretsError,
    castwright_engine::store::StoreError,
    castwright_engine::settings::SettingsError,
    castwright_engine::connections::KeyError,
    castwright_engine::connections::OtherError,
    castwright_engine::connections::connect::ConnectError,
    castwright_engine::store::backup::BackupError,
    castwright_engine::pipeline::PipelineError,
    castwright_engine::privacy::PrivacyError,
);

impl From<rusqlite::Error> for IpcError {
    fn from(err: rusqlite::Error) -> Self {
        IpcError::new(
            ErrorCode::Database,
            castwright_engine::store::plain_words(&err),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let err = IpcError::new(ErrorCode::KeychainUnavailable, "The keychain is locked.");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "keychain_unavailable", "message": "The keychain is locked."})
        );
    }
}
