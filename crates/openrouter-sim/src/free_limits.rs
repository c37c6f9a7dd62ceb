//! OpenRouter's free-model limits: every request to a `:free` model counts against its
//! account's allowance of 20 a minute and 50 a UTC day, or 1,000 a day once the account has
//! bought at least $10 of credits (OpenRouter's "Free Variant" and "Limits" documentation).
//! Past either, OpenRouter answers 429 with `Rate limit exceeded: free-models-per-min.` or
//! `…free-models-per-day…`, and the `X-RateLimit-*` values in the body's metadata and headers.
//! `/key` shows the day's count as `free_model_daily_requests`.
//!
//! Here each key is its own account; its credit stands for what it bought.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const MINUTE: Duration = Duration::from_secs(60);
const DAY_MS: u64 = 86_400_000;

/// The allowance, as OpenRouter publishes it. A scenario may change it (tests reach the daily
/// limit without first meeting the per-minute one).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FreeLimits {
    pub per_minute: u32,
    /// Requests a UTC day for an account that bought less than `credits_threshold`.
    pub per_day: u32,
    /// Requests a UTC day once it bought at least `credits_threshold`.
    pub per_day_with_credits: u32,
    /// USD.
    pub credits_threshold: Decimal,
}

impl Default for FreeLimits {
    fn default() -> Self {
        FreeLimits {
            per_minute: 20,
            per_day: 50,
            per_day_with_credits: 1000,
            credits_threshold: Decimal::from(10),
        }
    }
}

impl FreeLimits {
    /// Whether an account with this much credit bought has the higher daily allowance.
    pub fn high_balance(&self, credits: Decimal) -> bool {
        credits >= self.credits_threshold
    }

    pub fn daily_for(&self, credits: Decimal) -> u32 {
        if self.high_balance(credits) {
            self.per_day_with_credits
        } else {
            self.per_day
        }
    }
}

/// Why a free-model request was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    PerMinute {
        limit: u32,
        reset_unix_ms: u64,
    },
    PerDay {
        limit: u32,
        reset_unix_ms: u64,
        high_balance: bool,
        /// The higher allowance, named in the message to accounts that have not bought credit.
        with_credits: u32,
        threshold: Decimal,
    },
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::PerMinute { .. } => "Rate limit exceeded: free-models-per-min.".into(),
            Refusal::PerDay {
                high_balance: true,
                ..
            } => "Rate limit exceeded: free-models-per-day-high-balance.".into(),
            Refusal::PerDay {
                with_credits,
                threshold,
                ..
            } => format!(
                "Rate limit exceeded: free-models-per-day. Add {} credits to unlock {with_credits} free model requests per day",
                threshold.normalize()
            ),
        }
    }

    /// `X-RateLimit-Limit`, `-Remaining` and `-Reset` (Unix milliseconds), as strings.
    pub fn rate_limit_headers(&self) -> [(&'static str, String); 3] {
        let (limit, reset) = match self {
            Refusal::PerMinute {
                limit,
                reset_unix_ms,
            }
            | Refusal::PerDay {
                limit,
                reset_unix_ms,
                ..
            } => (*limit, *reset_unix_ms),
        };
        [
            ("x-ratelimit-limit", limit.to_string()),
            ("x-ratelimit-remaining", "0".into()),
            ("x-ratelimit-reset", reset.to_string()),
        ]
    }

    /// The `error.metadata` OpenRouter sends with these 429s.
    pub fn metadata(&self) -> Value {
        let [(_, limit), (_, remaining), (_, reset)] = self.rate_limit_headers();
        json!({
            "headers": {
                "X-RateLimit-Limit": limit,
                "X-RateLimit-Remaining": remaining,
                "X-RateLimit-Reset": reset,
            },
            "provider_name": null,
        })
    }
}

#[derive(Default)]
struct Account {
    /// UTC day number of `used_today`.
    day: u64,
    used_today: u32,
    /// When the requests of the last minute were admitted.
    recent: VecDeque<Instant>,
}

/// Every account's free-model requests.
#[derive(Default)]
pub struct FreeCounter {
    accounts: Mutex<HashMap<String, Account>>,
}

impl FreeCounter {
    /// Counts one free-model request for `key`, or says which limit it is over.
    pub fn admit(
        &self,
        key: &str,
        limits: &FreeLimits,
        credits: Decimal,
        now: Instant,
        now_unix_ms: u64,
    ) -> Result<(), Refusal> {
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        let acc = accounts.entry(key.to_owned()).or_default();
        let today = now_unix_ms / DAY_MS;
        if acc.day != today {
            acc.day = today;
            acc.used_today = 0;
        }
        while acc
            .recent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= MINUTE)
        {
            acc.recent.pop_front();
        }
        let daily = limits.daily_for(credits);
        if acc.used_today >= daily {
            return Err(Refusal::PerDay {
                limit: daily,
                reset_unix_ms: (today + 1) * DAY_MS,
                high_balance: limits.high_balance(credits),
                with_credits: limits.per_day_with_credits,
                threshold: limits.credits_threshold,
            });
        }
        if acc.recent.len() >= limits.per_minute as usize {
            let frees_at = acc.recent.front().map_or(MINUTE, |t| {
                MINUTE.saturating_sub(now.saturating_duration_since(*t))
            });
            return Err(Refusal::PerMinute {
                limit: limits.per_minute,
                reset_unix_ms: now_unix_ms + frees_at.as_millis() as u64,
            });
        }
        acc.used_today += 1;
        acc.recent.push_back(now);
        Ok(())
    }

    /// Free-model requests `key` made today (UTC).
    pub fn used_today(&self, key: &str, now_unix_ms: u64) -> u32 {
        let accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        accounts
            .get(key)
            .filter(|a| a.day == now_unix_ms / DAY_MS)
            .map_or(0, |a| a.used_today)
    }

    /// `/key`'s `free_model_daily_requests`.
    pub fn daily_json(
        &self,
        key: &str,
        limits: &FreeLimits,
        credits: Decimal,
        now_unix_ms: u64,
    ) -> Value {
        let used = self.used_today(key, now_unix_ms);
        let limit = limits.daily_for(credits);
        json!({"limit": limit, "remaining": limit.saturating_sub(used), "used": used})
    }

    pub fn reset(&self) {
        self.accounts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Whether an id (with or without a routing suffix) names a free variant.
pub fn is_free(model_id: &str) -> bool {
    model_id.ends_with(":free")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON: u64 = 1_796_212_800_000; // 2026-12-02T12:00:00Z

    #[test]
    fn twenty_a_minute_then_refused_until_the_minute_has_passed() {
        let c = FreeCounter::default();
        let l = FreeLimits::default();
        let t0 = Instant::now();
        for i in 0..20 {
            c.admit("k", &l, Decimal::from(10), t0, NOON + i).unwrap();
        }
        let r = c
            .admit(
                "k",
                &l,
                Decimal::from(10),
                t0 + Duration::from_secs(30),
                NOON + 30_000,
            )
            .unwrap_err();
        assert_eq!(
            r,
            Refusal::PerMinute {
                limit: 20,
                reset_unix_ms: NOON + 60_000
            }
        );
        assert_eq!(r.message(), "Rate limit exceeded: free-models-per-min.");
        c.admit("k", &l, Decimal::from(10), t0 + MINUTE, NOON + 60_000)
            .unwrap();
        // Another account is not affected.
        c.admit("other", &l, Decimal::from(10), t0, NOON).unwrap();
    }

    #[test]
    fn the_daily_allowance_depends_on_credits_bought_and_resets_at_utc_midnight() {
        let l = FreeLimits {
            per_minute: 10_000,
            ..FreeLimits::default()
        };
        let c = FreeCounter::default();
        let t0 = Instant::now();
        for _ in 0..50 {
            c.admit("poor", &l, Decimal::new(5, 0), t0, NOON).unwrap();
        }
        let r = c
            .admit("poor", &l, Decimal::new(5, 0), t0, NOON)
            .unwrap_err();
        assert_eq!(
            r.message(),
            "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day"
        );
        let midnight = (NOON / DAY_MS + 1) * DAY_MS;
        assert_eq!(r.metadata()["headers"]["X-RateLimit-Limit"], "50");
        assert_eq!(
            r.metadata()["headers"]["X-RateLimit-Reset"],
            midnight.to_string()
        );
        assert_eq!(
            c.daily_json("poor", &l, Decimal::new(5, 0), NOON),
            json!({"limit": 50, "remaining": 0, "used": 50})
        );
        // The next UTC day starts again.
        c.admit("poor", &l, Decimal::new(5, 0), t0, midnight)
            .unwrap();
        assert_eq!(c.used_today("poor", midnight), 1);
        // $10 bought: 1,000 a day.
        assert_eq!(l.daily_for(Decimal::from(10)), 1000);
        let rich = FreeLimits {
            per_day_with_credits: 2,
            ..l
        };
        c.admit("rich", &rich, Decimal::from(25), t0, NOON).unwrap();
        c.admit("rich", &rich, Decimal::from(25), t0, NOON).unwrap();
        let r = c
            .admit("rich", &rich, Decimal::from(25), t0, NOON)
            .unwrap_err();
        assert_eq!(
            r.message(),
            "Rate limit exceeded: free-models-per-day-high-balance."
        );
    }
}
