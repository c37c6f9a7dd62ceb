//! A faithful local OpenRouter.
//!
//! OpenRouter cannot be reached from the build machines, and producers want to try the app
//! before paying, so this crate emulates the parts of OpenRouter's API the app uses: chat
//! completions (plain and streamed, with keep-alive comments, usage after `finish_reason` and
//! mid-stream errors), the `models` fallback array and `provider` preferences, `:floor`,
//! `:nitro` and `:free`, exact costs, `/models`, `/generation`, `/key` and `/credits`, and every
//! error OpenRouter returns, on demand through a seeded [`Scenario`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), openrouter_sim::SimError> {
//! use openrouter_sim::{Scenario, SimConfig, SimServer};
//! let sim = SimServer::start(SimConfig { seed: 7, scenario: Scenario::instant(), ..SimConfig::default() }).await?;
//! let base = sim.api_base(); // "http://127.0.0.1:PORT/api/v1"
//! # let _ = base;
//! sim.stop().await;
//! # Ok(()) }
//! ```

// No panicking shortcuts outside tests: a failure is an error the producer can read.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod answers;
mod catalog;
mod clock;
mod config;
mod error;
mod faults;
mod free_limits;
mod keys;
mod ledger;
mod money;
mod request;
mod routing;
mod scenario;
mod scenario_oauth;
mod seeded;
mod server;
mod textgen;
mod tokens;

pub use answers::ScriptedAnswer;
pub use config::SimConfig;
pub use error::SimError;
pub use faults::{ErrorFinish, Fault, FaultRule, When};
pub use free_limits::FreeLimits;
pub use keys::test_key;
pub use ledger::{BillingReport, GenerationSummary, KeyBilling};
pub use scenario::{EndpointOverride, KeyConfig, OAuthScenario, Scenario, Timing, UsageChunkStyle};
pub use server::SimServer;

/// The demo's own lines between the facts (reactions, lead-ins, questions), each of which
/// may be said up to twice in an episode; tests use them to tell filler from content.
pub mod demo_lines {
    pub use crate::textgen::lines::{COMMENTS, LEADS, QUESTIONS, REACTIONS};
}

/// The token approximation the emulator bills by, for clients that want to predict it.
pub mod token_count {
    pub use crate::tokens::{count, prompt, BYTES_PER_TOKEN, PER_MESSAGE, REPLY_PRIMING};
}
