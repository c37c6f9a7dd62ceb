//! Bearer keys, checked as OpenRouter checks them: no key is 401 "No auth credentials found";
//! a malformed key, one nobody issued, or one the scenario marks invalid is 401 "User not
//! found.". Accepted: the emulator's own key and the keys the scenario lists (OAuth-issued
//! keys are added to that list).

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

use super::api_error::ApiError;
use super::state::Shared;
use crate::keys::is_well_formed;

pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, key) = value.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then(|| key.to_owned())
}

/// The request's key if the emulator accepts it, else OpenRouter's 401.
pub fn authorize(st: &Shared, headers: &HeaderMap) -> Result<String, ApiError> {
    let key = bearer(headers).ok_or_else(ApiError::no_auth)?;
    let known = is_well_formed(&key)
        && (key == st.own_key || st.scenario().keys.get(&key).is_some_and(|cfg| !cfg.invalid));
    if known {
        Ok(key)
    } else {
        Err(ApiError::new(401, "User not found."))
    }
}
