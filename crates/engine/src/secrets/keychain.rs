//! The OS keychain behind a tiny interface: set, read, check, delete.

use super::Sensitive;
use crate::ErrorCode;

/// The keychain service every Castwright secret is filed under.
pub const SERVICE: &str = "castwright";

/// Moves every secret under another keychain service name, so a test run or a second
/// installation never touches the producer's real key.
pub const SERVICE_ENV: &str = "CASTWRIGHT_KEYCHAIN_SERVICE";

/// The account name of the OpenRouter API key.
pub const OPENROUTER_ACCOUNT: &str = "openrouter";

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(
        "Castwright could not reach your computer's keychain ({detail}). On Linux this is the \
         Secret Service (GNOME Keyring or KWallet): make sure it is running and unlocked, then \
         try again. Your key was not saved anywhere else."
    )]
    Unavailable { detail: String },
    #[error("The key is empty. Paste the whole key, starting with sk-or-.")]
    EmptyKey,
    #[error("The keychain entry for Castwright could not be read: {detail}. Remove the key and add it again.")]
    Unreadable { detail: String },
}

impl SecretsError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SecretsError::Unavailable { .. } => ErrorCode::KeychainUnavailable,
            SecretsError::EmptyKey => ErrorCode::InvalidInput,
            SecretsError::Unreadable { .. } => ErrorCode::KeychainUnavailable,
        }
    }
}

/// Maps keyring's errors to ours. The details keyring gives never contain the secret itself
/// (it reports platform failures and attribute problems), so they are safe to show.
fn map_err(err: keyring::Error) -> SecretsError {
    match err {
        keyring::Error::BadEncoding(_) => SecretsError::Unreadable {
            detail: "it is not valid text".into(),
        },
        keyring::Error::Ambiguous(_) => SecretsError::Unreadable {
            detail: "there are several entries with the same name".into(),
        },
        other => SecretsError::Unavailable {
            detail: other.to_string(),
        },
    }
}

/// Secrets for one keychain service. Tests use their own service name so they never touch a
/// real user's key.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

impl Default for Keychain {
    fn default() -> Self {
        Keychain::with_service(SERVICE)
    }
}

impl Keychain {
    /// The keychain as the app uses it: service `castwright`, unless `CASTWRIGHT_KEYCHAIN_SERVICE`
    /// names another.
    pub fn from_env() -> Self {
        match std::env::var(SERVICE_ENV) {
            Ok(service) if !service.trim().is_empty() => Keychain::with_service(service),
            _ => Keychain::default(),
        }
    }

    pub fn with_service(service: impl Into<String>) -> Self {
        Keychain {
            service: service.into(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretsError> {
        keyring::Entry::new(&self.service, account).map_err(map_err)
    }

    /// Stores `secret` for `account`, replacing any earlier one. Surrounding whitespace (a
    /// common copy-paste accident) is removed first.
    pub fn set(&self, account: &str, secret: &Sensitive<String>) -> Result<(), SecretsError> {
        let trimmed = secret.expose().trim();
        if trimmed.is_empty() {
            return Err(SecretsError::EmptyKey);
        }
        self.entry(account)?
            .set_password(trimmed)
            .map_err(map_err)?;
        tracing::info!(account, "key stored in the keychain");
        Ok(())
    }

    /// The secret for `account`, or `None` when none is stored.
    pub fn get(&self, account: &str) -> Result<Option<Sensitive<String>>, SecretsError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(Some(Sensitive::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(map_err(err)),
        }
    }

    pub fn has(&self, account: &str) -> Result<bool, SecretsError> {
        Ok(self.get(account)?.is_some())
    }

    /// Removes the secret for `account`; removing one that is not there is not an error.
    pub fn delete(&self, account: &str) -> Result<(), SecretsError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {
                tracing::info!(account, "key removed from the keychain");
                Ok(())
            }
            Err(err) => Err(map_err(err)),
        }
    }
}
