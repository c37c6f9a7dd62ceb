//! The demo connection: the local OpenRouter emulator started in-process on loopback, so a
//! producer can try Castwright without an API key. Its prices are examples; nothing is
//! charged. Everything it says is labelled simulated.

use openrouter_sim::{Scenario, SimConfig, SimServer};

use crate::secrets::Sensitive;
use crate::ErrorCode;

/// The connection id of the demo. The cache keys on this id, never on the emulator's URL
/// (which changes every start), so a simulated answer is never replayed on a real connection.
pub const CONNECTION_ID: &str = "demo";

/// A scenario file that replaces the demo's realistic latencies (tests and automation).
pub const SCENARIO_ENV: &str = "CASTWRIGHT_DEMO_SCENARIO";

/// The words shown wherever the demo is active.
pub const LABEL: &str = "Simulated — prices are examples; nothing is charged";

#[derive(Debug, thiserror::Error)]
#[error("The demo could not start ({0}). Restart Castwright and try again.")]
pub struct DemoError(String);

/// Starts the emulator on a free loopback port. Must be called inside a Tokio runtime.
pub async fn start() -> Result<SimServer, DemoError> {
    let scenario = match std::env::var_os(SCENARIO_ENV) {
        Some(path) if !path.is_empty() => {
            Scenario::from_file(&path).map_err(|e| DemoError(e.to_string()))?
        }
        _ => Scenario::demo(),
    };
    SimServer::start(SimConfig {
        seed: 0,
        scenario,
        ..SimConfig::default()
    })
    .await
    .map_err(|e| DemoError(e.to_string()))
}

/// The key the demo calls the emulator with: the one the emulator issued when it started.
/// It is handed over in memory only, so it never reaches settings, the database, the
/// keychain, a log or the UI.
pub fn key(sim: &SimServer) -> Sensitive<String> {
    Sensitive::new(sim.key())
}

impl DemoError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Internal
    }
}
