//! Hostile input to `castwright produce`: briefs and notes too big for any model, control
//! characters and right-to-left text in titles, a damaged database, a settings file with
//! values of the wrong type, and the notes corpus of the notes tests. Each is refused with a
//! plain message before any money is spent, or handled without harm. The runs talk to an
//! emulator started here (so its bill shows whether a call was made). The window app's side
//! is in `hostile_input_window.rs`.

mod support;

use std::path::Path;
use std::process::Command;

use openrouter_sim::{Scenario, SimConfig, SimServer};
use serde_json::Value;
use support::files::root;
use support::hostile::{has_control, BAD_SETTINGS, HOSTILE_TITLE};

/// The key the headless runs send: listed in the emulator's scenario.
fn key() -> String {
    openrouter_sim::test_key("hostile-input")
}

/// The emulator on its own runtime, so it serves while a test waits on a child process.
struct Sim {
    rt: tokio::runtime::Runtime,
    sim: Option<SimServer>,
}

impl Sim {
    fn start() -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let sim = rt
            .block_on(SimServer::start(SimConfig {
                seed: 5,
                scenario: {
                    let mut s = Scenario::instant();
                    s.keys.insert(key(), Default::default());
                    s
                },
                ..SimConfig::default()
            }))
            .unwrap_or_else(|e| panic!("emulator: {e}"));
        Sim { rt, sim: Some(sim) }
    }
    fn server(&self) -> &SimServer {
        self.sim
            .as_ref()
            .unwrap_or_else(|| panic!("the emulator is running"))
    }
    fn base(&self) -> String {
        self.server().api_base()
    }
    /// Generations billed so far.
    fn generations(&self) -> u64 {
        self.server().billing().generations
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(s) = self.sim.take() {
            self.rt.block_on(s.stop());
        }
    }
}

struct Run {
    code: Option<i32>,
    json: Value,
    stderr: String,
}

fn produce(data: &Path, sim: &Sim, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_castwright"))
        .arg("produce")
        .args(["--connection", "openrouter", "--base-url", &sim.base()])
        .args(args)
        .arg("--json")
        .env("CASTWRIGHT_DATA_DIR", data)
        .env("CASTWRIGHT_OPENROUTER_KEY", key())
        .env_remove("CASTWRIGHT_DEMO_SCENARIO")
        .env_remove("CASTWRIGHT_EXPORT_DIR")
        .env_remove("DISPLAY")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .output()
        .unwrap_or_else(|e| panic!("castwright produce: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let line = stdout.lines().last().unwrap_or_default();
    let json = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("last line is not JSON ({e}): {line}\nstderr:\n{stderr}"));
    Run {
        code: out.status.code(),
        json,
        stderr,
    }
}

fn notes_dir() -> String {
    root().join("tests/fixtures/notes").display().to_string()
}

/// Request-log rows in the data folder's database (0 when there is none).
fn logged_requests(data: &Path) -> i64 {
    let path = data.join("castwright.sqlite3");
    if !path.exists() {
        return 0;
    }
    rusqlite::Connection::open(path)
        .and_then(|c| c.query_row("SELECT count(*) FROM requests", [], |r| r.get(0)))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn message(run: &Run) -> String {
    run.json["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A brief of `chars` characters, in words.
fn long_brief(chars: usize) -> String {
    let sentence = "Voyager's golden record, told for curious listeners — élan and détail. ";
    sentence.chars().cycle().take(chars).collect()
}

#[test]
fn a_brief_over_20000_characters_is_refused_before_any_call() {
    let sim = Sim::start();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let n = notes_dir();
    let long = long_brief(20_001);
    let run = produce(
        data.path(),
        &sim,
        &["--notes", &n, "--brief", &long, "--episode", "Long brief"],
    );
    assert_eq!(run.code, Some(2), "{}\n{}", run.json, run.stderr);
    assert!(
        message(&run).contains("20,000"),
        "the message says the limit: {}",
        message(&run)
    );
    assert_eq!(sim.generations(), 0, "no call was made");
    assert_eq!(logged_requests(data.path()), 0);
    // The limit counts characters, not bytes: exactly 20,000 (more bytes than that) is taken.
    let at_limit = long_brief(20_000);
    assert!(at_limit.len() > 20_000);
    let run = produce(
        data.path(),
        &sim,
        &[
            "--notes",
            &n,
            "--brief",
            &at_limit,
            "--episode",
            "Long brief",
            "--minutes",
            "1",
        ],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.json, run.stderr);
}

#[test]
fn a_brief_without_spaces_is_not_blamed_on_a_title_the_producer_never_gave() {
    let sim = Sim::start();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let n = notes_dir();
    // Pasted without spaces (a link, an encoded blob): within the brief's limit.
    let blob = "aHR0cHM6Ly9leGFtcGxlLm9yZy92b3lhZ2Vy".repeat(30);
    let run = produce(
        data.path(),
        &sim,
        &["--notes", &n, "--brief", &blob, "--minutes", "1"],
    );
    assert!(
        !message(&run).contains("title"),
        "no --episode was given, yet: {}",
        message(&run)
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.json, run.stderr);
}

#[test]
fn notes_beyond_every_models_context_are_refused_before_any_call() {
    let sim = Sim::start();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let notes = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // About 4.7 MB of prose: over 1.1 million tokens, past the largest context in the catalog
    // (1,048,576), yet well under the 25 MB file limit, so ingestion accepts it.
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 4_700_000 {
        i += 1;
        text.push_str(&format!(
            "Paragraph {i}. Voyager 2 launched on August 20, 1977, and Voyager 1 followed on September 5; \
             each carries a golden record of greetings in 55 languages and 90 minutes of music.\n\n"
        ));
    }
    let huge = notes.path().join("archive-dump.txt");
    std::fs::write(&huge, &text).unwrap_or_else(|e| panic!("{e}"));
    let run = produce(
        data.path(),
        &sim,
        &[
            "--notes",
            &huge.display().to_string(),
            "--brief",
            "The golden record",
            "--minutes",
            "3",
            // A limit that is no obstacle: the notes' length must be what stops the run.
            "--budget",
            "500",
        ],
    );
    let msg = message(&run);
    assert_eq!(
        logged_requests(data.path()),
        0,
        "calls were made before the notes were found too long (exit {:?}: {msg})",
        run.code
    );
    assert_eq!(sim.generations(), 0, "nothing was billed");
    assert_eq!(run.code, Some(2), "{}\n{}", run.json, run.stderr);
    let lower = msg.to_lowercase();
    assert!(
        lower.contains("too long") || lower.contains("too large") || lower.contains("shorten"),
        "a plain message about the notes' length: {msg}"
    );
}

#[test]
fn titles_with_control_characters_and_right_to_left_text_are_stored_cleanly() {
    let sim = Sim::start();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let n = notes_dir();
    let md = out.path().join("script.md");
    let args = [
        "--notes",
        &n,
        "--brief",
        "The golden record",
        "--episode",
        HOSTILE_TITLE,
        "--minutes",
        "2",
        "--export",
        md.to_str().unwrap_or_default(),
    ];
    let first = produce(data.path(), &sim, &args);
    assert_eq!(first.code, Some(0), "{}\n{}", first.json, first.stderr);
    let conn = rusqlite::Connection::open(data.path().join("castwright.sqlite3"))
        .unwrap_or_else(|e| panic!("{e}"));
    let stored: String = conn
        .query_row("SELECT title FROM episodes", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !has_control(&stored),
        "stored with control characters: {stored:?}"
    );
    assert!(
        stored.contains("קול הים") && stored.contains("صوت البحر") && stored.contains("Voyager"),
        "the words are kept: {stored:?}"
    );
    let exported = std::fs::read_to_string(&md).unwrap_or_else(|e| panic!("{e}"));
    let heading = exported.lines().next().unwrap_or_default();
    assert!(!has_control(heading), "{heading:?}");
    // The same title again finds the same episode: nothing is paid twice.
    let billed = sim.generations();
    let again = produce(data.path(), &sim, &args);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(again.json["episode_id"], first.json["episode_id"]);
    assert_eq!(sim.generations(), billed);
    let count: i64 = conn
        .query_row("SELECT count(*) FROM episodes", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(count, 1);
}

fn corrupt_middle(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
    let len = bytes.len();
    assert!(len > 8192, "a database with several pages: {len}");
    // Keep the 100-byte header (it still says "SQLite format 3"), wreck the pages after it.
    for (i, b) in bytes[100..len / 2].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31).wrapping_add(7);
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .filter(|e| e.file_name() != "logs")
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                e.metadata().map(|m| m.len()).unwrap_or(0),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_damaged_database_is_reported_and_never_overwritten() {
    let sim = Sim::start();
    let n = notes_dir();
    let args = [
        "--notes",
        n.as_str(),
        "--brief",
        "The golden record",
        "--minutes",
        "1",
    ];

    // A real database with its pages wrecked, and a file of noise under the database's name.
    let real = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = produce(real.path(), &sim, &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let db = real.path().join("castwright.sqlite3");
    // Fold the write-ahead log in, so the file alone holds everything, then wreck it.
    rusqlite::Connection::open(&db)
        .and_then(|c| c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);"))
        .unwrap_or_else(|e| panic!("{e}"));
    for side in ["castwright.sqlite3-wal", "castwright.sqlite3-shm"] {
        let _ = std::fs::remove_file(real.path().join(side));
    }
    corrupt_middle(&db);

    let noise = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let noise_bytes: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(noise.path().join("castwright.sqlite3"), &noise_bytes)
        .unwrap_or_else(|e| panic!("{e}"));

    for dir in [real.path(), noise.path()] {
        let db = dir.join("castwright.sqlite3");
        let before = std::fs::read(&db).unwrap_or_else(|e| panic!("{e}"));
        let files_before = listing(dir);
        let billed = sim.generations();
        let run = produce(dir, &sim, &args);
        assert_eq!(run.code, Some(6), "{}\n{}", run.json, run.stderr);
        assert_eq!(run.json["error"]["code"], "database");
        let msg = message(&run);
        assert!(
            msg.contains("damaged") && msg.contains("has not been changed"),
            "a plain message that says what to do: {msg}"
        );
        assert_eq!(
            std::fs::read(&db).unwrap_or_else(|e| panic!("{e}")),
            before,
            "the damaged file was changed"
        );
        // Every file there before is as it was. SQLite may add its shared-memory index and
        // an empty log beside a database in WAL mode when it opens it to check it.
        let after = listing(dir);
        for f in &files_before {
            assert!(after.contains(f), "{f:?} was changed: {after:?}");
        }
        for (name, len) in after.iter().filter(|f| !files_before.contains(f)) {
            assert!(
                name.ends_with("-shm") || (name.ends_with("-wal") && *len == 0),
                "{name} ({len} bytes) was written beside the damaged database"
            );
        }
        assert_eq!(sim.generations(), billed, "no call was made");
    }
}

#[test]
fn a_settings_file_with_wrong_types_falls_back_to_defaults_and_says_so_headless() {
    let sim = Sim::start();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let settings = data.path().join("settings.json");
    std::fs::write(&settings, BAD_SETTINGS).unwrap_or_else(|e| panic!("{e}"));
    let n = notes_dir();
    let run = produce(
        data.path(),
        &sim,
        &[
            "--notes",
            &n,
            "--brief",
            "The golden record",
            "--minutes",
            "1",
        ],
    );
    assert_eq!(
        run.code,
        Some(0),
        "defaults are used: {}\n{}",
        run.json,
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&settings).unwrap_or_default(),
        BAD_SETTINGS,
        "the producer's file is left for them to fix"
    );
    assert!(
        run.stderr.contains("Some settings could not be read"),
        "the producer is told their settings were not used:\n{}",
        run.stderr
    );
}

#[test]
fn the_notes_corpus_runs_with_the_bad_files_named_and_skipped() {
    let sim = Sim::start();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let corpus = root().join("crates/engine/tests/fixtures/notes");
    let run = produce(
        data.path(),
        &sim,
        &[
            "--notes",
            &corpus.display().to_string(),
            "--brief",
            "What the research says",
            "--minutes",
            "2",
        ],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.json, run.stderr);
    let skipped: Vec<String> = run.json["skipped_notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["path"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    for bad in ["empty.txt", "truncated.pdf"] {
        assert!(
            skipped.iter().any(|p| p.ends_with(bad)),
            "{bad} is named as skipped: {skipped:?}"
        );
        assert!(run.stderr.contains(bad), "{}", run.stderr);
    }
    for s in run.json["skipped_notes"].as_array().into_iter().flatten() {
        assert!(
            s["reason"].as_str().is_some_and(|r| r.len() > 20),
            "each skip has a reason: {s}"
        );
    }
    assert_eq!(run.json["stages"].as_array().map(Vec::len), Some(4));
}
