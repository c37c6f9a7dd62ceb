//! The privacy check against the local OpenRouter over loopback: a model whose every provider
//! keeps prompts is ruled out, the others are cleared, the probes are billed and logged like
//! any call, and a rejected key stops the check with one plain message.

use std::sync::{Arc, Mutex};

use castwright_engine::gateway::Client;
use castwright_engine::ledger;
use castwright_engine::money::to_units;
use castwright_engine::pipeline::{current_models, Stage};
use castwright_engine::privacy::{self, PrivacyError};
use castwright_engine::routing::{ConnectionKind, ConnectionProfile, RetryPolicy, Router};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use castwright_engine::ErrorCode;
use openrouter_sim::{Fault, FaultRule, Scenario, SimConfig, SimServer, When};
use rust_decimal::Decimal;
use std::str::FromStr;

struct Fixture {
    sim: SimServer,
    router: Router,
    store: Arc<Mutex<Store>>,
    _dir: tempfile::TempDir,
}

async fn fixture(scenario: Scenario, kind: ConnectionKind) -> Fixture {
    let sim = SimServer::start(SimConfig {
        seed: 11,
        scenario,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
    let client = Client::new(&sim.api_base(), Some(Sensitive::new(sim.key()))).unwrap();
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind,
        // The setting is off: the check must deny data collection on its own probes anyway.
        deny_data_collection: false,
        limit_off: false,
    };
    let router = Router::new(client, profile, store.clone(), RetryPolicy::fast());
    Fixture {
        sim,
        router,
        store,
        _dir: dir,
    }
}

/// Today's preset: every model listed by the emulator.
fn live_plan() -> castwright_engine::pipeline::StagePlan {
    current_models(&[])
}

/// A live plan with one model, in two stages, that only data-keeping providers serve.
fn plan_with_a_keeper() -> castwright_engine::pipeline::StagePlan {
    let mut plan = live_plan();
    let keeper = "google/gemma-4-31b-it:free".to_string();
    plan.research.chain.models.push(keeper.clone());
    plan.quality_check.chain.models.insert(0, keeper);
    plan
}

fn distinct_models(plan: &castwright_engine::pipeline::StagePlan) -> usize {
    let mut all: Vec<&String> = Stage::ALL
        .iter()
        .flat_map(|s| plan.get(*s).chain.models.iter())
        .collect();
    all.sort();
    all.dedup();
    all.len()
}

#[tokio::test]
async fn a_model_only_data_keepers_serve_is_ruled_out_and_the_probes_are_billed() {
    let f = fixture(Scenario::instant(), ConnectionKind::Demo).await;
    let plan = plan_with_a_keeper();
    let name = |m: &str| format!("name of {m}");
    let check = privacy::check(&f.router, &plan, None, &name).await.unwrap();

    assert_eq!(check.checked as usize, distinct_models(&plan));
    assert!(check.simulated);
    assert_eq!(check.unknown, vec![], "every model could be asked");
    assert_eq!(check.ruled_out.len(), 1, "{:?}", check.ruled_out);
    let out = &check.ruled_out[0];
    assert_eq!(out.model, "google/gemma-4-31b-it:free");
    assert_eq!(out.name, "name of google/gemma-4-31b-it:free");
    assert_eq!(out.stages, vec![Stage::Research, Stage::QualityCheck]);
    assert_eq!(out.reason, None);

    // Every probe is in the request log, and the log agrees with the bill to the 1e-10 dollar.
    let bill = f.sim.billing();
    let logged = ledger::total_units(f.store.lock().unwrap().conn(), None).unwrap();
    assert_eq!(logged, to_units(bill.total));
    assert!(
        bill.total > Decimal::ZERO,
        "the cleared models answered one word each"
    );
    assert_eq!(Decimal::from_str(&check.cost_usd).unwrap(), bill.total);
    let rows: i64 = f
        .store
        .lock()
        .unwrap()
        .conn()
        .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert!(
        rows as usize >= distinct_models(&plan),
        "one row per attempt at least"
    );
}

#[tokio::test]
async fn a_model_that_cannot_be_reached_now_is_unknown_not_ruled_out() {
    let mut scenario = Scenario::instant();
    // Claude Opus (the script stage's first model) has an outage for the whole test.
    scenario.faults.push(FaultRule {
        model: Some("anthropic/claude-opus-5.5".into()),
        when: When::default(),
        provider: None,
        key: None,
        stream: None,
        fault: Fault::Status {
            status: 502,
            message: None,
        },
    });
    let f = fixture(scenario, ConnectionKind::Demo).await;
    let check = privacy::check(&f.router, &live_plan(), None, &|m: &str| m.to_string())
        .await
        .unwrap();
    assert!(check.ruled_out.is_empty(), "{:?}", check.ruled_out);
    assert_eq!(check.unknown.len(), 1, "{:?}", check.unknown);
    assert_eq!(check.unknown[0].model, "anthropic/claude-opus-5.5");
    let reason = check.unknown[0].reason.as_deref().unwrap();
    assert!(reason.contains("anthropic/claude-opus-5.5"), "{reason}");
}

#[tokio::test]
async fn a_rejected_key_stops_the_check_once_with_the_fix() {
    let mut scenario = Scenario::instant();
    scenario.faults.push(FaultRule {
        model: None,
        when: When::default(),
        provider: None,
        key: None,
        stream: None,
        fault: Fault::Status {
            status: 401,
            message: None,
        },
    });
    let f = fixture(scenario, ConnectionKind::Demo).await;
    let err = privacy::check(&f.router, &live_plan(), None, &|m: &str| m.to_string())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeyRejected);
    assert!(err.to_string().to_lowercase().contains("key"), "{err}");
    assert_eq!(f.sim.billing().total, Decimal::ZERO);
}

#[tokio::test]
async fn another_service_is_not_checked() {
    let f = fixture(Scenario::instant(), ConnectionKind::OpenAiCompatible).await;
    let err = privacy::check(&f.router, &live_plan(), None, &|m: &str| m.to_string())
        .await
        .unwrap_err();
    assert!(matches!(err, PrivacyError::NotOpenRouter));
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(f.sim.billing().total, Decimal::ZERO, "nothing was sent");
}
