//! Every answer the emulator gives, fetched over real HTTP, validates against the schema
//! OpenRouter's published OpenAPI spec gives for it (see `spec_support`).

mod common;
mod spec_support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{body, client, data, parse_sse, read_stream, start, Event};
use openrouter_sim::{test_key, Scenario, SimServer};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use spec_support::Conformance;

/// A one-time code from `/auth`, as the browser would carry it to the callback.
async fn oauth_code(sim: &SimServer, challenge: &str) -> String {
    let callback = "http://127.0.0.1:45999/castwright/oauth/token";
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}/auth", sim.origin()))
        .query(&[
            ("callback_url", callback),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .expect("auth answers");
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    location
        .strip_prefix(&format!("{callback}?code="))
        .unwrap_or_else(|| panic!("a code in {location}"))
        .to_owned()
}

const CHAT: &str = "/chat/completions";

async fn get(sim: &SimServer, key: Option<&str>, path: &str) -> (u16, Value) {
    let mut req = client().get(format!("{}{path}", sim.api_base()));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status().as_u16();
    (status, res.json().await.expect("json body"))
}

async fn chat(sim: &SimServer, key: Option<&str>, b: &Value) -> (u16, Value) {
    let mut req = client().post(format!("{}{CHAT}", sim.api_base())).json(b);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status().as_u16();
    (status, res.json().await.expect("json body"))
}

/// Streams `b` and checks every data chunk; returns the chunks.
async fn stream_checked(conf: &mut Conformance, sim: &SimServer, mut b: Value) -> Vec<Value> {
    b["stream"] = json!(true);
    let res = client()
        .post(format!("{}{CHAT}", sim.api_base()))
        .bearer_auth(sim.key())
        .json(&b)
        .send()
        .await
        .expect("request sent");
    assert_eq!(res.status(), 200);
    let raw = read_stream(res).await.expect("stream completes");
    let events = parse_sse(&raw);
    assert!(events.contains(&Event::Done), "stream ends with [DONE]");
    let chunks: Vec<Value> = data(&events).into_iter().cloned().collect();
    assert!(chunks.len() >= 3, "a stream has chunks: {raw}");
    for (n, c) in chunks.iter().enumerate() {
        conf.stream_event(CHAT, "post", n, c);
    }
    chunks
}

/// Model ids from the listing: the first one, and one that reasons when asked (if any).
fn pick_models(list: &Value) -> (String, Option<String>) {
    let models = list["data"].as_array().expect("data is a list");
    let first = models[0]["id"].as_str().expect("id").to_owned();
    let reasoning = models
        .iter()
        .find(|m| {
            m["supported_parameters"]
                .as_array()
                .is_some_and(|p| p.iter().any(|x| x == "reasoning"))
        })
        .and_then(|m| m["id"].as_str())
        .map(str::to_owned);
    (first, reasoning)
}

#[tokio::test]
async fn every_answer_validates_against_openrouters_spec() {
    let mut conf = Conformance::new();
    let mut scenario = Scenario::instant();
    scenario.keys = serde_json::from_value(json!({
        test_key("spec-poor"): {"credits": "0.0000001"},
        test_key("spec-capped"): {"credits": "20", "limit": "5", "free_tier": true},
    }))
    .expect("keys parse");
    let sim = start(scenario.clone()).await;
    let key = sim.key();

    // The catalog, public.
    let (status, list) = get(&sim, None, "/models").await;
    assert_eq!(status, 200);
    conf.json("/models", "get", 200, &list);
    let (status, count) = get(&sim, None, "/models/count").await;
    assert_eq!(status, 200);
    conf.json("/models/count", "get", 200, &count);
    for m in list["data"].as_array().expect("models") {
        let id = m["id"].as_str().expect("id");
        let (status, v) = get(&sim, None, &format!("/models/{id}/endpoints")).await;
        assert_eq!(status, 200, "{id}");
        conf.json("/models/{author}/{slug}/endpoints", "get", 200, &v);
    }
    let (status, v) = get(&sim, None, "/models/nobody/no-such-model/endpoints").await;
    assert_eq!(status, 404);
    conf.json("/models/{author}/{slug}/endpoints", "get", 404, &v);
    let (model, reasoning_model) = pick_models(&list);

    // Chat completions, plain.
    let (status, plain) = chat(&sim, Some(&key), &body(&model)).await;
    assert_eq!(status, 200, "{plain}");
    conf.json(CHAT, "post", 200, &plain);
    // WORDS asks for more than max_tokens allows, so the reply is cut.
    let mut capped = body(&model);
    capped["messages"][1]["content"] = json!(format!(
        "WORDS: 400\n{}",
        capped["messages"][1]["content"]
            .as_str()
            .unwrap_or_default()
    ));
    capped["max_tokens"] = json!(5);
    let (status, v) = chat(&sim, Some(&key), &capped).await;
    assert_eq!(status, 200);
    assert_eq!(v["choices"][0]["finish_reason"], "length");
    conf.json(CHAT, "post", 200, &v);
    let mut structured = body(&model);
    structured["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "t", "strict": true,
        "schema": {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}}});
    let (status, v) = chat(&sim, Some(&key), &structured).await;
    assert_eq!(status, 200);
    conf.json(CHAT, "post", 200, &v);
    if let Some(r) = &reasoning_model {
        let mut b = body(r);
        b["reasoning"] = json!({"effort": "low"});
        let (status, v) = chat(&sim, Some(&key), &b).await;
        assert_eq!(status, 200);
        conf.json(CHAT, "post", 200, &v);
        stream_checked(&mut conf, &sim, b).await;
    }

    // Streams: every chunk, in both usage-chunk styles.
    stream_checked(&mut conf, &sim, body(&model)).await;
    let mut no_choices = Scenario::instant();
    no_choices.keys = scenario.keys.clone();
    no_choices.usage_chunk = openrouter_sim::UsageChunkStyle::NoChoices;
    sim.set_scenario(no_choices);
    stream_checked(&mut conf, &sim, body(&model)).await;
    sim.set_scenario(scenario.clone());

    // The generation, the key and its credit.
    let gen_id = plain["id"].as_str().expect("generation id");
    let (status, v) = get(&sim, Some(&key), &format!("/generation?id={gen_id}")).await;
    assert_eq!(status, 200, "{v}");
    conf.json("/generation", "get", 200, &v);
    let (status, v) = get(&sim, Some(&key), "/generation?id=gen-0-nothing").await;
    assert_eq!(status, 404);
    conf.json("/generation", "get", 404, &v);
    for k in [key.clone(), test_key("spec-capped")] {
        let (status, v) = get(&sim, Some(&k), "/key").await;
        assert_eq!(status, 200);
        conf.json("/key", "get", 200, &v);
        let (status, v) = get(&sim, Some(&k), "/credits").await;
        assert_eq!(status, 200);
        conf.json("/credits", "get", 200, &v);
    }

    // 401: no key, a malformed key, an unknown key.
    let malformed = "sk-or-v1-bad".to_owned();
    let unknown = test_key("nobody-issued-this");
    for k in [None, Some(malformed.as_str()), Some(unknown.as_str())] {
        let (status, v) = chat(&sim, k, &body(&model)).await;
        assert_eq!(status, 401, "chat with {k:?}: {v}");
        conf.json(CHAT, "post", 401, &v);
        for (path, template) in [
            ("/key", "/key"),
            ("/credits", "/credits"),
            (&*format!("/generation?id={gen_id}"), "/generation"),
        ] {
            let (status, v) = get(&sim, k, path).await;
            assert_eq!(status, 401, "{path} with {k:?}: {v}");
            conf.json(template, "get", 401, &v);
        }
    }

    // 400 for an id that is no model, 402 from the pre-flight credit check.
    let (status, v) = chat(&sim, Some(&key), &body("nobody/no-such-model")).await;
    assert_eq!(status, 400);
    conf.json(CHAT, "post", 400, &v);
    let (status, v) = chat(&sim, Some(&test_key("spec-poor")), &body(&model)).await;
    assert_eq!(status, 402, "{v}");
    conf.json(CHAT, "post", 402, &v);

    // OAuth PKCE: the key exchange, and its refusals (a wrong verifier, a reused code, a
    // method OpenRouter does not know).
    let verifier = "conformance-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let code = oauth_code(&sim, &challenge).await;
    let exchange = |b: Value| {
        let url = format!("{}/auth/keys", sim.api_base());
        async move {
            let resp = client()
                .post(url)
                .json(&b)
                .send()
                .await
                .expect("exchange answers");
            (
                resp.status().as_u16(),
                resp.json::<Value>().await.expect("json"),
            )
        }
    };
    let (status, v) =
        exchange(json!({"code": code, "code_verifier": verifier, "code_challenge_method": "S256"}))
            .await;
    assert_eq!(status, 200, "{v}");
    conf.json("/auth/keys", "post", 200, &v);
    let (status, v) =
        exchange(json!({"code": code, "code_verifier": verifier, "code_challenge_method": "S256"}))
            .await;
    assert_eq!(status, 403, "a reused code: {v}");
    conf.json("/auth/keys", "post", 403, &v);
    let code = oauth_code(&sim, &challenge).await;
    let (status, v) = exchange(
        json!({"code": code, "code_verifier": "not-the-verifier", "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!(status, 403, "a wrong verifier: {v}");
    conf.json("/auth/keys", "post", 403, &v);
    let code = oauth_code(&sim, &challenge).await;
    let (status, v) = exchange(
        json!({"code": code, "code_verifier": verifier, "code_challenge_method": "rot13"}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    conf.json("/auth/keys", "post", 400, &v);

    // Every error status chat completions can answer with, as a scripted fault.
    let mut faults = vec![
        json!({"fault": {"type": "rate_limit", "retry_after_ms": 10}}),
        json!({"fault": {"type": "rate_limit", "retry_after_ms": 10, "upstream": false}}),
        json!({"fault": {"type": "provider_error"}}),
        json!({"fault": {"type": "moderation"}}),
        json!({"fault": {"type": "unauthorized"}}),
        json!({"fault": {"type": "payment_required"}}),
    ];
    for s in [
        400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529,
    ] {
        faults.push(json!({"fault": {"type": "status", "status": s}}));
    }
    for f in faults {
        let mut s = Scenario::instant();
        s.keys = scenario.keys.clone();
        s.faults = vec![serde_json::from_value(f.clone()).expect("fault parses")];
        sim.set_scenario(s);
        let (status, v) = chat(&sim, Some(&key), &body(&model)).await;
        assert!(status >= 400, "{f}: {status}");
        conf.json(CHAT, "post", status, &v);
    }

    // A provider failing after the stream began: an error chunk on the 200 stream.
    for finish in ["error", "null"] {
        let mut s = Scenario::instant();
        s.keys = scenario.keys.clone();
        s.faults = vec![
            serde_json::from_value(json!({"fault": {"type": "mid_stream_error",
            "after_chunks": 2, "finish_reason": finish}}))
            .expect("fault parses"),
        ];
        sim.set_scenario(s);
        let chunks = stream_checked(&mut conf, &sim, body(&model)).await;
        assert!(
            chunks.iter().any(|c| c.get("error").is_some()),
            "an error chunk was sent"
        );
    }

    // Unknown paths under the API.
    let (status, v) = get(&sim, Some(&key), "/no-such-endpoint").await;
    assert_eq!(status, 404);
    conf.component("NotFoundResponse", "GET /no-such-endpoint 404", &v);

    assert!(
        conf.checked() > 40,
        "only {} answers checked",
        conf.checked()
    );
    conf.assert_all_conform();
}

#[test]
fn the_spec_is_read_and_strictly_compiled() {
    // A schema check that must fail, so the validator is known to be in force.
    let mut conf = Conformance::new();
    conf.json("/models/count", "get", 200, &json!({"data": {}}));
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        conf.assert_all_conform();
    }));
    assert!(failed.is_err(), "a body missing a required field must fail");
}
