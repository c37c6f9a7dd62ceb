//! The gateway core against the local OpenRouter over real HTTP on loopback: success paths,
//! stop errors, retries and fallback. Failures mid-call are in `gateway_faults.rs`, money
//! (cache, budget, concurrency) in `gateway_money.rs`, another service in
//! `gateway_other_service.rs`.

mod gateway_fixture;

use castwright_engine::budget::{self};
use castwright_engine::gateway::FailureKind;
use castwright_engine::routing::{CallError, RetryPolicy};
use gateway_fixture::*;
use openrouter_sim::{Fault, Scenario};

#[tokio::test]
async fn a_plain_call_is_billed_exactly_once() {
    let f = fixture(Scenario::instant()).await;
    let (r, _, text) = run(&f, &spec(&["openai/gpt-6-luna"], false)).await;
    let out = r.unwrap();
    assert!(!out.completion.text.is_empty());
    assert_eq!(text, out.completion.text);
    assert!(out.completion.generation_id.starts_with("gen-"));
    assert!(out.cost_units > 0);
    let (ledger_units, billed) = reconcile(&f);
    assert_eq!(ledger_units, billed);
    assert_eq!(ledger_units, out.cost_units);
    // Budget settled: nothing left reserved.
    let (spent, reserved) =
        budget::totals(f.store.lock().unwrap().conn(), "episode:ep_test").unwrap();
    assert_eq!((spent, reserved), (out.cost_units, 0));
}

#[tokio::test]
async fn a_stream_delivers_text_and_usage_after_finish() {
    let f = fixture(Scenario::instant()).await;
    let (r, events, text) = run(&f, &spec(&["anthropic/claude-sonnet-5.5"], true)).await;
    let out = r.unwrap();
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(text, out.completion.text);
    let usage = out
        .completion
        .usage
        .clone()
        .expect("usage chunk after finish_reason");
    assert!(usage.cost.is_some());
    let row: (String, String, i64) = f
        .store
        .lock()
        .unwrap()
        .conn()
        .query_row(
            "SELECT status, cost_source, streamed FROM requests",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(row, ("ok".into(), "usage".into(), 1));
    let (l, b) = reconcile(&f);
    assert_eq!(l, b);
}

#[tokio::test]
async fn a_retired_model_in_the_chain_gets_openrouters_unknown_model_answer() {
    let f = fixture(Scenario::instant()).await;
    let (r, _events, _) = run(
        &f,
        &spec(&["anthropic/claude-instant-1", "openai/gpt-6-luna"], true),
    )
    .await;
    // OpenRouter checks every id of the chain before routing: a retired one refuses the whole
    // request as an unknown model, so chains must name listed models only.
    match r.unwrap_err() {
        CallError::Stopped { error, spent_units } => {
            assert_eq!(error.status, Some(400));
            assert!(
                error
                    .server_message
                    .contains("anthropic/claude-instant-1 is not a valid model ID"),
                "{error:?}"
            );
            assert_eq!(spent_units, 0);
        }
        other => panic!("expected a stop, got {other:?}"),
    }
    assert_eq!(f.sim.billing().generations, 0);
    let (l, b) = reconcile(&f);
    assert_eq!(l, b);
}

#[tokio::test]
async fn a_failing_model_is_retried_then_the_client_moves_on() {
    let mut s = Scenario::instant();
    s.faults = vec![rule(
        Some("openai/gpt-6.1-sol"),
        always(),
        Fault::Status {
            status: 500,
            message: None,
        },
    )];
    let policy = RetryPolicy {
        server_fallback_width: 1,
        ..RetryPolicy::fast()
    };
    let f = fixture_with(s, policy, false).await;
    let (r, events, _) = run(
        &f,
        &spec(
            &["openai/gpt-6.1-sol", "anthropic/claude-sonnet-5.5"],
            false,
        ),
    )
    .await;
    let out = r.unwrap();
    assert_eq!(out.completion.model, "anthropic/claude-sonnet-5.5");
    let failures: Vec<_> = events
        .iter()
        .filter(|e| e.starts_with("failed openai/gpt-6.1-sol provider_error"))
        .collect();
    assert_eq!(failures.len(), 3, "1 try + 2 retries: {events:?}");
    assert!(
        events
            .iter()
            .any(|e| e.contains("NextModel") && e.contains("anthropic/claude-sonnet-5.5")),
        "{events:?}"
    );
    let rows: i64 = f
        .store
        .lock()
        .unwrap()
        .conn()
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 4);
    let (l, b) = reconcile(&f);
    assert_eq!(l, b);
}

#[tokio::test]
async fn a_rate_limit_is_retried_after_its_retry_after() {
    let mut s = Scenario::instant();
    s.faults = vec![rule(
        Some("openai/gpt-6.1-terra"),
        first(1),
        Fault::RateLimit {
            retry_after_ms: 30,
            upstream: true,
        },
    )];
    let f = fixture(s).await;
    let started = std::time::Instant::now();
    let (r, events, _) = run(&f, &spec(&["openai/gpt-6.1-terra"], true)).await;
    r.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(30));
    assert!(
        events[0].starts_with("failed openai/gpt-6.1-terra rate_limited -> RetrySame"),
        "{events:?}"
    );
}

#[tokio::test]
async fn stop_errors_stop_at_once() {
    for (fault, kind) in [
        (Fault::Unauthorized, FailureKind::Unauthorized),
        (Fault::PaymentRequired, FailureKind::PaymentRequired),
        (
            Fault::Status {
                status: 400,
                message: None,
            },
            FailureKind::BadRequest,
        ),
    ] {
        let mut s = Scenario::instant();
        s.faults = vec![rule(None, always(), fault)];
        let f = fixture(s).await;
        let (r, events, _) = run(
            &f,
            &spec(&["openai/gpt-6.1-terra", "openai/gpt-6-luna"], false),
        )
        .await;
        match r {
            Err(CallError::Stopped { error, .. }) => assert_eq!(error.kind, kind),
            other => panic!("expected a stop for {kind:?}, got {other:?}"),
        }
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(events[0].ends_with("GiveUp"), "{events:?}");
    }
}

#[tokio::test]
async fn every_model_failing_gives_one_plain_error() {
    let mut s = Scenario::instant();
    s.faults = vec![rule(
        None,
        always(),
        Fault::Status {
            status: 503,
            message: None,
        },
    )];
    let f = fixture(s).await;
    let (r, _, _) = run(
        &f,
        &spec(&["openai/gpt-6.1-terra", "openai/gpt-6-luna"], true),
    )
    .await;
    let err = r.unwrap_err();
    assert!(matches!(err, CallError::AllFailed { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("Every model for this step failed"),
        "{err}"
    );
    assert_eq!(err.spent_units(), 0);
    let (l, b) = reconcile(&f);
    assert_eq!((l, b), (0, 0));
}
