//! Money in the database: whole units of 1e-10 USD in an INTEGER column.
//!
//! OpenRouter reports costs to 1e-10 USD, so every cost it sends fits exactly, and SQLite can
//! then sum, group and compare spend exactly (no float ever touches a total). Amounts we
//! compute ourselves with finer precision (token counts × sub-nano-dollar prices) are rounded
//! *up* when they are limits or reservations, so a reservation is never short.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// Units of 1e-10 USD per dollar.
pub const UNITS_PER_USD: i64 = 10_000_000_000;

/// Rounds half-up to 1e-10 (OpenRouter's own rounding) and returns units.
pub fn to_units(usd: Decimal) -> i64 {
    scaled(usd.round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero))
}

/// Rounds up to the next 1e-10 and returns units: for reservations and worst cases.
pub fn to_units_ceil(usd: Decimal) -> i64 {
    scaled(usd.round_dp_with_strategy(10, RoundingStrategy::ToPositiveInfinity))
}

fn scaled(rounded: Decimal) -> i64 {
    (rounded * Decimal::from(UNITS_PER_USD))
        .trunc()
        .to_i64()
        .unwrap_or(if rounded.is_sign_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
}

pub fn from_units(units: i64) -> Decimal {
    Decimal::new(units, 10).normalize()
}

/// `$0.00` for display: cents, rounded half-up; `<$0.01` for a positive amount below a cent.
pub fn display_usd(usd: Decimal) -> String {
    if usd > Decimal::ZERO && usd < Decimal::new(1, 2) {
        return "<$0.01".into();
    }
    format!(
        "${:.2}",
        usd.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn units_round_trip_exactly() {
        for s in ["0", "0.0000000001", "0.00333825", "3.00", "123.4567890123"] {
            let units = to_units(d(s));
            assert_eq!(from_units(units), d(s).round_dp(10).normalize(), "{s}");
        }
        assert_eq!(to_units(d("0.00333825")), 33_382_500);
    }

    #[test]
    fn rounding_directions() {
        // 1000 tokens × $0.00000001875 = $0.00001875 exactly; 3 tokens = 5.625e-8.
        assert_eq!(to_units(d("0.00000005625")), 563);
        assert_eq!(to_units_ceil(d("0.00000005621")), 563);
        assert_eq!(to_units(d("0.00000005624")), 562);
    }

    #[test]
    fn display() {
        assert_eq!(display_usd(d("0.004")), "<$0.01");
        assert_eq!(display_usd(d("0")), "$0.00");
        assert_eq!(display_usd(d("1.005")), "$1.01");
    }
}
