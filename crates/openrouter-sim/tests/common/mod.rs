//! Helpers for the HTTP tests: a server on loopback, a client, and an SSE reader.
#![allow(dead_code)]

use std::time::Duration;

use openrouter_sim::{test_key, Scenario, SimConfig, SimServer};
use serde_json::{json, Value};

/// Lists keys in the scenario by label (`test_key(label)`), each with its config
/// (`{"credits": "0.01", "limit": "1", "free_tier": true, "invalid": true}`).
pub fn with_keys(mut s: Scenario, keys: Value) -> Scenario {
    let map = keys.as_object().expect("keys is an object");
    for (label, cfg) in map {
        let cfg = serde_json::from_value(cfg.clone()).expect("key config parses");
        s.keys.insert(test_key(label), cfg);
    }
    s
}

pub async fn start(scenario: Scenario) -> SimServer {
    start_seeded(0, scenario).await
}

pub async fn start_seeded(seed: u64, scenario: Scenario) -> SimServer {
    SimServer::start(SimConfig {
        seed,
        scenario,
        shutdown_grace_ms: 200,
    })
    .await
    .expect("server starts")
}

/// An instant scenario with these fault rules (JSON array).
pub fn faults(rules: Value) -> Scenario {
    let mut s = Scenario::instant();
    s.faults = serde_json::from_value(rules).expect("fault rules parse");
    s
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

pub const NOTES: &str = "<<<NOTES\n[n1] The golden record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired the committee. The record holds greetings in 55 languages.\n[n2] Launch day\nVoyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later on a faster path.\nNOTES>>>";

pub fn body(model: &str) -> Value {
    json!({
        "model": model,
        "messages": [
            {"role": "system", "content": "You are a podcast researcher. TASK: findings"},
            {"role": "user", "content": format!("Summarise these notes.\n{NOTES}")}
        ]
    })
}

pub async fn post(sim: &SimServer, body: &Value) -> reqwest::Response {
    post_with_key(sim, &sim.key(), body).await
}

pub async fn post_with_key(sim: &SimServer, key: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/chat/completions", sim.api_base()))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

pub async fn post_json(sim: &SimServer, body: &Value) -> (u16, Value) {
    let res = post(sim, body).await;
    let status = res.status().as_u16();
    let v = res.json::<Value>().await.expect("json body");
    (status, v)
}

pub async fn get_json(sim: &SimServer, path: &str) -> (u16, Value) {
    let res = client()
        .get(format!("{}{path}", sim.api_base()))
        .bearer_auth(sim.key())
        .send()
        .await
        .expect("request sent");
    let status = res.status().as_u16();
    (status, res.json::<Value>().await.expect("json body"))
}

/// One SSE event as sent: a comment, a data line, or something else.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Comment(String),
    Data(Value),
    Done,
    /// A `data:` line that is not JSON.
    Broken(String),
}

/// Splits a raw SSE body into events (blank-line separated).
pub fn parse_sse(raw: &str) -> Vec<Event> {
    raw.split("\n\n")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            if let Some(c) = e.strip_prefix(':') {
                Event::Comment(c.trim().to_owned())
            } else if let Some(d) = e.strip_prefix("data:") {
                let d = d.trim();
                if d == "[DONE]" {
                    Event::Done
                } else {
                    serde_json::from_str(d)
                        .map_or_else(|_| Event::Broken(d.to_owned()), Event::Data)
                }
            } else {
                Event::Broken(e.to_owned())
            }
        })
        .collect()
}

/// Reads a whole streamed response; `Err` carries what arrived before a transport error.
pub async fn read_stream(mut res: reqwest::Response) -> Result<String, String> {
    let mut raw = Vec::new();
    loop {
        match res.chunk().await {
            Ok(Some(b)) => raw.extend_from_slice(&b),
            Ok(None) => return Ok(String::from_utf8_lossy(&raw).into_owned()),
            Err(_) => return Err(String::from_utf8_lossy(&raw).into_owned()),
        }
    }
}

/// Streams `body` and returns the response headers and the events.
pub async fn stream(sim: &SimServer, mut body: Value) -> (reqwest::header::HeaderMap, Vec<Event>) {
    body["stream"] = json!(true);
    let res = post(sim, &body).await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    let raw = read_stream(res).await.expect("stream completes");
    (headers, parse_sse(&raw))
}

/// The data chunks of a stream, in order.
pub fn data(events: &[Event]) -> Vec<&Value> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Data(v) => Some(v),
            _ => None,
        })
        .collect()
}

/// The content deltas joined.
pub fn streamed_text(events: &[Event]) -> String {
    data(events)
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect()
}

pub fn dec(v: &Value) -> rust_decimal::Decimal {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    rust_decimal::Decimal::from_scientific(&text)
        .or_else(|_| text.parse())
        .unwrap_or_else(|_| panic!("not a decimal: {text}"))
}
