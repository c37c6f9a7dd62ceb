//! Keys like OpenRouter's: the emulator's own key, the keys a scenario lists, and 401 for
//! everything else.

mod common;

use common::*;
use openrouter_sim::{test_key, Scenario};
use serde_json::{json, Value};

async fn key_info(sim: &openrouter_sim::SimServer, key: &str) -> (u16, Value) {
    let res = client()
        .get(format!("{}/key", sim.api_base()))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn the_emulators_own_key_is_fresh_accepted_and_outlives_scenario_changes() {
    let sim = start(Scenario::instant()).await;
    let other = start(Scenario::instant()).await;
    let key = sim.key();
    assert!(key.starts_with("sk-or-v1-") && key.len() == 73, "{key}");
    assert_ne!(key, other.key(), "each emulator issues its own key");
    assert_eq!(key, sim.key(), "the same key for the emulator's lifetime");
    // Another emulator's key is unknown here.
    assert_eq!(key_info(&sim, &other.key()).await.0, 401);

    let (status, v) = post_json(&sim, &body("openai/gpt-6-luna")).await;
    assert_eq!(status, 200, "{v}");
    let mut s = Scenario::instant();
    s.default_credits = "3".parse().unwrap();
    sim.set_scenario(s);
    sim.reset();
    let (status, credits) = get_json(&sim, "/credits").await;
    assert_eq!(status, 200);
    assert_eq!(
        dec(&credits["data"]["total_credits"]),
        3.into(),
        "the default credit"
    );
    assert_eq!(dec(&credits["data"]["total_usage"]), 0.into());
    // The scenario as read back does not carry the key.
    assert!(sim.scenario().keys.is_empty());
    sim.stop().await;
    other.stop().await;
}

#[tokio::test]
async fn listed_keys_carry_their_credit_limit_and_free_tier() {
    let sim = start(with_keys(
        Scenario::instant(),
        json!({"producer": {"credits": "25", "limit": "4", "free_tier": true}}),
    ))
    .await;
    let (status, v) = key_info(&sim, &test_key("producer")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(dec(&v["data"]["limit"]), 4.into());
    assert_eq!(dec(&v["data"]["limit_remaining"]), 4.into());
    assert_eq!(v["data"]["is_free_tier"], true);
    let (status, v) = key_info(&sim, &sim.key()).await;
    assert_eq!(status, 200);
    assert_eq!(v["data"]["is_free_tier"], false);
    assert!(v["data"]["limit"].is_null());
    // A scenario that no longer lists it refuses it.
    sim.set_scenario(Scenario::instant());
    assert_eq!(key_info(&sim, &test_key("producer")).await.0, 401);
    sim.stop().await;
}

#[tokio::test]
async fn a_scenario_listing_a_malformed_key_is_refused() {
    let sim = start(Scenario::instant()).await;
    let res = client()
        .put(format!("{}/__sim/scenario", sim.origin()))
        .json(&json!({"keys": {"sk-capped": {"limit": "1"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let text = res.text().await.unwrap();
    assert!(text.contains("not an OpenRouter key"), "{text}");
    sim.stop().await;
}
