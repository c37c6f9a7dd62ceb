//! What OpenRouter answers about the catalog itself: an id it does not list (unknown, or
//! retired — OpenRouter answers both alike), and a `:free` model past its account's limits.

use std::time::Instant;

use axum::http::{HeaderName, HeaderValue, StatusCode};
use serde_json::{json, Value};

use super::api_error::ApiError;
use super::state::Shared;
use crate::catalog::{Catalog, Lookup};
use crate::clock;
use crate::free_limits::{is_free, Refusal};
use crate::routing::split_suffix;
use crate::scenario::Scenario;

/// The user id OpenRouter puts beside these error bodies.
const USER_ID: &str = "user_sim_0000000000000000000";

/// The first id of the request's chain (`model`, then `models`) the catalog does not list:
/// 400 `<id> is not a valid model ID`, for the whole request, as OpenRouter checks the ids
/// before it routes.
pub fn unlisted(catalog: &Catalog, chain: &[String]) -> Option<ApiError> {
    let bad = chain
        .iter()
        .find(|id| !matches!(catalog.lookup(split_suffix(id).0), Lookup::Found(_)))?;
    Some(ApiError {
        status: StatusCode::BAD_REQUEST,
        body: json!({
            "error": {"message": format!("{bad} is not a valid model ID"), "code": 400},
            "user_id": USER_ID,
        }),
        headers: Vec::new(),
        terminal: true,
    })
}

/// Counts a request to a `:free` model against the key's allowance; the 429 if it is over.
pub fn free_refusal(
    st: &Shared,
    scenario: &Scenario,
    key: &str,
    model_id: &str,
) -> Option<ApiError> {
    if !is_free(model_id) {
        return None;
    }
    let credits = scenario.credits_for(key);
    let refusal = st
        .free
        .admit(
            key,
            &scenario.free_limits,
            credits,
            Instant::now(),
            now_unix_ms(),
        )
        .err()?;
    Some(too_many(&refusal))
}

fn too_many(r: &Refusal) -> ApiError {
    let headers = r
        .rate_limit_headers()
        .into_iter()
        .filter_map(|(name, value)| {
            Some((
                HeaderName::from_static(name),
                HeaderValue::from_str(&value).ok()?,
            ))
        })
        .collect();
    ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        body: json!({
            "error": {"message": r.message(), "code": 429, "metadata": r.metadata()},
            "user_id": USER_ID,
        }),
        headers,
        // The next model of a `models` array may still be tried (OpenRouter falls back).
        terminal: false,
    }
}

/// `/key`'s `free_model_daily_requests`: `limit`, `remaining`, `used` for the UTC day.
pub fn free_daily(st: &Shared, scenario: &Scenario, key: &str) -> Value {
    st.free.daily_json(
        key,
        &scenario.free_limits,
        scenario.credits_for(key),
        now_unix_ms(),
    )
}

fn now_unix_ms() -> u64 {
    u64::try_from(clock::unix_now_micros() / 1000).unwrap_or(u64::MAX)
}
