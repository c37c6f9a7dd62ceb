//! Every fault the local OpenRouter can produce, in plain and streamed calls, at each stage's
//! first model, as whole episodes through the engine. Each cell runs on its own emulator and
//! its own database, several at a time. The matrix is printed as a table (cell, outcome,
//! attempts, cost); the test fails on any cell whose outcome is not the expected one, on a
//! panic, on a finished stage output that went missing, and on any difference between the
//! request log and the emulator's bill.
//!
//! A few cells also go through the real `castwright produce` binary, for its exit codes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use castwright_engine::gateway::Client;
use castwright_engine::money::{from_units, to_units};
use castwright_engine::pipeline::notes_store::{self, NoteInput};
use castwright_engine::pipeline::run_error_code;
use castwright_engine::pipeline::{
    current_models, episode, EpisodeBrief, RunError, RunOptions, Runner, Stage,
};
use castwright_engine::routing::{ConnectionKind, ConnectionProfile, RetryPolicy, Router};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{ErrorFinish, Fault, FaultRule, Scenario, SimConfig, SimServer, When};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// Cells in flight at once: each is mostly waiting on loopback I/O and small timeouts.
const PARALLEL: usize = 8;

/// Timeouts short enough that a stall is a fault, long enough that a busy machine is not.
fn policy() -> RetryPolicy {
    RetryPolicy {
        first_token_timeout: Duration::from_millis(500),
        idle_timeout: Duration::from_millis(500),
        attempt_timeout: Duration::from_millis(2_500),
        ..RetryPolicy::fast()
    }
}

/// Longer than every timeout of `policy()`, so the stalled attempt is given up on.
const STALL_MS: u64 = 4_000;

const NOTES: [(&str, &str); 3] = [
    ("golden-record.md", "# The Golden Record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired the committee. The record holds greetings in 55 languages and 90 minutes of music."),
    ("launch.txt", "Voyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later, on September 5. Both flew past Jupiter and Saturn."),
    ("interstellar.txt", "Voyager 1 crossed the heliopause in August 2012, the first human-made object in interstellar space. Its plutonium power source weakens by about four watts a year."),
];

/// How often a fault fires on its model.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Persistence {
    /// Every attempt: only another model can finish the stage.
    Always,
    /// The first attempt only: a retry finishes it.
    Once,
    /// Every attempt on every model of the faulted stage's chain.
    EveryModel,
}

#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Completes,
    /// Stops at the faulted stage with this error code.
    Stops(&'static str),
}

#[derive(Debug, Clone)]
struct Cell {
    fault_name: String,
    fault: Fault,
    persistence: Persistence,
    stream: bool,
    stage: Stage,
    expect: Expect,
}

impl Cell {
    fn name(&self) -> String {
        let p = match self.persistence {
            Persistence::Always => "",
            Persistence::Once => " (once)",
            Persistence::EveryModel => " (every model)",
        };
        format!(
            "{}{p} / {} / {}",
            self.fault_name,
            if self.stream { "stream" } else { "plain" },
            self.stage.as_str()
        )
    }
}

#[derive(Debug)]
struct CellResult {
    name: String,
    outcome: String,
    attempts: i64,
    ledger_units: i64,
    billed_units: i64,
    problems: Vec<String>,
}

fn stream_only(f: &Fault) -> bool {
    matches!(
        f,
        Fault::StallMidStream { .. }
            | Fault::MidStreamError { .. }
            | Fault::TruncatedStream { .. }
            | Fault::MalformedChunk { .. }
            | Fault::ResetMidStream { .. }
    )
}

fn status(status: u16) -> (String, Fault) {
    (
        format!("status {status}"),
        Fault::Status {
            status,
            message: None,
        },
    )
}

/// Every fault type of the emulator's table, with the fields that make it bite.
fn faults() -> Vec<(String, Fault)> {
    let mut v = vec![(
        "rate_limit".to_string(),
        Fault::RateLimit {
            retry_after_ms: 50,
            upstream: true,
        },
    )];
    for s in [500, 502, 503, 524, 529, 408, 400, 401, 402, 403] {
        v.push(status(s));
    }
    v.extend([
        (
            "provider_error raw".into(),
            Fault::ProviderError {
                status: 502,
                raw: Some("{\"error\":\"upstream exploded\"}".into()),
            },
        ),
        (
            "moderation".into(),
            Fault::Moderation {
                reasons: vec!["harassment".into()],
                flagged_input: Some("the notes".into()),
            },
        ),
        ("unauthorized".into(), Fault::Unauthorized),
        ("payment_required".into(), Fault::PaymentRequired),
        ("connection_reset".into(), Fault::ConnectionReset),
        (
            "stall_first_byte".into(),
            Fault::StallFirstByte { ms: STALL_MS },
        ),
        (
            "stall_mid_stream".into(),
            Fault::StallMidStream {
                after_chunks: 3,
                ms: STALL_MS,
            },
        ),
        (
            "mid_stream_error finish=error".into(),
            Fault::MidStreamError {
                after_chunks: 3,
                code: Value::from(502),
                message: None,
                finish_reason: ErrorFinish::Error,
            },
        ),
        (
            "mid_stream_error finish=null".into(),
            Fault::MidStreamError {
                after_chunks: 3,
                code: Value::from("server_error"),
                message: Some("Provider disconnected".into()),
                finish_reason: ErrorFinish::Null,
            },
        ),
        (
            "truncated_stream".into(),
            Fault::TruncatedStream { after_chunks: 3 },
        ),
        (
            "malformed_chunk".into(),
            Fault::MalformedChunk { after_chunks: 3 },
        ),
        (
            "reset_mid_stream".into(),
            Fault::ResetMidStream { after_chunks: 3 },
        ),
    ]);
    v
}

/// What a correct engine does. The emulator, like OpenRouter, moves along the `models` array
/// on any error of one model except 401 and 402 (they are about the key), so those two stop
/// the run; everything else leaves a healthy model and must finish. A 400 from every model
/// stops with `invalid_input`.
fn expected(fault: &Fault, persistence: Persistence, _stage: Stage) -> Expect {
    match fault {
        Fault::Unauthorized
        | Fault::Status {
            status: 401,
            message: _,
        } => Expect::Stops("key_rejected"),
        Fault::PaymentRequired
        | Fault::Status {
            status: 402,
            message: _,
        } => Expect::Stops("credits_exhausted"),
        Fault::Status { status: 400, .. } if persistence == Persistence::EveryModel => {
            Expect::Stops("invalid_input")
        }
        _ => Expect::Completes,
    }
}

/// The model each stage asks first (the fault's target).
fn first_model(stage: Stage) -> String {
    current_models(&[]).get(stage).chain.models[0].clone()
}

fn cells() -> Vec<Cell> {
    let mut out = Vec::new();
    for stage in Stage::ALL {
        for (name, fault) in faults() {
            for stream in [false, true] {
                out.push(Cell {
                    fault_name: name.clone(),
                    expect: expected(&fault, Persistence::Always, stage),
                    fault: fault.clone(),
                    persistence: Persistence::Always,
                    stream,
                    stage,
                });
                // Faults the emulator cannot route around (the whole request or the started
                // stream fails) also fire once, so the retry path is covered.
                let whole_request =
                    matches!(fault, Fault::ConnectionReset | Fault::StallFirstByte { .. })
                        || stream_only(&fault);
                if whole_request && (stream || !stream_only(&fault)) {
                    out.push(Cell {
                        fault_name: name.clone(),
                        expect: expected(&fault, Persistence::Once, stage),
                        fault: fault.clone(),
                        persistence: Persistence::Once,
                        stream,
                        stage,
                    });
                }
            }
        }
        // A request every model refuses as malformed: nothing can help, the run stops.
        let (name, fault) = status(400);
        for stream in [false, true] {
            out.push(Cell {
                fault_name: name.clone(),
                expect: expected(&fault, Persistence::EveryModel, stage),
                fault: fault.clone(),
                persistence: Persistence::EveryModel,
                stream,
                stage,
            });
        }
    }
    out
}

fn scenario_for(cell: &Cell) -> Scenario {
    let mut s = Scenario::instant();
    s.name = cell.name();
    // A stage-wide 400 must not break the stages before it: it targets the stage's models.
    let models: Vec<Option<String>> = match cell.persistence {
        Persistence::EveryModel => current_models(&[])
            .get(cell.stage)
            .chain
            .models
            .iter()
            .map(|m| Some(m.clone()))
            .collect(),
        _ => vec![Some(first_model(cell.stage))],
    };
    s.faults = models
        .into_iter()
        .map(|model| FaultRule {
            model,
            provider: None,
            key: None,
            stream: None,
            when: match cell.persistence {
                Persistence::Once => When {
                    first: Some(1),
                    ..When::default()
                },
                _ => When::default(),
            },
            fault: cell.fault.clone(),
        })
        .collect();
    s
}

fn add_episode(store: &Store) -> String {
    let brief = EpisodeBrief {
        title: "Voyager's golden record".into(),
        brief: "How the Voyager golden record was made, for curious listeners.".into(),
        minutes: 3,
        ..EpisodeBrief::default()
    };
    let ep = episode::create(store.conn(), &brief, "demo", &current_models(&[]))
        .unwrap_or_else(|e| panic!("episode: {e}"));
    for (i, (name, text)) in NOTES.iter().enumerate() {
        notes_store::add(
            store.conn(),
            &ep.id,
            &NoteInput {
                source_name: name.to_string(),
                path: None,
                hash: format!("hash{i}"),
                text: text.to_string(),
                word_count: text.split_whitespace().count() as u32,
                preview: text.chars().take(50).collect(),
                warning: None,
            },
        )
        .unwrap_or_else(|e| panic!("note: {e}"));
    }
    ep.id
}

/// The emulator's bill once every connection it served has wound down (a stream the client
/// gave up on is billed when the emulator notices it has gone): the total, and each
/// generation's cost by id.
async fn settled_bill(sim: &SimServer) -> (i64, BTreeMap<String, i64>) {
    let mut last = (to_units(sim.billing().total), sim.billing().generations);
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = (to_units(sim.billing().total), sim.billing().generations);
        if now == last {
            break;
        }
        last = now;
    }
    let report = sim.billing();
    let each = report
        .history
        .iter()
        .map(|g| (g.id.clone(), to_units(g.cost)))
        .collect();
    (to_units(report.total), each)
}

/// Every generation the emulator billed has exactly one request-log row, at the same cost;
/// every row that cost something names a billed generation.
fn rows_match_bill(
    conn: &rusqlite::Connection,
    billed: &BTreeMap<String, i64>,
    problems: &mut Vec<String>,
) {
    let mut stmt = conn
        .prepare("SELECT id, generation_id, cost_units FROM requests")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<(i64, Option<String>, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(|rows| rows.collect())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut seen: BTreeMap<&str, i64> = BTreeMap::new();
    for (id, generation, cost) in &rows {
        match generation.as_deref().and_then(|g| billed.get_key_value(g)) {
            Some((g, units)) => {
                *seen.entry(g.as_str()).or_default() += 1;
                if cost != units {
                    problems.push(format!(
                        "row {id} ({g}) logs {} but the emulator billed {}",
                        from_units(*cost),
                        from_units(*units)
                    ));
                }
            }
            None if *cost != 0 => problems.push(format!(
                "row {id} logs {} for a generation the emulator never billed ({generation:?})",
                from_units(*cost)
            )),
            None => {}
        }
    }
    for (g, units) in billed {
        match seen.get(g.as_str()) {
            Some(1) => {}
            Some(n) => problems.push(format!("generation {g} is logged {n} times")),
            None => problems.push(format!(
                "generation {g} ({}) is missing from the request log",
                from_units(*units)
            )),
        }
    }
}

fn query_i64(conn: &rusqlite::Connection, sql: &str, p: &[&dyn rusqlite::ToSql]) -> i64 {
    conn.query_row(sql, p, |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Checks the database after a cell: the ledger against the bill, open reservations, lost
/// outputs. Returns (ledger units, attempts at the faulted stage).
fn inspect(
    conn: &rusqlite::Connection,
    ep: &str,
    cell: &Cell,
    result: &Result<castwright_engine::pipeline::RunResult, RunError>,
    failed_stage: Option<Stage>,
    billed_units: i64,
    problems: &mut Vec<String>,
) -> (i64, i64) {
    let ledger_units = query_i64(
        conn,
        "SELECT COALESCE(SUM(cost_units), 0) FROM requests",
        &[],
    );
    if ledger_units != billed_units {
        problems.push(format!(
            "request log {} ≠ emulator bill {}",
            from_units(ledger_units),
            from_units(billed_units)
        ));
    }
    let estimated = query_i64(
        conn,
        "SELECT count(*) FROM requests WHERE estimated = 1",
        &[],
    );
    if estimated > 0 {
        problems.push(format!("{estimated} request rows carry an estimated cost"));
    }
    let open = query_i64(
        conn,
        "SELECT count(*) FROM budget_reservations WHERE settled_at IS NULL",
        &[],
    );
    if open > 0 {
        problems.push(format!("{open} budget reservations left open"));
    }
    // Every stage before the one that stopped (all four when the run completed) has its output.
    let must_have: Vec<Stage> = match failed_stage {
        Some(s) => Stage::ALL.into_iter().take_while(|x| *x != s).collect(),
        None if result.is_ok() => Stage::ALL.to_vec(),
        None => Vec::new(),
    };
    for s in must_have {
        let n = query_i64(
            conn,
            "SELECT count(*) FROM artifacts WHERE episode_id = ?1 AND stage = ?2 AND kind IN ('output', 'rewrite')",
            &[&ep, &s.as_str()],
        );
        if n == 0 {
            problems.push(format!("the {} output is missing", s.as_str()));
        }
    }
    let attempts = query_i64(
        conn,
        "SELECT count(*) FROM requests WHERE stage = ?1 AND status != 'cache_hit'",
        &[&cell.stage.as_str()],
    );
    (ledger_units, attempts)
}

async fn run_cell(cell: Cell, seed: u64) -> CellResult {
    let mut problems = Vec::new();
    let sim = SimServer::start(SimConfig {
        seed,
        scenario: scenario_for(&cell),
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("emulator: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = Arc::new(Mutex::new(
        Store::open_in(dir.path()).unwrap_or_else(|e| panic!("store: {e}")),
    ));
    let client = Client::new(&sim.api_base(), Some(Sensitive::new(sim.key())))
        .unwrap_or_else(|e| panic!("client: {e}"));
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: false,
        limit_off: false,
    };
    let router = Router::new(client, profile, store.clone(), policy());
    let runner = Runner::new(router, store.clone(), None);
    let ep = add_episode(&store.lock().unwrap_or_else(|e| e.into_inner()));
    let cancel = CancellationToken::new();
    let mut events = Vec::new();
    let result = runner
        .run(
            &ep,
            &RunOptions {
                stream: cell.stream,
                ..RunOptions::default()
            },
            &cancel,
            &mut |e| events.push(e),
        )
        .await;
    drop(runner);
    let (billed_units, billed) = settled_bill(&sim).await;

    let outcome = match &result {
        Ok(_) => Expect::Completes,
        Err(e) => Expect::Stops(run_error_code(e)),
    };
    let failed_stage = match &result {
        Err(RunError::Call { stage, .. }) => Some(*stage),
        _ => None,
    };
    let outcome_text = match (&result, failed_stage) {
        (Ok(_), _) => "completes".to_string(),
        (Err(e), Some(s)) => format!("stops at {}: {}", s.as_str(), run_error_code(e)),
        (Err(e), None) => format!("stops: {}", run_error_code(e)),
    };
    if outcome != cell.expect {
        let detail = match &result {
            Err(e) => format!(" — {e}"),
            Ok(_) => String::new(),
        };
        problems.push(format!(
            "expected {:?}, got {outcome_text}{detail}",
            cell.expect
        ));
    }
    if matches!(cell.expect, Expect::Stops(_)) && failed_stage.is_some_and(|s| s != cell.stage) {
        problems.push(format!(
            "stopped at {:?}, not at the faulted stage",
            failed_stage
        ));
    }

    let (ledger_units, attempts) = {
        let guard = store.lock().unwrap_or_else(|e| e.into_inner());
        let r = inspect(
            guard.conn(),
            &ep,
            &cell,
            &result,
            failed_stage,
            billed_units,
            &mut problems,
        );
        rows_match_bill(guard.conn(), &billed, &mut problems);
        r
    };
    sim.stop().await;
    CellResult {
        name: cell.name(),
        outcome: outcome_text,
        attempts,
        ledger_units,
        billed_units,
        problems,
    }
}

fn print_table(results: &[CellResult]) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "\n{:<58} {:<40} {:>8} {:>16}  check",
        "cell (fault / call / stage)", "outcome", "attempts", "cost USD"
    );
    for r in results {
        let _ = writeln!(
            err,
            "{:<58} {:<40} {:>8} {:>16}  {}",
            r.name,
            r.outcome,
            r.attempts,
            from_units(r.ledger_units).normalize().to_string(),
            if r.problems.is_empty() {
                "ok".to_string()
            } else {
                format!("UNEXPECTED: {}", r.problems.join("; "))
            }
        );
    }
    let bad = results.iter().filter(|r| !r.problems.is_empty()).count();
    let _ = writeln!(err, "{} cells, {bad} unexpected\n", results.len());
}

#[test]
fn every_fault_at_every_stage_in_plain_and_streamed_calls() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let cells = cells();
    let results: Vec<CellResult> = rt.block_on(async {
        let gate = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
        let mut handles = Vec::new();
        for (i, cell) in cells.iter().cloned().enumerate() {
            let gate = gate.clone();
            let name = cell.name();
            let h = tokio::spawn(async move {
                let _permit = gate.acquire_owned().await;
                run_cell(cell, 1000 + i as u64).await
            });
            handles.push((name, h));
        }
        let mut out = Vec::new();
        for (name, h) in handles {
            out.push(match h.await {
                Ok(r) => r,
                Err(e) => CellResult {
                    name,
                    outcome: if e.is_panic() { "PANIC" } else { "aborted" }.into(),
                    attempts: 0,
                    ledger_units: 0,
                    billed_units: 0,
                    problems: vec![format!("the cell did not finish: {e}")],
                },
            });
        }
        out
    });
    print_table(&results);
    let bad: Vec<String> = results
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| format!("{}: {}", r.name, r.problems.join("; ")))
        .collect();
    // Sanity: the matrix is complete and the faults really cost something somewhere.
    assert!(results.len() >= 200, "only {} cells", results.len());
    assert!(results.iter().any(|r| r.billed_units > 0));
    assert!(
        bad.is_empty(),
        "{} unexpected cells:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

// ---- The same stops through the real binary: plain words and exit codes. ----

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reliability")
        .join(name)
}

fn produce(data: &Path, scenario: &Path) -> (Option<i32>, Value, String) {
    let notes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes/launch.txt");
    let out = Command::new(env!("CARGO_BIN_EXE_castwright"))
        .arg("produce")
        .args(["--connection", "demo", "--preset", "current", "--notes"])
        .arg(&notes)
        .args([
            "--brief",
            "How Voyager left home",
            "--minutes",
            "3",
            "--json",
        ])
        .env("CASTWRIGHT_DATA_DIR", data)
        .env("CASTWRIGHT_DEMO_SCENARIO", scenario)
        .env_remove("CASTWRIGHT_OPENROUTER_KEY")
        .env_remove("DISPLAY")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .output()
        .unwrap_or_else(|e| panic!("castwright produce: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let line = stdout.lines().last().unwrap_or_default().to_string();
    let json = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("last line is not JSON ({e}): {line}\nstderr:\n{stderr}"));
    (out.status.code(), json, stderr)
}

#[test]
fn headless_stops_with_the_right_words_and_exit_codes() {
    // (scenario, exit code, error code, words the producer reads)
    let cases = [
        ("key-rejected.json", 4, "key_rejected", "key"),
        ("credits-exhausted.json", 4, "credits_exhausted", "credit"),
        ("bad-request-every-model.json", 2, "invalid_input", ""),
        (
            "every-model-fails.json",
            5,
            "all_models_failed",
            "Every model",
        ),
    ];
    for (scenario, exit, code, words) in cases {
        let data = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let (status, j, stderr) = produce(data.path(), &fixture(scenario));
        assert_eq!(status, Some(exit), "{scenario}: {j}\n{stderr}");
        assert_eq!(j["error"]["code"], code, "{scenario}: {j}");
        let message = j["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.to_lowercase().contains(&words.to_lowercase()),
            "{scenario}: {message}"
        );
        // Sentences that say what to do (a provider's own text may be quoted inside).
        assert!(
            message.trim_end().ends_with('.') && !message.contains("panicked"),
            "plain words, not a raw body: {message}"
        );
        assert!(stderr.contains("error: "), "{scenario}: {stderr}");
    }
}
