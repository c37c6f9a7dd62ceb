//! What every step of a call works with: the connection's client and profile, the database
//! its calls are booked in (through the bookkeeping writer), the retry policy, and when the
//! prices were last found fresh. Each step (`prices`, `reserve`, `attempt`, `cost`, `settle`,
//! `reuse`) adds its methods to [`Link`] in its own file; the router owns one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::chain::Chain;
use super::connection::ConnectionProfile;
use super::retry_policy::RetryPolicy;
use crate::bookkeeping::Bookkeeper;
use crate::gateway::Client;

#[derive(Clone)]
pub(super) struct Link {
    pub client: Client,
    pub profile: ConnectionProfile,
    /// The database as the router uses it: the bookkeeping writer's connection, its reads
    /// and the writes handed to its thread.
    pub books: Arc<Bookkeeper>,
    pub policy: RetryPolicy,
    /// When the catalog ("") and each model's endpoints were last found fresh, so that calls
    /// in quick succession do not ask the database again.
    pub checked: Arc<Mutex<HashMap<String, Instant>>>,
}

impl Link {
    /// The model id as sent: `:floor`/`:nitro` are OpenRouter's routing variants, so another
    /// service gets the bare id it knows.
    pub fn routed(&self, chain: &Chain, model: &str) -> String {
        if self.profile.speaks_openrouter() {
            chain.routed(model)
        } else {
            model.to_string()
        }
    }
}
