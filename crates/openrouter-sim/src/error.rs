//! Errors the emulator's library API can return. HTTP-level failures are not errors here:
//! they are answers the emulator gives on purpose (see `server::api_error`).

use std::path::PathBuf;

/// Why the emulator could not start, load a scenario or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("could not read the scenario file {path}: {source}")]
    ScenarioRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the scenario is not valid: {0}")]
    ScenarioInvalid(String),
    #[error("the built-in model catalog is not valid: {0}")]
    Catalog(String),
}
