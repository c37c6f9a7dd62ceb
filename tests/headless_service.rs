//! `castwright produce --connection <service>`: another OpenAI-compatible service set up in
//! the app, used from the command line with its key from `CASTWRIGHT_KEY_<NAME>`, its entered
//! prices and its limit switch honoured as in the app. The service is the local OpenRouter
//! over real HTTP; the data folder is a real one with the service added through the engine.

use std::path::Path;
use std::process::{Command, Output};

use castwright_engine::connections::other::{self, ManualPrice, OtherConnectionInput};
use castwright_engine::secrets::Keychain;
use castwright_engine::store::Store;
use openrouter_sim::{Scenario, SimConfig, SimServer};
use serde_json::Value;

const NAME: &str = "Local Lab";
const KEY_ENV: &str = "CASTWRIGHT_KEY_LOCAL_LAB";

fn notes() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/notes")
        .display()
        .to_string()
}

/// A data folder holding one other service pointing at `sim`, priced at $1 / $2 per million
/// tokens for every model it lists when `priced`.
async fn data_with_service(sim: &SimServer, priced: bool, limit_off: bool) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open_in(data.path()).unwrap();
    // No key is stored in the app: the command gets it from the environment.
    let keychain =
        Keychain::with_service(format!("castwright-service-test-{}", std::process::id()));
    let added = other::add(
        &store,
        &keychain,
        &OtherConnectionInput {
            name: NAME.into(),
            base_url: sim.api_base(),
            key: None,
        },
    )
    .unwrap();
    if priced {
        let client = castwright_engine::gateway::Client::new(&sim.api_base(), None).unwrap();
        for m in client.models().await.unwrap().data {
            let price = ManualPrice {
                model_id: m.id,
                prompt_per_million: "1".into(),
                completion_per_million: "2".into(),
            };
            other::set_price(&store, &keychain, &added.id, &price).unwrap();
        }
    }
    if limit_off {
        other::set_limit_off(&store, &keychain, &added.id, true).unwrap();
    }
    data
}

async fn produce(data: &Path, key: Option<String>, connection: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_castwright"));
    c.args([
        "produce",
        "--connection",
        connection,
        "--notes",
        &notes(),
        "--brief",
        "How the Voyager golden record was made",
        "--minutes",
        "3",
        "--json",
    ])
    .env("CASTWRIGHT_DATA_DIR", data)
    .env_remove("CASTWRIGHT_OPENROUTER_KEY")
    .env_remove(KEY_ENV)
    .env_remove("DISPLAY")
    .env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/castwright-no-bus",
    );
    if let Some(k) = key {
        c.env(KEY_ENV, k);
    }
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

fn last_json(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_else(|| {
        panic!(
            "no stdout; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    serde_json::from_str(line).unwrap()
}

async fn sim() -> SimServer {
    SimServer::start(SimConfig {
        seed: 5,
        scenario: Scenario::instant(),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_runs_an_episode_and_the_log_equals_its_bill() {
    let sim = sim().await;
    let data = data_with_service(&sim, true, false).await;
    // The name is matched in any case.
    let out = produce(data.path(), Some(sim.key()), "local lab").await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let j = last_json(&out);
    assert!(j["error"].is_null(), "{j}");
    assert_eq!(j["simulated"], false);
    assert!(stderr.contains("connection: Local Lab"), "{stderr}");
    let key = sim.key();
    assert!(!stderr.contains(&key) && !String::from_utf8_lossy(&out.stdout).contains(&key));

    // Every call went to the service, and the request log holds what it billed, exactly
    // (a service that reports `usage.cost`, as this one does, is taken at its word, as in the
    // app; the entered prices bound the reservation, see the next test).
    let store = Store::open_in(data.path()).unwrap();
    let rows: Vec<(String, String, i64)> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT connection_id, status, cost_units FROM requests")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(rows.len() >= 4, "{rows:?}");
    assert!(
        rows.iter()
            .all(|(c, s, _)| c.starts_with("conn_") && s == "ok"),
        "{rows:?}"
    );
    let units: i64 = rows.iter().map(|r| r.2).sum();
    let billed = sim.billing();
    assert_eq!(billed.generations as usize, rows.len());
    let per_unit = rust_decimal::Decimal::new(1, 10);
    assert_eq!(rust_decimal::Decimal::from(units) * per_unit, billed.total);
    let reported = rust_decimal::Decimal::from_str_exact(&j["total_cost_usd"].to_string()).unwrap();
    assert_eq!(reported, billed.total.normalize());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_prices_the_limit_refuses_before_sending_unless_it_is_off() {
    let sim = sim().await;
    let data = data_with_service(&sim, false, false).await;
    let out = produce(data.path(), Some(sim.key()), NAME).await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = last_json(&out);
    assert_eq!(j["total_cost_usd"].as_f64(), Some(0.0), "{j}");
    let message = j["error"]["message"].as_str().unwrap();
    assert!(message.contains("price"), "{message}");
    assert_eq!(sim.billing().generations, 0, "nothing was sent");

    // The producer turned the limit off for this service in the app: the command runs too.
    let open = data_with_service(&sim, false, true).await;
    let out = produce(open.path(), Some(sim.key()), NAME).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(sim.billing().generations >= 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_service_name_lists_the_ones_set_up() {
    let sim = sim().await;
    let data = data_with_service(&sim, true, false).await;
    let out = produce(data.path(), Some(sim.key()), "Groq").await;
    assert_eq!(out.status.code(), Some(2));
    let j = last_json(&out);
    assert_eq!(j["error"]["code"], "bad_input");
    let message = j["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("\"Groq\"") && message.contains("Local Lab"),
        "{message}"
    );
    assert_eq!(sim.billing().generations, 0);
}
