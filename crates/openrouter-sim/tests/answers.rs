//! Scripted answers over real HTTP: a scenario's `answers` replace the generated text for a
//! task and model, plain and streamed, with the finish reason asked for, billed as usual.

mod common;

use common::*;
use openrouter_sim::Scenario;
use serde_json::{json, Value};

fn scripted(answers: Value) -> Scenario {
    let mut s = Scenario::instant();
    s.answers = serde_json::from_value(answers).expect("answers parse");
    s
}

fn verdict_body(model: &str) -> Value {
    json!({
        "model": model,
        "messages": [
            {"role": "system", "content": "You check podcast scripts. TASK: verdict"},
            {"role": "user", "content": format!("Check this script.\n{NOTES}")}
        ]
    })
}

const CHATTY_VERDICT: &str = "Here's my assessment of the script:\n\n```json\n{\"score\": \"82\", \"unsupported_claims\": []}\n```\n\nLet me know if you need anything else!";

#[tokio::test]
async fn a_scripted_answer_replaces_the_text_for_its_task_and_model_only() {
    let sim = start(scripted(json!([
        {"task": "verdict", "model": "anthropic/claude-opus-5.5", "text": CHATTY_VERDICT}
    ])))
    .await;
    let key = sim.key();
    let res = post_with_key(&sim, &key, &verdict_body("anthropic/claude-opus-5.5:floor")).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], CHATTY_VERDICT);
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    assert_eq!(v["choices"][0]["native_finish_reason"], "end_turn");
    assert!(v["usage"]["completion_tokens"].as_u64().unwrap() > 10);
    assert!(dec(&v["usage"]["cost"]) > rust_decimal::Decimal::ZERO);

    // Another model, and another task for the same model: generated text as before.
    let other = post_with_key(&sim, &key, &verdict_body("openai/gpt-6.1-terra")).await;
    let other: Value = other.json().await.unwrap();
    assert_ne!(other["choices"][0]["message"]["content"], CHATTY_VERDICT);
    let findings = post_with_key(&sim, &key, &body("anthropic/claude-opus-5.5")).await;
    let findings: Value = findings.json().await.unwrap();
    let text = findings["choices"][0]["message"]["content"]
        .as_str()
        .unwrap();
    assert!(
        text.contains("[n1]") && !text.contains("assessment"),
        "{text}"
    );
    assert_eq!(sim.billing().generations, 3);
    sim.stop().await;
}

#[tokio::test]
async fn answers_are_used_in_order_with_their_finish_reason_then_fall_through() {
    let cut =
        "ALEX: Welcome back. Today we are talking about the golden record, and there are well over";
    let sim = start(scripted(json!([
        {"task": "findings", "model": "openai/gpt-6.1-terra", "text": cut, "finish_reason": "length", "times": 1},
        {"task": "findings", "model": "openai/gpt-6.1-terra", "text": "", "times": 1}
    ])))
    .await;
    let key = sim.key();
    let first: Value = post_with_key(&sim, &key, &body("openai/gpt-6.1-terra"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["choices"][0]["message"]["content"], cut);
    assert_eq!(first["choices"][0]["finish_reason"], "length");

    // Streamed: the empty answer, with a finish chunk and usage as always.
    let mut b = body("openai/gpt-6.1-terra");
    b["stream"] = json!(true);
    let res = post_with_key(&sim, &key, &b).await;
    let events = parse_sse(&read_stream(res).await.unwrap());
    assert_eq!(streamed_text(&events), "");
    let chunks = data(&events);
    assert!(chunks
        .iter()
        .any(|c| c["choices"][0]["finish_reason"] == "stop"));
    assert!(chunks
        .iter()
        .any(|c| c["usage"]["prompt_tokens"].is_number()));
    assert_eq!(events.last(), Some(&Event::Done));

    // Both rules used up: the generated text again.
    let third: Value = post_with_key(&sim, &key, &body("openai/gpt-6.1-terra"))
        .await
        .json()
        .await
        .unwrap();
    assert!(third["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .contains("[n1]"));
    sim.stop().await;
}

#[tokio::test]
async fn max_tokens_still_cuts_a_scripted_answer() {
    let long =
        "SAM: ".to_string() + &"The committee argued over every image for weeks. ".repeat(40);
    let sim = start(scripted(json!([{"task": "script", "text": long}]))).await;
    let b = json!({
        "model": "openai/gpt-6.1-terra",
        "max_tokens": 20,
        "messages": [
            {"role": "system", "content": "TASK: script\nSPEAKERS: Sam"},
            {"role": "user", "content": NOTES}
        ]
    });
    let v: Value = post_with_key(&sim, &sim.key(), &b)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["choices"][0]["finish_reason"], "length");
    assert_eq!(v["usage"]["completion_tokens"], 20);
    sim.stop().await;
}

#[tokio::test]
async fn a_bad_answer_rule_is_refused_with_the_reason() {
    let err = Scenario::from_json(r#"{"answers": [{"task": "poem", "text": "x"}]}"#).unwrap_err();
    assert!(err.to_string().contains("answers[0]"), "{err}");
    let ok = Scenario::from_json(
        r#"{"answers": [{"task": "verdict", "model": "openai/gpt-6.1-terra", "text": "{}", "finish_reason": "length", "times": 2}]}"#,
    )
    .unwrap();
    assert_eq!(ok.answers.len(), 1);
}
