//! `castwright produce` killed with SIGKILL at seeded-random moments, over and over, in one
//! data folder as a producer's machine would see it: after every kill the database passes
//! `PRAGMA integrity_check`, no finished stage output is lost, and the next run picks up
//! where the last one stopped without paying again for a finished stage. Exports killed
//! mid-write leave either the whole file or none, and no temporary file behind.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Kills required before the test is satisfied.
const KILLS: usize = 50;
const SEED: u64 = 0x5EED_CA57_0001;

/// A small deterministic generator (SplitMix64), so every run kills at the same moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn produce(data: &Path, scenario: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_castwright"));
    c.arg("produce")
        .args(["--connection", "demo", "--notes"])
        .arg(root().join("tests/fixtures/notes"))
        .args(args)
        .env("CASTWRIGHT_DATA_DIR", data)
        .env(
            "CASTWRIGHT_DEMO_SCENARIO",
            root().join("tests/fixtures").join(scenario),
        )
        .env_remove("CASTWRIGHT_OPENROUTER_KEY")
        .env_remove("DISPLAY")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn db(data: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(data.join("castwright.sqlite3"))
        .unwrap_or_else(|e| panic!("open the database: {e}"))
}

fn integrity(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("integrity_check: {e}"))
}

fn digest(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Every finished stage output in the database: id → (episode, stage, content digest).
fn outputs(conn: &rusqlite::Connection) -> BTreeMap<i64, (String, String, u64)> {
    let mut s = conn
        .prepare("SELECT id, episode_id, stage, content FROM artifacts WHERE kind = 'output'")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = s
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .map(|(id, ep, stage, content)| (id, (ep, stage, digest(&content))))
        .collect()
}

fn episode_id(conn: &rusqlite::Connection, title: &str) -> Option<String> {
    conn.query_row("SELECT id FROM episodes WHERE title = ?1", [title], |r| {
        r.get(0)
    })
    .ok()
}

/// Stages of the episode that finished (a stage run marked done).
fn done_stages(conn: &rusqlite::Connection, ep: &str) -> Vec<String> {
    let mut s = conn
        .prepare("SELECT DISTINCT stage FROM stage_runs WHERE episode_id = ?1 AND status = 'done'")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = s
        .query_map([ep], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// Request rows of the episode after row `after`: (id, stage, cost units).
fn requests_after(conn: &rusqlite::Connection, ep: &str, after: i64) -> Vec<(i64, String, i64)> {
    let mut s = conn
        .prepare(
            "SELECT id, stage, cost_units FROM requests WHERE episode_id = ?1 AND id > ?2
             AND status != 'cache_hit' ORDER BY id",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = s
        .query_map(rusqlite::params![ep, after], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

fn max_request_id(conn: &rusqlite::Connection) -> i64 {
    conn.query_row("SELECT COALESCE(MAX(id), 0) FROM requests", [], |r| {
        r.get(0)
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Paid calls made for stages that were already finished: none may exist. The one exception
/// is the Quality check's rewrite of a script below the pass mark, which is a Script call
/// made by the Quality check after it has started.
fn billed_again(done_before: &[String], new_rows: &[(i64, String, i64)]) -> Vec<String> {
    let first_qc = new_rows
        .iter()
        .filter(|r| r.1 == "quality_check")
        .map(|r| r.0)
        .min();
    new_rows
        .iter()
        .filter(|(id, stage, _)| {
            done_before.contains(stage)
                && !(stage == "script"
                    && !done_before.iter().any(|s| s == "quality_check")
                    && first_qc.is_some_and(|q| *id > q))
        })
        .map(|(id, stage, cost)| format!("request {id} for finished stage {stage} ({cost} units)"))
        .collect()
}

/// Waits up to `d` for the child to exit; `None` if it is still running.
fn wait_for(child: &mut Child, d: Duration) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + d;
    loop {
        if let Some(s) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            return Some(s);
        }
        if Instant::now() >= until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn last_json(out: &std::process::Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| {
        panic!(
            "last line is not JSON ({e}): {line}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn fifty_kills_lose_nothing_and_never_pay_twice() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut rng = Rng(SEED);
    // One whole episode first, untouched: how long a run takes on this machine now sets the
    // range the kills are drawn from, so they land in every stage however busy it is.
    let started = Instant::now();
    let out = produce(
        data.path(),
        "reliability/crash-demo.json",
        &[
            "--brief",
            "How the Voyager golden record was made",
            "--episode",
            "Calibration",
            "--minutes",
            "3",
            "--json",
        ],
    )
    .output()
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{}", last_json(&out));
    let whole_run = started.elapsed().as_millis() as u64;
    let mut resumed_after_kill = 0;
    let mut kills = 0;
    let mut finished_episodes = 0;
    let mut episode_no = 1;
    let mut log = Vec::new();
    while kills < KILLS {
        let title = format!("Crash test {episode_no}");
        let (before, ep_before, done_before, max_before) =
            if data.path().join("castwright.sqlite3").exists() {
                let conn = db(data.path());
                let ep = episode_id(&conn, &title);
                let done = ep
                    .as_deref()
                    .map(|e| done_stages(&conn, e))
                    .unwrap_or_default();
                (outputs(&conn), ep, done, max_request_id(&conn))
            } else {
                (BTreeMap::new(), None, Vec::new(), 0)
            };
        let delay = rng.between(whole_run / 25, whole_run * 9 / 10);
        let mut child = produce(
            data.path(),
            "reliability/crash-demo.json",
            &[
                "--brief",
                "How the Voyager golden record was made",
                "--episode",
                &title,
                "--minutes",
                "3",
                "--json",
            ],
        )
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
        let exited = wait_for(&mut child, Duration::from_millis(delay));
        let killed = exited.is_none();
        if killed {
            child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
            kills += 1;
            if !done_before.is_empty() {
                resumed_after_kill += 1;
            }
        }
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("wait: {e}"));

        let conn = db(data.path());
        assert_eq!(
            integrity(&conn),
            "ok",
            "after kill {kills} at {delay} ms ({title})"
        );
        let after = outputs(&conn);
        for (id, v) in &before {
            assert_eq!(
                after.get(id),
                Some(v),
                "finished output {id} ({} of {}) was lost or changed after kill {kills} at {delay} ms",
                v.1,
                v.0
            );
        }
        let ep = episode_id(&conn, &title).or(ep_before);
        if let Some(ep) = &ep {
            let new_rows = requests_after(&conn, ep, max_before);
            let twice = billed_again(&done_before, &new_rows);
            assert!(
                twice.is_empty(),
                "{title}: finished stages {done_before:?} were paid again: {twice:?}"
            );
        }
        drop(conn);
        log.push(format!(
            "{title}: {} after {delay} ms (stages done before: {})",
            if killed { "killed" } else { "finished" },
            done_before.len()
        ));
        if !killed {
            assert_eq!(
                out.status.code(),
                Some(0),
                "{title} did not complete after {} kills: {}\n{}",
                kills,
                last_json(&out),
                String::from_utf8_lossy(&out.stderr)
            );
            let j = last_json(&out);
            assert_eq!(j["stages"].as_array().map(Vec::len), Some(4), "{j}");
            finished_episodes += 1;
            episode_no += 1;
        }
    }

    // The episode left half-done by the last kill finishes, paying only for what is left.
    let title = format!("Crash test {episode_no}");
    let conn = db(data.path());
    let ep = episode_id(&conn, &title);
    let done_before = ep
        .as_deref()
        .map(|e| done_stages(&conn, e))
        .unwrap_or_default();
    let max_before = max_request_id(&conn);
    drop(conn);
    let out = produce(
        data.path(),
        "reliability/crash-demo.json",
        &[
            "--brief",
            "How the Voyager golden record was made",
            "--episode",
            &title,
            "--minutes",
            "3",
            "--json",
        ],
    )
    .output()
    .unwrap_or_else(|e| panic!("{e}"));
    let j = last_json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the final run must complete: {j}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cached: Vec<bool> = j["stages"]
        .as_array()
        .map(|a| a.iter().map(|s| s["cached"] == true).collect())
        .unwrap_or_default();
    for (stage, was_cached) in ["research", "synthesis", "script", "quality_check"]
        .iter()
        .zip(&cached)
    {
        if done_before.iter().any(|d| d == stage) {
            assert!(was_cached, "{stage} was finished but ran again: {j}");
        }
    }
    let conn = db(data.path());
    let ep = episode_id(&conn, &title).unwrap_or_else(|| panic!("{title} exists"));
    let twice = billed_again(&done_before, &requests_after(&conn, &ep, max_before));
    assert!(twice.is_empty(), "{twice:?}");
    assert_eq!(integrity(&conn), "ok");
    let mut err = std::io::stderr().lock();
    use std::io::Write;
    let _ = writeln!(
        err,
        "{kills} kills over {} episodes ({finished_episodes} finished between kills, {resumed_after_kill} kills of runs that had resumed; a whole run took {whole_run} ms):\n  {}",
        episode_no,
        log.join("\n  ")
    );
    // The runs really were cut in the middle of episodes that had finished stages to keep.
    assert!(resumed_after_kill > 0, "{log:?}");
}

fn open_reservations(conn: &rusqlite::Connection) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM budget_reservations WHERE settled_at IS NULL",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

/// Whether the newest stage run of the episode is the script, still running.
fn script_runs(conn: &rusqlite::Connection) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM stage_runs WHERE stage = 'script'",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

fn script_running(conn: &rusqlite::Connection, title: &str) -> bool {
    conn.query_row(
        "SELECT stage = 'script' AND status = 'running' FROM stage_runs
         WHERE episode_id = (SELECT id FROM episodes WHERE title = ?1) ORDER BY id DESC LIMIT 1",
        [title],
        |r| r.get(0),
    )
    .unwrap_or(false)
}

/// A kill while a call is in flight leaves its budget reservation open: no process is left
/// to settle it. Killed three times during the Script stage, an episode with room for about
/// four worst-case Script calls must still finish on the next run — the money held for calls
/// of processes that are gone has to come back.
#[test]
fn reservations_of_killed_runs_do_not_lock_the_episode_budget() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let args = [
        "--brief",
        "How the Voyager golden record was made",
        "--episode",
        "Held money",
        "--minutes",
        "3",
        "--budget",
        "1.00",
        "--json",
    ];
    for kill in 1..=3 {
        let runs_before = if data.path().join("castwright.sqlite3").exists() {
            script_runs(&db(data.path()))
        } else {
            0
        };
        let mut child = produce(data.path(), "reliability/crash-demo.json", &args)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(
                Instant::now() < until,
                "the script call never started (kill {kill})"
            );
            if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
                let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
                panic!(
                    "run {kill} ended ({status}) before its script call could be interrupted: {}",
                    last_json(&out)
                );
            }
            if data.path().join("castwright.sqlite3").exists() {
                let conn = db(data.path());
                // This run's own Script call is in flight: its stage run is new, and money is
                // held for it (a run releases what killed runs held before it starts).
                if script_running(&conn, "Held money")
                    && script_runs(&conn) > runs_before
                    && open_reservations(&conn) > 0
                {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        child.kill().unwrap_or_else(|e| panic!("{e}"));
        let _ = child.wait();
    }
    let out = produce(data.path(), "reliability/crash-demo.json", &args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let j = last_json(&out);
    let conn = db(data.path());
    let (spent, reserved): (i64, i64) = conn
        .query_row(
            "SELECT spent_units, reserved_units FROM budget_totals
             WHERE scope = 'episode:' || (SELECT id FROM episodes WHERE title = 'Held money')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "after three kills the episode cannot finish: {j}\n(spent {spent} units, {reserved} units still held for calls of killed processes)"
    );
    assert!(spent <= 10_000_000_000, "within the $1.00 limit: {spent}");
}

/// The export's temporary files in `dir` (hidden, ending in `.tmp`).
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".tmp"))
        })
        .collect()
}

/// A whole PDF ends with its trailer; a whole DOCX (a zip) with its end-of-directory record.
fn is_whole(path: &Path, reference: &[u8]) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    let ends_right = match path.extension().and_then(|e| e.to_str()) {
        Some("pdf") => String::from_utf8_lossy(tail).contains("%%EOF"),
        Some("docx") => tail.windows(4).any(|w| w == b"PK\x05\x06"),
        _ => false,
    };
    ends_right && bytes.len() == reference.len()
}

#[test]
fn an_export_killed_mid_write_leaves_the_whole_file_or_none() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let args = |export: &Path| -> Vec<String> {
        vec![
            "--brief".into(),
            "How the Voyager golden record was made".into(),
            "--episode".into(),
            "Long export".into(),
            "--minutes".into(),
            "60".into(),
            "--export".into(),
            export.display().to_string(),
            "--json".into(),
        ]
    };
    let mut caught_mid_write = 0;
    let mut leftovers_right_after = 0;
    for ext in ["pdf", "docx"] {
        // A reference: the same export, not interrupted (the episode is produced the first
        // time, then reused).
        let ref_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let reference_path = ref_dir.path().join(format!("script.{ext}"));
        let a = args(&reference_path);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let out = produce(data.path(), "fast-demo.json", &a)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{}", last_json(&out));
        let reference = std::fs::read(&reference_path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            reference.len() > 20_000,
            "a large {ext}: {}",
            reference.len()
        );

        for round in 0..4 {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let target = dir.path().join(format!("script.{ext}"));
            let a = args(&target);
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let mut child = produce(data.path(), "fast-demo.json", &a)
                .spawn()
                .unwrap_or_else(|e| panic!("{e}"));
            // Kill the moment the temporary file appears: the write is under way.
            let until = Instant::now() + Duration::from_secs(60);
            let mut killed = false;
            while Instant::now() < until {
                if !temp_files(dir.path()).is_empty() {
                    let _ = child.kill();
                    killed = true;
                    break;
                }
                if child.try_wait().unwrap_or_else(|e| panic!("{e}")).is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
            if killed {
                caught_mid_write += 1;
                if !temp_files(dir.path()).is_empty() {
                    leftovers_right_after += 1;
                }
            } else {
                assert_eq!(out.status.code(), Some(0), "{}", last_json(&out));
            }
            // The file the producer asked for is whole, or not there at all.
            assert!(
                !target.exists() || is_whole(&target, &reference),
                "{ext} round {round}: a partial file was left at {} ({} bytes, whole is {})",
                target.display(),
                std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0),
                reference.len()
            );
            // Exporting again to the same folder completes and clears what the killed
            // export left behind.
            let out = produce(data.path(), "fast-demo.json", &a)
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(out.status.code(), Some(0), "{}", last_json(&out));
            assert!(is_whole(&target, &reference), "{ext} round {round}");
            let left: Vec<PathBuf> = temp_files(dir.path());
            assert!(
                left.is_empty(),
                "{ext} round {round}: temporary files left beside the export: {left:?}"
            );
        }
    }
    let mut err = std::io::stderr().lock();
    use std::io::Write;
    let _ = writeln!(
        err,
        "exports killed mid-write: {caught_mid_write} of 8; temporary file still there right after the kill: {leftovers_right_after}"
    );
}
