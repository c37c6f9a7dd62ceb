//! The emulator's OAuth book: codes waiting to be exchanged and the keys the flow issued. The
//! server state holds it; the `/auth` handlers in `oauth.rs` fill and read it.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::scenario::{KeyConfig, Scenario};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Method {
    S256,
    Plain,
}

impl Method {
    pub(super) fn parse(s: &str) -> Option<Method> {
        match s {
            "S256" => Some(Method::S256),
            "plain" => Some(Method::Plain),
            _ => None,
        }
    }
}

pub(super) struct Pending {
    pub(super) challenge: Option<String>,
    pub(super) method: Option<Method>,
    pub(super) issued_at: Instant,
    pub(super) lifetime: Duration,
}

#[derive(Default)]
pub(super) struct Book {
    pub(super) codes: HashMap<String, Pending>,
    pub(super) issued: BTreeMap<String, KeyConfig>,
    /// Every `code_verifier` received, so a leak test can search for the real one.
    pub(super) verifiers: Vec<String>,
}

/// Codes waiting to be exchanged, and the keys the flow has issued (which keep their accounts
/// when a test replaces the scenario).
#[derive(Default)]
pub struct OAuthBook {
    book: Mutex<Book>,
    counter: AtomicU64,
}

impl OAuthBook {
    pub(super) fn lock(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `n` random hex digits. Codes and keys must not be guessable from the seed, so they
    /// come from the process's random hasher keys rather than the scenario's seeded draws.
    pub(super) fn random_hex(&self, blocks: usize) -> String {
        (0..blocks)
            .map(|_| {
                let n = self.counter.fetch_add(1, Ordering::Relaxed);
                format!("{:016x}", RandomState::new().hash_one(n))
            })
            .collect()
    }

    /// The verifiers sent to `/api/v1/auth/keys` so far, in order.
    pub fn verifiers_seen(&self) -> Vec<String> {
        self.lock().verifiers.clone()
    }

    /// The scenario with every issued key added to its `keys` (entries it names win).
    pub fn with_issued_keys(&self, mut s: Scenario) -> Scenario {
        for (key, cfg) in &self.lock().issued {
            s.keys.entry(key.clone()).or_insert_with(|| cfg.clone());
        }
        s
    }
}
