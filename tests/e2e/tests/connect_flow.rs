//! "Connect with OpenRouter" in the real window, end to end: from a fresh data folder, the
//! real button, the real loopback callback and the real keychain, against the emulator
//! started here as OpenRouter. The app is started for an end-to-end test, so instead of
//! opening a browser it hands the approval URL over in a file; the test follows it as a
//! browser would. Then the credit shows, and an episode runs on the issued key.

mod support;

use std::time::{Duration, Instant};

use openrouter_sim::{Scenario, SimConfig, SimServer};
use support::*;

const STAGES: [&str; 4] = ["research", "synthesis", "script", "quality_check"];

/// Waits for the approval URL the app would have opened, then plays the browser.
async fn approve_in_browser(url_file: &std::path::Path) -> String {
    let started = Instant::now();
    let url = loop {
        if let Ok(url) = std::fs::read_to_string(url_file) {
            if !url.is_empty() {
                break url;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the app never asked for the approval page"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Follows the approval page's redirect to the app's own callback.
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(page.contains("go back to Castwright"), "{page}");
    page
}

#[tokio::test]
#[ignore = "needs Xvfb, a D-Bus session and tauri-driver: run scripts/e2e.sh"]
async fn connect_with_openrouter_then_run_an_episode() {
    let mut scenario = Scenario::instant();
    scenario.oauth.credits = Some("25".parse().unwrap());
    scenario.oauth.limit = Some("10".parse().unwrap());
    let sim = SimServer::start(SimConfig {
        seed: 15,
        scenario,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let handoff = tempfile::tempdir().unwrap();
    let url_file = handoff.path().join("approval-url");
    let data_dir = data.path().to_str().unwrap().to_string();
    let service = format!("castwright-e2e-connect-{}", std::process::id());
    let base = sim.api_base();
    let driver = Driver::start(&[
        ("CASTWRIGHT_DATA_DIR", &data_dir),
        ("CASTWRIGHT_KEYCHAIN_SERVICE", &service),
        ("CASTWRIGHT_E2E", "1"),
        ("CASTWRIGHT_E2E_AUTH_URL_FILE", url_file.to_str().unwrap()),
        ("CASTWRIGHT_OPENROUTER_BASE_URL", &base),
    ]);
    let client = driver.launch().await;

    // First run: "Connect with OpenRouter" is the main action.
    wait_for(&client, "[data-testid=onboarding]").await;
    wait_for_content(
        &client,
        "[data-testid=connect-button]",
        "Connect with OpenRouter",
    )
    .await;
    screenshot(&client, "20-connect-first-run").await;
    click(&client, "[data-testid=connect-button]").await;
    wait_for_content(
        &client,
        "[data-testid=connect-waiting]",
        "Waiting for you to approve in your browser",
    )
    .await;
    screenshot(&client, "21-connect-waiting").await;

    approve_in_browser(&url_file).await;

    // Connected: the issued key's credit and limit show at once.
    wait_for_content(&client, "[data-testid=connect-credit]", "$25.00").await;
    wait_for_content(&client, "[data-testid=connect-limit]", "$10.00").await;
    wait_for(&client, "[data-testid=add-credit]").await;
    screenshot(&client, "22-connected").await;
    click(&client, "[data-testid=connect-continue]").await;

    // An episode on the issued key.
    wait_for(&client, "[data-testid=library-empty]").await;
    click(&client, "[data-testid=new-episode]").await;
    wait_for(&client, "[data-testid=new-episode-title]")
        .await
        .send_keys("Connected episode")
        .await
        .unwrap();
    set_value(&client, "#new-minutes", "3").await;
    click(&client, "[data-testid=create-episode]").await;
    wait_for(&client, "[data-testid=notes-empty]").await;
    let notes = repo_root().join("tests/e2e/fixtures/notes/voyager-mission.md");
    client
        .execute(
            "window.__TAURI_INTERNALS__.invoke('e2e_drop_files', { paths: arguments[0] }); return true;",
            vec![serde_json::json!([notes.to_str().unwrap()])],
        )
        .await
        .unwrap();
    wait_for_content(&client, "[data-testid=notes-list]", "voyager-mission.md").await;
    click(&client, "[data-testid=run]").await;
    for stage in STAGES {
        wait_for(
            &client,
            &format!("[data-testid=stage-{stage}][data-status=done]"),
        )
        .await;
    }
    screenshot(&client, "23-run-on-connected-key").await;

    // Settings offer "Reconnect" beside the key that is set.
    click(&client, "[data-testid=nav-settings]").await;
    wait_for_content(&client, "[data-testid=key-status]", "A key is set").await;
    wait_for_content(&client, "[data-testid=connect-button]", "Reconnect").await;
    screenshot(&client, "24-settings-reconnect").await;
    client.close().await.unwrap();

    // The run was billed to the key the emulator issued, not to any other.
    let billing = sim.billing();
    let issued: Vec<_> = billing
        .per_key
        .iter()
        .filter(|(k, b)| b.generations > 0 && k.as_str() != sim.key().as_str())
        .collect();
    assert_eq!(issued.len(), 1, "one issued key did the work");
    let key = issued[0].0.clone();
    // The key is in no file the app wrote, nor is the verifier the emulator received.
    let verifiers = sim.oauth_verifiers_seen();
    assert_eq!(verifiers.len(), 1);
    for needle in [key.as_str(), verifiers[0].as_str()] {
        for file in walk(data.path()) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{} holds a secret",
                file.display()
            );
        }
    }
    drop(driver);
    sim.stop().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
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
