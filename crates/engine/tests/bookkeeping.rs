//! The bookkeeping writer, against the local OpenRouter over loopback and a real SQLite file:
//! what a call hands over is in the ledger after `flush` (and after an orderly shutdown),
//! a record that cannot be written is reported and leaves its money held, and a settlement
//! never releases a reservation twice.

use std::sync::{Arc, Mutex};

use castwright_engine::budget::{self, prompt_token_bound, ScopeLimit, WorstCase};
use castwright_engine::catalog;
use castwright_engine::gateway::{Client, Message};
use castwright_engine::ledger::{self, AttemptRow};
use castwright_engine::money::{from_units, to_units};
use castwright_engine::routing::{
    CallError, CallSpec, Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router, Variant,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{Scenario, SimConfig, SimServer};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

const MODEL: &str = "openai/gpt-6-luna";

struct Fixture {
    sim: SimServer,
    router: Router,
    store: Arc<Mutex<Store>>,
    dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let sim = SimServer::start(SimConfig {
        seed: 11,
        scenario: Scenario::instant(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
    let client = Client::new(&sim.api_base(), Some(Sensitive::new(sim.key()))).unwrap();
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: false,
        limit_off: false,
    };
    let router = Router::new(client, profile, store.clone(), RetryPolicy::fast());
    Fixture {
        sim,
        router,
        store,
        dir,
    }
}

fn spec(i: usize, limit: Decimal) -> CallSpec {
    CallSpec {
        episode_id: Some("ep_books".into()),
        stage: Some("research".into()),
        chain: Chain::new(&[MODEL], Variant::None),
        messages: vec![Message::user(format!(
            "<<<NOTES\n[n1] Note {i}: Voyager 1 launched on 5 September 1977.\nNOTES>>>"
        ))],
        max_tokens: 300,
        min_tokens: 50,
        temperature: Some(0.3),
        response_format: None,
        stop: None,
        stream: i % 2 == 0,
        bypass_cache: false,
        limits: vec![ScopeLimit::episode("ep_books", limit)],
    }
}

async fn call(f: &Fixture, s: &CallSpec) -> Result<i64, CallError> {
    let cancel = CancellationToken::new();
    f.router
        .call(s, &cancel, &mut |_| {})
        .await
        .map(|o| o.cost_units)
}

fn totals(f: &Fixture) -> (i64, i64) {
    budget::totals(f.store.lock().unwrap().conn(), "episode:ep_books").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_flush_the_ledger_holds_every_call_and_equals_the_bill() {
    let f = fixture().await;
    let limit = Decimal::from(5);
    let calls = (0..40).map(|i| {
        let s = spec(i, limit);
        let f = &f;
        async move { call(f, &s).await }
    });
    let costs: Vec<i64> = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    f.router.flush().await.unwrap();
    let conn = f.store.lock().unwrap();
    let rows: i64 = conn
        .conn()
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 40, "one row per attempt");
    let ledger = ledger::total_units(conn.conn(), None).unwrap();
    assert_eq!(ledger, costs.iter().sum::<i64>());
    assert_eq!(ledger, to_units(f.sim.billing().total));
    drop(conn);
    assert_eq!(totals(&f), (ledger, 0), "every reservation settled");
}

#[tokio::test]
async fn an_orderly_shutdown_writes_everything_handed_over() {
    let f = fixture().await;
    let mut spent = 0;
    for i in 0..12 {
        spent += call(&f, &spec(i, Decimal::from(5))).await.unwrap();
    }
    let billed = to_units(f.sim.billing().total);
    let path = f.dir.path().join("castwright.sqlite3");
    // No flush: dropping the last router and the store waits for the writer.
    let Fixture {
        sim,
        router,
        store,
        dir,
    } = f;
    drop(router);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let ledger = ledger::total_units(&conn, None).unwrap();
    assert_eq!(ledger, spent);
    assert_eq!(ledger, billed);
    let open: i64 = conn
        .query_row(
            "SELECT count(*) FROM budget_reservations WHERE settled_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open, 0);
    sim.stop().await;
    drop(dir);
}

#[tokio::test]
async fn a_record_that_cannot_be_written_is_reported_and_its_money_stays_held() {
    let f = fixture().await;
    // The disk refuses request-log rows (as a full disk would).
    f.store
        .lock()
        .unwrap()
        .conn()
        .execute_batch(
            "CREATE TRIGGER no_rows BEFORE INSERT ON requests
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let cost = call(&f, &spec(1, Decimal::from(5))).await.unwrap();
    assert!(cost > 0);
    let err = f.router.flush().await.unwrap_err();
    let words = err.to_string();
    assert!(words.contains("could not save 1"), "{words}");
    // SQLite's own words stay in the log; the producer reads what to do.
    assert!(!words.contains("disk full"), "{words}");
    assert!(words.contains("Check that the disk has room"), "{words}");
    let (spent, reserved) = totals(&f);
    assert_eq!(spent, 0, "the settlement was rolled back whole");
    assert!(
        reserved >= cost,
        "the money stays held: {reserved} < {cost}"
    );
    // Reported once: the next flush has nothing new to say.
    f.router.flush().await.unwrap();
    // The next run of the episode releases it, as after a crash.
    f.store
        .lock()
        .unwrap()
        .conn()
        .execute_batch("DROP TRIGGER no_rows")
        .unwrap();
    let released =
        budget::release_stale_for(f.store.lock().unwrap().conn_mut(), "episode:ep_books").unwrap();
    assert_eq!(released, 1);
    assert_eq!(totals(&f), (0, 0));
}

#[tokio::test]
async fn a_call_refused_only_for_want_of_queued_settlements_goes_ahead() {
    let f = fixture().await;
    f.router.ensure_prices(&[MODEL.to_string()]).await.unwrap();
    let prices = catalog::dearest_prices(f.store.lock().unwrap().conn(), "demo", MODEL)
        .unwrap()
        .unwrap();
    // Two calls that cannot shrink: the limit holds one worst case and a half.
    let mut first = spec(1, Decimal::ZERO);
    first.max_tokens = 4000;
    first.min_tokens = 4000;
    let worst = WorstCase {
        prompt_tokens: prompt_token_bound(&first.messages),
        prompt_price: prices.prompt,
        completion_price: prices.completion,
        request_price: prices.request,
        max_tokens: 4000,
        min_tokens: 4000,
    }
    .total_units(4000);
    let limit = from_units(worst + worst / 2);
    first.limits = vec![ScopeLimit::episode("ep_books", limit)];
    let mut second = first.clone();
    second.messages = spec(2, limit).messages;
    let cost = call(&f, &first).await.unwrap();
    assert!(cost < worst / 2, "a short answer: {cost} of {worst}");
    // Right away, while the first settlement may still be queued.
    let second_cost = call(&f, &second).await.unwrap();
    f.router.flush().await.unwrap();
    assert_eq!(totals(&f), (cost + second_cost, 0));
}

#[test]
fn a_settlement_after_its_reservation_was_released_does_not_release_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let limits = vec![ScopeLimit::episode("ep_books", Decimal::from(1))];
    let worst = WorstCase {
        prompt_tokens: 1000,
        prompt_price: Decimal::new(1, 6),
        completion_price: Decimal::new(2, 6),
        request_price: Decimal::ZERO,
        max_tokens: 1000,
        min_tokens: 10,
    };
    let a = budget::reserve(store.conn_mut(), "call_a", &limits, &worst).unwrap();
    // A run starting over releases `a` as stale while its settlement is still on the way.
    assert_eq!(
        budget::release_stale_for(store.conn_mut(), "episode:ep_books").unwrap(),
        1
    );
    let mut row = AttemptRow::new("call_a", "demo", MODEL);
    row.episode_id = Some("ep_books".into());
    row.cost_units = 1234;
    budget::settle(store.conn_mut(), &a, &row).unwrap();
    let (spent, reserved) = budget::totals(store.conn(), "episode:ep_books").unwrap();
    assert_eq!(spent, 1234, "what was spent still counts");
    assert_eq!(reserved, 0, "released once, not twice");
    assert_eq!(ledger::total_units(store.conn(), None).unwrap(), 1234);
}
