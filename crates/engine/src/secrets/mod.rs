//! API keys, kept in the operating system's keychain and nowhere else.
//!
//! Keys never cross IPC (the UI only learns whether one is set), never reach a log, the
//! database, an export or an error message. When the keychain cannot be reached we say so
//! plainly; we never fall back to writing the key into a file.

mod keychain;
mod sensitive;

pub use keychain::{Keychain, SecretsError, OPENROUTER_ACCOUNT, SERVICE, SERVICE_ENV};
pub use sensitive::Sensitive;
