//! The app's OpenRouter client keeps working whatever OpenRouter does with the fields it does
//! not use: present (every field the spec lists, as the emulator now sends), absent, or
//! `null`. Real answers from the emulator are fetched, then served again over real HTTP by a
//! small loopback server with those fields removed or nulled, and read by the real client.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use castwright_engine::gateway::{AttemptTiming, ChatRequest, Client, Message, StreamLimits};
use castwright_engine::secrets::Sensitive;
use openrouter_sim::{Scenario, SimConfig, SimServer};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Unused {
    Absent,
    Null,
}

/// Removes (or nulls) every field of `v` except those on a `keep` path (`data.*.id`: `*`
/// for any array element). A kept path keeps its whole value.
fn strip(v: &Value, keep: &[&str], mode: Unused) -> Value {
    fn walk(v: &Value, path: &str, keep: &[&str], mode: Unused) -> Value {
        match v {
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (k, child) in map {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    if keep.iter().any(|kp| *kp == p) {
                        out.insert(k.clone(), child.clone());
                    } else if keep.iter().any(|kp| kp.starts_with(&format!("{p}."))) {
                        out.insert(k.clone(), walk(child, &p, keep, mode));
                    } else if mode == Unused::Null {
                        out.insert(k.clone(), Value::Null);
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let p = format!("{path}.*");
                Value::Array(items.iter().map(|i| walk(i, &p, keep, mode)).collect())
            }
            other => other.clone(),
        }
    }
    walk(v, "", keep, mode)
}

/// Answers each path with a fixed status, content type and body, over plain HTTP/1.1.
async fn canned(routes: HashMap<String, (u16, &'static str, String)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let routes = Arc::new(routes);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let routes = routes.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Headers, then as much body as Content-Length says.
                let (head_end, len) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (i + 4, len);
                    }
                };
                while buf.len() < head_end + len {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let path = target.split('?').next().unwrap_or("/").to_owned();
                let (status, ctype, body) = routes.get(&path).cloned().unwrap_or((
                    404,
                    "application/json",
                    r#"{"error":{"message":"Not Found","code":404}}"#.into(),
                ));
                let res = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(res.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}/api/v1")
}

fn request(model: &str) -> ChatRequest {
    let mut r = ChatRequest::new(
        model,
        vec![
            Message::system("You are a podcast researcher. TASK: findings"),
            Message::user(
                "<<<NOTES\n[n1] Launch day\nVoyager 2 launched on August 20, 1977.\nNOTES>>>",
            ),
        ],
    );
    r.max_tokens = Some(300);
    r
}

/// Real answers from the emulator: every endpoint the client reads, and a stream.
struct Originals {
    model: String,
    models: Value,
    endpoints: Value,
    generation: Value,
    key: Value,
    credits: Value,
    chat: Value,
    stream: Vec<Value>,
}

async fn originals(sim: &SimServer) -> Originals {
    let http = reqwest::Client::new();
    let base = sim.api_base();
    let get = |path: String| {
        let req = http.get(format!("{base}{path}")).bearer_auth(sim.key());
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let models = get("/models".into()).await;
    let model = models["data"][0]["id"].as_str().unwrap().to_owned();
    let endpoints = get(format!("/models/{model}/endpoints")).await;
    let chat: Value = http
        .post(format!("{base}/chat/completions"))
        .bearer_auth(sim.key())
        .json(&request(&model))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = chat["id"].as_str().unwrap().to_owned();
    let generation = get(format!("/generation?id={id}")).await;
    let key = get("/key".into()).await;
    let credits = get("/credits".into()).await;
    let mut streamed = request(&model);
    streamed.stream = true;
    let raw = http
        .post(format!("{base}/chat/completions"))
        .bearer_auth(sim.key())
        .json(&streamed)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let stream = raw
        .split("\n\n")
        .filter_map(|e| e.trim().strip_prefix("data:"))
        .map(str::trim)
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    Originals {
        model,
        models,
        endpoints,
        generation,
        key,
        credits,
        chat,
        stream,
    }
}

fn client(base: &str, key: String) -> Client {
    Client::new(base, Some(Sensitive::new(key))).unwrap()
}

/// Everything the app takes from the answers, read through the real client: from the
/// plain-answer service `c` and the streaming one `s`.
async fn read_all(c: &Client, s: &Client, model: &str, gen_id: Option<&str>) -> Value {
    let models = c.models().await.unwrap();
    let m = &models.data[0];
    let eps = c.endpoints(model).await.unwrap();
    let key = c.key_info().await.unwrap();
    let credits = c.credits().await.unwrap();
    let cancel = CancellationToken::new();
    let (plain, _) = c.chat(&request(model), &cancel).await.unwrap();
    let generation = c
        .generation(gen_id.unwrap_or(&plain.generation_id))
        .await
        .unwrap();
    let mut text = String::new();
    let mut timing = AttemptTiming::default();
    let limits = StreamLimits {
        first_token: Duration::from_secs(10),
        idle: Duration::from_secs(10),
    };
    let streamed = s
        .chat_stream(&request(model), limits, &cancel, &mut timing, &mut |t| {
            text.push_str(t)
        })
        .await
        .unwrap();
    let dec = |d: Option<rust_decimal::Decimal>| d.map(|d| d.normalize().to_string());
    json!({
        "model": m.id,
        "prompt_price": dec(m.pricing.prompt_price()),
        "completion_price": dec(m.pricing.completion_price()),
        "endpoint_prices": eps.data.endpoints.iter()
            .map(|e| dec(e.pricing.prompt_price()))
            .collect::<Vec<_>>(),
        "limit": dec(key.limit),
        "usage": dec(key.usage),
        "balance": dec(credits.balance()),
        "plain_model": plain.model,
        "plain_text": plain.text,
        "plain_finish": plain.finish_reason,
        "plain_cost": dec(plain.usage.as_ref().and_then(|u| u.cost)),
        "plain_tokens": plain.usage.as_ref().map(|u| u.prompt_tokens + u.completion_tokens),
        "generation_cost": dec(generation.total_cost),
        "streamed_text": streamed.text,
        "on_text": text,
        "streamed_finish": streamed.finish_reason,
        "streamed_cost": dec(streamed.usage.as_ref().and_then(|u| u.cost)),
    })
}

/// The originals served again over HTTP, with the unused fields as `mode` says.
async fn served(o: &Originals, key: &str, mode: Option<Unused>) -> Value {
    let keep_models = [
        "data.*.id",
        "data.*.pricing.prompt",
        "data.*.pricing.completion",
    ];
    let keep_endpoints = [
        "data.id",
        "data.endpoints.*.pricing.prompt",
        "data.endpoints.*.pricing.completion",
    ];
    let keep_key = ["data.limit", "data.usage"];
    let keep_credits = ["data.total_credits", "data.total_usage"];
    let keep_generation = ["data.id", "data.total_cost"];
    let keep_chat = [
        "id",
        "choices.*.message.content",
        "choices.*.finish_reason",
        "usage.prompt_tokens",
        "usage.completion_tokens",
        "usage.cost",
    ];
    let keep_chunk = [
        "id",
        "choices.*.delta.content",
        "choices.*.finish_reason",
        "usage.prompt_tokens",
        "usage.completion_tokens",
        "usage.cost",
    ];
    let shape = |v: &Value, keep: &[&str]| match mode {
        Some(m) => strip(v, keep, m).to_string(),
        None => v.to_string(),
    };
    let json = "application/json";
    let stream: String = o
        .stream
        .iter()
        .map(|c| format!("data: {}\n\n", shape(c, &keep_chunk)))
        .chain(std::iter::once("data: [DONE]\n\n".to_owned()))
        .collect();
    let routes: HashMap<String, (u16, &'static str, String)> = [
        (
            "/api/v1/models".to_owned(),
            (200, json, shape(&o.models, &keep_models)),
        ),
        (
            format!("/api/v1/models/{}/endpoints", o.model),
            (200, json, shape(&o.endpoints, &keep_endpoints)),
        ),
        (
            "/api/v1/key".to_owned(),
            (200, json, shape(&o.key, &keep_key)),
        ),
        (
            "/api/v1/credits".to_owned(),
            (200, json, shape(&o.credits, &keep_credits)),
        ),
        (
            "/api/v1/generation".to_owned(),
            (200, json, shape(&o.generation, &keep_generation)),
        ),
    ]
    .into_iter()
    .collect();
    // The plain and the streamed call share a path: each has its own server.
    let mut plain_routes = routes.clone();
    plain_routes.insert(
        "/api/v1/chat/completions".into(),
        (200, json, shape(&o.chat, &keep_chat)),
    );
    let mut stream_routes = routes;
    stream_routes.insert(
        "/api/v1/chat/completions".into(),
        (200, "text/event-stream", stream),
    );
    let c = client(&canned(plain_routes).await, key.to_owned());
    let s = client(&canned(stream_routes).await, key.to_owned());
    read_all(&c, &s, &o.model, o.chat["id"].as_str()).await
}

#[tokio::test]
async fn the_client_reads_answers_with_unused_fields_present_absent_or_null() {
    let sim = SimServer::start(SimConfig {
        seed: 3,
        scenario: Scenario::instant(),
        ..SimConfig::default()
    })
    .await
    .unwrap();

    let o = originals(&sim).await;
    // Present: the emulator's answers carry every field the spec lists.
    let c = client(&sim.api_base(), sim.key());
    let before = sim.billing().generations;
    let live = read_all(&c, &c, &o.model, None).await;
    assert_eq!(sim.billing().generations, before + 2);
    assert!(!live["plain_text"].as_str().unwrap().is_empty());
    assert_eq!(live["streamed_text"], live["on_text"]);

    let baseline = served(&o, &sim.key(), None).await;
    assert!(baseline["plain_cost"].is_string(), "{baseline}");
    assert!(baseline["generation_cost"].is_string(), "{baseline}");
    assert!(!baseline["streamed_text"].as_str().unwrap().is_empty());
    for mode in [Unused::Absent, Unused::Null] {
        let got = served(&o, &sim.key(), Some(mode)).await;
        assert_eq!(got, baseline, "{mode:?}");
    }
    sim.stop().await;
}
