//! Quality per script model and model health, and what an empty log shows — each on data
//! whose answers are known by hand.

mod usage_fixtures;

use std::time::Duration;

use castwright_engine::catalog;
use castwright_engine::gateway::catalog_types::EndpointsData;
use castwright_engine::ledger::{self, AttemptRow, Status};
use castwright_engine::routing::Cooldowns;
use castwright_engine::store::Store;
use castwright_engine::usage::{self, EndpointState, Range, RECENT_ATTEMPTS};
use usage_fixtures::{at, episode, open_store, Attempt};

fn verdict(
    store: &Store,
    episode: &str,
    artifact: i64,
    model: Option<&str>,
    score: i64,
    passed: bool,
    cost_units: i64,
) {
    store
        .conn()
        .execute(
            "INSERT INTO artifacts (id, episode_id, stage, version, kind, content, input_hash, created_at)
             VALUES (?1, ?2, 'script', ?1, 'output', 'text', 'h', '2026-01-01T00:00:00Z')",
            rusqlite::params![artifact, episode],
        )
        .unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO qc_verdicts (episode_id, script_artifact_id, script_model, checker_model,
                score, passed, verdict, script_cost_units, created_at)
             VALUES (?1, ?2, ?3, 'judge', ?4, ?5, '{}', ?6, '2026-01-01T00:00:00Z')",
            rusqlite::params![episode, artifact, model, score, passed, cost_units],
        )
        .unwrap();
}

#[test]
fn quality_per_model_weighs_scores_against_cost() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    episode(&store, "ep_a", "Voyager");
    // Cheap: scores 60 and 80, one pass, $0.01 and $0.03 → average $0.02.
    verdict(
        &store,
        "ep_a",
        1,
        Some("cheap/model"),
        60,
        false,
        100_000_000,
    );
    verdict(
        &store,
        "ep_a",
        2,
        Some("cheap/model"),
        80,
        true,
        300_000_000,
    );
    // Dear: 90, 95, 100, all pass, $0.30 each; one third of a unit rounds in the average.
    verdict(
        &store,
        "ep_a",
        3,
        Some("dear/model"),
        90,
        true,
        3_000_000_000,
    );
    verdict(
        &store,
        "ep_a",
        4,
        Some("dear/model"),
        95,
        true,
        3_000_000_000,
    );
    verdict(
        &store,
        "ep_a",
        5,
        Some("dear/model"),
        100,
        true,
        3_000_000_001,
    );
    // A hand-edited script has no model and says nothing about one.
    verdict(&store, "ep_a", 6, None, 99, true, 0);
    // A model whose scripts cost nothing has no score per dollar.
    verdict(&store, "ep_a", 7, Some("free/model"), 50, false, 0);

    let q = usage::quality_by_model(store.conn()).unwrap();
    let models: Vec<&str> = q.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(
        models,
        ["free/model", "cheap/model", "dear/model"],
        "cheapest first"
    );

    let cheap = &q[1];
    assert_eq!(cheap.scripts, 2);
    assert_eq!(cheap.average_score, 70.0);
    assert_eq!(cheap.pass_rate, 0.5);
    assert_eq!(cheap.average_cost, "0.02");
    assert_eq!(cheap.score_per_dollar, Some(3500.0));

    let dear = &q[2];
    assert_eq!(dear.scripts, 3);
    assert_eq!(dear.average_score, 95.0);
    assert_eq!(dear.pass_rate, 1.0);
    assert_eq!(dear.average_cost, "0.3");
    // 285 points over $0.9000000001.
    let per_dollar = dear.score_per_dollar.unwrap();
    assert!(
        (per_dollar - 285.0 / 0.9000000001).abs() < 1e-6,
        "{per_dollar}"
    );

    let free = &q[0];
    assert_eq!(
        (free.average_cost.as_str(), free.score_per_dollar),
        ("0", None)
    );
}

/// Endpoint data written here for the test (the shape of OpenRouter's endpoints answer).
fn endpoints(json: &str) -> EndpointsData {
    serde_json::from_str(json).unwrap()
}

#[test]
fn model_health_joins_endpoints_our_failures_latency_and_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_store(dir.path());
    let steady = "anthropic/claude-sonnet-5.5";
    let shaky = "openai/gpt-6.1-terra";
    let listed_only = "mistralai/mistral-small-3.2-24b-instruct";
    catalog::store_endpoints(
        store.conn_mut(),
        "openrouter",
        &endpoints(&format!(
            r#"{{"id": "{steady}", "endpoints": [
                {{"provider_name": "Anthropic", "status": 0, "uptime_last_30m": 99.5}},
                {{"provider_name": "Vertex", "status": -2, "uptime_last_30m": 71.25}}
            ]}}"#
        )),
    )
    .unwrap();
    catalog::store_endpoints(
        store.conn_mut(),
        "openrouter",
        &endpoints(&format!(
            r#"{{"id": "{listed_only}", "endpoints": [{{"name": "Groq"}}]}}"#
        )),
    )
    .unwrap();

    // Steady: ten answers, 100 ms to 1,000 ms, and two failures.
    for i in 1..=10 {
        Attempt {
            call: "s",
            served: Some(steady),
            cost_units: 1,
            latency_ms: i * 100,
            ..at(steady)
        }
        .log(&store);
    }
    for _ in 0..2 {
        Attempt {
            call: "s",
            status: Status::Error,
            latency_ms: 5,
            ..at(steady)
        }
        .log(&store);
    }
    // Cache hits and refusals say nothing about the model.
    Attempt {
        call: "s",
        served: Some(steady),
        status: Status::CacheHit,
        latency_ms: 1,
        ..at(steady)
    }
    .log(&store);
    Attempt {
        call: "s",
        status: Status::Refused,
        ..at(steady)
    }
    .log(&store);
    // Shaky: sixty old failures, then RECENT_ATTEMPTS answers: only the latest count.
    for _ in 0..60 {
        Attempt {
            call: "k",
            status: Status::Error,
            latency_ms: 9_000,
            ..at(shaky)
        }
        .log(&store);
    }
    for _ in 0..RECENT_ATTEMPTS {
        Attempt {
            call: "k",
            served: Some(shaky),
            cost_units: 1,
            latency_ms: 250,
            ..at(shaky)
        }
        .log(&store);
    }
    // Another connection's attempts are not this connection's health.
    let mut other = AttemptRow::new("o", "conn_local", steady);
    other.status = Status::Error;
    ledger::insert(store.conn(), &other).unwrap();

    let cooldowns = Cooldowns::default();
    let resting = "meta-llama/llama-3.1-70b-instruct";
    for _ in 0..3 {
        cooldowns.record(
            resting,
            false,
            Duration::from_millis(5),
            3,
            Duration::from_secs(600),
        );
    }

    let health = usage::model_health(store.conn(), "openrouter", &cooldowns).unwrap();
    let models: Vec<&str> = health.iter().map(|h| h.model.as_str()).collect();
    assert_eq!(models, [steady, resting, listed_only, shaky]);

    let s = &health[0];
    assert_eq!((s.recent_attempts, s.recent_failures), (12, 2));
    assert_eq!(s.failure_rate, Some(2.0 / 12.0));
    // Nearest rank over ten: the 5th (500 ms) and the 10th (1,000 ms).
    assert_eq!(
        (s.p50_latency_ms, s.p95_latency_ms),
        (Some(500), Some(1_000))
    );
    assert!(!s.cooling_down);
    assert_eq!(s.endpoints.len(), 2);
    assert_eq!(s.endpoints[0].provider, "Anthropic");
    assert_eq!(s.endpoints[0].state, EndpointState::Up);
    assert_eq!(s.endpoints[0].uptime, Some(99.5));
    assert_eq!(s.endpoints[1].state, EndpointState::Degraded);
    assert_eq!(s.endpoints[1].status, Some(-2));

    let r = &health[1];
    assert!(r.cooling_down);
    assert_eq!(r.failures_in_a_row, 3);
    let left = r.cooling_seconds_left.unwrap();
    assert!((1..=600).contains(&left), "{left}");
    assert_eq!(
        (r.recent_attempts, r.failure_rate, r.p50_latency_ms),
        (0, None, None)
    );

    let l = &health[2];
    assert_eq!(l.endpoints.len(), 1);
    assert_eq!(l.endpoints[0].provider, "Groq");
    assert_eq!(l.endpoints[0].state, EndpointState::Unknown);
    assert_eq!(l.recent_attempts, 0);

    let k = &health[3];
    assert_eq!((k.recent_attempts, k.recent_failures), (RECENT_ATTEMPTS, 0));
    assert_eq!(k.failure_rate, Some(0.0));
    assert_eq!((k.p50_latency_ms, k.p95_latency_ms), (Some(250), Some(250)));
    assert!(k.endpoints.is_empty());

    // The other connection sees only its own attempts.
    let local = usage::model_health(store.conn(), "conn_local", &Cooldowns::default()).unwrap();
    assert_eq!(local.len(), 1);
    assert_eq!((local[0].recent_attempts, local[0].recent_failures), (1, 1));
}

#[test]
fn an_empty_log_gives_empty_figures() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    for range in [Range::All, Range::LastDays { days: 7 }] {
        assert!(usage::spend_by_model(conn, range).unwrap().is_empty());
        assert!(usage::spend_by_episode(conn, range).unwrap().is_empty());
        assert!(usage::errors_by_kind(conn, range).unwrap().is_empty());
        let s = usage::cache_savings(conn, range).unwrap();
        assert_eq!((s.hits, s.saved.as_str()), (0, "0"));
    }
    assert!(usage::spend_by_day(conn, Range::All).unwrap().is_empty());
    // A ranged chart still has its days, all at zero.
    let week = usage::spend_by_day(conn, Range::LastDays { days: 7 }).unwrap();
    assert_eq!(week.len(), 7);
    assert!(week.iter().all(|d| d.cost == "0" && d.calls == 0));
    assert!(usage::quality_by_model(conn).unwrap().is_empty());
    assert!(
        usage::model_health(conn, "openrouter", &Cooldowns::default())
            .unwrap()
            .is_empty()
    );
}
