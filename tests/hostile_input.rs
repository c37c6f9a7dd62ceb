//! Hostile input from outside: briefs and notes too big for any model, control characters
//! and right-to-left text in titles, export names that try to leave their folder, a damaged
//! database, a settings file with values of the wrong type, and the notes corpus of the
//! notes tests. Each is refused with a plain message before any money is spent, or handled
//! without harm. The headless runs talk to an emulator started here (so its bill shows
//! whether a call was made); the window app's commands go through Tauri's mock runtime on
//! the demo connection (no keychain needed).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use openrouter_sim::{Scenario, SimConfig, SimServer};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

/// The key the headless runs send: listed in the emulator's scenario.
fn key() -> String {
    openrouter_sim::test_key("hostile-input")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
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

/// Control characters (bell, escape, carriage return, newline, tab, delete), bidirectional
/// overrides and Hebrew and Arabic text.
const HOSTILE_TITLE: &str =
    "Voyager\u{7}\u{1b}[31m red\r\nline\tand\u{7f} \u{202e}4pm.exe\u{202c} קול הים صوت البحر";

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

fn has_bidi_control(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
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

const BAD_SETTINGS: &str = r#"{
  "theme": 5,
  "default_budget_usd": true,
  "monthly_limit_usd": "lots",
  "low_balance_alert_usd": ["1"],
  "privacy_deny_data_collection": "yes",
  "default_preset": {"name": "original"},
  "connection": 42
}"#;

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

// ---- Through the window app's commands (mock runtime, demo connection). ----

static SERIAL: Mutex<()> = Mutex::new(());

struct App {
    _app: tauri::App<tauri::test::MockRuntime>,
    window: WebviewWindow<tauri::test::MockRuntime>,
}

fn app(data_dir: &Path, export_dir: &Path) -> App {
    std::env::set_var("CASTWRIGHT_DATA_DIR", data_dir);
    std::env::set_var("CASTWRIGHT_EXPORT_DIR", export_dir);
    std::env::set_var(
        "CASTWRIGHT_DEMO_SCENARIO",
        root().join("tests/fixtures/fast-demo.json"),
    );
    std::env::set_var(
        "CASTWRIGHT_KEYCHAIN_SERVICE",
        format!("castwright-hostile-{}", std::process::id()),
    );
    let mut app = castwright_lib::app_builder(mock_builder())
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| panic!("app builds: {e}"));
    // One turn of the event loop delivers `Ready`, which runs the app's setup hook; the
    // deprecation is about calling it in a loop, which this does not.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap_or_else(|e| panic!("window: {e}")),
    };
    App { _app: app, window }
}

fn invoke(app: &App, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &app.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| {
        body.deserialize::<Value>()
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    })
}

fn ok(app: &App, cmd: &str, args: Value) -> Value {
    invoke(app, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
}

fn everything_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(everything_under(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn export_names_cannot_leave_the_export_folder_or_carry_control_characters() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Exports go two folders deep, so a name that climbs out would land in a folder we watch.
    let base = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let exports = base.path().join("a/b/exports");
    std::fs::create_dir_all(&exports).unwrap_or_else(|e| panic!("{e}"));
    let app = app(data.path(), &exports);
    ok(&app, "use_connection", json!({"choice": "demo"}));
    let mut brief = ok(&app, "new_episode_brief", json!({}));
    brief["title"] = json!("Start");
    brief["brief"] = json!("The golden record");
    brief["minutes"] = json!(1);
    let ep = ok(&app, "create_episode", json!({ "brief": brief }));
    let id = ep["id"].as_str().unwrap_or_default().to_string();
    ok(
        &app,
        "add_pasted_note",
        json!({"episodeId": id, "name": "Notes", "text": "Voyager 2 launched on August 20, 1977. The record holds greetings in 55 languages."}),
    );
    ok(
        &app,
        "run_episode",
        json!({"episodeId": id, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:3"}),
    );

    let deep = format!(
        "../../../../../../../../../..{}/evil-{}",
        std::env::temp_dir().display(),
        std::process::id()
    );
    let titles = [
        "../../evil",
        "..\\..\\evil",
        deep.as_str(),
        "/etc/passwd",
        "C:\\Windows\\System32\\evil",
        "a/../../b",
        "CON",
        ".bashrc",
        "..",
        "evil\u{0}.md\u{0}",
        HOSTILE_TITLE,
        "\u{202e}fdp.exe",
    ];
    for (i, title) in titles.iter().enumerate() {
        let renamed = invoke(
            &app,
            "rename_episode",
            json!({"episodeId": id, "title": title}),
        );
        let Ok(renamed) = renamed else {
            // Refusing a title outright is fine too, with a message.
            let e = renamed.err().unwrap_or_default();
            assert_eq!(e["code"], "invalid_input", "{title:?}: {e}");
            continue;
        };
        let stored = renamed["brief"]["title"].as_str().unwrap_or_default();
        assert!(!has_control(stored), "{title:?} stored as {stored:?}");
        for (format, ext) in [("markdown", "md"), ("pdf", "pdf")] {
            let written = ok(
                &app,
                "export_script",
                json!({"episodeId": id, "artifactId": null, "format": format, "includeShowNotes": false, "pageSize": "a4"}),
            );
            let path = PathBuf::from(written.as_str().unwrap_or_default());
            assert_eq!(
                path.parent(),
                Some(exports.as_path()),
                "{title:?} was written to {}",
                path.display()
            );
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            assert!(
                path.is_file() && name.ends_with(&format!(".{ext}")),
                "{title:?} → {name:?}"
            );
            assert!(
                !name.starts_with('.')
                    && !name.contains(['/', '\\', ':'])
                    && !has_control(&name)
                    && !has_bidi_control(&name),
                "{title:?} → unsafe name {name:?} ({i})"
            );
        }
    }
    // Nothing anywhere but inside the export folder.
    let stray: Vec<PathBuf> = everything_under(base.path())
        .into_iter()
        .filter(|p| !p.starts_with(&exports) && !exports.starts_with(p))
        .collect();
    assert!(
        stray.is_empty(),
        "files outside the export folder: {stray:?}"
    );
    let climbed = std::env::temp_dir().join(format!("evil-{}.md", std::process::id()));
    assert!(
        !climbed.exists(),
        "a name climbed out to {}",
        climbed.display()
    );
}

#[test]
fn the_window_app_reports_wrong_settings_types_and_uses_defaults() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let exports = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(data.path().join("settings.json"), BAD_SETTINGS)
        .unwrap_or_else(|e| panic!("{e}"));
    let app = app(data.path(), exports.path());
    let view = ok(&app, "get_settings", json!({}));
    let s = &view["settings"];
    assert_eq!(s["theme"], "system");
    assert_eq!(s["default_budget_usd"], "3.00");
    assert_eq!(s["monthly_limit_usd"], Value::Null);
    assert_eq!(s["privacy_deny_data_collection"], false);
    assert_eq!(s["default_preset"], "current");
    assert_eq!(s["connection"], "openrouter");
    let notice = view["notice"].as_str().unwrap_or_default();
    for field in [
        "theme",
        "spending limit per episode",
        "monthly limit",
        "low-credit warning",
        "privacy",
        "default models",
        "connection",
    ] {
        assert!(notice.contains(field), "the notice names {field}: {notice}");
    }
    // A new episode starts from the defaults, not from the unreadable values.
    let brief = ok(&app, "new_episode_brief", json!({}));
    assert_eq!(brief["budget_usd"], "3.00");
}

// ---- The SSE reader's fuzz corpus, replayed on every `cargo test` (`make fuzz` grows it). ----

fn sse_events(pieces: &[&[u8]]) -> Vec<castwright_engine::gateway::sse::SseEvent> {
    let mut reader = castwright_engine::gateway::sse::SseReader::new();
    let mut out = Vec::new();
    for p in pieces {
        reader.feed(p, &mut out);
    }
    reader.finish(&mut out);
    out
}

/// What the `sse_reader` fuzz target checks: the events do not depend on where the network
/// cut the bytes, and reading them never panics. Returns the answer's text if it finished.
fn replay_sse(data: &[u8]) -> Option<String> {
    let (&cut, body) = data.split_first()?;
    let whole = sse_events(&[body]);
    for size in [usize::from(cut % 17) + 1, 1, 2, 3, 7] {
        let pieces: Vec<&[u8]> = body.chunks(size).collect();
        assert_eq!(whole, sse_events(&pieces), "cut every {size} bytes");
    }
    let mut state = castwright_engine::gateway::stream::StreamState::new(None);
    for e in &whole {
        state.apply(&e.data).ok()?;
    }
    state.finish("fuzz/model").ok().map(|c| c.text)
}

#[test]
fn saved_sse_fuzz_inputs_replay_the_same_however_they_are_cut() {
    let fuzz = root().join("crates/engine/fuzz");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["corpus/sse_reader", "regressions/sse_reader"] {
        files.extend(
            std::fs::read_dir(fuzz.join(dir))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path()),
        );
    }
    files.sort();
    assert!(files.len() >= 10, "the seed corpus is there: {files:?}");
    let mut failures = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{e}"));
        let r = std::panic::catch_unwind(|| replay_sse(&data));
        match (r, f.file_name().and_then(|n| n.to_str())) {
            (Err(_), _) => failures.push(format!("{} panicked", f.display())),
            (Ok(text), Some("complete.sse" | "crlf.sse" | "cr-only.sse"))
                if text.as_deref() != Some("The committee chose 116 images.") =>
            {
                failures.push(format!("{}: read as {text:?}", f.display()));
            }
            (Ok(Some(text)), Some(name))
                if name.starts_with("mid-stream") || name == "truncated.sse" =>
            {
                failures.push(format!(
                    "{name}: a failed stream read as finished: {text:?}"
                ));
            }
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
