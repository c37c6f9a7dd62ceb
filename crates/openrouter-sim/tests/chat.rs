//! Chat completions over real HTTP: shapes, streams, parameters, text.

mod common;

use common::*;
use openrouter_sim::Scenario;
use serde_json::{json, Value};

#[tokio::test]
async fn plain_completion_has_openrouter_shape() {
    let sim = start(Scenario::instant()).await;
    let res = post(&sim, &body("openai/gpt-6.1-terra")).await;
    assert_eq!(res.status(), 200);
    let header_id = res
        .headers()
        .get("x-generation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("X-Generation-Id");
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["id"], header_id);
    assert!(header_id.starts_with("gen-"));
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["model"], "openai/gpt-6.1-terra");
    // OpenAI and Azure serve GPT-6.1 Terra at the same price: load balancing picks either.
    assert!(["OpenAI", "Azure"].contains(&v["provider"].as_str().unwrap()));
    let choice = &v["choices"][0];
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(choice["native_finish_reason"], "stop");
    assert_eq!(choice["message"]["role"], "assistant");
    let content = choice["message"]["content"].as_str().unwrap();
    assert!(
        content.contains("[n1]") && content.contains("[n2]"),
        "{content}"
    );
    let u = &v["usage"];
    assert_eq!(
        u["total_tokens"].as_u64().unwrap(),
        u["prompt_tokens"].as_u64().unwrap() + u["completion_tokens"].as_u64().unwrap()
    );
    assert!(u["cost"].is_number());
    assert_eq!(u["prompt_tokens_details"]["cached_tokens"], 0);
    assert_eq!(u["completion_tokens_details"]["reasoning_tokens"], 0);
    assert!(u["cost_details"]["upstream_inference_prompt_cost"].is_number());
    assert_eq!(u["is_byok"], false);
    sim.stop().await;
}

#[tokio::test]
async fn usage_counts_follow_the_documented_approximation() {
    let sim = start(Scenario::instant()).await;
    let b = body("openai/gpt-6.1-terra");
    let (_, v) = post_json(&sim, &b).await;
    let texts: Vec<&str> = b["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        v["usage"]["prompt_tokens"].as_u64().unwrap(),
        openrouter_sim::token_count::prompt(texts)
    );
    let content = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert_eq!(
        v["usage"]["completion_tokens"].as_u64().unwrap(),
        openrouter_sim::token_count::count(content)
    );
    sim.stop().await;
}

#[tokio::test]
async fn stream_follows_the_recorded_chunk_order() {
    let sim = start(Scenario::instant()).await;
    let (headers, events) = stream(&sim, body("anthropic/claude-sonnet-5.5")).await;
    assert_eq!(headers["content-type"], "text/event-stream");
    let id = headers["x-generation-id"].to_str().unwrap().to_owned();

    // Comments first, then data, ending with [DONE].
    assert!(matches!(&events[0], Event::Comment(c) if c == "OPENROUTER PROCESSING"));
    assert_eq!(events.last(), Some(&Event::Done));
    assert!(!events.iter().any(|e| matches!(e, Event::Broken(_))));

    let chunks = data(&events);
    assert!(chunks.len() >= 4);
    for c in &chunks {
        assert_eq!(c["id"], id.as_str());
        assert_eq!(c["object"], "chat.completion.chunk");
        assert_eq!(c["model"], "anthropic/claude-sonnet-5.5");
        assert!(c["provider"].is_string());
    }
    // First chunk: role with empty content.
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": ""})
    );
    // Then the finish chunk, then usage in a chunk of its own.
    let n = chunks.len();
    let finish = chunks[n - 2];
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    assert_eq!(finish["choices"][0]["native_finish_reason"], "end_turn");
    assert!(finish.get("usage").is_none());
    let usage_chunk = chunks[n - 1];
    assert!(usage_chunk["choices"][0]["finish_reason"].is_null());
    assert!(usage_chunk["usage"]["cost"].is_number());
    // Only the last chunk carries usage; content chunks carry no finish reason.
    for c in &chunks[1..n - 2] {
        assert!(c["choices"][0]["finish_reason"].is_null());
        assert!(c.get("usage").is_none());
    }
    let text = streamed_text(&events);
    assert_eq!(
        usage_chunk["usage"]["completion_tokens"].as_u64().unwrap(),
        openrouter_sim::token_count::count(&text)
    );
    sim.stop().await;
}

#[tokio::test]
async fn usage_chunk_can_have_no_choices() {
    let mut s = Scenario::instant();
    s.usage_chunk = openrouter_sim::UsageChunkStyle::NoChoices;
    let sim = start(s).await;
    let (_, events) = stream(&sim, body("openai/gpt-6-luna")).await;
    let chunks = data(&events);
    let last = chunks.last().unwrap();
    assert_eq!(last["choices"], json!([]));
    assert!(last["usage"]["cost"].is_number());
    sim.stop().await;
}

#[tokio::test]
async fn stream_and_plain_give_the_same_text_for_the_same_request() {
    let sim = start(Scenario::instant()).await;
    let b = body("mistralai/mistral-small-3.2-24b-instruct:floor");
    let (_, plain) = post_json(&sim, &b).await;
    let (_, events) = stream(&sim, b).await;
    assert_eq!(
        plain["choices"][0]["message"]["content"].as_str().unwrap(),
        streamed_text(&events)
    );
    sim.stop().await;
}

#[tokio::test]
async fn max_tokens_cuts_with_length() {
    let sim = start(Scenario::instant()).await;
    let mut b = body("openai/gpt-6.1-terra");
    b["messages"][0]["content"] = json!("TASK: script\nSPEAKERS: Alex, Sam\nWORDS: 1500");
    b["max_tokens"] = json!(50);
    let (_, v) = post_json(&sim, &b).await;
    assert_eq!(v["choices"][0]["finish_reason"], "length");
    assert!(v["usage"]["completion_tokens"].as_u64().unwrap() <= 50);
    assert!(v["usage"]["completion_tokens"].as_u64().unwrap() >= 40);
    sim.stop().await;
}

#[tokio::test]
async fn stop_sequences_end_the_text() {
    let sim = start(Scenario::instant()).await;
    let mut b = body("openai/gpt-6.1-terra");
    b["stop"] = json!(["[n2]"]);
    let (_, v) = post_json(&sim, &b).await;
    let content = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(content.contains("[n1]"));
    assert!(!content.contains("[n2]"));
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    sim.stop().await;
}

#[tokio::test]
async fn script_uses_speakers_headings_and_word_target() {
    let sim = start(Scenario::instant()).await;
    let mut b = body("anthropic/claude-opus-5.5");
    b["messages"][0]["content"] =
        json!("You write podcast scripts.\nTASK: script\nSPEAKERS: Priya, Tom\nWORDS: 400");
    let (_, v) = post_json(&sim, &b).await;
    let content = v["choices"][0]["message"]["content"].as_str().unwrap();
    let words = content.split_whitespace().count();
    assert!((400..600).contains(&words), "{words}");
    assert!(content.contains("## "));
    assert!(content.contains("Priya: ") && content.contains("Tom: "));
    assert!(!content.contains("You write podcast scripts"));
    assert!(!content.contains("TASK"));
    for line in content.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.starts_with("## ") || line.starts_with("Priya: ") || line.starts_with("Tom: "),
            "{line}"
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn outline_and_verdict_shapes() {
    let sim = start(Scenario::instant()).await;
    let mut b = body("openai/gpt-6.1-terra");
    b["messages"][0]["content"] = json!("TASK: outline");
    let (_, v) = post_json(&sim, &b).await;
    let content = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("1. The golden record (source: [n1])"),
        "{content}"
    );

    b["messages"][0]["content"] = json!("TASK: verdict");
    let (_, v) = post_json(&sim, &b).await;
    let verdict: Value =
        serde_json::from_str(v["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    assert!(verdict["score"].is_number());
    sim.stop().await;
}

#[tokio::test]
async fn json_schema_output_validates() {
    let sim = start(Scenario::instant()).await;
    let mut b = body("openai/gpt-6.1-terra");
    b["messages"][0]["content"] = json!("TASK: verdict");
    b["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "verdict", "strict": true, "schema": {
        "type": "object",
        "additionalProperties": false,
        "required": ["score", "pass", "unsupported_claims", "fixes"],
        "properties": {
            "score": {"type": "integer", "minimum": 1, "maximum": 10},
            "pass": {"type": "boolean"},
            "unsupported_claims": {"type": "array", "items": {"type": "object", "required": ["line", "reason"], "properties": {"line": {"type": "string"}, "reason": {"type": "string"}}}},
            "fixes": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string", "maxLength": 200}}
        }
    }}});
    let (_, v) = post_json(&sim, &b).await;
    let out: Value =
        serde_json::from_str(v["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    let obj = out.as_object().unwrap();
    assert_eq!(obj.len(), 4);
    let score = out["score"].as_i64().unwrap();
    assert!((1..=10).contains(&score));
    assert!(out["pass"].is_boolean());
    assert!(out["unsupported_claims"].is_array());
    let fixes = out["fixes"].as_array().unwrap();
    assert!((1..=3).contains(&fixes.len()));
    assert!(fixes
        .iter()
        .all(|f| f.as_str().unwrap().chars().count() <= 200));

    b["response_format"] = json!({"type": "json_object"});
    b["messages"][0]["content"] = json!("Summarise.");
    let (_, v) = post_json(&sim, &b).await;
    let out: Value =
        serde_json::from_str(v["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    assert!(out.is_object());
    sim.stop().await;
}

#[tokio::test]
async fn text_is_deterministic_per_seed() {
    let a = start_seeded(1, Scenario::instant()).await;
    let b = start_seeded(1, Scenario::instant()).await;
    let c = start_seeded(2, Scenario::instant()).await;
    let mut req = body("openai/gpt-6.1-terra");
    req["messages"][0]["content"] = json!("TASK: script\nWORDS: 300");
    let text = |v: Value| {
        v["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let ta = text(post_json(&a, &req).await.1);
    let tb = text(post_json(&b, &req).await.1);
    let tc = text(post_json(&c, &req).await.1);
    assert_eq!(ta, tb);
    assert_ne!(ta, tc);
    for s in [a, b, c] {
        s.stop().await;
    }
}

#[tokio::test]
async fn reasoning_models_report_reasoning_tokens() {
    let sim = start(Scenario::instant()).await;
    // DeepSeek V4 Pro shows its reasoning.
    let (_, v) = post_json(&sim, &body("deepseek/deepseek-v4-pro")).await;
    let reasoning_tokens = v["usage"]["completion_tokens_details"]["reasoning_tokens"]
        .as_u64()
        .unwrap();
    assert!(reasoning_tokens > 0);
    let reasoning = v["choices"][0]["message"]["reasoning"].as_str().unwrap();
    assert_eq!(
        openrouter_sim::token_count::count(reasoning),
        reasoning_tokens
    );
    let content = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert_eq!(
        v["usage"]["completion_tokens"].as_u64().unwrap(),
        reasoning_tokens + openrouter_sim::token_count::count(content)
    );
    // GPT-6 Astra counts reasoning but hides it.
    let (_, v) = post_json(&sim, &body("openai/gpt-6-astra")).await;
    assert!(
        v["usage"]["completion_tokens_details"]["reasoning_tokens"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(v["choices"][0]["message"]["reasoning"].is_null());
    // Streams carry reasoning deltas before content.
    let (_, events) = stream(&sim, body("deepseek/deepseek-v4-pro")).await;
    let chunks = data(&events);
    let first_reasoning = chunks
        .iter()
        .position(|c| c["choices"][0]["delta"]["reasoning"].is_string())
        .unwrap();
    let first_content = chunks
        .iter()
        .position(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        })
        .unwrap();
    assert!(first_reasoning < first_content);
    sim.stop().await;
}

#[tokio::test]
async fn bad_requests_get_openrouter_errors() {
    let sim = start(Scenario::instant()).await;
    let res = client()
        .post(format!("{}/chat/completions", sim.api_base()))
        .json(&body("openai/gpt-6.1-terra"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v,
        json!({"error": {"code": 401, "message": "No auth credentials found"}})
    );

    let (status, v) = post_json(
        &sim,
        &json!({"model": "openai/gpt-6.1-terra", "messages": []}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["code"], 400);

    let res = client()
        .post(format!("{}/chat/completions", sim.api_base()))
        .bearer_auth(sim.key())
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    sim.stop().await;
}

#[tokio::test]
async fn chunks_are_written_like_the_recorded_ones() {
    let sim = start(Scenario::instant()).await;
    let mut b = body("x-ai/grok-4.20");
    b["stream"] = json!(true);
    let raw = read_stream(post(&sim, &b).await).await.unwrap();
    let lines: Vec<&str> = raw
        .split("\n\n")
        .filter(|l| l.starts_with("data: {"))
        .collect();
    let first: Value = serde_json::from_str(&lines[0][6..]).unwrap();
    let id = first["id"].as_str().unwrap();
    let created = first["created"].as_u64().unwrap();
    // Same fields, same order, same spacing as OpenRouter's own stream.
    assert_eq!(
        lines[0],
        format!(
            "data: {{\"id\":\"{id}\",\"provider\":\"xAI\",\"model\":\"x-ai/grok-4.20\",\"object\":\"chat.completion.chunk\",\"created\":{created},\"choices\":[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\"content\":\"\"}},\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}}]}}"
        )
    );
    let finish = lines[lines.len() - 2];
    assert!(
        finish.contains("\"finish_reason\":\"stop\",\"native_finish_reason\":\"completed\""),
        "{finish}"
    );
    let usage = lines[lines.len() - 1];
    assert!(usage.contains("\"usage\":{\"prompt_tokens\":"), "{usage}");
    assert!(usage.contains("\"is_byok\":false,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"cost_details\":{\"upstream_inference_cost\":null,"), "{usage}");
    assert!(raw.ends_with("data: [DONE]\n\n"));
    assert!(raw.starts_with(": OPENROUTER PROCESSING\n\n"));
    sim.stop().await;
}
