//! The control endpoint, under `/__sim/` (a path OpenRouter does not use): read or replace
//! the scenario, read what was billed, reset. No key needed.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::api_error::ApiError;
use super::state::Shared;
use crate::scenario::Scenario;

pub async fn get_scenario(State(st): State<Arc<Shared>>) -> Response {
    Json(st.scenario().as_ref().clone()).into_response()
}

pub async fn put_scenario(State(st): State<Arc<Shared>>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    match Scenario::from_json(&text) {
        Ok(s) => {
            tracing::info!(name = %s.name, faults = s.faults.len(), "scenario replaced");
            st.set_scenario(s);
            Json(json!({"ok": true})).into_response()
        }
        Err(e) => ApiError::bad_request(e.to_string()).into_response(),
    }
}

/// How `/__sim/billing` names the emulator's own key.
pub const OWN_KEY_NAME: &str = "emulator";

pub async fn billing(State(st): State<Arc<Shared>>) -> Response {
    let scenario = st.scenario();
    let mut report = st.ledger().report(&scenario);
    // The emulator's own key never leaves the process: over HTTP it is named, not shown.
    if let Some(own) = report.per_key.remove(&st.own_key) {
        report.per_key.insert(OWN_KEY_NAME.into(), own);
    }
    for g in report.history.iter_mut().filter(|g| g.key == st.own_key) {
        g.key = OWN_KEY_NAME.into();
    }
    Json(report).into_response()
}

pub async fn reset(State(st): State<Arc<Shared>>) -> Response {
    st.reset();
    tracing::info!("billing, generations and fault counters reset");
    Json(json!({"ok": true})).into_response()
}

pub async fn health(State(st): State<Arc<Shared>>) -> Response {
    let scenario = st.scenario();
    Json(json!({"ok": true, "seed": st.seed, "scenario": scenario.name})).into_response()
}
