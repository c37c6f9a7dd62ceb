//! Reading money from JSON exactly.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

/// A decimal from a JSON number or string. A JSON number is parsed as `f64` by serde_json;
/// its shortest round-trip text equals the literal OpenRouter wrote whenever that literal has
/// 15 or fewer significant digits, which holds for every cost (≤ 10 decimal places, far below
/// $100,000), so the decimal is exactly what was sent.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Num(f64),
        Str(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Str(s)) => Decimal::from_str(s.trim())
            .or_else(|_| Decimal::from_scientific(s.trim()))
            .map(Some)
            .map_err(serde::de::Error::custom),
        Some(Raw::Num(n)) => parse_f64(n).map(Some).map_err(serde::de::Error::custom),
    }
}

/// A price string such as `"0.00000001875"` (USD per token).
pub fn price(s: &str) -> Option<Decimal> {
    let s = s.trim();
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .ok()
}

fn parse_f64(n: f64) -> Result<Decimal, String> {
    if !n.is_finite() {
        return Err("cost is not a finite number".into());
    }
    let text = format!("{n}");
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&format!("{n:e}")))
        .map(|d| d.normalize())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_decimal")]
        cost: Option<Decimal>,
    }

    fn cost(json: &str) -> Option<Decimal> {
        serde_json::from_str::<T>(json).unwrap().cost
    }

    #[test]
    fn json_costs_are_read_exactly() {
        for literal in [
            "0.00333825",
            "0.0000000001",
            "0.1015644762",
            "1.9999999999",
            "0",
            "42.5",
        ] {
            let got = cost(&format!(r#"{{"cost": {literal}}}"#)).unwrap();
            assert_eq!(got, Decimal::from_str(literal).unwrap(), "{literal}");
        }
        assert_eq!(
            cost(r#"{"cost": 1e-10}"#).unwrap(),
            Decimal::from_str("0.0000000001").unwrap()
        );
        assert_eq!(
            cost(r#"{"cost": "0.00000001875"}"#).unwrap(),
            Decimal::from_str("0.00000001875").unwrap()
        );
        assert_eq!(cost(r#"{"cost": null}"#), None);
        assert_eq!(cost(r#"{}"#), None);
    }

    #[test]
    fn prices_below_a_nanodollar_are_exact() {
        assert_eq!(price("0.00000001875").unwrap().to_string(), "0.00000001875");
        assert_eq!(
            price("1.875e-8").unwrap(),
            Decimal::from_str("0.00000001875").unwrap()
        );
        assert!(price("free").is_none());
    }
}
