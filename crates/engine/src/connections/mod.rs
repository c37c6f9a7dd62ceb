//! Connections: where AI calls go (OpenRouter, the demo emulator, another OpenAI-compatible
//! endpoint), and the bookkeeping around their keys. The keys themselves live in the keychain;
//! the database only remembers when a key was set, for the rotation reminder.

pub mod by_name;
pub mod connect;
mod openrouter_key;
pub mod other;
mod other_checks;

pub use openrouter_key::{
    delete_openrouter_key, key_status, set_openrouter_key, KeyError, KeyStatus,
};
pub use other::{ManualPrice, OtherConnection, OtherConnectionInput, OtherError};

/// The id of the built-in OpenRouter connection.
pub const OPENROUTER: &str = "openrouter";
