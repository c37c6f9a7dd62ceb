use std::time::Duration;

use rand::Rng;

use crate::gateway::FailureKind;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Try the same models again after a backoff (then move on when retries run out).
    Retry,
    /// Go straight to the next models in the chain.
    NextModel,
    /// Stop the call: no other model can help.
    Stop,
}

/// The one table of which failures retry, move on, or stop. Each row has a test.
pub fn action_for(kind: FailureKind) -> Action {
    use FailureKind::*;
    match kind {
        // Nothing else will go better: the request, the key or the money is the problem.
        BadRequest | Unauthorized | PaymentRequired | Cancelled => Action::Stop,
        // This model cannot serve this request; another might.
        ModelNotFound | Moderated | PayloadTooLarge | NoProvider => Action::NextModel,
        // Passing trouble: worth another go.
        RequestTimeout | RateLimited | ProviderError | UpstreamTimeout | Overloaded
        | OtherStatus | Connection | FirstTokenTimeout | IdleTimeout | AttemptTimeout
        | StreamCut | Malformed | MidStreamError => Action::Retry,
    }
}

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
    use FailureKind::*;

    // One test per row of the table.
    #[test]
    fn bad_request_stops() {
        assert_eq!(action_for(BadRequest), Action::Stop);
    }
    #[test]
    fn unauthorized_stops() {
        assert_eq!(action_for(Unauthorized), Action::Stop);
    }
    #[test]
    fn payment_required_stops() {
        assert_eq!(action_for(PaymentRequired), Action::Stop);
    }
    #[test]
    fn cancelled_stops() {
        assert_eq!(action_for(Cancelled), Action::Stop);
    }
    #[test]
    fn model_not_found_moves_on() {
        assert_eq!(action_for(ModelNotFound), Action::NextModel);
    }
    #[test]
    fn moderated_moves_on() {
        assert_eq!(action_for(Moderated), Action::NextModel);
    }
    #[test]
    fn payload_too_large_moves_on() {
        assert_eq!(action_for(PayloadTooLarge), Action::NextModel);
    }
    #[test]
    fn no_provider_moves_on() {
        assert_eq!(action_for(NoProvider), Action::NextModel);
    }
    #[test]
    fn request_timeout_retries() {
        assert_eq!(action_for(RequestTimeout), Action::Retry);
    }
    #[test]
    fn rate_limited_retries() {
        assert_eq!(action_for(RateLimited), Action::Retry);
    }
    #[test]
    fn provider_error_retries() {
        assert_eq!(action_for(ProviderError), Action::Retry);
    }
    #[test]
    fn upstream_timeout_retries() {
        assert_eq!(action_for(UpstreamTimeout), Action::Retry);
    }
    #[test]
    fn overloaded_retries() {
        assert_eq!(action_for(Overloaded), Action::Retry);
    }
    #[test]
    fn other_status_retries() {
        assert_eq!(action_for(OtherStatus), Action::Retry);
    }
    #[test]
    fn connection_retries() {
        assert_eq!(action_for(Connection), Action::Retry);
    }
    #[test]
    fn first_token_timeout_retries() {
        assert_eq!(action_for(FirstTokenTimeout), Action::Retry);
    }
    #[test]
    fn idle_timeout_retries() {
        assert_eq!(action_for(IdleTimeout), Action::Retry);
    }
    #[test]
    fn attempt_timeout_retries() {
        assert_eq!(action_for(AttemptTimeout), Action::Retry);
    }
    #[test]
    fn stream_cut_retries() {
        assert_eq!(action_for(StreamCut), Action::Retry);
    }
    #[test]
    fn malformed_retries() {
        assert_eq!(action_for(Malformed), Action::Retry);
    }
    #[test]
    fn mid_stream_error_retries() {
        assert_eq!(action_for(MidStreamError), Action::Retry);
    }

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
