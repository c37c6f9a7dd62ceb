//! The gateway tests' fixture: the local OpenRouter over real HTTP on loopback, a router on
//! a fresh database, a call spec, fault rules, and the request log against the bill.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use castwright_engine::budget::ScopeLimit;
use castwright_engine::gateway::{Client, Message};
use castwright_engine::ledger;
use castwright_engine::money::to_units;
use castwright_engine::routing::{
    CallError, CallEvent, CallSpec, Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router,
    Variant,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{Fault, FaultRule, Scenario, SimConfig, SimServer, When};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

pub struct Fixture {
    pub sim: SimServer,
    pub router: Router,
    pub store: Arc<Mutex<Store>>,
    _dir: tempfile::TempDir,
}

pub async fn fixture(scenario: Scenario) -> Fixture {
    fixture_with(scenario, RetryPolicy::fast(), false).await
}

pub async fn fixture_with(scenario: Scenario, policy: RetryPolicy, deny: bool) -> Fixture {
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: deny,
        limit_off: false,
    };
    fixture_on(scenario, policy, profile).await
}

/// Another OpenAI-compatible service (the emulator standing in), its limit turned off.
pub async fn other_service(scenario: Scenario) -> Fixture {
    let profile = ConnectionProfile {
        id: "conn_local".into(),
        kind: ConnectionKind::OpenAiCompatible,
        deny_data_collection: false,
        limit_off: true,
    };
    fixture_on(scenario, RetryPolicy::fast(), profile).await
}

pub async fn fixture_on(
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

pub fn spec(models: &[&str], stream: bool) -> CallSpec {
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

pub fn rule(model: Option<&str>, when: When, fault: Fault) -> FaultRule {
    FaultRule {
        model: model.map(str::to_string),
        provider: None,
        key: None,
        stream: None,
        when,
        fault,
    }
}

pub fn first(n: u64) -> When {
    When {
        first: Some(n),
        ..When::default()
    }
}

pub fn always() -> When {
    When::default()
}

/// Ledger total in units, and the emulator's bill for our key in units.
pub fn reconcile(f: &Fixture) -> (i64, i64) {
    let ledger_units = ledger::total_units(f.store.lock().unwrap().conn(), None).unwrap();
    let bill = f.sim.billing();
    (ledger_units, to_units(bill.total))
}

pub async fn run(
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
