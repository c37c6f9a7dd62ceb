//! OpenRouter's answers about money, handled the way a producer would want: a 402 saying the
//! credit "can only afford N" tokens is tried once more with `max_tokens` lowered to N (never
//! below the stage's minimum), else the producer is told to add credit and roughly how much;
//! a 429 for the daily free-model quota is not retried, and moves on only to another free
//! model, or to a paid one when the producer allowed paid backups.

use rust_decimal::Decimal;

use crate::gateway::{FailureKind, GatewayError};

/// N from "… but can only afford N. …".
pub fn affordable_tokens(e: &GatewayError) -> Option<u32> {
    if e.kind != FailureKind::PaymentRequired {
        return None;
    }
    let msg = &e.server_message;
    let at = msg.find("can only afford")? + "can only afford".len();
    msg[at..]
        .trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
}

pub use crate::gateway::error::is_daily_free_quota;

/// A `:free` model id.
pub fn is_free(model: &str) -> bool {
    model.ends_with(":free")
}

/// What more credit would let the answer be written in full: the tokens it could not afford
/// at the dearest completion price, rounded up to a cent (at least one cent).
pub fn credit_needed(requested: u32, affordable: u32, completion_price: Decimal) -> Decimal {
    let short = Decimal::from(requested.saturating_sub(affordable)) * completion_price;
    short
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::AwayFromZero)
        .max(Decimal::new(1, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_credit_affords() {
        let e = GatewayError::new(
            FailureKind::PaymentRequired,
            "This request requires more credits, or fewer max_tokens. You requested up to 4000 tokens, but can only afford 1523. To increase, visit https://openrouter.ai/settings/credits and add more credits",
        );
        assert_eq!(affordable_tokens(&e), Some(1523));
        let broke = GatewayError::new(FailureKind::PaymentRequired, "Insufficient credits.");
        assert_eq!(affordable_tokens(&broke), None);
    }

    #[test]
    fn knows_the_daily_free_quota_from_a_passing_rate_limit() {
        let daily = GatewayError::new(
            FailureKind::RateLimited,
            "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
        );
        assert!(is_daily_free_quota(&daily));
        let busy = GatewayError::new(
            FailureKind::RateLimited,
            "Rate limit exceeded. Please try again later.",
        );
        assert!(!is_daily_free_quota(&busy));
    }

    #[test]
    fn credit_needed_rounds_up_to_a_cent() {
        let p = Decimal::new(15, 6); // $15 per million tokens
        assert_eq!(credit_needed(4000, 1500, p), Decimal::new(4, 2));
        assert_eq!(credit_needed(700, 699, p), Decimal::new(1, 2));
    }
}
