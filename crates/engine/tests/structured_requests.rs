//! What goes over the wire for a structured answer: on OpenRouter, every call that sends a
//! `response_format` also sends `provider.require_parameters: true`, so a provider that would
//! silently ignore the schema is never chosen. Checked with a loopback server that records
//! the request body (the emulator does not report the preferences it was sent).

use std::sync::{Arc, Mutex};

use castwright_engine::budget::ScopeLimit;
use castwright_engine::gateway::{Client, Message};
use castwright_engine::routing::{
    CallSpec, Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router, Variant,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Serves one fixed completion per connection and keeps every request body it was sent.
async fn recording_server() -> (String, Arc<Mutex<Vec<Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let keep = keep.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let body = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break buf[end + 4..end + 4 + len].to_vec();
                        }
                    }
                };
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    keep.lock().unwrap().push(v);
                }
                let answer = json!({
                    "id": "gen-1-recorded", "provider": "Test", "model": "openai/gpt-4.1-mini",
                    "object": "chat.completion", "created": 1,
                    "choices": [{"index": 0, "finish_reason": "stop", "native_finish_reason": "stop",
                        "message": {"role": "assistant", "content": "{\"score\": 80, \"unsupported_claims\": []}"}}],
                    "usage": {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52, "cost": 0.00001}
                })
                .to_string();
                let res = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = sock.write_all(res.as_bytes()).await;
            });
        }
    });
    (base, seen)
}

fn spec(response_format: Option<Value>) -> CallSpec {
    CallSpec {
        episode_id: Some("ep_wire".into()),
        stage: Some("quality_check".into()),
        chain: Chain::new(&["openai/gpt-4.1-mini"], Variant::Nitro),
        messages: vec![
            Message::system("TASK: verdict\nAnswer with the JSON object only."),
            Message::user("<<<NOTES\n[script]\nALEX: Hello.\nNOTES>>>"),
        ],
        max_tokens: 400,
        min_tokens: 100,
        temperature: Some(0.0),
        response_format,
        stop: None,
        stream: false,
        bypass_cache: true,
        limits: vec![ScopeLimit::episode("ep_wire", Decimal::from(1))],
    }
}

#[tokio::test]
async fn a_response_format_goes_with_require_parameters_on_openrouter() {
    let (base, seen) = recording_server().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
    let client = Client::new(
        &base,
        Some(Sensitive::new(openrouter_sim::test_key("wire"))),
    )
    .unwrap();
    let profile = ConnectionProfile {
        id: "openrouter".into(),
        kind: ConnectionKind::OpenRouter,
        deny_data_collection: false,
        limit_off: true,
    };
    let router = Router::new(client, profile, store, RetryPolicy::fast());
    let schema = castwright_engine::pipeline::prompts::verdict_schema();
    router
        .call(
            &spec(Some(schema.clone())),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .unwrap();
    router
        .call(&spec(None), &CancellationToken::new(), &mut |_| {})
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0]["response_format"], schema);
    assert_eq!(seen[0]["provider"]["require_parameters"], true);
    assert_eq!(seen[0]["model"], "openai/gpt-4.1-mini:nitro");
    // Without a schema nothing is required of the providers.
    assert!(
        seen[1]["provider"]["require_parameters"].is_null(),
        "{}",
        seen[1]
    );
}
