//! The gateway core against the local OpenRouter over real HTTP on loopback: success paths,
//! every failure path, fallback, the cache, the budget, and exact reconciliation of the
//! request log with what the emulator billed.

use std::sync::{Arc, Mutex};

use castwright_engine::budget::{self, ScopeLimit};
use castwright_engine::gateway::{Client, FailureKind, Message};
use castwright_engine::ledger;
use castwright_engine::money::{from_units, to_units};
use castwright_engine::routing::{
    CallError, CallEvent, CallSpec, Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router,
    Variant,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{Fault, FaultRule, Scenario, SimConfig, SimServer, When};
use rust_decimal::Decimal;
use std::str::FromStr;
use tokio_util::sync::CancellationToken;

struct Fixture {
    sim: SimServer,
    router: Router,
    store: Arc<Mutex<Store>>,
    _dir: tempfile::TempDir,
}

async fn fixture(scenario: Scenario) -> Fixture {
    fixture_with(scenario, RetryPolicy::fast(), false).await
}

async fn fixture_with(scenario: Scenario, policy: RetryPolicy, deny: bool) -> Fixture {
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: deny,
        limit_off: false,
    };
    fixture_on(scenario, policy, profile).await
}

/// Another OpenAI-compatible service (the emulator standing in), its limit turned off.
async fn other_service(scenario: Scenario) -> Fixture {
    let profile = ConnectionProfile {
        id: "conn_local".into(),
        kind: ConnectionKind::OpenAiCompatible,
        deny_data_collection: false,
        limit_off: true,
    };
    fixture_on(scenario, RetryPolicy::fast(), profile).await
}

async fn fixture_on(
    scenario: Scenario,
    policy: RetryPolicy,
    profile: ConnectionProfile,
) -> Fixture {
    let sim = SimServer::start(SimConfig {
        seed: 7,
        scenario,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
    let client = Client::new(&sim.api_base(), Some(Sensitive::new(sim.key()))).unwrap();
    let router = Router::new(client, profile, store.clone(), policy);
    Fixture {
        sim,
        router,
        store,
        _dir: dir,
    }
}

fn spec(models: &[&str], stream: bool) -> CallSpec {
    CallSpec {
        episode_id: Some("ep_test".into()),
        stage: Some("research".into()),
        chain: Chain::new(models, Variant::None),
        messages: vec![
            Message::system("TASK: findings\nList findings from the notes."),
            Message::user("<<<NOTES\n[n1] Voyager 1 launched on 5 September 1977 from Cape Canaveral.\n[n2] The Golden Record carries 116 images and greetings in 55 languages.\nNOTES>>>"),
        ],
        max_tokens: 300,
        min_tokens: 50,
        temperature: Some(0.3),
        response_format: None,
        stop: None,
        stream,
        bypass_cache: false,
        limits: vec![ScopeLimit::episode("ep_test", Decimal::from(3))],
    }
}

fn rule(model: Option<&str>, when: When, fault: Fault) -> FaultRule {
    FaultRule {
        model: model.map(str::to_string),
        provider: None,
        key: None,
        stream: None,
        when,
        fault,
    }
}

fn first(n: u64) -> When {
    When {
        first: Some(n),
        ..When::default()
    }
}

fn always() -> When {
    When::default()
}

/// Ledger total in units, and the emulator's bill for our key in units.
fn reconcile(f: &Fixture) -> (i64, i64) {
    let ledger_units = ledger::total_units(f.store.lock().unwrap().conn(), None).unwrap();
    let bill = f.sim.billing();
    (ledger_units, to_units(bill.total))
}

async fn run(
    f: &Fixture,
    spec: &CallSpec,
) -> (
    Result<castwright_engine::routing::CallOutcome, CallError>,
    Vec<String>,
    String,
) {
    let cancel = CancellationToken::new();
    let mut events = Vec::new();
    let mut text = String::new();
    let r = f
        .router
        .call(spec, &cancel, &mut |e| match e {
            CallEvent::Text(t) => text.push_str(t),
            CallEvent::Restart => {
                text.clear();
                events.push("restart".into())
            }
            CallEvent::AttemptFailed { model, error, next } => events.push(format!(
                "failed {model} {} -> {next:?}",
                error.kind.as_str()
            )),
            CallEvent::TookOver { from, to } => events.push(format!("took over {from} -> {to}")),
            CallEvent::Reused { saved_units } => events.push(format!("reused {saved_units}")),
            CallEvent::Cost { .. } => {}
        })
        .await;
    // The call's rows, settlement and cache entry are written just after it returns.
    f.router.flush().await.unwrap();
    (r, events, text)
}

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

#[tokio::test]
async fn another_service_gets_bare_model_ids_without_openrouter_variants() {
    let f = other_service(Scenario::instant()).await;
    let mut s = spec(&["openai/gpt-6-luna"], false);
    // A plan made for OpenRouter ("Cheapest") used on a service that has no such routing.
    s.chain.variant = Variant::Floor;
    let (r, _, _) = run(&f, &s).await;
    assert!(!r.unwrap().completion.text.is_empty());
    let asked: Vec<String> = f
        .store
        .lock()
        .unwrap()
        .conn()
        .prepare("SELECT model_requested FROM requests")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(asked, vec!["openai/gpt-6-luna".to_string()]);
}

#[tokio::test]
async fn another_services_refusals_do_not_speak_of_openrouter() {
    let mut scenario = Scenario::instant();
    scenario.faults.push(rule(
        None,
        always(),
        Fault::Status {
            status: 401,
            message: None,
        },
    ));
    let f = other_service(scenario).await;
    let (r, _, _) = run(&f, &spec(&["openai/gpt-6-luna"], false)).await;
    let text = r.unwrap_err().to_string();
    assert!(text.contains("did not accept its key"), "{text}");
    assert!(!text.contains("OpenRouter"), "{text}");
}
