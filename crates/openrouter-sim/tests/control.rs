//! The `/__sim/` control endpoint and the library's scenario controls.

mod common;

use common::*;
use openrouter_sim::Scenario;
use serde_json::{json, Value};

#[tokio::test]
async fn scenario_can_be_replaced_over_http() {
    let sim = start(Scenario::instant()).await;
    let c = client();
    let url = format!("{}/__sim/scenario", sim.origin());
    let new = json!({
        "name": "down",
        "timing": {"latency_scale": 0},
        "faults": [{"model": "openai/gpt-6.1-sol", "fault": {"type": "status", "status": 503}}]
    });
    let res = c.put(&url).json(&new).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let got: Value = c.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["name"], "down");
    assert_eq!(got["faults"][0]["fault"]["type"], "status");
    assert_eq!(post(&sim, &body("openai/gpt-6.1-sol")).await.status(), 503);
    assert_eq!(sim.scenario().name, "down");

    let res = c
        .put(&url)
        .body("{\"faults\": [{\"fault\": {\"type\": \"nope\"}}]}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("nope"));
    // The bad scenario was not applied.
    assert_eq!(post(&sim, &body("openai/gpt-6.1-sol")).await.status(), 503);

    sim.set_scenario(Scenario::instant());
    assert_eq!(post(&sim, &body("openai/gpt-6.1-sol")).await.status(), 200);
    sim.stop().await;
}

#[tokio::test]
async fn billing_and_reset_over_http() {
    let sim = start(Scenario::instant()).await;
    let c = client();
    let (_, v) = post_json(&sim, &body("openai/gpt-6.1-terra")).await;
    let billing: Value = c
        .get(format!("{}/__sim/billing", sim.origin()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(billing["generations"], 1);
    assert_eq!(dec(&billing["total"]), dec(&v["usage"]["cost"]));
    assert_eq!(
        dec(&billing["per_key"]["emulator"]["billed"]),
        dec(&v["usage"]["cost"])
    );
    // The emulator's own key is named, never shown, over HTTP.
    assert!(!billing.to_string().contains(&sim.key()));
    assert_eq!(billing["history"][0]["id"], v["id"]);

    let res = c
        .post(format!("{}/__sim/reset", sim.origin()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(sim.billing().generations, 0);
    assert_eq!(sim.billing().total, rust_decimal::Decimal::ZERO);
    let (_, k) = get_json(&sim, "/key").await;
    assert_eq!(dec(&k["data"]["usage"]), rust_decimal::Decimal::ZERO);

    let health: Value = c
        .get(format!("{}/__sim/health", sim.origin()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["ok"], true);
    sim.stop().await;
}

#[tokio::test]
async fn scenario_files_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    std::fs::write(
        &path,
        r#"{"name": "from file", "default_credits": "0.5", "timing": {"latency_scale": 0}}"#,
    )
    .unwrap();
    let s = Scenario::from_file(&path).unwrap();
    let sim = start(s).await;
    let (_, c) = get_json(&sim, "/credits").await;
    assert_eq!(
        dec(&c["data"]["total_credits"]),
        rust_decimal::Decimal::new(5, 1)
    );
    sim.stop().await;
}

#[tokio::test]
async fn unknown_paths_get_json_404() {
    let sim = start(Scenario::instant()).await;
    let res = client()
        .get(format!("{}/nothing", sim.api_base()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], 404);
    sim.stop().await;
}

#[tokio::test]
async fn default_and_demo_scenarios_stream() {
    for s in [Scenario::default(), Scenario::demo()] {
        let sim = start(s).await;
        let mut b = body("openai/gpt-6-luna");
        b["max_tokens"] = json!(24);
        let (_, events) = stream(&sim, b).await;
        assert!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Comment(_)))
                .count()
                >= 2
        );
        assert_eq!(events.last(), Some(&Event::Done));
        sim.stop().await;
    }
}
