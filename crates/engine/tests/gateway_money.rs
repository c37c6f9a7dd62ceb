//! The gateway core against the local OpenRouter: the money side of a call — the cache, the
//! budget, max_tokens fitted to it, privacy and max price, cancelling, and two hundred calls
//! at once never overshooting the limit.

mod gateway_fixture;

use std::sync::Arc;

use castwright_engine::budget::{self, ScopeLimit};
use castwright_engine::gateway::Message;
use castwright_engine::money::from_units;
use castwright_engine::routing::{CallError, CallEvent, RetryPolicy};
use gateway_fixture::*;
use openrouter_sim::{Fault, FaultRule, Scenario, When};
use rust_decimal::Decimal;
use std::str::FromStr;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn the_second_identical_call_is_a_free_cache_hit_streamed_the_same_way() {
    let f = fixture(Scenario::instant()).await;
    let s = spec(&["openai/gpt-6-luna"], true);
    let (first, _, _) = run(&f, &s).await;
    let first = first.unwrap();
    let (second, events, text) = run(&f, &s).await;
    let second = second.unwrap();
    assert!(second.cached);
    assert_eq!(second.cost_units, 0);
    assert_eq!(second.saved_units, first.cost_units);
    assert_eq!(text, first.completion.text);
    assert_eq!(events, vec![format!("reused {}", first.cost_units)]);
    assert_eq!(
        f.sim.billing().generations,
        1,
        "the hit never reached the emulator"
    );
    // Bypass goes to the network again.
    let mut bypass = s.clone();
    bypass.bypass_cache = true;
    let (third, _, _) = run(&f, &bypass).await;
    assert!(!third.unwrap().cached);
    assert_eq!(f.sim.billing().generations, 2);
    let (l, b) = reconcile(&f);
    assert_eq!(l, b);
}

#[tokio::test]
async fn a_call_that_cannot_fit_the_budget_is_refused_before_sending() {
    let f = fixture(Scenario::instant()).await;
    let mut s = spec(&["anthropic/claude-opus-5.5"], true);
    s.limits = vec![ScopeLimit::episode(
        "ep_test",
        Decimal::from_str("0.001").unwrap(),
    )];
    let (r, _, _) = run(&f, &s).await;
    let err = r.unwrap_err();
    assert!(
        matches!(err, CallError::Budget(budget::BudgetError::Refused { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("this episode has"), "{err}");
    assert_eq!(f.sim.billing().generations, 0, "nothing was sent");
    assert_eq!(f.sim.billing().total, Decimal::ZERO);
}

#[tokio::test]
async fn max_tokens_is_lowered_to_fit_but_not_below_the_minimum() {
    let f = fixture(Scenario::instant()).await;
    let mut s = spec(&["anthropic/claude-opus-5.5"], false);
    s.max_tokens = 4000;
    s.min_tokens = 50;
    // Room for the prompt plus ~100 output tokens at $75/M.
    s.limits = vec![ScopeLimit::episode(
        "ep_test",
        Decimal::from_str("0.02").unwrap(),
    )];
    let (r, _, _) = run(&f, &s).await;
    let out = r.unwrap();
    let u = out.completion.usage.unwrap();
    assert!(
        u.completion_tokens < 4000 && u.completion_tokens > 0,
        "{u:?}"
    );
    let spent = budget::spent(f.store.lock().unwrap().conn(), "episode:ep_test").unwrap();
    assert!(spent <= Decimal::from_str("0.02").unwrap());
}

#[tokio::test]
async fn privacy_and_max_price_reach_the_request() {
    // The emulator refuses endpoints above max_price and, with data_collection deny, those
    // that keep data; a call still succeeds because our max_price is the dearest endpoint.
    let f = fixture_with(Scenario::instant(), RetryPolicy::fast(), true).await;
    let (r, _, _) = run(
        &f,
        &spec(&["mistralai/mistral-small-3.2-24b-instruct"], false),
    )
    .await;
    r.unwrap();
}

#[tokio::test]
async fn cancelling_a_stream_stops_at_once_and_keeps_the_partial_text() {
    let mut s = Scenario::instant();
    s.faults = vec![rule(
        Some("openai/gpt-6.1-terra"),
        always(),
        Fault::StallMidStream {
            after_chunks: 2,
            ms: 5_000,
        },
    )];
    let f = fixture(s).await;
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    let sp = spec(&["openai/gpt-6.1-terra"], true);
    let mut got = String::new();
    let started = std::time::Instant::now();
    let r = f
        .router
        .call(&sp, &cancel, &mut |e| {
            if let CallEvent::Text(t) = e {
                got.push_str(t);
                c2.cancel();
            }
        })
        .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "cancel aborts the request"
    );
    match r {
        Err(CallError::Cancelled { partial, .. }) => assert_eq!(partial, got),
        other => panic!("expected cancelled, got {other:?}"),
    }
    f.router.flush().await.unwrap();
    let status: String = f
        .store
        .lock()
        .unwrap()
        .conn()
        .query_row("SELECT status FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "cancelled");
    let (l, b) = reconcile(&f);
    assert_eq!(
        l, b,
        "a dropped stream is billed for what was sent, and we record exactly that"
    );
}

#[tokio::test]
async fn two_hundred_concurrent_calls_with_faults_never_overshoot_the_limit() {
    let mut s = Scenario::instant();
    s.faults = vec![
        rule(
            None,
            When {
                probability: Some(0.15),
                ..When::default()
            },
            Fault::Status {
                status: 502,
                message: None,
            },
        ),
        rule(
            None,
            When {
                probability: Some(0.05),
                ..When::default()
            },
            Fault::RateLimit {
                retry_after_ms: 5,
                upstream: false,
            },
        ),
        FaultRule {
            stream: Some(true),
            ..rule(
                None,
                When {
                    probability: Some(0.1),
                    ..When::default()
                },
                Fault::MidStreamError {
                    after_chunks: 1,
                    code: serde_json::json!(502),
                    message: None,
                    finish_reason: openrouter_sim::ErrorFinish::Error,
                },
            )
        },
    ];
    s.default_credits = Decimal::from(1000);
    let f = Arc::new(fixture(s).await);
    let limit = Decimal::from_str("0.05").unwrap();
    let mut tasks = Vec::new();
    for i in 0..220 {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let mut sp = spec(
                &["openai/gpt-6.1-terra", "anthropic/claude-sonnet-5.5"],
                i % 2 == 0,
            );
            // Distinct prompts so the cache does not answer.
            sp.messages.push(Message::user(format!("Variation {i}")));
            sp.limits = vec![ScopeLimit::episode("ep_race", limit)];
            let cancel = CancellationToken::new();
            f.router.call(&sp, &cancel, &mut |_| {}).await
        }));
    }
    let mut ok = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(CallError::Budget(_)) => refused += 1,
            Err(_) => {}
        }
    }
    assert!(
        ok > 0 && refused > 0,
        "the limit must bind: ok {ok}, refused {refused}"
    );
    f.router.flush().await.unwrap();
    let spent = budget::spent(f.store.lock().unwrap().conn(), "episode:ep_race").unwrap();
    assert!(spent <= limit, "spent {spent} > limit {limit}");
    let (l, b) = reconcile(&f);
    assert_eq!(l, b, "ledger {} vs bill {}", from_units(l), from_units(b));
    let (_, reserved) = budget::totals(f.store.lock().unwrap().conn(), "episode:ep_race").unwrap();
    assert_eq!(reserved, 0, "every reservation settled");
}
