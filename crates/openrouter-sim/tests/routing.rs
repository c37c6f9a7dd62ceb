//! Routing over real HTTP: the models array, provider preferences, suffixes.

mod common;

use common::*;
use openrouter_sim::Scenario;
use serde_json::{json, Value};

#[tokio::test]
async fn models_array_falls_back_and_bills_the_model_used() {
    let mut scenario = Scenario::instant();
    scenario.endpoints = serde_json::from_value(json!([
        {"model": "anthropic/claude-haiku-4.5", "available": false},
        {"model": "google/gemini-3.8-flash", "available": false}
    ]))
    .unwrap();
    let sim = start(scenario).await;
    let mut b = body("anthropic/claude-haiku-4.5");
    b["models"] = json!([
        "google/gemini-3.8-flash",
        "openai/gpt-6-luna",
        "openai/gpt-6.1-sol"
    ]);
    let (status, v) = post_json(&sim, &b).await;
    assert_eq!(status, 200);
    assert_eq!(v["model"], "openai/gpt-6-luna");
    let report = sim.billing();
    assert_eq!(report.history.len(), 1);
    assert_eq!(report.history[0].model, "openai/gpt-6-luna");
    assert_eq!(report.history[0].cost, dec(&v["usage"]["cost"]));
    sim.stop().await;
}

#[tokio::test]
async fn models_array_moves_on_after_a_model_error() {
    let sim = start(faults(json!([
        {"model": "anthropic/claude-opus-5.5", "fault": {"type": "status", "status": 503}}
    ])))
    .await;
    let mut b = body("anthropic/claude-opus-5.5");
    b["models"] = json!(["openai/gpt-6.1-sol"]);
    let (status, v) = post_json(&sim, &b).await;
    assert_eq!(status, 200);
    assert_eq!(v["model"], "openai/gpt-6.1-sol");
    // Without the array the error reaches the client.
    let (status, v) = post_json(&sim, &body("anthropic/claude-opus-5.5")).await;
    assert_eq!(status, 503);
    assert_eq!(v["error"]["code"], 503);
    sim.stop().await;
}

async fn provider_of(
    sim: &openrouter_sim::SimServer,
    model: &str,
    provider: Value,
) -> (u16, Value) {
    let mut b = body(model);
    if !provider.is_null() {
        b["provider"] = provider;
    }
    post_json(sim, &b).await
}

#[tokio::test]
async fn floor_and_nitro_make_a_measurable_difference() {
    let sim = start(Scenario::instant()).await;
    let model = "meta-llama/llama-4-maverick";
    let (_, floor) = post_json(&sim, &body(&format!("{model}:floor"))).await;
    let (_, nitro) = post_json(&sim, &body(&format!("{model}:nitro"))).await;
    assert_eq!(floor["provider"], "DeepInfra");
    assert_eq!(nitro["provider"], "Groq");
    assert_eq!(floor["model"], model);
    // Same text, same tokens: the cheapest endpoint costs less.
    assert_eq!(
        floor["usage"]["completion_tokens"],
        nitro["usage"]["completion_tokens"]
    );
    assert!(dec(&floor["usage"]["cost"]) < dec(&nitro["usage"]["cost"]));
    // And the endpoints listing shows why.
    let (_, eps) = get_json(&sim, &format!("/models/{model}/endpoints")).await;
    let list = eps["data"]["endpoints"].as_array().unwrap();
    let tps = |name: &str| {
        list.iter().find(|e| e["provider_name"] == name).unwrap()["throughput_last_30m"]["p50"]
            .as_f64()
            .unwrap()
    };
    assert!(tps("Groq") > tps("DeepInfra"));
    sim.stop().await;
}

#[tokio::test]
async fn provider_preferences_route() {
    let sim = start(Scenario::instant()).await;
    let m = "meta-llama/llama-4-maverick";
    let (_, v) = provider_of(&sim, m, json!({"order": ["together"]})).await;
    assert_eq!(v["provider"], "Together");
    let (_, v) = provider_of(&sim, m, json!({"only": ["groq"]})).await;
    assert_eq!(v["provider"], "Groq");
    let (_, v) = provider_of(&sim, m, json!({"sort": "throughput"})).await;
    assert_eq!(v["provider"], "Groq");
    let (_, v) = provider_of(&sim, m, json!({"sort": {"by": "latency"}})).await;
    assert_eq!(v["provider"], "Groq");
    let (_, v) = provider_of(
        &sim,
        m,
        json!({"sort": "price", "ignore": ["deepinfra", "groq"]}),
    )
    .await;
    assert_eq!(v["provider"], "Novita");
    let (_, v) = provider_of(
        &sim,
        m,
        json!({"sort": "price", "data_collection": "deny", "ignore": ["deepinfra", "groq"]}),
    )
    .await;
    assert_eq!(v["provider"], "Together");
    let (_, v) = provider_of(
        &sim,
        m,
        json!({"max_price": {"prompt": 0.16, "completion": 0.7}}),
    )
    .await;
    assert_eq!(v["provider"], "DeepInfra");
    let (status, v) = provider_of(&sim, m, json!({"only": ["openai"]})).await;
    assert_eq!(status, 503);
    assert_eq!(v["error"]["code"], 503);
    sim.stop().await;
}

#[tokio::test]
async fn provider_failure_falls_back_unless_forbidden() {
    let sim = start(faults(json!([
        {"model": "meta-llama/llama-4-maverick", "provider": "together",
         "fault": {"type": "provider_error", "raw": "{\"error\":\"boom\"}"}}
    ])))
    .await;
    let m = "meta-llama/llama-4-maverick";
    let (status, v) = provider_of(&sim, m, json!({"order": ["together", "groq"]})).await;
    assert_eq!(status, 200);
    assert_eq!(v["provider"], "Groq");
    let (status, v) = provider_of(
        &sim,
        m,
        json!({"order": ["together"], "allow_fallbacks": false}),
    )
    .await;
    assert_eq!(status, 502);
    assert_eq!(v["error"]["message"], "Provider returned error");
    assert_eq!(v["error"]["metadata"]["raw"], "{\"error\":\"boom\"}");
    assert_eq!(v["error"]["metadata"]["provider_name"], "Together");
    sim.stop().await;
}

#[tokio::test]
async fn unavailable_endpoints_are_skipped() {
    let mut s = Scenario::instant();
    s.endpoints = serde_json::from_value(json!([
        {"model": "openai/gpt-6.1-sol", "provider": "openai", "available": false}
    ]))
    .unwrap();
    let sim = start(s).await;
    for _ in 0..4 {
        let (_, v) = post_json(&sim, &body("openai/gpt-6.1-sol")).await;
        assert_eq!(v["provider"], "Azure");
    }
    sim.stop().await;
}

#[tokio::test]
async fn free_variants_are_models_of_their_own() {
    let sim = start(Scenario::instant()).await;
    let (status, v) = post_json(&sim, &body("nvidia/nemotron-3-super-120b-a12b:free")).await;
    assert_eq!(status, 200);
    assert_eq!(v["model"], "nvidia/nemotron-3-super-120b-a12b:free");
    assert_eq!(dec(&v["usage"]["cost"]), rust_decimal::Decimal::ZERO);
    let (status, _) = post_json(&sim, &body("openai/gpt-6.1-sol:free")).await;
    assert_eq!(status, 400);
    sim.stop().await;
}

#[tokio::test]
async fn catalog_lists_enough_real_models_with_prices() {
    let sim = start(Scenario::instant()).await;
    let (_, v) = get_json(&sim, "/models").await;
    let models = v["data"].as_array().unwrap();
    assert!(models.len() >= 25);
    for m in models {
        assert!(m["context_length"].as_u64().unwrap() > 0);
        dec(&m["pricing"]["prompt"]);
        dec(&m["pricing"]["completion"]);
        assert!(m["pricing"]["prompt"].is_string());
    }
    let opus = models
        .iter()
        .find(|m| m["id"] == "anthropic/claude-opus-5.5")
        .unwrap();
    assert_eq!(opus["pricing"]["prompt"], "0.000004");
    assert_eq!(opus["pricing"]["completion"], "0.00002");
    assert_eq!(opus["context_length"], 1_000_000);
    let (_, count) = get_json(&sim, "/models/count").await;
    assert_eq!(
        count["data"]["count"].as_u64().unwrap() as usize,
        models.len()
    );
    sim.stop().await;
}
