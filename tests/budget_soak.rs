//! Thousands of calls from many episodes at once, through routers that share one database
//! and through separate connections to the same file (as the app and the headless mode are
//! two processes), against an emulator that fails at random (seeded) in every way it can,
//! with small spending limits. No limit is ever exceeded, no reservation is left open, and
//! the request log equals the emulator's bill to the last 1e-10 USD.

use std::io::Write;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use castwright_engine::budget::{BudgetError, ScopeLimit};
use castwright_engine::gateway::{Client, Message};
use castwright_engine::money::{from_units, to_units};
use castwright_engine::routing::{
    CallError, CallSpec, Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router, Variant,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{ErrorFinish, Fault, FaultRule, Scenario, SimConfig, SimServer, When};
use rust_decimal::Decimal;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

const EPISODES: usize = 100;
/// Database connections: the first is shared by most episodes' routers (one process); each
/// other is its own `Store` on the same file (another process).
const STORES: usize = 4;
const CALLS_PER_EPISODE: usize = 70;
/// Each episode's spending limit, USD: room for a few dozen calls.
const EPISODE_LIMIT: &str = "0.002";
/// The limit every call also counts against (like a monthly cap): it runs out before the
/// episodes' limits all do.
const SHARED_LIMIT: &str = "0.15";
const SHARED_SCOPE: &str = "soak:shared";

fn decimal(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s} is not a decimal: {e}"))
}

fn rule(p: f64, stream: Option<bool>, fault: Fault) -> FaultRule {
    FaultRule {
        model: None,
        provider: None,
        key: None,
        stream,
        when: When {
            probability: Some(p),
            ..When::default()
        },
        fault,
    }
}

/// Every kind of failure, each on a few percent of attempts.
fn flaky() -> Scenario {
    let mut s = Scenario::instant();
    s.name = "budget soak: random faults".into();
    s.faults = vec![
        rule(
            0.04,
            None,
            Fault::RateLimit {
                retry_after_ms: 5,
                upstream: true,
            },
        ),
        rule(
            0.03,
            None,
            Fault::Status {
                status: 502,
                message: None,
            },
        ),
        rule(
            0.02,
            None,
            Fault::Status {
                status: 503,
                message: None,
            },
        ),
        rule(
            0.01,
            None,
            Fault::Moderation {
                reasons: vec!["violence".into()],
                flagged_input: None,
            },
        ),
        rule(0.02, None, Fault::ConnectionReset),
        rule(0.003, None, Fault::PaymentRequired),
        rule(
            0.04,
            Some(true),
            Fault::MidStreamError {
                after_chunks: 2,
                code: Value::from(502),
                message: None,
                finish_reason: ErrorFinish::Error,
            },
        ),
        rule(
            0.02,
            Some(true),
            Fault::MidStreamError {
                after_chunks: 4,
                code: Value::from("server_error"),
                message: None,
                finish_reason: ErrorFinish::Null,
            },
        ),
        rule(0.03, Some(true), Fault::TruncatedStream { after_chunks: 3 }),
        rule(0.03, Some(true), Fault::ResetMidStream { after_chunks: 2 }),
        rule(0.02, Some(true), Fault::MalformedChunk { after_chunks: 1 }),
        rule(
            0.004,
            Some(true),
            Fault::StallMidStream {
                after_chunks: 2,
                ms: 1_500,
            },
        ),
    ];
    s
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        idle_timeout: Duration::from_millis(400),
        first_token_timeout: Duration::from_millis(1_500),
        ..RetryPolicy::fast()
    }
}

/// What one episode's calls came to.
#[derive(Debug, Default)]
struct Tally {
    ok: u32,
    refused: u32,
    failed: u32,
    other: Vec<String>,
}

async fn episode(router: Router, n: usize, seed: u64) -> Tally {
    let chains = [
        Chain::new(
            &[
                "mistralai/mistral-medium-3.1",
                "mistralai/mistral-small-3.2-24b-instruct",
                "openai/gpt-6-luna",
            ],
            Variant::None,
        ),
        // Four models: the last one is a request of its own (client-side fallback).
        Chain::new(
            &[
                "mistralai/mistral-small-3.2-24b-instruct",
                "openai/gpt-6-luna",
                "mistralai/mistral-medium-3.1",
                "meta-llama/llama-4-maverick",
            ],
            Variant::Floor,
        ),
    ];
    let mut tally = Tally::default();
    let mut refused_in_a_row = 0;
    let cancel = CancellationToken::new();
    let ep = format!("soak-ep-{n:03}");
    let mut x = seed;
    for i in 0..CALLS_PER_EPISODE {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let spec = CallSpec {
            episode_id: Some(ep.clone()),
            stage: Some(["research", "synthesis", "script", "quality_check"][i % 4].into()),
            chain: chains[(x >> 33) as usize % 2].clone(),
            messages: vec![
                Message::system("You help podcast producers."),
                Message::user(format!(
                    "TASK: findings\n<<<NOTES\n[n1] Call {i} of episode {n}.\nVoyager 2 launched on August 20, 1977, sixteen days before Voyager 1.\nNOTES>>>"
                )),
            ],
            max_tokens: 160,
            min_tokens: 40,
            temperature: Some(0.3),
            response_format: None,
            stop: None,
            stream: (x >> 40) % 2 == 0,
            bypass_cache: false,
            limits: vec![
                ScopeLimit::episode(&ep, decimal(EPISODE_LIMIT)),
                ScopeLimit {
                    scope: SHARED_SCOPE.into(),
                    limit_units: Some(to_units(decimal(SHARED_LIMIT))),
                },
            ],
        };
        match router.call(&spec, &cancel, &mut |_| {}).await {
            Ok(_) => {
                tally.ok += 1;
                refused_in_a_row = 0;
            }
            Err(CallError::Budget(BudgetError::Refused { .. })) => {
                tally.refused += 1;
                refused_in_a_row += 1;
                if refused_in_a_row >= 3 {
                    break;
                }
            }
            Err(CallError::AllFailed { .. }) | Err(CallError::Stopped { .. }) => {
                tally.failed += 1;
            }
            Err(e) => tally.other.push(format!("{ep} call {i}: {e}")),
        }
    }
    tally
}

fn one(conn: &rusqlite::Connection, sql: &str, p: &[&dyn rusqlite::ToSql]) -> i64 {
    conn.query_row(sql, p, |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[test]
fn thousands_of_concurrent_calls_never_overspend_and_match_the_bill() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (tallies, billed) = rt.block_on(async {
        let sim = SimServer::start(SimConfig {
            seed: 42,
            scenario: flaky(),
            ..SimConfig::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let stores: Vec<Arc<Mutex<Store>>> = (0..STORES)
            .map(|_| {
                Arc::new(Mutex::new(
                    Store::open_in(dir.path()).unwrap_or_else(|e| panic!("{e}")),
                ))
            })
            .collect();
        let client = Client::new(&sim.api_base(), Some(Sensitive::new(sim.key())))
            .unwrap_or_else(|e| panic!("{e}"));
        let profile = ConnectionProfile {
            id: "demo".into(),
            kind: ConnectionKind::Demo,
            deny_data_collection: false,
            limit_off: false,
        };
        let mut handles = Vec::new();
        for n in 0..EPISODES {
            // Most episodes on the shared connection; every fourth on one of the others.
            let store = if n % 4 == 3 {
                stores[1 + n % (STORES - 1)].clone()
            } else {
                stores[0].clone()
            };
            let router = Router::new(client.clone(), profile.clone(), store, policy());
            handles.push(tokio::spawn(episode(router, n, 0xB0D6_E700 + n as u64)));
        }
        let mut tallies = Vec::new();
        for h in handles {
            tallies.push(
                h.await
                    .unwrap_or_else(|e| panic!("an episode panicked: {e}")),
            );
        }
        // Let streams the client gave up on be billed, then read the bill.
        let mut billed = to_units(sim.billing().total);
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let now = to_units(sim.billing().total);
            if now == billed {
                break;
            }
            billed = now;
        }
        sim.stop().await;
        (tallies, billed)
    });

    let conn = rusqlite::Connection::open(dir.path().join("castwright.sqlite3"))
        .unwrap_or_else(|e| panic!("{e}"));
    let ok: u32 = tallies.iter().map(|t| t.ok).sum();
    let refused: u32 = tallies.iter().map(|t| t.refused).sum();
    let failed: u32 = tallies.iter().map(|t| t.failed).sum();
    let other: Vec<&String> = tallies.iter().flat_map(|t| &t.other).collect();
    let attempts = one(&conn, "SELECT count(*) FROM requests", &[]);
    let errors = one(
        &conn,
        "SELECT count(*) FROM requests WHERE status = 'error'",
        &[],
    );
    let ledger = one(
        &conn,
        "SELECT COALESCE(SUM(cost_units), 0) FROM requests",
        &[],
    );
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "budget soak: {attempts} attempts logged ({errors} failed attempts); calls: {ok} answered, {failed} failed, {refused} refused by a limit; ledger {} USD, bill {} USD",
        from_units(ledger),
        from_units(billed)
    );
    assert!(other.is_empty(), "unexpected call errors: {other:#?}");
    assert!(attempts >= 3_000, "only {attempts} attempts");
    assert!(errors > 100, "the faults fired: {errors}");
    assert!(refused > 0, "the limits were reached");

    // Nothing is left reserved.
    assert_eq!(
        one(
            &conn,
            "SELECT count(*) FROM budget_reservations WHERE settled_at IS NULL",
            &[]
        ),
        0
    );
    assert_eq!(
        one(
            &conn,
            "SELECT COALESCE(SUM(reserved_units), 0) FROM budget_totals",
            &[]
        ),
        0
    );
    // No episode spent past its limit, by the running totals and by the request log.
    let episode_limit = to_units(decimal(EPISODE_LIMIT));
    let mut near_limit = 0;
    for (n, tally) in tallies.iter().enumerate() {
        let ep = format!("soak-ep-{n:03}");
        let logged = one(
            &conn,
            "SELECT COALESCE(SUM(cost_units), 0) FROM requests WHERE episode_id = ?1",
            &[&ep],
        );
        let spent = one(
            &conn,
            "SELECT COALESCE((SELECT spent_units FROM budget_totals WHERE scope = ?1), 0)",
            &[&format!("episode:{ep}")],
        );
        assert_eq!(logged, spent, "{ep}: request log and running total differ");
        assert!(
            logged <= episode_limit,
            "{ep} spent {} of its {EPISODE_LIMIT} limit",
            from_units(logged)
        );
        // Refused with less than two calls' worth left: this episode's own limit bit.
        if tally.refused > 0 && logged * 10 >= episode_limit * 8 {
            near_limit += 1;
        }
    }
    let shared = one(
        &conn,
        "SELECT spent_units FROM budget_totals WHERE scope = ?1",
        &[&SHARED_SCOPE],
    );
    assert_eq!(
        shared, ledger,
        "every call counted against the shared limit"
    );
    assert!(
        shared <= to_units(decimal(SHARED_LIMIT)),
        "shared limit overspent: {}",
        from_units(shared)
    );
    // Both kinds of limit were reached: some episodes ran into their own, and the shared one
    // ran out.
    assert!(near_limit > 0, "no episode reached its own limit");
    assert!(
        shared * 10 >= to_units(decimal(SHARED_LIMIT)) * 9,
        "the shared limit was not reached: {}",
        from_units(shared)
    );
    // The ledger is the bill.
    assert_eq!(
        ledger,
        billed,
        "request log {} ≠ emulator bill {}",
        from_units(ledger),
        from_units(billed)
    );
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check, "ok");
}
