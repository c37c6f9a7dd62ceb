//! Other OpenAI-compatible connections: added, listed, priced, limit turned off, key replaced
//! and removed — against a real SQLite file and the real keychain (`make test` runs these in a
//! D-Bus session with gnome-keyring). Each test files its keys under its own service name.

use std::str::FromStr;

use castwright_engine::catalog;
use castwright_engine::connections::other::{self, OtherError};
use castwright_engine::connections::{ManualPrice, OtherConnectionInput};
use castwright_engine::gateway::catalog_types::ModelsResponse;
use castwright_engine::ledger::{self, AttemptRow};
use castwright_engine::pipeline::{episode, original_design, EpisodeBrief};
use castwright_engine::secrets::Keychain;
use castwright_engine::store::Store;
use castwright_engine::ErrorCode;
use rust_decimal::Decimal;

struct Fx {
    store: Store,
    keychain: Keychain,
    dir: tempfile::TempDir,
}

fn fx(test: &str) -> Fx {
    let dir = tempfile::tempdir().unwrap();
    Fx {
        store: Store::open_in(dir.path()).unwrap(),
        keychain: Keychain::with_service(format!(
            "castwright-test-other-{test}-{}",
            std::process::id()
        )),
        dir,
    }
}

fn input(name: &str, url: &str, key: Option<&str>) -> OtherConnectionInput {
    OtherConnectionInput {
        name: name.into(),
        base_url: url.into(),
        key: key.map(str::to_string),
    }
}

fn price(model: &str, prompt: &str, completion: &str) -> ManualPrice {
    ManualPrice {
        model_id: model.into(),
        prompt_per_million: prompt.into(),
        completion_per_million: completion.into(),
    }
}

fn invalid(err: OtherError) -> String {
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    err.to_string()
}

/// Every file in the data folder (the database and its write-ahead log) searched for `needle`.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            out.push(entry.path().display().to_string());
        }
    }
    out
}

#[test]
fn a_connection_is_added_with_its_key_in_the_keychain_only() {
    let f = fx("add");
    let key = "local-canary-5e1f0c2a9b";
    let added = other::add(
        &f.store,
        &f.keychain,
        &input(
            "  Local server ",
            "HTTP://127.0.0.1:8080/v1/",
            Some(&format!(" {key} ")),
        ),
    )
    .unwrap();
    assert!(added.id.starts_with("conn_"), "{}", added.id);
    assert_eq!(added.name, "Local server");
    assert_eq!(added.base_url, "http://127.0.0.1:8080/v1");
    assert!(added.has_key);
    assert!(!added.limit_off);
    assert!(added.prices.is_empty());
    assert!(!added.in_use);

    // The key is in the keychain under the connection's own account, trimmed.
    assert_eq!(f.keychain.get(&added.id).unwrap().unwrap().expose(), key);
    // The database notes when it was set, never the key.
    let set_at: Option<String> = f
        .store
        .conn()
        .query_row(
            "SELECT key_set_at FROM connections WHERE id = ?1",
            [&added.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(set_at.is_some());
    assert_eq!(files_containing(f.dir.path(), key), Vec::<String>::new());

    // A second one without a key; the list is oldest first and leaves OpenRouter out.
    let second = other::add(
        &f.store,
        &f.keychain,
        &input("Direct provider", "https://api.example.com/v1", Some("   ")),
    )
    .unwrap();
    assert!(!second.has_key, "a blank key is no key");
    let list = other::list(&f.store, &f.keychain).unwrap();
    assert_eq!(
        list.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["Local server", "Direct provider"]
    );
    assert_ne!(list[0].id, list[1].id);

    // What a call through it needs.
    let ep = other::endpoint(&f.store, &f.keychain, &added.id).unwrap();
    assert_eq!(ep.base_url, "http://127.0.0.1:8080/v1");
    assert_eq!(ep.key.unwrap().expose(), key);
    assert!(!format!("{:?}", input("x", "y", Some(key))).contains(key));

    f.keychain.delete(&added.id).unwrap();
}

#[test]
fn bad_inputs_are_refused_with_plain_words() {
    let f = fx("bad");
    let add = |name: &str, url: &str| other::add(&f.store, &f.keychain, &input(name, url, None));
    assert!(invalid(add("   ", "https://a.example/v1").unwrap_err()).contains("name"));
    assert!(invalid(add(&"n".repeat(81), "https://a.example/v1").unwrap_err()).contains("80"));
    assert!(invalid(add("A", "not an address").unwrap_err()).contains("https://"));
    assert!(invalid(add("A", "file:///etc/passwd").unwrap_err()).contains("https://"));
    assert!(
        invalid(add("A", "https://user:pw@a.example/v1").unwrap_err())
            .contains("user name and password")
    );
    // The address of an existing connection, even written differently.
    assert!(
        invalid(add("Again", "https://OpenRouter.ai/api/v1/").unwrap_err())
            .contains("OpenRouter already uses that address")
    );
    add("Local", "http://localhost:11434/v1").unwrap();
    assert!(
        invalid(add("Local 2", "http://LOCALHOST:11434/v1").unwrap_err())
            .contains("Local already uses")
    );
    assert_eq!(other::list(&f.store, &f.keychain).unwrap().len(), 1);

    let id = other::list(&f.store, &f.keychain).unwrap()[0].id.clone();
    let set = |p: ManualPrice| other::set_price(&f.store, &f.keychain, &id, &p);
    assert!(invalid(set(price("m", "-1", "1")).unwrap_err()).contains("prompt price"));
    assert!(invalid(set(price("m", "1", "10000.5")).unwrap_err()).contains("completion price"));
    assert!(invalid(set(price("m", "three", "1")).unwrap_err()).contains("dollars per million"));
    assert!(invalid(set(price("  ", "1", "1")).unwrap_err()).contains("model"));
    assert!(other::get(&f.store, &f.keychain, &id)
        .unwrap()
        .prices
        .is_empty());

    // Unknown ids say so, for every operation.
    let gone = other::set_limit_off(&f.store, &f.keychain, "conn_nope", true).unwrap_err();
    assert_eq!(gone.code(), ErrorCode::NotFound);
    assert_eq!(
        gone.to_string(),
        "That service was removed. Choose a connection in Settings."
    );
    assert!(matches!(
        other::set_key(&f.store, &f.keychain, "openrouter", Some("x")),
        Err(OtherError::NotFound)
    ));
}

#[test]
fn prices_are_entered_per_million_and_kept_per_token_exactly() {
    let mut f = fx("prices");
    let c = other::add(
        &f.store,
        &f.keychain,
        &input("Local", "http://127.0.0.1:9/v1", None),
    )
    .unwrap();
    let c2 = other::set_price(
        &f.store,
        &f.keychain,
        &c.id,
        &price("openai/gpt-6-luna", "$0.15", "0.60"),
    )
    .unwrap();
    assert_eq!(c2.prices, vec![price("openai/gpt-6-luna", "0.15", "0.6")]);
    let stored = catalog::manual_prices(f.store.conn(), &c.id, "openai/gpt-6-luna")
        .unwrap()
        .unwrap();
    assert_eq!(stored.prompt, Decimal::from_str("0.00000015").unwrap());
    assert_eq!(stored.completion, Decimal::from_str("0.0000006").unwrap());

    // Replacing, a second model, and removing one.
    other::set_price(
        &f.store,
        &f.keychain,
        &c.id,
        &price("openai/gpt-6-luna", "3", "15"),
    )
    .unwrap();
    let c3 = other::set_price(&f.store, &f.keychain, &c.id, &price(" llama3 ", "0", "0")).unwrap();
    assert_eq!(
        c3.prices,
        vec![
            price("llama3", "0", "0"),
            price("openai/gpt-6-luna", "3", "15"),
        ]
    );
    let c4 = other::remove_price(&f.store, &f.keychain, &c.id, "llama3").unwrap();
    assert_eq!(c4.prices, vec![price("openai/gpt-6-luna", "3", "15")]);

    // The model list a service sent is kept without its prices; the catalog view adds the
    // entered ones, including for models the service did not list.
    let listed: ModelsResponse = serde_json::from_value(serde_json::json!({"data": [
        {"id": "openai/gpt-6-luna", "name": "GPT-4o mini", "pricing": {"prompt": "0.5", "completion": "0.5"}},
        {"id": "qwen/qwen3", "object": "model", "owned_by": "local"}
    ]}))
    .unwrap();
    let n = other::store_models(f.store.conn_mut(), &c.id, &listed);
    assert_eq!(n.unwrap(), 2);
    other::set_price(
        &f.store,
        &f.keychain,
        &c.id,
        &price("extra/model", "1", "2"),
    )
    .unwrap();
    let models = other::priced_models(f.store.conn(), &c.id).unwrap();
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["extra/model", "openai/gpt-6-luna", "qwen/qwen3"]);
    assert_eq!(
        models[1].prompt_price,
        Some(Decimal::from_str("0.000003").unwrap())
    );
    assert_eq!(models[2].prompt_price, None, "no price invented");
    assert_eq!(
        catalog::dearest_prices(f.store.conn(), &c.id, "openai/gpt-6-luna").unwrap(),
        None,
        "the service's own price fields are not taken as a price list"
    );
}

#[test]
fn the_limit_is_turned_off_and_on_and_the_key_replaced_or_removed() {
    let f = fx("limitkey");
    let c = other::add(
        &f.store,
        &f.keychain,
        &input("Local", "http://127.0.0.1:9/v1", Some("first-key")),
    )
    .unwrap();
    assert!(
        other::set_limit_off(&f.store, &f.keychain, &c.id, true)
            .unwrap()
            .limit_off
    );
    assert!(
        other::endpoint(&f.store, &f.keychain, &c.id)
            .unwrap()
            .limit_off
    );
    assert!(
        !other::set_limit_off(&f.store, &f.keychain, &c.id, false)
            .unwrap()
            .limit_off
    );

    let replaced = other::set_key(&f.store, &f.keychain, &c.id, Some("second-key")).unwrap();
    assert!(replaced.has_key);
    assert_eq!(
        f.keychain.get(&c.id).unwrap().unwrap().expose(),
        "second-key"
    );
    let removed = other::set_key(&f.store, &f.keychain, &c.id, None).unwrap();
    assert!(!removed.has_key);
    assert!(f.keychain.get(&c.id).unwrap().is_none());
    let set_at: Option<String> = f
        .store
        .conn()
        .query_row(
            "SELECT key_set_at FROM connections WHERE id = ?1",
            [&c.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(set_at, None);
}

#[test]
fn removing_a_connection_keeps_the_request_log_episodes_and_spend() {
    let f = fx("remove");
    let c = other::add(
        &f.store,
        &f.keychain,
        &input("Local", "http://127.0.0.1:9/v1", Some("remove-key")),
    )
    .unwrap();
    other::set_price(&f.store, &f.keychain, &c.id, &price("m/one", "1", "2")).unwrap();
    let listed: ModelsResponse =
        serde_json::from_value(serde_json::json!({"data": [{"id": "m/one"}]})).unwrap();
    let mut store = f.store;
    other::store_models(store.conn_mut(), &c.id, &listed).unwrap();

    // History made through it: an episode and its spend in the request log.
    let ep = episode::create(
        store.conn(),
        &EpisodeBrief {
            title: "Made on the local server".into(),
            ..EpisodeBrief::default()
        },
        &c.id,
        &original_design(),
    )
    .unwrap();
    let mut row = AttemptRow::new("call_1", &c.id, "m/one");
    row.episode_id = Some(ep.id.clone());
    row.cost_units = 12_345;
    ledger::insert(store.conn(), &row).unwrap();

    // The connection in use cannot be removed.
    let err = other::remove(&mut store, &f.keychain, &c.id, Some(&c.id)).unwrap_err();
    assert_eq!(
        invalid(err),
        "Local is the connection in use. Switch to another connection first, then remove it."
    );
    assert!(f.keychain.has(&c.id).unwrap());

    other::remove(&mut store, &f.keychain, &c.id, Some("openrouter")).unwrap();
    assert!(other::list(&store, &f.keychain).unwrap().is_empty());
    assert!(f.keychain.get(&c.id).unwrap().is_none(), "its key is gone");
    let count = |sql: &str| -> i64 { store.conn().query_row(sql, [&c.id], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM connection_prices WHERE connection_id = ?1"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM catalog_models WHERE connection_id = ?1"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM catalog_fetches WHERE connection_id = ?1"),
        0
    );
    assert_eq!(count("SELECT count(*) FROM connections WHERE id = ?1"), 0);
    // History stays whole.
    assert_eq!(
        count("SELECT count(*) FROM requests WHERE connection_id = ?1"),
        1
    );
    assert_eq!(
        count("SELECT count(*) FROM episodes WHERE connection_id = ?1"),
        1
    );
    assert_eq!(
        ledger::total_units(store.conn(), Some(&ep.id)).unwrap(),
        12_345
    );
    assert_eq!(
        episode::get(store.conn(), &ep.id).unwrap().connection_id,
        c.id
    );

    // Removing it again says it is gone.
    assert!(matches!(
        other::remove(&mut store, &f.keychain, &c.id, None),
        Err(OtherError::NotFound)
    ));
}

#[test]
fn settings_name_the_other_connection_in_use_and_old_files_still_load() {
    use castwright_engine::settings::{self, ConnectionChoice, Settings};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");

    // A file from before other connections: no new field, no notice.
    std::fs::write(&path, r#"{"theme":"dark","connection":"demo"}"#).unwrap();
    let old = settings::load_from(&path).unwrap();
    assert_eq!(old.settings.connection, ConnectionChoice::Demo);
    assert_eq!(old.settings.other_connection_id, None);
    assert_eq!(old.notice, None);

    let chosen = Settings {
        connection: ConnectionChoice::Other,
        other_connection_id: Some("conn_0123456789abcdef".into()),
        ..Settings::default()
    };
    settings::save_to(&path, &chosen).unwrap();
    let raw: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(raw["connection"], "other");
    assert_eq!(settings::load_from(&path).unwrap().settings, chosen);

    // "Other" without saying which is refused when saved, and falls back when read.
    let unnamed = Settings {
        other_connection_id: None,
        ..chosen
    };
    assert!(unnamed
        .validate()
        .unwrap_err()
        .contains("Choose which of your services"));
    assert!(settings::save_to(&path, &unnamed).is_err());
    std::fs::write(&path, r#"{"connection":"other","theme":"dark"}"#).unwrap();
    let fell_back = settings::load_from(&path).unwrap();
    assert_eq!(fell_back.settings.connection, ConnectionChoice::Openrouter);
    assert!(fell_back.notice.unwrap().contains("connection"));
}
