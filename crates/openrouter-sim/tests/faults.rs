//! Every scripted fault, over real HTTP on loopback.

mod common;

use std::time::Duration;

use common::*;
use openrouter_sim::{test_key, Scenario};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn rate_limit_with_retry_after_then_recovery() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-terra", "when": {"attempts": [1, 2]}, "fault": {"type": "rate_limit", "retry_after_ms": 50}},
        {"model": "openai/gpt-6-luna", "fault": {"type": "rate_limit", "retry_after_ms": 2000, "upstream": false}}
    ])))
    .await;
    for _ in 0..2 {
        let res = post(&sim, &body("openai/gpt-6.1-terra")).await;
        assert_eq!(res.status(), 429);
        assert_eq!(res.headers()["retry-after"], "0.05");
        assert_eq!(res.headers()["retry-after-ms"], "50");
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["error"]["code"], 429);
        assert_eq!(v["error"]["message"], "Provider returned error");
        assert!(v["error"]["metadata"]["raw"]
            .as_str()
            .unwrap()
            .contains("rate-limited"));
        assert_eq!(v["error"]["metadata"]["retry_after_ms"], 50);
    }
    assert_eq!(
        post(&sim, &body("openai/gpt-6.1-terra")).await.status(),
        200
    );
    let res = post(&sim, &body("openai/gpt-6-luna")).await;
    assert_eq!(res.headers()["retry-after"], "2");
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["message"], "Rate limit exceeded");
    sim.stop().await;
}

#[tokio::test]
async fn every_error_status_has_openrouter_body() {
    let statuses = [
        400u16, 401, 402, 403, 404, 408, 413, 500, 502, 503, 524, 529,
    ];
    let rules: Vec<Value> = statuses
        .iter()
        .enumerate()
        .map(|(i, s)| json!({"key": test_key(&format!("status-{i}")), "fault": {"type": "status", "status": s}}))
        .collect();
    let labels: serde_json::Map<String, Value> = (0..statuses.len())
        .map(|i| (format!("status-{i}"), json!({})))
        .collect();
    let sim = start(with_keys(
        faults(Value::Array(rules)),
        Value::Object(labels),
    ))
    .await;
    for (i, s) in statuses.iter().enumerate() {
        let res = post_with_key(
            &sim,
            &test_key(&format!("status-{i}")),
            &body("openai/gpt-6.1-sol"),
        )
        .await;
        assert_eq!(res.status().as_u16(), *s);
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["error"]["code"], *s);
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
        if matches!(s, 502 | 529) {
            assert_eq!(v["error"]["message"], "Provider returned error");
            assert!(v["error"]["metadata"]["raw"].is_string());
        }
    }
    assert_eq!(sim.billing().generations, 0);
    sim.stop().await;
}

#[tokio::test]
async fn provider_error_keeps_the_cause_in_metadata_raw() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-sol", "fault": {"type": "provider_error", "status": 502}}
    ])))
    .await;
    let (status, v) = post_json(&sim, &body("openai/gpt-6.1-sol")).await;
    assert_eq!(status, 502);
    assert_eq!(v["error"]["message"], "Provider returned error");
    let raw = v["error"]["metadata"]["raw"].as_str().unwrap();
    let inner: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(inner["error"]["code"], 500);
    assert!(v["error"]["metadata"]["provider_name"].is_string());
    sim.stop().await;
}

#[tokio::test]
async fn moderation_refusal_carries_metadata() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-terra", "provider": "openai", "fault": {"type": "moderation", "reasons": ["harassment"]}},
        {"model": "openai/gpt-6.1-terra", "provider": "azure", "fault": {"type": "moderation", "reasons": ["harassment"]}}
    ])))
    .await;
    let (status, v) = post_json(&sim, &body("openai/gpt-6.1-terra")).await;
    assert_eq!(status, 403);
    let m = &v["error"]["metadata"];
    assert_eq!(m["reasons"], json!(["harassment"]));
    assert_eq!(m["model_slug"], "openai/gpt-6.1-terra");
    assert!(m["provider_name"].is_string());
    let flagged = m["flagged_input"].as_str().unwrap();
    assert!(flagged.starts_with("Summarise these notes."));
    assert!(flagged.chars().count() <= 103);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("flagged for \"harassment\""));
    sim.stop().await;
}

#[tokio::test]
async fn unauthorized_and_payment_faults_stop_the_models_array() {
    let sim = start(with_keys(
        faults(json!([
            {"key": test_key("a"), "fault": {"type": "unauthorized"}},
            {"key": test_key("b"), "fault": {"type": "payment_required"}}
        ])),
        json!({"a": {}, "b": {}}),
    ))
    .await;
    let mut b = body("openai/gpt-6.1-sol");
    b["models"] = json!(["openai/gpt-6.1-terra"]);
    let res = post_with_key(&sim, &test_key("a"), &b).await;
    assert_eq!(res.status(), 401);
    let res = post_with_key(&sim, &test_key("b"), &b).await;
    assert_eq!(res.status(), 402);
    assert_eq!(sim.billing().generations, 0);
    sim.stop().await;
}

#[tokio::test]
async fn invalid_keys_get_401_everywhere() {
    let sim = start(with_keys(
        Scenario::instant(),
        json!({"revoked": {"invalid": true}}),
    ))
    .await;
    let revoked = test_key("revoked");
    let unknown = test_key("never-listed");
    for key in [
        revoked.as_str(),
        unknown.as_str(),
        "sk-or-v1-bad",
        "sk-capped",
    ] {
        let res = post_with_key(&sim, key, &body("openai/gpt-6.1-sol")).await;
        assert_eq!(res.status(), 401);
        let v: Value = res.json().await.unwrap();
        assert_eq!(
            v,
            json!({"error": {"message": "User not found.", "code": 401}})
        );
        for path in ["/key", "/credits", "/generation?id=gen-1-x"] {
            let res = client()
                .get(format!("{}{path}", sim.api_base()))
                .bearer_auth(key)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401, "{path}");
        }
    }
    // No key at all, and the catalog stays public.
    let res = client()
        .post(format!("{}/chat/completions", sim.api_base()))
        .json(&body("openai/gpt-6.1-sol"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["message"], "No auth credentials found");
    let list: Value = client()
        .get(format!("{}/models", sim.api_base()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = list["data"][0]["id"].as_str().unwrap();
    for path in [
        "/models/count".to_owned(),
        format!("/models/{first}/endpoints"),
    ] {
        let res = client()
            .get(format!("{}{path}", sim.api_base()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    sim.stop().await;
}

/// Sends a raw HTTP request and reads until the server closes or resets.
async fn raw_exchange(
    sim: &openrouter_sim::SimServer,
    body: &Value,
) -> Result<Vec<u8>, (std::io::ErrorKind, Vec<u8>)> {
    let addr = sim.origin().trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let payload = body.to_string();
    let key = sim.key();
    let req = format!(
        "POST /api/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf).await {
            Ok(0) => return Ok(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return Err((e.kind(), got)),
        }
    }
}

#[tokio::test]
async fn connection_reset_before_any_byte() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-sol", "fault": {"type": "connection_reset"}}
    ])))
    .await;
    match raw_exchange(&sim, &body("openai/gpt-6.1-sol")).await {
        Err((kind, got)) => {
            assert_eq!(kind, std::io::ErrorKind::ConnectionReset);
            assert!(got.is_empty());
        }
        Ok(got) => panic!("expected a reset, got {} bytes", got.len()),
    }
    // Clients see a transport error, not an HTTP status.
    let err = client()
        .post(format!("{}/chat/completions", sim.api_base()))
        .bearer_auth(sim.key())
        .json(&body("openai/gpt-6.1-sol"))
        .send()
        .await
        .unwrap_err();
    assert!(err.status().is_none());
    // The server keeps serving.
    assert_eq!(
        post(&sim, &body("openai/gpt-6.1-terra")).await.status(),
        200
    );
    sim.stop().await;
}

#[tokio::test]
async fn stall_before_the_first_byte() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-sol", "when": {"first": 1}, "fault": {"type": "stall_first_byte", "ms": 30000}},
        {"model": "openai/gpt-6.1-terra", "fault": {"type": "stall_first_byte", "ms": 20}}
    ])))
    .await;
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = quick
        .post(format!("{}/chat/completions", sim.api_base()))
        .bearer_auth(sim.key())
        .json(&json!({"model": "openai/gpt-6.1-sol", "stream": true, "messages": [{"role": "user", "content": "hi there friend"}]}))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    // A short stall delays but does not break the request.
    let (status, _) = post_json(&sim, &body("openai/gpt-6.1-terra")).await;
    assert_eq!(status, 200);
    sim.stop().await;
}

#[tokio::test]
async fn stall_mid_stream_goes_silent_after_some_chunks() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-terra", "fault": {"type": "stall_mid_stream", "after_chunks": 2, "ms": 30000}}
    ])))
    .await;
    let mut b = body("openai/gpt-6.1-terra");
    b["stream"] = json!(true);
    let mut res = post(&sim, &b).await;
    let mut raw = String::new();
    let content_chunks = |raw: &str| {
        data(&parse_sse(raw))
            .iter()
            .filter(|c| {
                c["choices"][0]["delta"]["content"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty())
            })
            .count()
    };
    // The first two content chunks arrive…
    while !(content_chunks(&raw) == 2 && raw.ends_with("\n\n")) {
        let c = res.chunk().await.unwrap().expect("stream still open");
        raw.push_str(&String::from_utf8_lossy(&c));
    }
    // …then nothing: the stall lasts far longer than this wait.
    let next = tokio::time::timeout(Duration::from_millis(1000), res.chunk()).await;
    assert!(next.is_err(), "expected silence, got {next:?}");
    let events = parse_sse(&raw);
    assert_eq!(content_chunks(&raw), 2);
    assert!(!events.contains(&Event::Done));
    drop(res);
    sim.stop().await;
}

#[tokio::test]
async fn mid_stream_error_in_both_forms() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-terra", "fault": {"type": "mid_stream_error", "after_chunks": 3, "code": 502, "message": "Upstream went away"}},
        {"model": "anthropic/claude-haiku-4.5", "fault": {"type": "mid_stream_error", "after_chunks": 1, "code": "server_error", "finish_reason": "null"}}
    ])))
    .await;
    let (_, events) = stream(&sim, body("openai/gpt-6.1-terra")).await;
    let chunks = data(&events);
    let err_chunk = chunks.iter().find(|c| c.get("error").is_some()).unwrap();
    assert_eq!(err_chunk["error"]["code"], 502);
    assert_eq!(err_chunk["error"]["message"], "Upstream went away");
    assert_eq!(err_chunk["choices"][0]["finish_reason"], "error");
    assert_eq!(events.last(), Some(&Event::Done));
    let sent = streamed_text(&events);
    assert_eq!(
        err_chunk["usage"]["completion_tokens"].as_u64().unwrap(),
        openrouter_sim::token_count::count(&sent)
    );
    assert!(!chunks
        .iter()
        .any(|c| c["choices"][0]["finish_reason"] == "stop"));

    let (_, events) = stream(&sim, body("anthropic/claude-haiku-4.5")).await;
    let chunks = data(&events);
    let err_chunk = chunks.iter().find(|c| c.get("error").is_some()).unwrap();
    assert_eq!(err_chunk["error"]["code"], "server_error");
    assert!(err_chunk["choices"][0]["finish_reason"].is_null());
    assert!(err_chunk["usage"].is_object());
    assert_eq!(events.last(), Some(&Event::Done));

    let report = sim.billing();
    assert_eq!(report.generations, 2);
    sim.stop().await;
}

#[tokio::test]
async fn truncated_stream_ends_without_done() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-terra", "fault": {"type": "truncated_stream", "after_chunks": 4}}
    ])))
    .await;
    let (_, events) = stream(&sim, body("openai/gpt-6.1-terra")).await;
    assert!(!events.contains(&Event::Done));
    let chunks = data(&events);
    assert!(chunks
        .iter()
        .all(|c| c["choices"][0]["finish_reason"].is_null()));
    assert!(chunks.iter().all(|c| c.get("usage").is_none()));
    let contents = chunks
        .iter()
        .filter(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        })
        .count();
    assert_eq!(contents, 4);
    sim.stop().await;
}

#[tokio::test]
async fn malformed_chunk_then_the_stream_goes_on() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-terra", "fault": {"type": "malformed_chunk", "after_chunks": 2}}
    ])))
    .await;
    let (_, events) = stream(&sim, body("openai/gpt-6.1-terra")).await;
    let broken = events
        .iter()
        .filter(|e| matches!(e, Event::Broken(_)))
        .count();
    assert_eq!(broken, 1);
    assert_eq!(events.last(), Some(&Event::Done));
    sim.stop().await;
}

#[tokio::test]
async fn reset_mid_stream_breaks_the_transfer() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-terra", "fault": {"type": "reset_mid_stream", "after_chunks": 2}}
    ])))
    .await;
    let mut b = body("openai/gpt-6.1-terra");
    b["stream"] = json!(true);
    let res = post(&sim, &b).await;
    assert_eq!(res.status(), 200);
    let partial = read_stream(res).await.expect_err("transfer must fail");
    assert!(partial.contains("data: "));
    assert!(!partial.contains("[DONE]"));
    sim.stop().await;
}

#[tokio::test]
async fn stream_only_faults_leave_plain_requests_alone() {
    let sim = start(faults(json!([
        {"fault": {"type": "truncated_stream", "after_chunks": 0}}
    ])))
    .await;
    let (status, _) = post_json(&sim, &body("openai/gpt-6.1-terra")).await;
    assert_eq!(status, 200);
    sim.stop().await;
}

#[tokio::test]
async fn probabilistic_faults_are_reproducible_per_seed() {
    let rules = json!([
        {"model": "openai/gpt-6.1-terra", "when": {"probability": 0.5}, "fault": {"type": "status", "status": 500}}
    ]);
    let mut patterns = Vec::new();
    for seed in [5u64, 5, 6] {
        let sim = start_seeded(seed, faults(rules.clone())).await;
        let mut p = Vec::new();
        for _ in 0..24 {
            p.push(
                post(&sim, &body("openai/gpt-6.1-terra"))
                    .await
                    .status()
                    .as_u16(),
            );
        }
        patterns.push(p);
        sim.stop().await;
    }
    assert_eq!(patterns[0], patterns[1]);
    assert_ne!(patterns[0], patterns[2]);
    assert!(patterns[0].contains(&500) && patterns[0].contains(&200));
}

#[tokio::test]
async fn uptime_failures_make_providers_fail() {
    let mut s = Scenario::instant();
    s.uptime_failures = true;
    s.endpoints =
        serde_json::from_value(json!([{"model": "openai/gpt-6.1-sol", "uptime": 0.0}])).unwrap();
    let sim = start(s).await;
    let (status, v) = post_json(&sim, &body("openai/gpt-6.1-sol")).await;
    assert_eq!(status, 502);
    assert_eq!(v["error"]["message"], "Provider returned error");
    let (status, _) = post_json(&sim, &body("openai/gpt-6.1-terra")).await;
    assert_eq!(status, 200);
    sim.stop().await;
}
