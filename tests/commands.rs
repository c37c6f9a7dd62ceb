//! The Tauri commands through Tauri's mock runtime, with the real config (identifier,
//! capabilities), a real SQLite file, a real settings file and the real keychain (run inside
//! a D-Bus session with gnome-keyring, as `make test` does).

mod support;

use serde_json::{json, Value};
use support::files::files_under as walk;
use support::mock_app::{invoke, serial, App};

/// The app with its data in `data_dir` and its keys under the keychain service `service`.
fn app(data_dir: &std::path::Path, service: &str) -> App {
    // The engine reads these when the app sets up; each test binary has one process, and the
    // tests in it run one at a time (see `serial`).
    std::env::set_var("CASTWRIGHT_DATA_DIR", data_dir);
    std::env::set_var("CASTWRIGHT_KEYCHAIN_SERVICE", service);
    support::mock_app::start()
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
