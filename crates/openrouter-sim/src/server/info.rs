//! Read-only endpoints: `/models`, `/models/{author}/{slug}/endpoints`, `/models/count`,
//! `/key`, `/credits` and `/generation`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::api_error::ApiError;
use super::auth::authorize;
use super::catalog_answers;
use super::state::Shared;
use crate::catalog::Lookup;
use crate::money::json_number;

pub async fn models(State(st): State<Arc<Shared>>) -> Response {
    let data: Vec<Value> = st
        .catalog
        .models()
        .iter()
        .map(|m| m.to_list_json())
        .collect();
    // One page holds the whole catalog, so there is no next page.
    let total = data.len();
    Json(json!({ "data": data, "total_count": total, "links": {"next": null} })).into_response()
}

pub async fn models_count(State(st): State<Arc<Shared>>) -> Response {
    Json(json!({"data": {"count": st.catalog.models().len()}})).into_response()
}

pub async fn endpoints(
    State(st): State<Arc<Shared>>,
    Path((author, slug)): Path<(String, String)>,
) -> Response {
    let id = format!("{author}/{slug}");
    match st.catalog.lookup(&id) {
        Lookup::Found(m) => Json(m.to_endpoints_json()).into_response(),
        Lookup::Retired | Lookup::Unknown => {
            ApiError::not_found(format!("No endpoints found for {id}.")).into_response()
        }
    }
}

/// `sk-or-v1-116...0ce` style label: the start and end of the key.
fn label(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 14 {
        return key.to_owned();
    }
    let head: String = chars[..11].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}...{tail}")
}

pub async fn key(State(st): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let key = match authorize(&st, &headers) {
        Ok(key) => key,
        Err(e) => return e.into_response(),
    };
    let scenario = st.scenario();
    let cfg = scenario.key(&key);
    let usage = st.ledger().usage(&key);
    let limit_remaining = cfg.limit.map(|l| json_number(l - usage));
    Json(json!({
        "data": {
            "label": label(&key),
            "limit": cfg.limit.map(json_number),
            "usage": json_number(usage),
            "usage_daily": json_number(usage),
            "usage_weekly": json_number(usage),
            "usage_monthly": json_number(usage),
            "byok_usage": 0,
            "byok_usage_daily": 0,
            "byok_usage_weekly": 0,
            "byok_usage_monthly": 0,
            "creator_user_id": null,
            "is_provisioning_key": false,
            "is_management_key": false,
            "limit_remaining": limit_remaining,
            "limit_reset": null,
            "include_byok_in_limit": false,
            "is_free_tier": cfg.free_tier,
            "expires_at": null,
            "rate_limit": {"requests": -1, "interval": "10s", "note": "This field is deprecated and safe to ignore."},
            "free_model_daily_requests": catalog_answers::free_daily(&st, &scenario, &key),
        }
    }))
    .into_response()
}

pub async fn credits(State(st): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let key = match authorize(&st, &headers) {
        Ok(key) => key,
        Err(e) => return e.into_response(),
    };
    let scenario = st.scenario();
    let usage = st.ledger().usage(&key);
    Json(json!({
        "data": {
            "total_credits": json_number(scenario.credits_for(&key)),
            "total_usage": json_number(usage),
        }
    }))
    .into_response()
}

pub async fn generation(
    State(st): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let key = match authorize(&st, &headers) {
        Ok(key) => key,
        Err(e) => return e.into_response(),
    };
    let Some(id) = q.get("id").filter(|s| !s.is_empty()) else {
        return ApiError::bad_request("id is required").into_response();
    };
    let ledger = st.ledger();
    // Someone else's generation is as invisible as one still being written.
    match ledger
        .generation(id, Instant::now())
        .filter(|g| g.key == key)
    {
        Some(g) => Json(g.to_json()).into_response(),
        None => ApiError::not_found(format!("Generation {id} not found")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_hide_the_middle() {
        assert_eq!(label("sk-or-v1-1160000000000000ce"), "sk-or-v1-11...0ce");
        assert_eq!(label("short"), "short");
    }
}
