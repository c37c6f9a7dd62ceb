//! The Tauri commands through Tauri's mock runtime, with the real config (identifier,
//! capabilities), a real SQLite file, a real settings file and the real keychain (run inside
//! a D-Bus session with gnome-keyring, as `make test` does).

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

struct App {
    _app: tauri::App<tauri::test::MockRuntime>,
    window: WebviewWindow<tauri::test::MockRuntime>,
}

fn app(data_dir: &std::path::Path, service: &str) -> App {
    // The engine reads these when the app sets up; each test binary has one process, and the
    // tests in it run one at a time (see `serial`).
    std::env::set_var("CASTWRIGHT_DATA_DIR", data_dir);
    std::env::set_var("CASTWRIGHT_KEYCHAIN_SERVICE", service);
    let mut app = castwright_lib::app_builder(mock_builder())
        .build(tauri::generate_context!())
        .expect("app builds");
    // One turn of the event loop delivers `Ready`, which runs the app's setup hook. (The
    // deprecation warns against calling it in a loop, which this does not.)
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("window"),
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
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn key_lifecycle_never_returns_the_key() {
    let _guard = serial();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("castwright-cmdtest-{}", std::process::id());
    let canary = &openrouter_sim::test_key("commandtest-canary");
    let app = app(dir.path(), &service);

    assert_eq!(
        invoke(&app, "key_status", json!({})).unwrap(),
        json!({"has_key": false})
    );

    let set = invoke(&app, "set_key", json!({"key": canary})).unwrap();
    assert_eq!(set, json!({"has_key": true}));
    assert!(!set.to_string().contains(canary));
    assert_eq!(
        invoke(&app, "key_status", json!({})).unwrap(),
        json!({"has_key": true})
    );

    // The database notes when the key was set, and never the key itself.
    let db = rusqlite::Connection::open(dir.path().join("castwright.sqlite3")).unwrap();
    let set_at: Option<String> = db
        .query_row(
            "SELECT key_set_at FROM connections WHERE id = 'openrouter'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(set_at.is_some());
    drop(db);
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(canary),
            "the key leaked into {}",
            entry.display()
        );
    }

    assert_eq!(
        invoke(&app, "delete_key", json!({})).unwrap(),
        json!({"has_key": false})
    );
    assert_eq!(
        invoke(&app, "key_status", json!({})).unwrap(),
        json!({"has_key": false})
    );

    let err = invoke(&app, "set_key", json!({"key": "   "})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"].as_str().unwrap().contains("empty"));
}

#[test]
fn settings_are_saved_through_the_store_and_read_by_the_engine() {
    let _guard = serial();
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), "castwright-cmdtest-settings");

    let view = invoke(&app, "get_settings", json!({})).unwrap();
    assert_eq!(view["settings"]["default_budget_usd"], "3.00");
    assert_eq!(view["notice"], Value::Null);

    let mut settings = view["settings"].clone();
    settings["theme"] = json!("dark");
    settings["default_budget_usd"] = json!("5.50");
    settings["privacy_deny_data_collection"] = json!(true);
    invoke(&app, "save_settings", json!({"settings": settings})).unwrap();

    // The file is in the overridden data folder, and the engine (the headless mode's reader)
    // sees the same values.
    let loaded = castwright_engine::settings::load(dir.path()).unwrap();
    assert_eq!(
        loaded.settings.theme,
        castwright_engine::settings::Theme::Dark
    );
    assert_eq!(loaded.settings.default_budget_usd.to_string(), "5.50");
    assert!(loaded.settings.privacy_deny_data_collection);

    let mut bad = settings.clone();
    bad["default_budget_usd"] = json!("0");
    let err = invoke(&app, "save_settings", json!({"settings": bad})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let still = castwright_engine::settings::load(dir.path()).unwrap();
    assert_eq!(
        still.settings.default_budget_usd.to_string(),
        "5.50",
        "nothing overwritten"
    );
}

#[test]
fn a_settings_file_with_wrong_types_is_reported_once_read() {
    let _guard = serial();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.json"), r#"{"theme": [1,2]}"#).unwrap();
    let app = app(dir.path(), "castwright-cmdtest-badsettings");
    let view = invoke(&app, "get_settings", json!({})).unwrap();
    assert_eq!(view["settings"]["theme"], "system");
    assert!(view["notice"].as_str().unwrap().contains("theme"));
}

#[test]
fn a_damaged_database_is_reported_and_the_window_still_opens() {
    let _guard = serial();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("castwright.sqlite3");
    let garbage = vec![0x5Au8; 16384];
    std::fs::write(&db, &garbage).unwrap();
    let app = app(dir.path(), "castwright-cmdtest-baddb");
    let info = invoke(&app, "app_info", json!({})).unwrap();
    assert_eq!(info["startup_problem"]["code"], "database");
    assert!(info["startup_problem"]["message"]
        .as_str()
        .unwrap()
        .contains("damaged"));
    assert_eq!(info["data_dir"], dir.path().display().to_string());
    let err = invoke(
        &app,
        "set_key",
        json!({"key": openrouter_sim::test_key("x")}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "database");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        garbage,
        "the file must not change"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn an_episode_from_brief_to_script_through_the_commands_on_the_demo() {
    let _guard = serial();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(
        "CASTWRIGHT_DEMO_SCENARIO",
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fast-demo.json"),
    );
    let app = app(dir.path(), "castwright-cmdtest-episode");

    let status = invoke(&app, "use_connection", json!({"choice": "demo"})).unwrap();
    assert_eq!(status["simulated"], true);
    assert_eq!(
        status["label"],
        "Simulated — prices are examples; nothing is charged"
    );
    let test = invoke(&app, "test_connection", json!({})).unwrap();
    assert_eq!(test["simulated"], true);
    assert!(test["models"].as_u64().unwrap() >= 25);

    let mut brief = invoke(&app, "new_episode_brief", json!({})).unwrap();
    brief["title"] = json!("Voyager");
    brief["brief"] = json!("The golden record, for curious listeners");
    brief["minutes"] = json!(3);
    let ep = invoke(&app, "create_episode", json!({"brief": brief})).unwrap();
    let id = ep["id"].as_str().unwrap().to_string();
    assert_eq!(ep["connection_id"], "demo");

    // A drop with one good file, one duplicate and one unsupported file.
    let notes_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes");
    let r = invoke(
        &app,
        "add_note_paths",
        json!({"episodeId": id, "paths": [notes_dir.display().to_string()]}),
    )
    .unwrap();
    assert_eq!(r["added"].as_array().unwrap().len(), 3, "{r}");
    assert_eq!(r["skipped"].as_array().unwrap().len(), 1, "{r}");
    let again = invoke(
        &app,
        "add_note_paths",
        json!({"episodeId": id, "paths": [notes_dir.join("launch.txt").display().to_string()]}),
    )
    .unwrap();
    assert_eq!(again["added"].as_array().unwrap().len(), 0);
    assert_eq!(again["duplicates"].as_array().unwrap().len(), 1);
    let pasted = invoke(&app, "add_pasted_note", json!({"episodeId": id, "name": "Call notes", "text": "The record's cover shows how to play it, drawn in binary."})).unwrap();
    assert_eq!(pasted["notes"].as_array().unwrap().len(), 4);

    let est = invoke(&app, "estimate_run", json!({"episodeId": id})).unwrap();
    assert_eq!(est["stages"].as_array().unwrap().len(), 4);
    let upper: f64 = est["upper_usd"].as_str().unwrap().parse().unwrap();
    assert!(upper > 0.0 && upper < 3.0, "{est}");

    let run = invoke(
        &app,
        "run_episode",
        json!({"episodeId": id, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:7"}),
    )
    .unwrap();
    assert_eq!(run["stages"].as_array().unwrap().len(), 4, "{run}");
    assert!(run["qc_score"].is_u64());

    let view = invoke(
        &app,
        "script_view",
        json!({"episodeId": id, "artifactId": null}),
    )
    .unwrap();
    assert!(view["words"].as_u64().unwrap() > 100);
    // The verdict beside the script judged this version, and counted its words the same way.
    let verdict = &view["verdict"];
    assert_eq!(
        verdict["checked_version"], view["artifact"]["version"],
        "{view}"
    );
    assert_eq!(verdict["timing"]["actual_words"], view["words"], "{view}");
    // The local fact check of that script: every fact found in the notes it was written from
    // comes with a passage that the note's own text holds.
    let fc = invoke(
        &app,
        "fact_check",
        json!({"episodeId": id, "artifactId": null}),
    )
    .unwrap();
    let facts = fc["facts"].as_array().unwrap();
    let total = ["found", "disagree", "not_in_notes"]
        .iter()
        .map(|k| fc[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(total as usize, facts.len(), "{fc}");
    let source = facts
        .iter()
        .find(|f| f["status"] == "found")
        .map(|f| f["sources"][0].clone())
        .unwrap_or_else(|| panic!("nothing found in {fc}"));
    let note = invoke(
        &app,
        "note_text",
        json!({"episodeId": id, "name": source["note"]}),
    )
    .unwrap();
    let flat: String = note["text"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains(source["passage"].as_str().unwrap()),
        "{source} not in {flat}"
    );
    assert!(invoke(
        &app,
        "note_text",
        json!({"episodeId": id, "name": "no-such-note.txt"})
    )
    .is_err());
    let first = view["artifact"]["id"].as_u64().unwrap();
    let edited = invoke(
        &app,
        "save_edit",
        json!({"episodeId": id, "artifactId": first, "content": "## Intro\n\nAlex: Hello there."}),
    )
    .unwrap();
    assert!(edited["version"].as_u64().unwrap() > view["artifact"]["version"].as_u64().unwrap());
    let versions = invoke(
        &app,
        "list_versions",
        json!({"episodeId": id, "stage": "script"}),
    )
    .unwrap();
    assert!(versions.as_array().unwrap().len() >= 2);
    invoke(
        &app,
        "restore_version",
        json!({"episodeId": id, "artifactId": first}),
    )
    .unwrap();

    let report = invoke(&app, "cost_report", json!({"episodeId": id})).unwrap();
    assert!(!report["lines"].as_array().unwrap().is_empty());
    // The stage cards add up to the episode's total exactly.
    let usd = |v: &Value| rust_decimal::Decimal::from_str_exact(v.as_str().unwrap()).unwrap();
    let cards_sum: rust_decimal::Decimal = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| usd(&s["cost_usd"]))
        .sum();
    assert_eq!(cards_sum, usd(&report["total_usd"]), "{report}");

    let cards = invoke(
        &app,
        "list_episodes",
        json!({"search": "voy", "includeArchived": false}),
    )
    .unwrap();
    assert_eq!(cards.as_array().unwrap().len(), 1);
    assert_eq!(
        usd(&cards[0]["spent_usd"]),
        usd(&report["total_usd"]),
        "the budget bar and the header total"
    );
    assert!(
        cards[0]["spent_usd"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            > 0.0
    );
    let copy = invoke(&app, "duplicate_episode", json!({"episodeId": id})).unwrap();
    invoke(
        &app,
        "archive_episode",
        json!({"episodeId": copy["id"], "archived": true}),
    )
    .unwrap();
    let visible = invoke(
        &app,
        "list_episodes",
        json!({"search": null, "includeArchived": false}),
    )
    .unwrap();
    assert_eq!(visible.as_array().unwrap().len(), 1);
    invoke(&app, "delete_episode", json!({"episodeId": copy["id"]})).unwrap();
    let db = rusqlite::Connection::open(dir.path().join("castwright.sqlite3")).unwrap();
    let orphans: i64 = db
        .query_row(
            "SELECT (SELECT count(*) FROM notes WHERE episode_id NOT IN (SELECT id FROM episodes))
                  + (SELECT count(*) FROM artifacts WHERE episode_id NOT IN (SELECT id FROM episodes))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

#[test]
fn a_backup_restores_and_a_bad_file_is_refused_untouched() {
    let _guard = serial();
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::env::set_var("CASTWRIGHT_EXPORT_DIR", out.path());
    let app = app(dir.path(), "castwright-cmdtest-backup");
    let mut brief = invoke(&app, "new_episode_brief", json!({})).unwrap();
    brief["title"] = json!("Kept in the backup");
    invoke(&app, "create_episode", json!({"brief": brief.clone()})).unwrap();
    let backup = invoke(&app, "backup_database", json!({})).unwrap();
    let backup_path = backup.as_str().unwrap().to_string();
    assert!(std::path::Path::new(&backup_path).exists());
    // A change after the backup, undone by the restore.
    brief["title"] = json!("Made after the backup");
    invoke(&app, "create_episode", json!({"brief": brief})).unwrap();
    invoke(&app, "restore_database", json!({"path": backup_path})).unwrap();
    let titles: Vec<String> = invoke(
        &app,
        "list_episodes",
        json!({"search": null, "includeArchived": true}),
    )
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .map(|c| c["episode"]["brief"]["title"].as_str().unwrap().to_string())
    .collect();
    assert_eq!(titles, vec!["Kept in the backup"]);
    // The replaced database was kept beside it.
    let kept = std::fs::read_dir(dir.path()).unwrap().flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .starts_with("castwright-before-restore-")
    });
    assert!(kept);
    // Garbage is refused with a plain message, and the database is unchanged.
    let garbage = out.path().join("garbage.sqlite3");
    std::fs::write(&garbage, vec![1u8; 4096]).unwrap();
    let err = invoke(
        &app,
        "restore_database",
        json!({"path": garbage.display().to_string()}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("cannot be restored"));
    let after = invoke(
        &app,
        "list_episodes",
        json!({"search": null, "includeArchived": true}),
    )
    .unwrap();
    assert_eq!(after.as_array().unwrap().len(), 1);
    std::env::remove_var("CASTWRIGHT_EXPORT_DIR");
}

/// Another OpenAI-compatible service (the local emulator, over real HTTP) as a connection of
/// its own: added with its key, tested, used; an episode is refused while it has no prices and
/// the limit is on, runs once prices are entered, and runs with the limit knowingly off.
#[test]
fn another_service_is_added_tested_used_priced_and_its_limit_turned_off() {
    let _guard = serial();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // The other service's key, listed in the emulator's scenario.
    let key = openrouter_sim::test_key(&format!("local-key-{}", std::process::id()));
    let mut scenario = openrouter_sim::Scenario::instant();
    scenario.keys.insert(key.clone(), Default::default());
    let sim = rt
        .block_on(openrouter_sim::SimServer::start(
            openrouter_sim::SimConfig {
                seed: 5,
                scenario,
                ..openrouter_sim::SimConfig::default()
            },
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = app(
        dir.path(),
        &format!("castwright-cmdtest-other-{}", std::process::id()),
    );
    let db = || rusqlite::Connection::open(dir.path().join("castwright.sqlite3")).unwrap();
    let count = |sql: &str, id: &str| -> i64 { db().query_row(sql, [id], |r| r.get(0)).unwrap() };

    // Refusals, in plain words.
    let err = invoke(
        &app,
        "add_other_connection",
        json!({"connection": {"name": "Local", "base_url": "http://me:pw@127.0.0.1:1/v1", "key": null}}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("user name and password"));
    let err = invoke(
        &app,
        "use_other_connection",
        json!({"connectionId": "conn_nope"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert_eq!(
        err["message"],
        "That service was removed. Choose a connection in Settings."
    );

    let list = invoke(
        &app,
        "add_other_connection",
        json!({"connection": {"name": "Local server", "base_url": sim.api_base(), "key": key}}),
    )
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let c = &list[0];
    let id = c["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("conn_"));
    assert_eq!(c["has_key"], true);
    assert_eq!(c["limit_off"], false);
    assert_eq!(c["in_use"], false);
    assert_eq!(c["prices"], json!([]));
    assert!(!list.to_string().contains(&key));
    let dup = invoke(
        &app,
        "add_other_connection",
        json!({"connection": {"name": "Again", "base_url": format!("{}/", sim.api_base()), "key": null}}),
    )
    .unwrap_err();
    assert!(dup["message"]
        .as_str()
        .unwrap()
        .contains("Local server already uses"));

    let test = invoke(&app, "test_other_connection", json!({"connectionId": id})).unwrap();
    assert_eq!(test["label"], "Local server");
    assert_eq!(test["simulated"], false);
    assert_eq!(test["credit_balance"], Value::Null);
    assert!(test["models"].as_u64().unwrap() >= 25, "{test}");

    let status = invoke(&app, "use_other_connection", json!({"connectionId": id})).unwrap();
    assert_eq!(status["choice"], "other");
    assert_eq!(status["simulated"], false);
    assert_eq!(status["other"], json!({"id": id, "name": "Local server"}));
    let list = invoke(&app, "list_other_connections", json!({})).unwrap();
    assert_eq!(list[0]["in_use"], true);
    let err = invoke(&app, "remove_other_connection", json!({"connectionId": id})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("Switch to another connection first"));
    // The active connection's test is the same model-list test.
    let again = invoke(&app, "test_connection", json!({})).unwrap();
    assert_eq!(again["label"], "Local server");

    // Its models, listed by the test, with no prices yet.
    let catalog = invoke(&app, "model_catalog", json!({})).unwrap();
    let models = catalog.as_array().unwrap();
    assert!(models.len() >= 25);
    assert!(
        models.iter().all(|m| m["prompt_price"].is_null()),
        "{catalog}"
    );

    let mut brief = invoke(&app, "new_episode_brief", json!({})).unwrap();
    brief["title"] = json!("On the local server");
    brief["brief"] = json!("The golden record, for curious listeners");
    brief["minutes"] = json!(3);
    let ep = invoke(&app, "create_episode", json!({"brief": brief})).unwrap();
    let ep_id = ep["id"].as_str().unwrap().to_string();
    assert_eq!(ep["connection_id"], id.as_str());
    let mut plan_models: Vec<String> = Vec::new();
    for stage in ["research", "synthesis", "script", "quality_check"] {
        assert_eq!(ep["plan"][stage]["chain"]["variant"], "none", "{ep}");
        for m in ep["plan"][stage]["chain"]["models"].as_array().unwrap() {
            let m = m.as_str().unwrap().to_string();
            assert!(
                models.iter().any(|c| c["id"] == m.as_str()),
                "{m} is served"
            );
            if !plan_models.contains(&m) {
                plan_models.push(m);
            }
        }
    }
    invoke(&app, "add_pasted_note", json!({"episodeId": ep_id, "name": "Call notes", "text": "The record's cover shows how to play it, drawn in binary. Carl Sagan chaired the committee."})).unwrap();

    // No prices, limit on: refused before anything is sent.
    let est = invoke(&app, "estimate_run", json!({"episodeId": ep_id})).unwrap_err();
    assert_eq!(est["code"], "budget_refused");
    assert!(
        est["message"]
            .as_str()
            .unwrap()
            .contains("There are no prices for"),
        "{est}"
    );
    let run = invoke(
        &app,
        "run_episode",
        json!({"episodeId": ep_id, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:7"}),
    )
    .unwrap_err();
    assert_eq!(run["code"], "budget_refused");
    assert!(run["message"]
        .as_str()
        .unwrap()
        .contains("Enter its prices in Settings"));
    assert_eq!(sim.billing().generations, 0, "nothing was sent");
    assert_eq!(
        count(
            "SELECT count(*) FROM requests WHERE connection_id = ?1",
            &id
        ),
        0
    );

    // Prices entered for every model: it runs, and the calls are in the request log.
    let mut last = Value::Null;
    for m in &plan_models {
        last = invoke(
            &app,
            "set_other_connection_price",
            json!({"connectionId": id, "price": {"model_id": m, "prompt_per_million": "0.5", "completion_per_million": "$1.50"}}),
        )
        .unwrap();
    }
    assert_eq!(
        last[0]["prices"].as_array().unwrap().len(),
        plan_models.len()
    );
    assert_eq!(last[0]["prices"][0]["completion_per_million"], "1.5");
    let bad = invoke(
        &app,
        "set_other_connection_price",
        json!({"connectionId": id, "price": {"model_id": plan_models[0], "prompt_per_million": "-2", "completion_per_million": "1"}}),
    )
    .unwrap_err();
    assert_eq!(bad["code"], "invalid_input");
    let catalog = invoke(&app, "model_catalog", json!({})).unwrap();
    let priced = catalog
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == plan_models[0].as_str())
        .unwrap();
    assert_eq!(priced["prompt_price"], "0.0000005");
    assert_eq!(priced["completion_price"], "0.0000015");
    let est = invoke(&app, "estimate_run", json!({"episodeId": ep_id})).unwrap();
    assert!(
        est["upper_usd"].as_str().unwrap().parse::<f64>().unwrap() > 0.0,
        "{est}"
    );
    let run = invoke(
        &app,
        "run_episode",
        json!({"episodeId": ep_id, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:7"}),
    )
    .unwrap();
    assert_eq!(run["stages"].as_array().unwrap().len(), 4, "{run}");
    let served = count(
        "SELECT count(*) FROM requests WHERE connection_id = ?1 AND status = 'ok'",
        &id,
    );
    assert!(served >= 4, "{served}");
    assert!(sim
        .billing()
        .per_key
        .get(&key)
        .is_some_and(|b| b.generations > 0));

    // One price removed: refused again; the limit knowingly off: the stage runs anyway.
    let quality_model = ep["plan"]["quality_check"]["chain"]["models"][0]
        .as_str()
        .unwrap()
        .to_string();
    invoke(
        &app,
        "remove_other_connection_price",
        json!({"connectionId": id, "modelId": quality_model}),
    )
    .unwrap();
    let rerun = json!({"episodeId": ep_id, "rerun": "quality_check", "rerunChain": null, "onProgress": "__CHANNEL__:7"});
    let err = invoke(&app, "run_episode", rerun.clone()).unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains(&quality_model),
        "{err}"
    );
    let list = invoke(
        &app,
        "set_other_connection_limit_off",
        json!({"connectionId": id, "limitOff": true}),
    )
    .unwrap();
    assert_eq!(list[0]["limit_off"], true);
    let before = served;
    invoke(&app, "run_episode", rerun).unwrap();
    let after = count(
        "SELECT count(*) FROM requests WHERE connection_id = ?1 AND status = 'ok'",
        &id,
    );
    assert!(after > before, "{before} → {after}");

    // Another connection in use; this one removed, with its history kept. Settings that still
    // name it give a clear error on the next run rather than a crash.
    invoke(&app, "use_connection", json!({"choice": "demo"})).unwrap();
    let logged = "SELECT count(*) FROM requests WHERE connection_id = ?1";
    let logged_before = count(logged, &id);
    let spent_before = invoke(
        &app,
        "list_episodes",
        json!({"search": "local", "includeArchived": true}),
    )
    .unwrap()[0]["spent_usd"]
        .clone();
    let list = invoke(&app, "remove_other_connection", json!({"connectionId": id})).unwrap();
    assert_eq!(list, json!([]));
    assert_eq!(
        count("SELECT count(*) FROM connections WHERE id = ?1", &id),
        0
    );
    assert_eq!(count(logged, &id), logged_before);
    assert_eq!(
        invoke(
            &app,
            "list_episodes",
            json!({"search": "local", "includeArchived": true})
        )
        .unwrap()[0]["spent_usd"],
        spent_before
    );
    assert!(spent_before.as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    assert!(
        count(
            "SELECT count(*) FROM episodes WHERE connection_id = ?1",
            &id
        ) == 1
    );
    let mut settings = invoke(&app, "get_settings", json!({})).unwrap()["settings"].clone();
    settings["connection"] = json!("other");
    settings["other_connection_id"] = json!(id);
    invoke(&app, "save_settings", json!({"settings": settings})).unwrap();
    let status = invoke(&app, "connection_status", json!({})).unwrap();
    assert_eq!(status["choice"], "other");
    assert_eq!(status["other"], Value::Null);
    let err = invoke(
        &app,
        "run_episode",
        json!({"episodeId": ep_id, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:7"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert_eq!(
        err["message"],
        "That service was removed. Choose a connection in Settings."
    );
    drop(app);
    rt.block_on(sim.stop());
}
