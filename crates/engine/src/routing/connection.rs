//! The connection a router calls through, as the router needs to know it.

/// What kind of server a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionKind {
    OpenRouter,
    /// The local emulator: OpenRouter's API, simulated prices.
    Demo,
    /// Any other OpenAI-compatible server: no price list, no `usage.cost`, no `models` array.
    OpenAiCompatible,
}

/// The connection a router calls through.
#[derive(Debug, Clone)]
pub struct ConnectionProfile {
    pub id: String,
    pub kind: ConnectionKind,
    /// Send `provider.data_collection: "deny"`.
    pub deny_data_collection: bool,
    /// The producer knowingly turned spending limits off for this connection.
    pub limit_off: bool,
}

impl ConnectionProfile {
    pub(super) fn speaks_openrouter(&self) -> bool {
        self.kind != ConnectionKind::OpenAiCompatible
    }
}
