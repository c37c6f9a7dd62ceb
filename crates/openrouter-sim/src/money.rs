//! Exact money. Prices are per-token USD decimal strings, some below a nano-dollar; a
//! generation's cost is computed exactly and rounded half-up to 1e-10 USD, the precision
//! OpenRouter reports in `usage.cost`, `/generation` and the key's usage.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Number, Value};

/// Decimal places of every reported cost.
pub const COST_DP: u32 = 10;

/// Rounds half away from zero (half-up for the non-negative amounts used here) to 1e-10.
pub fn round_cost(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(COST_DP, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// Per-token prices of one endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prices {
    pub prompt: Decimal,
    pub completion: Decimal,
    /// Price of a cached prompt token; `None` when the endpoint has no prompt caching.
    pub cache_read: Option<Decimal>,
    pub request: Decimal,
}

/// What one generation costs, split as OpenRouter's `cost_details` splits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cost {
    pub total: Decimal,
    pub prompt_part: Decimal,
    pub completion_part: Decimal,
    /// What the cached tokens saved against the full prompt price (`cache_discount`).
    pub cache_discount: Decimal,
}

impl Prices {
    /// Exact cost of a generation, rounded once at the end. The parts are rounded too, and
    /// the completion part is taken as the remainder so the parts always add up to the total.
    pub fn cost(&self, prompt_tokens: u64, cached_tokens: u64, completion_tokens: u64) -> Cost {
        let cached = cached_tokens.min(prompt_tokens);
        let uncached = prompt_tokens - cached;
        let cache_price = self.cache_read.unwrap_or(self.prompt);
        let prompt_exact = Decimal::from(uncached) * self.prompt
            + Decimal::from(cached) * cache_price
            + self.request;
        let completion_exact = Decimal::from(completion_tokens) * self.completion;
        let total = round_cost(prompt_exact + completion_exact);
        let prompt_part = round_cost(prompt_exact);
        let discount = Decimal::from(cached) * (self.prompt - cache_price);
        Cost {
            total,
            prompt_part,
            completion_part: (total - prompt_part).normalize(),
            cache_discount: round_cost(discount),
        }
    }

    /// The most a request can cost: every prompt token at full price plus `max_tokens`.
    pub fn worst_case(&self, prompt_tokens: u64, max_tokens: u64) -> Decimal {
        Decimal::from(prompt_tokens) * self.prompt
            + Decimal::from(max_tokens) * self.completion
            + self.request
    }

    pub fn is_free(&self) -> bool {
        self.prompt.is_zero() && self.completion.is_zero() && self.request.is_zero()
    }
}

/// A JSON number for an amount of money. OpenRouter sends costs as JSON numbers; the text
/// written is the shortest one that reads back as the same double, and a double holds any
/// decimal of up to 15 significant digits exactly enough for that text to be the decimal
/// itself — which every cost below $100,000 at 1e-10 precision is. So a client that parses
/// the number's text (or rounds the parsed double to 10 places) recovers the exact amount.
pub fn json_number(d: Decimal) -> Value {
    d.to_string()
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounds_half_up_at_ten_places() {
        assert_eq!(round_cost(dec("0.00000000005")), dec("0.0000000001"));
        assert_eq!(round_cost(dec("0.000000000049")), dec("0"));
        assert_eq!(round_cost(dec("0.00000000015")), dec("0.0000000002"));
    }

    #[test]
    fn sub_nano_prices_are_exact() {
        let p = Prices {
            prompt: dec("0.000000075"),
            completion: dec("0.0000003"),
            cache_read: Some(dec("0.00000001875")),
            request: Decimal::ZERO,
        };
        // 3 uncached * 7.5e-8 + 7 cached * 1.875e-8 + 5 * 3e-7 = 2.25e-7 + 1.3125e-7 + 1.5e-6 = 1.85625e-6
        let c = p.cost(10, 7, 5);
        assert_eq!(c.total, dec("0.0000018563"));
        assert_eq!(c.prompt_part, dec("0.0000003563"));
        assert_eq!(c.prompt_part + c.completion_part, c.total);
        assert_eq!(c.cache_discount, dec("0.0000003938"));
    }

    #[test]
    fn json_numbers_read_back_exactly() {
        for s in [
            "0.0000018562",
            "0.00333825",
            "9.9999999999",
            "0.0000000001",
            "12345.0000000001",
        ] {
            let v = json_number(dec(s));
            let text = v.to_string();
            let back = Decimal::from_scientific(&text)
                .or_else(|_| Decimal::from_str(&text))
                .unwrap();
            assert_eq!(back, dec(s), "{text}");
        }
    }
}
