//! "Connect with OpenRouter" leaves no secret behind. The window app's commands run through
//! Tauri's mock runtime with the real keychain (run under scripts/with-keyring.sh), against
//! the emulator; this test plays the browser, following the approval URL the app hands over
//! in an end-to-end run. Afterwards the data folder (database, write-ahead log, logs,
//! settings) and every IPC payload are searched for the PKCE verifier, the code and the key.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use castwright_engine::secrets::{Keychain, OPENROUTER_ACCOUNT};
use openrouter_sim::{Scenario, SimConfig, SimServer};
use serde_json::json;
use support::mock_app::{invoke, App};

static SERIAL: Mutex<()> = Mutex::new(());

/// The window app with its data and keys given, handing the approval URL to `url_file`
/// instead of a browser (as in an end-to-end run).
fn app(data_dir: &Path, service: &str, base: &str, url_file: &Path) -> App {
    std::env::set_var("CASTWRIGHT_DATA_DIR", data_dir);
    std::env::set_var("CASTWRIGHT_KEYCHAIN_SERVICE", service);
    std::env::set_var("CASTWRIGHT_OPENROUTER_BASE_URL", base);
    std::env::set_var("CASTWRIGHT_E2E", "1");
    std::env::set_var("CASTWRIGHT_E2E_AUTH_URL_FILE", url_file);
    support::mock_app::start()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The browser: waits for the URL the app would open, follows the approval page's redirect
/// to the app's callback, and returns the code it carried.
fn browser(url_file: PathBuf) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let started = Instant::now();
            let url = loop {
                if let Ok(url) = std::fs::read_to_string(&url_file) {
                    if !url.is_empty() {
                        break url;
                    }
                }
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "no URL handed over"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            };
            let no_redirects = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let resp = no_redirects.get(&url).send().await.unwrap();
            let location = resp.headers()["location"].to_str().unwrap().to_owned();
            let page = reqwest::get(&location).await.unwrap().text().await.unwrap();
            assert!(page.contains("go back to Castwright"), "{page}");
            reqwest::Url::parse(&location)
                .unwrap()
                .query_pairs()
                .find(|(k, _)| k == "code")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
    })
}

#[test]
fn connecting_leaves_no_verifier_code_or_key_behind() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(SimServer::start(SimConfig {
            seed: 5,
            scenario: Scenario::instant(),
            ..SimConfig::default()
        }))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let handoff = tempfile::tempdir().unwrap();
    let url_file = handoff.path().join("approval-url");
    let service = format!("castwright-connectleak-{}", std::process::id());
    let app = app(data.path(), &service, &sim.api_base(), &url_file);

    let browsing = browser(url_file.clone());
    let status = invoke(
        &app,
        "connect_openrouter",
        json!({"onProgress": "__CHANNEL__:3"}),
    )
    .unwrap_or_else(|e| panic!("connect: {e}"));
    assert_eq!(status, json!({"has_key": true}));
    let code = browsing.join().unwrap();
    assert!(!code.is_empty());
    let key = Keychain::with_service(&service)
        .get(OPENROUTER_ACCOUNT)
        .unwrap()
        .expect("the key is in the keychain");
    let verifiers = sim.oauth_verifiers_seen();
    assert_eq!(verifiers.len(), 1, "one exchange");

    // Connected: the credit shows at once, and the connection is OpenRouter.
    let test = invoke(&app, "test_connection", json!({})).unwrap();
    assert!(test["credit_balance"].is_string(), "{test}");
    let conn = invoke(&app, "connection_status", json!({})).unwrap();
    assert_eq!(conn["choice"], "openrouter");
    let _ = invoke(&app, "credit_status", json!({}));
    invoke(&app, "get_settings", json!({})).unwrap();

    let payloads = app.payloads.lock().unwrap().join("\n");
    assert!(payloads.contains("waiting_for_approval"), "{payloads}");
    let secrets = [key.expose().as_str(), code.as_str(), verifiers[0].as_str()];
    for s in secrets {
        assert!(
            !payloads.contains(s),
            "a secret reached the page:\n{payloads}"
        );
    }
    let files = walk(data.path());
    assert!(files.iter().any(|f| f.ends_with("castwright.sqlite3")));
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for s in secrets {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "{} holds a secret",
                file.display()
            );
        }
    }
    Keychain::with_service(&service)
        .delete(OPENROUTER_ACCOUNT)
        .unwrap();
    rt.block_on(sim.stop());
}

#[test]
fn a_refused_reconnect_keeps_the_old_key_and_says_so() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut scenario = Scenario::instant();
    scenario.oauth.refuse = true;
    let sim = rt
        .block_on(SimServer::start(SimConfig {
            seed: 5,
            scenario,
            ..SimConfig::default()
        }))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let handoff = tempfile::tempdir().unwrap();
    let url_file = handoff.path().join("approval-url");
    let service = format!("castwright-connectrefused-{}", std::process::id());
    let app = app(data.path(), &service, &sim.api_base(), &url_file);
    // A key is set already: Reconnect must not drop it unless a new one works.
    let old = sim.key();
    invoke(&app, "set_key", json!({ "key": old })).unwrap();
    let browsing = std::thread::spawn({
        let url_file = url_file.clone();
        move || {
            let started = Instant::now();
            while !url_file.exists() {
                assert!(started.elapsed() < Duration::from_secs(60));
                std::thread::sleep(Duration::from_millis(50));
            }
            let url = std::fs::read_to_string(&url_file).unwrap();
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(async { reqwest::get(&url).await.unwrap().text().await.unwrap() })
        }
    });
    let err = invoke(
        &app,
        "connect_openrouter",
        json!({"onProgress": "__CHANNEL__:4"}),
    )
    .expect_err("refused");
    assert_eq!(err["code"], "key_rejected", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nothing was saved"),
        "{err}"
    );
    assert!(browsing.join().unwrap().contains("not approve"));
    let kept = Keychain::with_service(&service)
        .get(OPENROUTER_ACCOUNT)
        .unwrap()
        .expect("the old key is still there");
    assert_eq!(kept.expose(), &old);
    Keychain::with_service(&service)
        .delete(OPENROUTER_ACCOUNT)
        .unwrap();
    rt.block_on(sim.stop());
}
