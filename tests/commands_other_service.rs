//! Another service (an OpenAI-compatible server) through the Tauri commands: added, tested,
//! used, priced and its spending limit turned off (mock runtime, as in `commands.rs`).

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
