//! What a producer types for another connection, checked: its name, its address and the prices
//! they enter per model. Each refusal is a sentence saying what to change.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Longest name shown for a connection.
pub const MAX_NAME_CHARS: usize = 80;

/// Longest model id accepted for a price (real ids are far shorter).
const MAX_MODEL_CHARS: usize = 200;

/// The dearest price a producer can enter, USD per million tokens. Real prices are well below
/// it; anything above is almost surely a typing slip (per token typed as per million, …).
const MAX_PER_MILLION: i64 = 10_000;

/// Decimal places accepted in a price per million tokens. Twelve keep the per-token value
/// (six more places) exact within `Decimal`'s 28 digits.
const MAX_PRICE_PLACES: u32 = 12;

const MILLION: i64 = 1_000_000;

/// The name, trimmed, or why it cannot be used.
pub fn name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Give the connection a name, such as the service it talks to.".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "That name is too long. Use at most {MAX_NAME_CHARS} characters."
        ));
    }
    Ok(name.to_string())
}

/// The address in one normal form (scheme and host in lower case, no trailing slash), or why
/// it cannot be used. The key is sent to this address, so it must be a plain web address:
/// no user name or password inside it (those would end up in the database and the logs).
pub fn base_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let example = "like https://api.example.com/v1";
    if raw.is_empty() {
        return Err(format!("Enter the service's address, {example}."));
    }
    let url = reqwest::Url::parse(raw).map_err(|_| {
        format!(
            "That is not a web address Castwright can use. Enter the service's address, {example}."
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "The address must start with https:// (or http:// for a service on this computer), {example}."
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Leave the user name and password out of the address. Paste the key in the key field instead.".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("The address needs a server name, {example}."));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "The address cannot contain “?” or “#”. Enter only the service's base address, {example}."
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// The model id a price is for, trimmed, or why it cannot be used.
pub fn model_id(raw: &str) -> Result<String, String> {
    let id = raw.trim();
    if id.is_empty() {
        return Err("Enter the model's name exactly as the service lists it.".into());
    }
    if id.chars().count() > MAX_MODEL_CHARS || id.chars().any(char::is_control) {
        return Err("That model name is not one a service would list. Copy it from the service's model list.".into());
    }
    Ok(id.to_string())
}

/// A price per million tokens as typed ("3", "$0.15", "2.50") → USD per token, exactly.
pub fn per_token(raw: &str, what: &str) -> Result<Decimal, String> {
    let text = raw.trim();
    let text = text.strip_prefix('$').unwrap_or(text).trim();
    let bad = || {
        format!(
            "The {what} price must be an amount in dollars per million tokens, like 0.15 or 3, \
             between $0 and ${MAX_PER_MILLION}."
        )
    };
    let value = Decimal::from_str(text).map_err(|_| bad())?;
    if value.is_sign_negative() || value > Decimal::from(MAX_PER_MILLION) {
        return Err(bad());
    }
    if value.normalize().scale() > MAX_PRICE_PLACES {
        return Err(format!(
            "The {what} price has too many decimal places. Use at most {MAX_PRICE_PLACES}."
        ));
    }
    Ok(value.normalize() / Decimal::from(MILLION))
}

/// A stored per-token price as the producer reads it: per million tokens, in its shortest
/// exact form ("3", "0.15").
pub fn per_million(per_token: Decimal) -> String {
    (per_token * Decimal::from(MILLION)).normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_round_trip_exactly() {
        for (typed, shown) in [
            ("3", "3"),
            ("$0.15", "0.15"),
            ("2.50", "2.5"),
            ("0", "0"),
            ("10000", "10000"),
            ("0.000000000001", "0.000000000001"),
        ] {
            let p = per_token(typed, "prompt").unwrap();
            assert_eq!(per_million(p), shown, "{typed}");
        }
        assert_eq!(per_token("3", "prompt").unwrap().to_string(), "0.000003");
    }

    #[test]
    fn bad_prices_are_refused() {
        for typed in ["-1", "abc", "10000.01", "", "1e9", "3 dollars"] {
            assert!(per_token(typed, "prompt").is_err(), "{typed}");
        }
        assert!(per_token("0.0000000000001", "prompt")
            .unwrap_err()
            .contains("decimal places"));
    }

    #[test]
    fn addresses_are_normalised_or_refused() {
        assert_eq!(
            base_url(" HTTPS://API.Example.com/v1/ ").unwrap(),
            "https://api.example.com/v1"
        );
        assert_eq!(
            base_url("http://127.0.0.1:8080/v1").unwrap(),
            "http://127.0.0.1:8080/v1"
        );
        assert!(base_url("ftp://x.example/v1")
            .unwrap_err()
            .contains("https://"));
        assert!(base_url("https://me:secret@x.example/v1")
            .unwrap_err()
            .contains("user name and password"));
        assert!(base_url("https://x.example/v1?key=1")
            .unwrap_err()
            .contains("?"));
        assert!(base_url("api.example.com").is_err());
        assert!(base_url("  ").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("  Local server ").unwrap(), "Local server");
        assert!(name("   ").is_err());
        assert!(name(&"x".repeat(81)).unwrap_err().contains("80"));
        assert!(name(&"é".repeat(80)).is_ok());
    }
}
