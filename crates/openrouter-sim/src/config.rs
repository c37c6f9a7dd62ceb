//! How a server is started.

use crate::scenario::Scenario;

/// Start-up settings of a [`crate::SimServer`].
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Seeds every random choice, so a run is reproducible.
    pub seed: u64,
    pub scenario: Scenario,
    /// Grace period for open connections when the server stops, in milliseconds.
    pub shutdown_grace_ms: u64,
}

impl Default for SimConfig {
    /// Seed 0 and the default scenario: all healthy, small latencies.
    fn default() -> Self {
        SimConfig {
            seed: 0,
            scenario: Scenario::default(),
            shutdown_grace_ms: 2000,
        }
    }
}
