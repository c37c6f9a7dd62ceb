use serde::Serialize;

use super::OPENROUTER;
use crate::secrets::{Keychain, SecretsError, Sensitive, OPENROUTER_ACCOUNT};
use crate::store::{Store, StoreError};
use crate::ErrorCode;

/// All the user interface ever learns about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyStatus {
    pub has_key: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl KeyError {
    pub fn code(&self) -> ErrorCode {
        match self {
            KeyError::Secrets(e) => e.code(),
            KeyError::Store(e) => e.code(),
        }
    }
}

impl From<rusqlite::Error> for KeyError {
    fn from(e: rusqlite::Error) -> Self {
        KeyError::Store(StoreError::Sqlite(e))
    }
}

/// Whether an OpenRouter key is in the keychain.
pub fn key_status(keychain: &Keychain) -> Result<KeyStatus, KeyError> {
    Ok(KeyStatus {
        has_key: keychain.has(OPENROUTER_ACCOUNT)?,
    })
}

/// Stores the key in the keychain and notes when, for the rotation reminder.
pub fn set_openrouter_key(
    store: &Store,
    keychain: &Keychain,
    key: &Sensitive<String>,
) -> Result<KeyStatus, KeyError> {
    keychain.set(OPENROUTER_ACCOUNT, key)?;
    store.conn().execute(
        "UPDATE connections SET key_set_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        [OPENROUTER],
    )?;
    Ok(KeyStatus { has_key: true })
}

/// Removes the key from the keychain.
pub fn delete_openrouter_key(store: &Store, keychain: &Keychain) -> Result<KeyStatus, KeyError> {
    keychain.delete(OPENROUTER_ACCOUNT)?;
    store.conn().execute(
        "UPDATE connections SET key_set_at = NULL WHERE id = ?1",
        [OPENROUTER],
    )?;
    Ok(KeyStatus { has_key: false })
}
