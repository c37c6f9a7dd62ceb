//! Building the connection a run calls through, the one way for the window app and for
//! `castwright produce`: the client for the service, its profile (privacy, spending-limit
//! switch), the retry policy with the producer's paid-backups setting, the router and the
//! runner on the shared database. Where the key comes from is the caller's business (the
//! keychain, or an environment variable for the command); everything after is here.

use std::sync::{Arc, Mutex};

use openrouter_sim::SimServer;

use crate::demo::{self, DemoError};
use crate::gateway::{Client, GatewayError};
use crate::pipeline::Runner;
use crate::routing::{ConnectionKind, ConnectionProfile, RetryPolicy, Router};
use crate::secrets::Sensitive;
use crate::settings::Settings;
use crate::store::Store;
use crate::ErrorCode;

/// OpenRouter's API, unless the producer (or a test) points elsewhere.
pub const OPENROUTER_API: &str = "https://openrouter.ai/api/v1";

/// Which service to call.
pub enum Target {
    /// The local emulator, started in-process, with example prices and nothing charged.
    Demo,
    /// OpenRouter (or a server that speaks like it) with the producer's key.
    OpenRouter {
        base_url: String,
        key: Sensitive<String>,
    },
    /// Another OpenAI-compatible service the producer set up, with its key if it has one.
    Other(super::other::Endpoint),
}

/// A connection ready to run episodes.
pub struct Connected {
    pub runner: Runner,
    /// The emulator behind the demo: it serves for as long as this is kept, and stops when
    /// dropped.
    pub sim: Option<SimServer>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Demo(#[from] DemoError),
    #[error(transparent)]
    Client(#[from] GatewayError),
}

impl ConnectError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Internal
    }
}

/// Builds the runner for `target` with the producer's settings.
pub async fn connect(
    target: Target,
    settings: &Settings,
    store: Arc<Mutex<Store>>,
) -> Result<Connected, ConnectError> {
    let deny_data_collection = settings.privacy_deny_data_collection;
    let (client, profile, sim) = match target {
        Target::Demo => {
            let sim = demo::start().await?;
            let client = Client::new(&sim.api_base(), Some(demo::key(&sim)))?;
            let profile = ConnectionProfile {
                id: demo::CONNECTION_ID.into(),
                kind: ConnectionKind::Demo,
                deny_data_collection,
                limit_off: false,
            };
            (client, profile, Some(sim))
        }
        Target::OpenRouter { base_url, key } => {
            let client = Client::new(&base_url, Some(key))?;
            let profile = ConnectionProfile {
                id: super::OPENROUTER.into(),
                kind: ConnectionKind::OpenRouter,
                deny_data_collection,
                limit_off: false,
            };
            (client, profile, None)
        }
        Target::Other(endpoint) => {
            let client = Client::new(&endpoint.base_url, endpoint.key)?;
            let profile = ConnectionProfile {
                id: endpoint.id,
                kind: ConnectionKind::OpenAiCompatible,
                deny_data_collection,
                limit_off: endpoint.limit_off,
            };
            (client, profile, None)
        }
    };
    let policy = RetryPolicy {
        paid_backups_after_free_quota: settings.paid_backups_after_free_quota,
        ..RetryPolicy::default()
    };
    let router = Router::new(client, profile, store.clone(), policy);
    let runner = Runner::new(router, store, settings.monthly_limit_usd);
    Ok(Connected { runner, sim })
}
