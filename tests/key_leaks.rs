//! No key leaks. Whole episodes run on a real OpenRouter connection (pointed at the local
//! emulator, started here) and, in the window app, on a second connection (another
//! OpenAI-compatible service, the same emulator) with recognisable canary keys; afterwards the
//! database (and its write-ahead log), the log folder, the exports, the settings file and
//! every IPC payload the window would have received are searched for the keys: zero hits.
//! The commands run through Tauri's mock runtime with the real keychain, so `make test` runs
//! this file inside a D-Bus session with gnome-keyring (scripts/with-keyring.sh).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use castwright_engine::secrets::Keychain;
use openrouter_sim::{test_key, KeyConfig, Scenario, SimConfig, SimServer};
use serde_json::json;
use support::mock_app::{invoke, ok, App};

/// Two well-formed canary keys, unique to this run; the scenario lists them.
fn canaries() -> (String, String) {
    let pid = std::process::id();
    (
        test_key(&format!("key-leaks-one-{pid}")),
        test_key(&format!("key-leaks-two-{pid}")),
    )
}

/// The middle of a canary is what a leak would show; the emulator's `/key` label shows a
/// key's first and last characters (as OpenRouter's does), never its middle.
fn middle(key: &str) -> &str {
    &key[9..29]
}

/// An instant scenario that accepts both canaries.
fn listing(keys: [&String; 2]) -> Scenario {
    let mut s = Scenario::instant();
    for k in keys {
        s.keys.insert(k.clone(), KeyConfig::default());
    }
    s
}

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Files under `dirs` that contain any of `needles` (as bytes, so binary files count).
fn hits(dirs: &[&Path], needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in dirs {
        for file in walk(dir) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for n in needles {
                if bytes.windows(n.len()).any(|w| w == n.as_bytes()) {
                    found.push(format!("{} contains {n}", file.display()));
                }
            }
        }
    }
    found
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn start_sim(rt: &tokio::runtime::Runtime, scenario: Scenario) -> SimServer {
    rt.block_on(SimServer::start(SimConfig {
        seed: 11,
        scenario,
        ..SimConfig::default()
    }))
    .unwrap_or_else(|e| panic!("emulator: {e}"))
}

fn headless(
    data: &Path,
    base: &str,
    key: &str,
    title: &str,
    export: &Path,
) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_castwright"))
        .arg("produce")
        .args(["--connection", "openrouter", "--base-url", base, "--notes"])
        .arg(root().join("tests/fixtures/notes"))
        .args([
            "--brief",
            "How the Voyager golden record was made",
            "--episode",
            title,
            "--minutes",
            "3",
            "--json",
            "--export",
        ])
        .arg(export)
        .env("CASTWRIGHT_DATA_DIR", data)
        .env("CASTWRIGHT_OPENROUTER_KEY", key)
        // The most a producer could turn logging up to when asked for a log.
        .env("CASTWRIGHT_LOG", "trace")
        .env("RUST_LOG", "trace")
        .env_remove("CASTWRIGHT_DEMO_SCENARIO")
        .env_remove("CASTWRIGHT_OPENROUTER_BASE_URL")
        .env_remove("CASTWRIGHT_EXPORT_DIR")
        .env_remove("DISPLAY")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .output()
        .unwrap_or_else(|e| panic!("castwright produce: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn headless_episodes_with_two_keys_leave_no_trace_of_either() {
    let _g = serial();
    let rt = runtime();
    let (key1, key2) = canaries();
    let sim = start_sim(&rt, listing([&key1, &key2]));
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let exports = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // The settings file the window app would have written.
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"theme":"dark","connection":"openrouter","default_budget_usd":"3.00"}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let runs = [
        (&key1, "Key one", "one.pdf"),
        (&key1, "Key one", "one.docx"),
        (&key2, "Key two", "two.md"),
        (&key2, "Key two", "two.json"),
    ];
    for (key, title, file) in runs {
        let (code, output) = headless(
            data.path(),
            &sim.api_base(),
            key,
            title,
            &exports.path().join(file),
        );
        assert_eq!(code, Some(0), "{title} → {file}:\n{output}");
        for k in [&key1, &key2] {
            assert!(
                !output.contains(k.as_str()) && !output.contains(middle(k)),
                "the command's own output shows a key:\n{output}"
            );
        }
    }
    // Both keys really were used, so their absence below means something.
    let billing = sim.billing();
    for k in [&key1, &key2] {
        assert!(
            billing
                .per_key
                .get(k.as_str())
                .is_some_and(|b| b.generations > 0),
            "the emulator never saw {k}"
        );
    }
    assert!(data.path().join("castwright.sqlite3").exists());
    assert!(
        !walk(&data.path().join("logs")).is_empty(),
        "the log folder has files to search"
    );
    let found = hits(
        &[data.path(), exports.path()],
        &[&key1, &key2, middle(&key1), middle(&key2)],
    );
    assert!(found.is_empty(), "keys found: {found:#?}");
    rt.block_on(sim.stop());
}

// ---- The window app's commands, through Tauri's mock runtime. ----

/// The window app with its data, keys, OpenRouter address and export folder given.
fn app(data_dir: &Path, service: &str, base: &str, export_dir: &Path) -> App {
    std::env::set_var("CASTWRIGHT_DATA_DIR", data_dir);
    std::env::set_var("CASTWRIGHT_KEYCHAIN_SERVICE", service);
    std::env::set_var("CASTWRIGHT_OPENROUTER_BASE_URL", base);
    std::env::set_var("CASTWRIGHT_EXPORT_DIR", export_dir);
    std::env::remove_var("CASTWRIGHT_DEMO_SCENARIO");
    support::mock_app::start()
}

#[test]
fn the_window_app_never_sends_either_key_to_the_page() {
    let _g = serial();
    let rt = runtime();
    let (key1, key2) = canaries();
    let sim = start_sim(&rt, listing([&key1, &key2]));
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let exports = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let service = format!("castwright-keyleak-{}", std::process::id());
    let app = app(data.path(), &service, &sim.api_base(), exports.path());

    ok(&app, "app_info", json!({}));
    ok(&app, "key_status", json!({}));
    assert_eq!(
        ok(&app, "set_key", json!({ "key": key1 })),
        json!({"has_key": true})
    );
    ok(&app, "use_connection", json!({"choice": "openrouter"}));
    ok(&app, "connection_status", json!({}));
    ok(&app, "get_settings", json!({}));
    let test = ok(&app, "test_connection", json!({}));
    assert_eq!(test["simulated"], false, "a real OpenRouter connection");
    let _ = invoke(&app, "credit_status", json!({}));

    let mut brief = ok(&app, "new_episode_brief", json!({}));
    brief["title"] = json!("Canary episode");
    brief["brief"] = json!("The golden record, for curious listeners");
    brief["minutes"] = json!(3);
    let ep = ok(&app, "create_episode", json!({ "brief": brief }));
    let id = ep["id"].as_str().unwrap_or_default().to_string();
    ok(
        &app,
        "add_note_paths",
        json!({"episodeId": id, "paths": [root().join("tests/fixtures/notes").display().to_string()]}),
    );
    ok(&app, "list_notes", json!({ "episodeId": id }));
    ok(&app, "estimate_run", json!({ "episodeId": id }));
    ok(&app, "stage_presets", json!({}));
    let run = ok(
        &app,
        "run_episode",
        json!({"episodeId": id, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:7"}),
    );
    assert_eq!(run["stages"].as_array().map(Vec::len), Some(4), "{run}");
    ok(&app, "run_state", json!({ "episodeId": id }));
    ok(&app, "latest_outputs", json!({ "episodeId": id }));
    for stage in ["research", "synthesis", "script", "quality_check"] {
        ok(
            &app,
            "list_versions",
            json!({"episodeId": id, "stage": stage}),
        );
    }
    ok(
        &app,
        "script_view",
        json!({"episodeId": id, "artifactId": null}),
    );
    ok(&app, "cost_report", json!({ "episodeId": id }));
    for format in ["markdown", "text", "docx", "pdf", "json"] {
        ok(
            &app,
            "export_script",
            json!({"episodeId": id, "artifactId": null, "format": format, "includeShowNotes": true, "pageSize": "a4"}),
        );
    }
    ok(
        &app,
        "list_episodes",
        json!({"search": null, "includeArchived": true}),
    );
    ok(&app, "get_episode", json!({ "episodeId": id }));
    ok(&app, "usage_overview", json!({"range": {"kind": "all"}}));
    ok(
        &app,
        "usage_request_log",
        json!({"filter": {"episode_id": null, "stage": null, "model": null, "status": null, "range": {"kind": "all"}}, "page": {"limit": 500, "before_id": null}}),
    );
    ok(&app, "usage_errors", json!({"range": {"kind": "all"}}));
    ok(&app, "usage_quality", json!({}));
    ok(&app, "usage_model_health", json!({}));
    ok(&app, "alerts_pending", json!({}));

    // A second connection: another OpenAI-compatible service (the emulator again, as a plain
    // OpenAI-compatible server) with its own key, used for a whole episode.
    let others = ok(
        &app,
        "add_other_connection",
        json!({"connection": {"name": "Second service", "base_url": sim.api_base(), "key": key2}}),
    );
    let other_id = others[0]["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(others[0]["has_key"], true, "{others}");
    ok(&app, "list_other_connections", json!({}));
    let tested = ok(
        &app,
        "test_other_connection",
        json!({ "connectionId": other_id }),
    );
    assert_eq!(tested["simulated"], false);
    ok(
        &app,
        "use_other_connection",
        json!({ "connectionId": other_id }),
    );
    ok(&app, "connection_status", json!({}));
    ok(
        &app,
        "set_other_connection_limit_off",
        json!({"connectionId": other_id, "limitOff": true}),
    );
    ok(&app, "model_catalog", json!({}));
    let _ = invoke(&app, "credit_status", json!({}));
    let mut brief3 = brief.clone();
    brief3["title"] = json!("Canary episode, second service");
    let ep3 = ok(&app, "create_episode", json!({ "brief": brief3 }));
    let id3 = ep3["id"].as_str().unwrap_or_default().to_string();
    ok(
        &app,
        "add_note_paths",
        json!({"episodeId": id3, "paths": [root().join("tests/fixtures/notes").display().to_string()]}),
    );
    ok(&app, "estimate_run", json!({ "episodeId": id3 }));
    let run3 = ok(
        &app,
        "run_episode",
        json!({"episodeId": id3, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:9"}),
    );
    assert_eq!(run3["stages"].as_array().map(Vec::len), Some(4), "{run3}");
    ok(&app, "cost_report", json!({ "episodeId": id3 }));
    ok(
        &app,
        "export_script",
        json!({"episodeId": id3, "artifactId": null, "format": "markdown", "includeShowNotes": true, "pageSize": "a4"}),
    );
    ok(
        &app,
        "usage_request_log",
        json!({"filter": {"episode_id": id3, "stage": null, "model": null, "status": null, "range": {"kind": "all"}}, "page": {"limit": 500, "before_id": null}}),
    );
    ok(&app, "use_connection", json!({"choice": "openrouter"}));

    // The key is refused: error messages are where keys usually slip out.
    let mut refused = sim.scenario();
    refused.keys.insert(
        key1.clone(),
        KeyConfig {
            invalid: true,
            ..KeyConfig::default()
        },
    );
    refused.keys.insert(
        key2.clone(),
        KeyConfig {
            invalid: true,
            ..KeyConfig::default()
        },
    );
    sim.set_scenario(refused);
    let err = invoke(&app, "test_connection", json!({}));
    assert!(err.is_err(), "a refused key is an error: {err:?}");
    // The service's model list is public (as OpenRouter's is): the test still answers.
    ok(
        &app,
        "test_other_connection",
        json!({ "connectionId": other_id }),
    );
    let mut brief2 = brief.clone();
    brief2["title"] = json!("Canary episode, refused");
    let ep2 = ok(&app, "create_episode", json!({ "brief": brief2 }));
    let id2 = ep2["id"].as_str().unwrap_or_default().to_string();
    ok(
        &app,
        "add_pasted_note",
        json!({"episodeId": id2, "name": "Call notes", "text": "The record's cover shows how to play it."}),
    );
    let refused_run = invoke(
        &app,
        "run_episode",
        json!({"episodeId": id2, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:8"}),
    );
    assert!(refused_run.is_err(), "{refused_run:?}");
    // The second connection's key refused, on a run.
    ok(
        &app,
        "use_other_connection",
        json!({ "connectionId": other_id }),
    );
    let refused_other = invoke(
        &app,
        "run_episode",
        json!({"episodeId": id2, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:10"}),
    );
    assert!(
        refused_other
            .as_ref()
            .is_err_and(|e| e["code"] == "key_rejected"),
        "{refused_other:?}"
    );
    ok(&app, "use_connection", json!({"choice": "openrouter"}));
    ok(&app, "delete_key", json!({}));

    // Both keys were in play: each served the calls of its own connection, and the second is
    // in the keychain under its connection's id.
    for k in [&key1, &key2] {
        assert!(
            sim.billing()
                .per_key
                .get(k.as_str())
                .is_some_and(|b| b.generations > 0),
            "the emulator never saw {k}"
        );
    }
    assert_eq!(
        Keychain::with_service(&service)
            .get(&other_id)
            .ok()
            .flatten()
            .map(|k| k.expose().clone()),
        Some(key2.clone())
    );

    let payloads = app
        .payloads
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    assert!(
        payloads.len() > 40,
        "the progress channel and the commands were captured: {}",
        payloads.len()
    );
    assert!(
        payloads
            .iter()
            .any(|p| p.contains("text_delta") || p.contains("TextDelta")),
        "streamed text went through the channel"
    );
    let leaked: Vec<&String> = payloads
        .iter()
        .filter(|p| {
            [key1.as_str(), key2.as_str(), middle(&key1), middle(&key2)]
                .iter()
                .any(|k| p.contains(k))
        })
        .collect();
    assert!(leaked.is_empty(), "IPC payloads with a key: {leaked:#?}");
    let found = hits(
        &[data.path(), exports.path()],
        &[&key1, &key2, middle(&key1), middle(&key2)],
    );
    assert!(found.is_empty(), "keys found: {found:#?}");
    assert!(
        data.path().join("settings.json").exists(),
        "the settings file was written and searched"
    );
    assert!(
        walk(exports.path()).len() >= 5,
        "the exports were written and searched"
    );

    // Removing the second connection takes its key out of the keychain too.
    assert_eq!(
        ok(
            &app,
            "remove_other_connection",
            json!({ "connectionId": other_id })
        ),
        json!([])
    );
    assert!(Keychain::with_service(&service)
        .get(&other_id)
        .is_ok_and(|k| k.is_none()));
    drop(app);
    rt.block_on(sim.stop());
}
