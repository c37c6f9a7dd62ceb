//! One episode, one run, across processes: several `castwright produce` commands on one data
//! folder, against one local OpenRouter (over real HTTP) whose bill is compared with the
//! request log. Started together on one episode, exactly one runs and the others are refused
//! with exit 7 having spent nothing; on different episodes under one monthly limit, the limit
//! holds; a holder killed with SIGKILL is taken over, and nothing finished is paid again.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use openrouter_sim::{Scenario, SimConfig, SimServer};
use rust_decimal::Decimal;
use serde_json::Value;

const BRIEF: &str = "How the Voyager golden record was made, for curious listeners";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every streamed answer pauses for `stall_ms` after its first chunks, so a run lasts long
/// enough for the others to meet it; nothing else is slowed.
fn scenario(stall_ms: u64) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{
            "name": "runs that overlap",
            "timing": {{ "latency_scale": 0, "processing_comments": 1, "keepalive_ms": 0,
                         "generation_visible_after_ms": 0, "words_per_chunk": 8 }},
            "faults": [ {{ "stream": true,
                           "fault": {{ "type": "stall_mid_stream", "after_chunks": 2, "ms": {stall_ms} }} }} ]
        }}"#
    ))
    .unwrap_or_else(|e| panic!("scenario: {e}"))
}

/// The local OpenRouter, on its own runtime for the length of a test.
struct Sim {
    rt: tokio::runtime::Runtime,
    server: Option<SimServer>,
}

impl Sim {
    fn start(s: Scenario) -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"));
        let server = rt
            .block_on(SimServer::start(SimConfig {
                seed: 18,
                scenario: s,
                ..SimConfig::default()
            }))
            .unwrap_or_else(|e| panic!("emulator: {e}"));
        Sim {
            rt,
            server: Some(server),
        }
    }

    fn server(&self) -> &SimServer {
        self.server
            .as_ref()
            .unwrap_or_else(|| panic!("emulator stopped"))
    }

    /// The emulator's bill, once it has stopped changing (a stream cut off by a kill is
    /// billed when the emulator notices).
    fn bill(&self) -> Decimal {
        let mut last = self.server().billing().total;
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let now = self.server().billing().total;
            if now == last {
                return now;
            }
            last = now;
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            self.rt.block_on(s.stop());
        }
    }
}

fn produce(data: &Path, sim: &Sim, episode: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_castwright"));
    c.arg("produce")
        .args(["--connection", "openrouter", "--base-url"])
        .arg(sim.server().api_base())
        .arg("--notes")
        .arg(fixtures().join("notes"))
        .args(["--brief", BRIEF, "--episode", episode, "--minutes", "3"])
        .arg("--json")
        .env("CASTWRIGHT_DATA_DIR", data)
        .env("CASTWRIGHT_OPENROUTER_KEY", sim.server().key())
        .env_remove("CASTWRIGHT_DEMO_SCENARIO")
        .env_remove("DISPLAY")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn last_json(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| {
        panic!(
            "last line is not JSON ({e}): {line}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn db(data: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(data.join("castwright.sqlite3"))
        .unwrap_or_else(|e| panic!("open the database: {e}"))
}

fn units_to_usd(units: i64) -> Decimal {
    Decimal::from(units) / Decimal::from(10_000_000_000i64)
}

/// Everything the request log says was spent, in USD.
fn ledger(conn: &rusqlite::Connection) -> Decimal {
    let units: i64 = conn
        .query_row(
            "SELECT COALESCE(SUM(cost_units), 0) FROM requests",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    units_to_usd(units)
}

fn cost(j: &Value) -> Decimal {
    Decimal::from_str(&j["total_cost_usd"].to_string())
        .unwrap_or_else(|e| panic!("total_cost_usd in {j}: {e}"))
}

fn start_all(cmds: Vec<Command>) -> Vec<Child> {
    cmds.into_iter()
        .map(|mut c| c.spawn().unwrap_or_else(|e| panic!("spawn: {e}")))
        .collect()
}

#[test]
fn commands_started_together_on_one_episode_run_it_once() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = Sim::start(scenario(1_500));
    let outs: Vec<Output> = start_all(
        (0..5)
            .map(|_| produce(data.path(), &sim, "Golden Record"))
            .collect(),
    )
    .into_iter()
    .map(|c| c.wait_with_output().unwrap_or_else(|e| panic!("{e}")))
    .collect();

    let mut ran = Vec::new();
    let mut refused = Vec::new();
    for out in &outs {
        let j = last_json(out);
        match out.status.code() {
            Some(0) => ran.push(j),
            Some(7) => refused.push(j),
            other => panic!(
                "exit {other:?}: {j}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
    assert_eq!(ran.len(), 1, "exactly one command runs the episode");
    assert_eq!(refused.len(), 4);
    for j in &refused {
        assert_eq!(j["error"]["code"], "episode_busy", "{j}");
        let message = j["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(
                "This episode is being produced in another window or by a command (started "
            ) && message.ends_with("). Wait for it, or stop it there."),
            "{message}"
        );
        assert_eq!(cost(j), Decimal::ZERO, "{j}");
    }
    // Every stage was paid once: the request log is the winner's spend and the bill.
    let conn = db(data.path());
    let spent = cost(&ran[0]);
    assert!(spent > Decimal::ZERO);
    assert_eq!(
        ledger(&conn),
        spent,
        "the request log is the one run's spend"
    );
    assert_eq!(sim.bill(), spent, "the emulator billed only the one run");
    let episodes: i64 = conn
        .query_row("SELECT COUNT(*) FROM episodes", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(episodes, 1);
    let outputs: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM artifacts WHERE kind = 'output' AND stage != 'quality_check'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        outputs, 3,
        "one output each for research, synthesis and script"
    );
    let leases: i64 = conn
        .query_row("SELECT COUNT(*) FROM run_leases", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(leases, 0, "the lease is released when the run ends");
}

#[test]
fn commands_on_different_episodes_keep_one_monthly_limit() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"monthly_limit_usd": "0.02"}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let sim = Sim::start(scenario(300));
    let outs: Vec<Output> = start_all(
        [
            "Episode one",
            "Episode two",
            "Episode three",
            "Episode four",
        ]
        .iter()
        .map(|t| produce(data.path(), &sim, t))
        .collect(),
    )
    .into_iter()
    .map(|c| c.wait_with_output().unwrap_or_else(|e| panic!("{e}")))
    .collect();
    let mut codes = Vec::new();
    let mut reported = Decimal::ZERO;
    for out in &outs {
        let j = last_json(out);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(3)),
            "exit {code:?}: {j}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if code == Some(3) {
            assert_eq!(j["error"]["code"], "budget_refused", "{j}");
        }
        reported += cost(&j);
        codes.push(code);
    }
    let conn = db(data.path());
    let logged = ledger(&conn);
    let limit = Decimal::from_str("0.02").unwrap_or_default();
    assert!(
        logged <= limit,
        "spent {logged} under a {limit} monthly limit"
    );
    assert_eq!(
        sim.bill(),
        logged,
        "the request log equals the emulator's bill"
    );
    assert_eq!(reported, logged, "each command reported what it spent");
    assert!(
        codes.contains(&Some(3)),
        "the limit refused some work: {codes:?}"
    );
    let episodes: i64 = conn
        .query_row("SELECT COUNT(*) FROM episodes", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(episodes, 4, "different episodes run side by side");
}

/// Stages of the episode finished so far.
fn done_stages(conn: &rusqlite::Connection) -> Vec<String> {
    let mut s = conn
        .prepare("SELECT DISTINCT stage FROM stage_runs WHERE status = 'done'")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = s
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

#[test]
fn a_holder_killed_mid_run_is_taken_over_and_finished_stages_are_not_paid_again() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = Sim::start(scenario(1_500));
    let mut first = produce(data.path(), &sim, "Killed")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // Kill it once Research is saved and the next stage is under way.
    let until = Instant::now() + Duration::from_secs(120);
    let finished = loop {
        assert!(Instant::now() < until, "research never finished");
        // The database may not be there, or not migrated yet.
        let file = data.path().join("castwright.sqlite3");
        let done: i64 = rusqlite::Connection::open_with_flags(
            &file,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .and_then(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM stage_runs WHERE status = 'done'",
                [],
                |r| r.get(0),
            )
        })
        .unwrap_or(0);
        if done > 0 {
            break done_stages(&db(data.path()));
        }
        if let Ok(Some(s)) = first.try_wait() {
            panic!("the first run ended on its own ({s}) before it could be killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    first.kill().unwrap_or_else(|e| panic!("SIGKILL: {e}"));
    first.wait().unwrap_or_else(|e| panic!("{e}"));
    let conn = db(data.path());
    let held: i64 = conn
        .query_row("SELECT COUNT(*) FROM run_leases", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held, 1, "a killed run leaves its lease behind");
    let done_before = done_stages(&conn);
    assert!(done_before.len() >= finished.len());
    let last_request: i64 = conn
        .query_row("SELECT COALESCE(MAX(id), 0) FROM requests", [], |r| {
            r.get(0)
        })
        .unwrap_or_else(|e| panic!("{e}"));

    // The next run takes the lease over at once (the holder's process is gone) and resumes.
    let out = produce(data.path(), &sim, "Killed")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let j = last_json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{j}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for s in j["stages"].as_array().cloned().unwrap_or_default() {
        let stage = s["stage"].as_str().unwrap_or_default().to_string();
        if done_before.contains(&stage) {
            assert_eq!(
                s["cached"], true,
                "{stage} was finished before the kill: {j}"
            );
            assert_eq!(s["calls"], 0, "{j}");
        }
    }
    let mut s = conn
        .prepare("SELECT stage FROM requests WHERE id > ?1 AND status != 'cache_hit'")
        .unwrap_or_else(|e| panic!("{e}"));
    let paid_again: Vec<String> = s
        .query_map([last_request], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .filter(|stage| done_before.contains(stage) && stage != "script")
        .collect();
    assert!(
        paid_again.is_empty(),
        "finished stages paid again: {paid_again:?}"
    );
    let leases: i64 = conn
        .query_row("SELECT COUNT(*) FROM run_leases", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(leases, 0);
}
