//! Today's catalog over real HTTP: retired ids answered as unknown ones wherever they appear,
//! `/models` without them, and the free-model limits with OpenRouter's 429 and `/key` count.

mod common;
mod spec_support;

use common::*;
use openrouter_sim::{test_key, FreeLimits, KeyConfig, Scenario};
use serde_json::{json, Value};
use spec_support::Conformance;

/// The seed's original design and the 2025 presets: all retired by late 2026.
const RETIRED: [&str; 18] = [
    "mistralai/mixtral-8x7b-instruct",
    "anthropic/claude-instant-1",
    "openai/gpt-3.5-turbo",
    "deepseek/deepseek-r1",
    "anthropic/claude-3-sonnet",
    "anthropic/claude-3-opus",
    "openai/gpt-4",
    "openai/gpt-4-turbo",
    "google/gemini-pro",
    "meta-llama/llama-3.3-70b-instruct",
    "mistralai/mistral-small-3.1-24b-instruct",
    "openai/gpt-4o-mini",
    "google/gemini-2.0-flash-001",
    "openai/o4-mini",
    "anthropic/claude-opus-4",
    "anthropic/claude-sonnet-4",
    "openai/gpt-4.1",
    "anthropic/claude-3.5-haiku",
];

fn assert_unknown_model(status: u16, v: &Value, id: &str) {
    assert_eq!(status, 400, "{id}: {v}");
    assert_eq!(v["error"]["code"], 400, "{v}");
    assert_eq!(
        v["error"]["message"],
        format!("{id} is not a valid model ID"),
        "{v}"
    );
}

#[tokio::test]
async fn a_retired_id_alone_is_answered_like_an_unknown_one() {
    let sim = start(Scenario::instant()).await;
    for id in RETIRED {
        let (status, v) = post_json_with_key(&sim, &sim.key(), &body(id)).await;
        assert_unknown_model(status, &v, id);
    }
    // With a routing suffix the id is named as it was sent.
    let (status, v) =
        post_json_with_key(&sim, &sim.key(), &body("anthropic/claude-instant-1:floor")).await;
    assert_unknown_model(status, &v, "anthropic/claude-instant-1:floor");
    let (status, v) = post_json_with_key(&sim, &sim.key(), &body("nobody/nothing")).await;
    assert_unknown_model(status, &v, "nobody/nothing");
    let (status, _) = get_json(&sim, "/models/google/gemini-pro/endpoints").await;
    assert_eq!(status, 404);
    // Nothing was billed.
    assert!(sim.billing().history.is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn a_retired_id_inside_a_models_array_refuses_the_request() {
    let sim = start(Scenario::instant()).await;
    let mut b = body("openai/gpt-6-luna");
    b["models"] = json!(["google/gemini-pro:nitro", "anthropic/claude-haiku-4.5"]);
    let (status, v) = post_json_with_key(&sim, &sim.key(), &b).await;
    assert_unknown_model(status, &v, "google/gemini-pro:nitro");

    let mut b = body("mistralai/mixtral-8x7b-instruct");
    b["models"] = json!(["openai/gpt-6-luna"]);
    let (status, v) = post_json_with_key(&sim, &sim.key(), &b).await;
    assert_unknown_model(status, &v, "mistralai/mixtral-8x7b-instruct");
    assert!(sim.billing().history.is_empty());

    // The same chain with current ids only is answered.
    let mut b = body("openai/gpt-6-luna");
    b["models"] = json!(["anthropic/claude-haiku-4.5"]);
    let (status, v) = post_json_with_key(&sim, &sim.key(), &b).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["model"], "openai/gpt-6-luna");
    sim.stop().await;
}

#[tokio::test]
async fn models_lists_todays_catalog_and_no_retired_id() {
    let sim = start(Scenario::instant()).await;
    let (status, models) = get_json(&sim, "/models").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    for id in RETIRED {
        assert!(!ids.contains(&id), "{id} is listed");
    }
    for id in [
        "anthropic/claude-opus-5.5",
        "anthropic/claude-sonnet-5.5",
        "anthropic/claude-haiku-4.5",
        "openai/gpt-6.1-sol",
        "openai/gpt-6-luna",
        "google/gemini-3.8-flash",
        "deepseek/deepseek-v4.1-flash",
        "meta-llama/llama-4-maverick",
        "mistralai/mistral-small-3.2-24b-instruct",
        "qwen/qwen3.8-max",
        "x-ai/grok-4.20",
        "google/gemma-4-31b-it:free",
    ] {
        assert!(ids.contains(&id), "{id} is missing");
    }
    let opus = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "anthropic/claude-opus-5.5")
        .unwrap();
    assert_eq!(opus["pricing"]["prompt"], "0.000004");
    assert_eq!(opus["pricing"]["completion"], "0.00002");
    assert_eq!(opus["context_length"], 1_000_000);
    let (_, count) = get_json(&sim, "/models/count").await;
    assert_eq!(count["data"]["count"], ids.len());
    sim.stop().await;
}

async fn key_daily(sim: &openrouter_sim::SimServer, key: &str) -> Value {
    let res = client()
        .get(format!("{}/key", sim.api_base()))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.json::<Value>().await.unwrap()["data"]["free_model_daily_requests"].clone()
}

#[tokio::test]
async fn free_models_allow_twenty_a_minute_then_answer_429() {
    let sim = start(Scenario::instant()).await;
    let free = body("google/gemma-4-31b-it:free");
    for i in 0..20 {
        let (status, v) = post_json_with_key(&sim, &sim.key(), &free).await;
        assert_eq!(status, 200, "request {}: {v}", i + 1);
    }
    let res = post_with_key(&sim, &sim.key(), &free).await;
    assert_eq!(res.status().as_u16(), 429);
    assert_eq!(res.headers()["x-ratelimit-limit"], "20");
    assert_eq!(res.headers()["x-ratelimit-remaining"], "0");
    let reset: u64 = res.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], 429);
    assert_eq!(
        v["error"]["message"],
        "Rate limit exceeded: free-models-per-min."
    );
    let meta = &v["error"]["metadata"];
    assert_eq!(meta["headers"]["X-RateLimit-Limit"], "20");
    assert_eq!(meta["headers"]["X-RateLimit-Remaining"], "0");
    assert_eq!(meta["headers"]["X-RateLimit-Reset"], reset.to_string());
    assert!(meta["provider_name"].is_null());
    // All free models share the account's allowance; paid ones do not count.
    let (status, _) = post_json_with_key(
        &sim,
        &sim.key(),
        &body("nvidia/nemotron-3-super-120b-a12b:free"),
    )
    .await;
    assert_eq!(status, 429);
    let (status, _) = post_json_with_key(&sim, &sim.key(), &body("openai/gpt-6-luna")).await;
    assert_eq!(status, 200);
    // In a models array, the next model is tried.
    let mut b = body("google/gemma-4-31b-it:free");
    b["models"] = json!(["openai/gpt-6-luna"]);
    let (status, v) = post_json_with_key(&sim, &sim.key(), &b).await;
    assert_eq!(status, 200);
    assert_eq!(v["model"], "openai/gpt-6-luna");
    // The default account bought $10: 1,000 a day, 20 used (refusals are not counted).
    assert_eq!(
        key_daily(&sim, &sim.key()).await,
        json!({"limit": 1000, "remaining": 980, "used": 20})
    );
    sim.stop().await;
}

#[tokio::test]
async fn free_models_daily_limit_depends_on_credits_bought() {
    let mut scenario = Scenario::instant();
    // Reach the day's limit without meeting the per-minute one first.
    scenario.free_limits = FreeLimits {
        per_minute: 10_000,
        ..FreeLimits::default()
    };
    let poor_key = test_key("bought less than ten dollars");
    let poor = poor_key.as_str();
    scenario.keys.insert(
        poor_key.clone(),
        KeyConfig {
            credits: Some("2.50".parse().unwrap()),
            ..KeyConfig::default()
        },
    );
    let sim = start(scenario).await;
    assert_eq!(
        key_daily(&sim, poor).await,
        json!({"limit": 50, "remaining": 50, "used": 0})
    );
    let free = body("qwen/qwen3-next-80b-a3b-instruct:free");
    for i in 0..50 {
        let (status, v) = post_json_with_key(&sim, poor, &free).await;
        assert_eq!(status, 200, "request {}: {v}", i + 1);
    }
    let res = post_with_key(&sim, poor, &free).await;
    assert_eq!(res.status().as_u16(), 429);
    assert_eq!(res.headers()["x-ratelimit-limit"], "50");
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v["error"]["message"],
        "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day"
    );
    let reset: u64 = v["error"]["metadata"]["headers"]["X-RateLimit-Reset"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(reset % 86_400_000, 0, "resets at UTC midnight");
    assert_eq!(
        key_daily(&sim, poor).await,
        json!({"limit": 50, "remaining": 0, "used": 50})
    );
    // The account with $10 bought is not affected, and has the higher allowance.
    let (status, _) = post_json_with_key(&sim, &sim.key(), &free).await;
    assert_eq!(status, 200);
    assert_eq!(key_daily(&sim, &sim.key()).await["limit"], 1000);
    // Free requests cost nothing.
    let billed = sim.billing();
    assert!(billed.history.iter().all(|g| g.cost.is_zero()));
    sim.stop().await;
}

async fn post_json_with_key(
    sim: &openrouter_sim::SimServer,
    key: &str,
    body: &Value,
) -> (u16, Value) {
    let res = post_with_key(sim, key, body).await;
    let status = res.status().as_u16();
    (status, res.json::<Value>().await.expect("json body"))
}

#[tokio::test]
async fn the_catalogs_answers_validate_against_openrouters_spec() {
    let mut scenario = Scenario::instant();
    scenario.free_limits = FreeLimits {
        per_minute: 1,
        ..FreeLimits::default()
    };
    let sim = start(scenario).await;
    let key = sim.key();
    let mut conf = Conformance::new();
    // A retired id inside a models array.
    let mut b = body("openai/gpt-6-luna");
    b["models"] = json!(["anthropic/claude-3-opus"]);
    let (status, v) = post_json_with_key(&sim, &key, &b).await;
    assert_eq!(status, 400);
    conf.json("/chat/completions", "post", 400, &v);
    // A free model answered, then refused past its per-minute limit.
    let free = body("google/gemma-4-26b-a4b-it:free");
    let (status, v) = post_json_with_key(&sim, &key, &free).await;
    assert_eq!(status, 200);
    conf.json("/chat/completions", "post", 200, &v);
    let (status, v) = post_json_with_key(&sim, &key, &free).await;
    assert_eq!(status, 429);
    conf.json("/chat/completions", "post", 429, &v);
    // /key with the day's free-model count.
    let res = client()
        .get(format!("{}/key", sim.api_base()))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let k: Value = res.json().await.unwrap();
    assert_eq!(k["data"]["free_model_daily_requests"]["used"], 1);
    conf.json("/key", "get", 200, &k);
    // Every listed model and its endpoints.
    let (_, models) = get_json(&sim, "/models").await;
    conf.json("/models", "get", 200, &models);
    for m in models["data"].as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        let (status, e) = get_json(&sim, &format!("/models/{id}/endpoints")).await;
        assert_eq!(status, 200, "{id}");
        conf.json("/models/{author}/{slug}/endpoints", "get", 200, &e);
    }
    conf.assert_all_conform();
    sim.stop().await;
}
