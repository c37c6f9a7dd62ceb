//! State shared by all requests: the catalog, the current scenario with its fault counters,
//! and the ledger. Locks are std mutexes held only for short, await-free sections.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rand::Rng;

use super::oauth_book::OAuthBook;
use crate::answers::{AnswerBook, ScriptedAnswer};
use crate::catalog::Catalog;
use crate::clock;
use crate::faults::{Fault, FaultBook, Target};
use crate::free_limits::FreeCounter;
use crate::ledger::Ledger;
use crate::scenario::{KeyConfig, Scenario};
use crate::seeded::{self, Fnv};
use crate::textgen::source::Task;

struct Runtime {
    scenario: Arc<Scenario>,
    faults: FaultBook,
    answers: AnswerBook,
}

pub struct Shared {
    pub seed: u64,
    /// The key this emulator issued when it started: always accepted, with the scenario's
    /// default credit, whatever the scenario (it survives `set_scenario` and `reset`).
    pub own_key: String,
    pub catalog: Catalog,
    runtime: Mutex<Runtime>,
    ledger: Mutex<Ledger>,
    requests: AtomicU64,
    /// OAuth codes in flight and the keys the flow issued (see `oauth.rs`).
    pub oauth: OAuthBook,
    /// Requests to `:free` models per account, for the free-model limits.
    pub free: FreeCounter,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not wedge the emulator; the data stays usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub fn new(seed: u64, scenario: Scenario, catalog: Catalog) -> Shared {
        let faults = FaultBook::new(scenario.faults.len());
        let answers = AnswerBook::new(scenario.answers.len());
        Shared {
            seed,
            own_key: crate::keys::issue_key(),
            catalog,
            runtime: Mutex::new(Runtime {
                scenario: Arc::new(scenario),
                faults,
                answers,
            }),
            ledger: Mutex::new(Ledger::default()),
            requests: AtomicU64::new(0),
            oauth: OAuthBook::default(),
            free: FreeCounter::default(),
        }
    }

    pub fn scenario(&self) -> Arc<Scenario> {
        lock(&self.runtime).scenario.clone()
    }

    /// Replaces the scenario; fault counters start again.
    pub fn set_scenario(&self, s: Scenario) {
        let s = self.oauth.with_issued_keys(s);
        let mut rt = lock(&self.runtime);
        rt.faults = FaultBook::new(s.faults.len());
        rt.answers = AnswerBook::new(s.answers.len());
        rt.scenario = Arc::new(s);
    }

    /// Accepts `key` from now on with its own account, as a scenario's `keys` entry; fault
    /// counters carry on. The OAuth flow calls this for each key it issues.
    pub fn register_issued_key(&self, key: &str, account: KeyConfig) {
        let mut rt = lock(&self.runtime);
        let mut s = rt.scenario.as_ref().clone();
        s.keys.entry(key.to_owned()).or_insert(account);
        rt.scenario = Arc::new(s);
    }

    /// Forgets all billing, generations, cached prefixes and fault counters.
    pub fn reset(&self) {
        *lock(&self.ledger) = Ledger::default();
        let mut rt = lock(&self.runtime);
        rt.faults = FaultBook::new(rt.scenario.faults.len());
        rt.answers = AnswerBook::new(rt.scenario.answers.len());
        self.requests.store(0, Ordering::SeqCst);
        self.free.reset();
    }

    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        lock(&self.ledger)
    }

    /// Counts the attempt against the current scenario's rules; returns the faults that fire.
    pub fn check_faults(&self, target: &Target<'_>) -> Vec<Fault> {
        let mut rt = lock(&self.runtime);
        let scenario = rt.scenario.clone();
        rt.faults.check(&scenario.faults, self.seed, target)
    }

    /// The scripted answer for this task and model, if the scenario has one left.
    pub fn scripted_answer(&self, task: Task, model: &str) -> Option<ScriptedAnswer> {
        let mut rt = lock(&self.runtime);
        let scenario = rt.scenario.clone();
        rt.answers.take(&scenario.answers, task, model)
    }

    /// A fresh request number (1, 2, …) since start or reset.
    pub fn next_request(&self) -> u64 {
        self.requests.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// `gen-<unix>-<20 letters and digits>`, drawn from the seed and the request number.
    pub fn generation_id(&self, request_no: u64) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = seeded::rng(
            self.seed,
            Fnv::default().str("gen-id").u64(request_no).finish(),
        );
        let tail: String = (0..20)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        format!("gen-{}-{tail}", clock::unix_now())
    }

    /// Whether an endpoint with this uptime fails this attempt (only when the scenario asks).
    pub fn uptime_failure(
        &self,
        scenario: &Scenario,
        uptime: f64,
        request_no: u64,
        attempt: u64,
    ) -> bool {
        if !scenario.uptime_failures {
            return false;
        }
        let topic = Fnv::default()
            .str("uptime")
            .u64(request_no)
            .u64(attempt)
            .finish();
        let p_fail = ((100.0 - uptime) / 100.0).clamp(0.0, 1.0);
        seeded::rng(self.seed, topic).random::<f64>() < p_fail
    }
}

/// A catalog latency scaled by the scenario.
pub fn scaled(ms: u64, scale: f64) -> Duration {
    let secs = ms as f64 * scale / 1000.0;
    if secs.is_finite() && secs > 0.0 {
        Duration::from_secs_f64(secs)
    } else {
        Duration::ZERO
    }
}
