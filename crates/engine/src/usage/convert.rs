//! Shapes for the wire: counts as `u32` and money as decimal strings, because the typed
//! bindings cannot carry 64-bit integers and money must stay exact.

use crate::money;

/// A count or token sum from SQLite. Negative never happens; a sum past `u32::MAX` is shown
/// as the maximum rather than wrapping.
pub(crate) fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// 1e-10 USD units as an exact decimal string (`"0.0123"`).
pub(crate) fn usd(units: i64) -> String {
    money::from_units(units).to_string()
}

/// A ratio for display (rates, averages of scores): never money.
pub(crate) fn ratio(part: i64, whole: i64) -> Option<f64> {
    if whole <= 0 {
        return None;
    }
    Some(part as f64 / whole as f64)
}
