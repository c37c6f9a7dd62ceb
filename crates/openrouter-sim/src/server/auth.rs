//! Bearer keys: any non-empty key is accepted (balances come from the scenario).

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, key) = value.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then(|| key.to_owned())
}
