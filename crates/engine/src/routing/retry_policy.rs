//! Every timeout, cap and delay of a call, and the wait before a retry.

use std::time::Duration;

use rand::Rng;

/// Every timeout, cap and delay of the engine's calls. Tests set them to milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries of the same models before moving on.
    pub max_retries: u32,
    /// First backoff ceiling; doubles each retry (full jitter: a random wait up to it).
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` we honour; a longer one moves on to the next model instead.
    pub retry_after_cap: Duration,
    pub attempt_timeout: Duration,
    pub first_token_timeout: Duration,
    pub idle_timeout: Duration,
    /// The whole call, all attempts and waits included.
    pub deadline: Duration,
    /// Failures in a row after which a model cools down.
    pub cooldown_after: u32,
    pub cooldown: Duration,
    /// How many models go to OpenRouter together in one request (`models` array).
    pub server_fallback_width: usize,
    /// `/generation` answers 404 for a moment after a completion: how often and how long to
    /// ask again.
    pub generation_lookup_attempts: u32,
    pub generation_lookup_delay: Duration,
    /// When the free models' daily quota is used up, a paid model later in the chain may
    /// take over (the producer allowed paid backups); otherwise the call stops there.
    pub paid_backups_after_free_quota: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(20),
            attempt_timeout: Duration::from_secs(180),
            first_token_timeout: Duration::from_secs(45),
            idle_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(15 * 60),
            cooldown_after: 3,
            cooldown: Duration::from_secs(120),
            server_fallback_width: 3,
            generation_lookup_attempts: 8,
            generation_lookup_delay: Duration::from_millis(250),
            paid_backups_after_free_quota: false,
        }
    }
}

impl RetryPolicy {
    /// Fast settings for tests and benchmarks against the local emulator.
    pub fn fast() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(20),
            retry_after_cap: Duration::from_millis(200),
            attempt_timeout: Duration::from_secs(20),
            first_token_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            deadline: Duration::from_secs(60),
            cooldown_after: 3,
            cooldown: Duration::from_millis(500),
            server_fallback_width: 3,
            generation_lookup_attempts: 20,
            generation_lookup_delay: Duration::from_millis(10),
            paid_backups_after_free_quota: false,
        }
    }

    /// The wait before retry number `retry` (0-based): full jitter under an exponential
    /// ceiling, but never shorter than a `Retry-After` the server gave (capped).
    pub fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_delay);
        let jitter = if ceiling.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_micros(rand::thread_rng().gen_range(0..=ceiling.as_micros() as u64))
        };
        match retry_after {
            Some(ra) => jitter.max(ra.min(self.retry_after_cap)),
            None => jitter,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_ceiling_and_honours_retry_after() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for retry in 0..6 {
            for _ in 0..50 {
                let d = p.backoff(retry, None);
                let ceiling =
                    Duration::from_millis(100 * 2u64.pow(retry)).min(Duration::from_millis(350));
                assert!(d <= ceiling, "{d:?} > {ceiling:?}");
            }
        }
        assert!(p.backoff(0, Some(Duration::from_secs(3))) >= Duration::from_secs(3));
        // Capped.
        assert!(
            p.backoff(0, Some(Duration::from_secs(3600))) <= p.retry_after_cap.max(p.max_delay)
        );
    }
}
