//! How the emulator's OAuth PKCE sign-in behaves in a scenario.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The `/auth` approval page and the codes it hands out.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OAuthScenario {
    /// The user declines on OpenRouter's page: `/auth` sends the browser back to the
    /// callback with `error=access_denied` and no code.
    pub refuse: bool,
    /// How long a code can be exchanged after `/auth` issued it.
    pub code_lifetime_ms: u64,
    /// Credit of each key issued through the flow; the scenario's `default_credits` when absent.
    pub credits: Option<Decimal>,
    /// Spending limit of each issued key, if any.
    pub limit: Option<Decimal>,
}

impl Default for OAuthScenario {
    fn default() -> Self {
        OAuthScenario {
            refuse: false,
            code_lifetime_ms: 5 * 60 * 1000,
            credits: None,
            limit: None,
        }
    }
}
