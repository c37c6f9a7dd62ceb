//! Every fault the local OpenRouter can produce, in plain and streamed calls, at each stage's
//! first model, as whole episodes through the engine. Each cell runs on its own emulator and
//! its own database, several at a time. The matrix is printed as a table (cell, outcome,
//! attempts, cost); the test fails on any cell whose outcome is not the expected one, on a
//! panic, on a finished stage output that went missing, and on any difference between the
//! request log and the emulator's bill.
//!
//! A few cells also go through the real `castwright produce` binary, for its exit codes
//! (`fault_matrix_headless.rs`).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use castwright_engine::gateway::Client;
use castwright_engine::money::from_units;
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

#[path = "fault_matrix/checks.rs"]
mod checks;
use checks::{inspect, rows_match_bill, settled_bill};

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
