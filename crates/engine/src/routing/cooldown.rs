//! Models that keep failing rest for a while instead of being hammered.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What we have seen of one model recently.
#[derive(Debug, Clone, Default)]
pub struct ModelHealth {
    pub failures_in_a_row: u32,
    pub cooling_until: Option<Instant>,
    /// The last outcomes (true = success) with their latency, newest last.
    pub recent: VecDeque<(bool, Duration)>,
}

const RECENT: usize = 50;

#[derive(Debug, Clone, Default)]
pub struct Cooldowns {
    inner: Arc<Mutex<HashMap<String, ModelHealth>>>,
}

impl Cooldowns {
    pub fn is_cooling(&self, model: &str) -> bool {
        let map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        map.get(model)
            .and_then(|h| h.cooling_until)
            .is_some_and(|until| Instant::now() < until)
    }

    pub fn record(&self, model: &str, ok: bool, latency: Duration, after: u32, cooldown: Duration) {
        let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let h = map.entry(model.to_string()).or_default();
        h.recent.push_back((ok, latency));
        while h.recent.len() > RECENT {
            h.recent.pop_front();
        }
        if ok {
            h.failures_in_a_row = 0;
            h.cooling_until = None;
        } else {
            h.failures_in_a_row += 1;
            if h.failures_in_a_row >= after {
                h.cooling_until = Some(Instant::now() + cooldown);
                tracing::info!(model, "model cooling down after repeated failures");
            }
        }
    }

    pub fn snapshot(&self) -> HashMap<String, ModelHealth> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_failures_cool_a_model_and_a_success_clears_it() {
        let c = Cooldowns::default();
        let d = Duration::from_millis(1);
        c.record("m", false, d, 3, Duration::from_secs(60));
        c.record("m", false, d, 3, Duration::from_secs(60));
        assert!(!c.is_cooling("m"));
        c.record("m", false, d, 3, Duration::from_secs(60));
        assert!(c.is_cooling("m"));
        c.record("m", true, d, 3, Duration::from_secs(60));
        assert!(!c.is_cooling("m"));
        assert!(!c.is_cooling("other"));
    }
}
