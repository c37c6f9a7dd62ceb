use rust_decimal::Decimal;

use crate::gateway::Message;
use crate::money::to_units_ceil;

/// Tokens added per message for role markers and framing. Generous on purpose: a bound.
pub const PER_MESSAGE_ALLOWANCE: u64 = 16;

/// An upper bound on the prompt tokens of `messages`. Every tokenizer in use emits at least
/// one byte per token, so the UTF-8 byte count bounds the token count from above — never an
/// average that a long word could beat.
pub fn prompt_token_bound(messages: &[Message]) -> u64 {
    let bytes: u64 = messages.iter().map(|m| m.content.len() as u64).sum();
    bytes + PER_MESSAGE_ALLOWANCE * (messages.len() as u64 + 1)
}

/// The most a call can cost, given the dearest prices any endpoint it can reach charges.
#[derive(Debug, Clone, PartialEq)]
pub struct WorstCase {
    pub prompt_tokens: u64,
    /// USD per prompt token (the highest of any reachable endpoint).
    pub prompt_price: Decimal,
    /// USD per completion token (likewise).
    pub completion_price: Decimal,
    /// USD per request (likewise).
    pub request_price: Decimal,
    pub max_tokens: u32,
    /// The stage's minimum useful output.
    pub min_tokens: u32,
}

impl WorstCase {
    fn prompt_usd(&self) -> Decimal {
        Decimal::from(self.prompt_tokens) * self.prompt_price + self.request_price
    }

    /// The worst case with `max_tokens` of output, rounded up to units.
    pub fn total_units(&self, max_tokens: u32) -> i64 {
        to_units_ceil(self.prompt_usd() + Decimal::from(max_tokens) * self.completion_price)
    }

    /// The most output tokens `room_units` can pay for after the prompt.
    pub fn tokens_affordable(&self, room_units: i64) -> u32 {
        let room = crate::money::from_units(room_units);
        let after_prompt = room - self.prompt_usd();
        if after_prompt <= Decimal::ZERO {
            return 0;
        }
        if self.completion_price <= Decimal::ZERO {
            return self.max_tokens;
        }
        let mut n = (after_prompt / self.completion_price)
            .floor()
            .min(Decimal::from(self.max_tokens));
        // Unit rounding of the total can push the exact fit one token over: step back.
        loop {
            let tokens = u32::try_from(n.mantissa() / 10i128.pow(n.scale())).unwrap_or(0);
            if tokens == 0 || self.total_units(tokens) <= room_units {
                return tokens;
            }
            n -= Decimal::ONE;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_prompt_bound_is_bytes_plus_allowance() {
        let msgs = vec![Message::system("abc"), Message::user("héllo")];
        assert_eq!(prompt_token_bound(&msgs), 3 + 6 + 16 * 3);
    }

    #[test]
    fn affordable_tokens_never_exceed_the_room() {
        let wc = WorstCase {
            prompt_tokens: 1000,
            prompt_price: Decimal::from_str("0.000015").unwrap(),
            completion_price: Decimal::from_str("0.000075").unwrap(),
            request_price: Decimal::ZERO,
            max_tokens: 4000,
            min_tokens: 200,
        };
        for room in [
            0i64,
            150_000_000,
            160_000_000,
            3_000_000_000,
            10_000_000_000,
        ] {
            let n = wc.tokens_affordable(room);
            if n > 0 {
                assert!(wc.total_units(n) <= room, "room {room} n {n}");
                assert!(
                    n == wc.max_tokens || wc.total_units(n + 1) > room,
                    "room {room} n {n} not tight"
                );
            }
        }
    }
}
