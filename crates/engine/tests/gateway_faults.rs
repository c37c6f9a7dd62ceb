//! The gateway core against the local OpenRouter: failures mid-call (mid-stream errors,
//! stalls, resets, provider errors, moderation), with the request log reconciled exactly
//! with what the emulator billed.

mod gateway_fixture;

use castwright_engine::routing::RetryPolicy;
use gateway_fixture::*;
use openrouter_sim::{Fault, Scenario, When};

#[tokio::test]
async fn mid_stream_errors_bill_what_was_sent_and_reconcile() {
    let mut s = Scenario::instant();
    s.faults = vec![
        rule(
            Some("openai/gpt-6.1-terra"),
            first(1),
            Fault::MidStreamError {
                after_chunks: 3,
                code: serde_json::json!("server_error"),
                message: None,
                finish_reason: openrouter_sim::ErrorFinish::Null,
            },
        ),
        rule(
            Some("openai/gpt-6.1-terra"),
            When {
                attempts: vec![2],
                ..When::default()
            },
            Fault::TruncatedStream { after_chunks: 2 },
        ),
        rule(
            Some("openai/gpt-6.1-terra"),
            When {
                attempts: vec![3],
                ..When::default()
            },
            Fault::MalformedChunk { after_chunks: 1 },
        ),
    ];
    let policy = RetryPolicy {
        max_retries: 4,
        ..RetryPolicy::fast()
    };
    let f = fixture_with(s, policy, false).await;
    let (r, events, text) = run(&f, &spec(&["openai/gpt-6.1-terra"], true)).await;
    let out = r.unwrap();
    assert_eq!(
        text, out.completion.text,
        "text of failed attempts is void after a restart"
    );
    let kinds: Vec<&str> = events
        .iter()
        .filter(|e| e.starts_with("failed"))
        .map(|e| e.split(' ').nth(2).unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["mid_stream_error", "stream_cut", "malformed"],
        "{events:?}"
    );
    let (l, b) = reconcile(&f);
    assert_eq!(
        l, b,
        "partial streams are billed by the emulator and recorded by us"
    );
}

#[tokio::test]
async fn a_stall_before_the_first_token_times_out_and_retries() {
    let mut s = Scenario::instant();
    s.faults = vec![rule(
        Some("openai/gpt-6-luna"),
        first(1),
        Fault::StallFirstByte { ms: 2_000 },
    )];
    let policy = RetryPolicy {
        first_token_timeout: std::time::Duration::from_millis(100),
        ..RetryPolicy::fast()
    };
    let f = fixture_with(s, policy, false).await;
    let (r, events, _) = run(&f, &spec(&["openai/gpt-6-luna"], true)).await;
    r.unwrap();
    assert!(events[0].contains("first_token_timeout"), "{events:?}");
}

#[tokio::test]
async fn a_stall_mid_stream_hits_the_idle_timeout() {
    let mut s = Scenario::instant();
    s.faults = vec![rule(
        Some("openai/gpt-6-luna"),
        first(1),
        Fault::StallMidStream {
            after_chunks: 2,
            ms: 2_000,
        },
    )];
    let policy = RetryPolicy {
        idle_timeout: std::time::Duration::from_millis(100),
        ..RetryPolicy::fast()
    };
    let f = fixture_with(s, policy, false).await;
    let (r, events, _) = run(&f, &spec(&["openai/gpt-6-luna"], true)).await;
    r.unwrap();
    assert!(events[0].contains("idle_timeout"), "{events:?}");
    let (l, b) = reconcile(&f);
    assert_eq!(l, b);
}

#[tokio::test]
async fn resets_and_provider_errors_and_moderation() {
    let mut s = Scenario::instant();
    s.faults = vec![
        rule(
            Some("openai/gpt-6.1-terra"),
            first(1),
            Fault::ConnectionReset,
        ),
        rule(
            Some("openai/gpt-6.1-terra"),
            When {
                attempts: vec![2],
                ..When::default()
            },
            Fault::ProviderError {
                status: 502,
                raw: Some("{\"error\":{\"message\":\"upstream exploded\"}}".into()),
            },
        ),
        rule(
            Some("openai/gpt-6.1-terra"),
            When {
                attempts: vec![3],
                ..When::default()
            },
            Fault::Moderation {
                reasons: vec!["violence".into()],
                flagged_input: None,
            },
        ),
    ];
    let policy = RetryPolicy {
        server_fallback_width: 1,
        ..RetryPolicy::fast()
    };
    let f = fixture_with(s, policy, false).await;
    let (r, events, _) = run(
        &f,
        &spec(&["openai/gpt-6.1-terra", "openai/gpt-6-luna"], false),
    )
    .await;
    let out = r.unwrap();
    assert_eq!(out.completion.model, "openai/gpt-6-luna");
    let kinds: Vec<&str> = events
        .iter()
        .filter(|e| e.starts_with("failed"))
        .map(|e| e.split(' ').nth(2).unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["connection", "provider_error", "moderated"],
        "{events:?}"
    );
    let msg: String = f
        .store
        .lock()
        .unwrap()
        .conn()
        .query_row(
            "SELECT error_message FROM requests WHERE error_kind = 'provider_error'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(msg.contains("upstream exploded"), "{msg}");
}
