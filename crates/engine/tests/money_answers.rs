//! OpenRouter's money answers over real HTTP against the emulator: a 402 that says what the
//! credit affords is tried once more with `max_tokens` lowered (never below the stage's
//! minimum), else the producer is told to add credit and about how much; the daily free-model
//! quota is not retried and hands over to a paid model only when the producer allowed it.

use std::sync::{Arc, Mutex};

use castwright_engine::budget::ScopeLimit;
use castwright_engine::gateway::{Client, FailureKind, Message};
use castwright_engine::routing::{
    CallError, CallSpec, Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router, Variant,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{test_key, Scenario, SimConfig, SimServer};
use rust_decimal::Decimal;
use serde_json::json;
use tokio_util::sync::CancellationToken;

const MAVERICK: &str = "meta-llama/llama-4-maverick";
const NEMO_FREE: &str = "google/gemma-4-31b-it:free";

struct Fx {
    sim: SimServer,
    router: Router,
    _store: Arc<Mutex<Store>>,
    _dir: tempfile::TempDir,
}

/// `key`: one the scenario lists, or (None) a key the emulator accepts with default credit.
async fn fx(scenario: Scenario, key: Option<String>, policy: RetryPolicy) -> Fx {
    let sim = SimServer::start(SimConfig {
        seed: 11,
        scenario,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let key = key.unwrap_or_else(|| sim.key());
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
    let client = Client::new(&sim.api_base(), Some(Sensitive::new(key))).unwrap();
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: false,
        limit_off: false,
    };
    let router = Router::new(client, profile, store.clone(), policy);
    Fx {
        sim,
        router,
        _store: store,
        _dir: dir,
    }
}

fn spec(models: &[&str], max_tokens: u32, min_tokens: u32) -> CallSpec {
    CallSpec {
        episode_id: Some("ep_money".into()),
        stage: Some("script".into()),
        chain: Chain::new(models, Variant::None),
        messages: vec![
            Message::system("TASK: findings\nList the findings in the notes."),
            Message::user("<<<NOTES\n[n1] Voyager 2 launched on August 20, 1977.\n[n2] The record holds greetings in 55 languages.\nNOTES>>>"),
        ],
        max_tokens,
        min_tokens,
        temperature: Some(0.3),
        response_format: None,
        stop: None,
        stream: false,
        bypass_cache: true,
        limits: vec![ScopeLimit::episode("ep_money", Decimal::from(5))],
    }
}

fn low_credit(credits: &str) -> Scenario {
    let mut s = Scenario::instant();
    s.keys = serde_json::from_value(json!({ test_key("low"): {"credits": credits} })).unwrap();
    s
}

#[tokio::test]
async fn a_402_that_says_what_the_credit_affords_is_tried_once_more_with_fewer_tokens() {
    let f = fx(
        low_credit("0.0009"),
        Some(test_key("low")),
        RetryPolicy::fast(),
    )
    .await;
    let out = f
        .router
        .call(
            &spec(&[MAVERICK], 4000, 300),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .expect("the lowered request is served");
    assert_eq!(out.trail.len(), 2, "{:?}", out.trail);
    assert_eq!(out.trail[0].kind, Some(FailureKind::PaymentRequired));
    assert_eq!(out.trail[1].kind, None);
    let used = out.completion.usage.as_ref().unwrap().completion_tokens;
    assert!((1..4000).contains(&used), "{used}");
    assert_eq!(f.sim.billing().generations, 1);
}

#[tokio::test]
async fn below_the_stages_minimum_the_producer_is_told_to_add_credit_with_the_amount() {
    let f = fx(
        low_credit("0.00008"),
        Some(test_key("low")),
        RetryPolicy::fast(),
    )
    .await;
    let err = f
        .router
        .call(
            &spec(&[MAVERICK], 4000, 600),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .expect_err("the credit cannot pay for the least useful answer");
    match &err {
        CallError::Stopped { error, .. } => {
            assert_eq!(error.kind, FailureKind::PaymentRequired);
            let needed = error.credit_needed.expect("an amount");
            assert!(needed >= Decimal::new(1, 2), "{needed}");
        }
        other => panic!("expected a stop, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("Add credit on OpenRouter"), "{msg}");
    assert!(msg.contains("needs about $0.0"), "{msg}");
    assert!(!msg.contains("try again later"), "{msg}");
    assert_eq!(f.sim.billing().generations, 0);
}

fn daily_quota_used_up() -> Scenario {
    let mut s = Scenario::instant();
    s.faults = serde_json::from_value(json!([{
        "model": NEMO_FREE,
        "fault": {"type": "status", "status": 429,
                  "message": "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day"}
    }]))
    .unwrap();
    s
}

#[tokio::test]
async fn the_daily_free_quota_is_not_retried_and_stops_without_a_paid_backup_allowed() {
    let f = fx(daily_quota_used_up(), None, RetryPolicy::fast()).await;
    let err = f
        .router
        .call(
            &spec(&[NEMO_FREE, MAVERICK], 600, 150),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .expect_err("no paid backup without the producer's say-so");
    match &err {
        CallError::Stopped { error, .. } => assert_eq!(error.kind, FailureKind::RateLimited),
        other => panic!("expected a stop, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("free models' requests for today are used up"),
        "{msg}"
    );
    assert_eq!(
        f.sim.billing().generations,
        0,
        "the paid model was not asked"
    );
}

#[tokio::test]
async fn with_paid_backups_allowed_the_paid_model_takes_over_at_once() {
    let policy = RetryPolicy {
        paid_backups_after_free_quota: true,
        ..RetryPolicy::fast()
    };
    let f = fx(daily_quota_used_up(), None, policy).await;
    let out = f
        .router
        .call(
            &spec(&[NEMO_FREE, MAVERICK], 600, 150),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .expect("the paid backup answers");
    assert_eq!(out.completion.model, MAVERICK);
    // One refusal of the free model (not retried), then the paid model.
    assert_eq!(out.trail.len(), 2, "{:?}", out.trail);
    assert_eq!(out.trail[0].kind, Some(FailureKind::RateLimited));
}
