//! An episode from brief to script through the Tauri commands, on the demo connection, with
//! a real SQLite file and the real settings file (mock runtime, as in `commands.rs`).

mod support;

use serde_json::{json, Value};
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
