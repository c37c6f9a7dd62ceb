//! First run in the real window: see the first-run screen, enter a key, restart and find it
//! still set (real keychain, real database), then remove it.

mod support;

use support::*;

#[tokio::test]
#[ignore = "needs Xvfb, a D-Bus session and tauri-driver: run scripts/e2e.sh"]
async fn key_survives_a_restart_and_can_be_removed() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_string();
    let service = format!("castwright-e2e-{}", std::process::id());
    // The webview keeps its own storage (local storage, IndexedDB, caches) under the XDG
    // folders: private ones here, so the search below covers everything it wrote.
    let web = tempfile::tempdir().unwrap();
    let (web_data, web_cache, web_config) = (
        web.path().join("data"),
        web.path().join("cache"),
        web.path().join("config"),
    );
    let driver = Driver::start(&[
        ("CASTWRIGHT_DATA_DIR", &data_dir),
        ("CASTWRIGHT_KEYCHAIN_SERVICE", &service),
        ("XDG_DATA_HOME", web_data.to_str().unwrap()),
        ("XDG_CACHE_HOME", web_cache.to_str().unwrap()),
        ("XDG_CONFIG_HOME", web_config.to_str().unwrap()),
    ]);
    let canary = &openrouter_sim::test_key("e2e-canary");

    // First launch: no key, so the first-run screen.
    let client = driver.launch().await;
    wait_for(&client, "[data-testid=onboarding]").await;
    screenshot(&client, "01-first-run").await;
    let input = wait_for(&client, "[data-testid=key-input]").await;
    input.send_keys(canary).await.unwrap();
    wait_for(&client, "[data-testid=save-key]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "[data-testid=key-status]", "A key is set").await;
    screenshot(&client, "02-key-set").await;
    client.close().await.unwrap();

    // The database noted when the key was set — and nothing on disk holds the key.
    let db = rusqlite::Connection::open(data.path().join("castwright.sqlite3")).unwrap();
    let set_at: Option<String> = db
        .query_row(
            "SELECT key_set_at FROM connections WHERE id = 'openrouter'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(set_at.is_some(), "key_set_at recorded");
    drop(db);
    assert_no_file_contains(data.path(), canary);

    // Restart: the key is still there, so the app opens past the first-run screen.
    let client = driver.launch().await;
    wait_for(&client, "[data-testid=settings]").await;
    wait_for_text(&client, "[data-testid=key-status]", "A key is set").await;
    assert!(
        client.find(css("[data-testid=onboarding]")).await.is_err(),
        "first-run screen must not show when a key is set"
    );
    screenshot(&client, "03-settings-after-restart").await;

    // Remove it (with confirmation): back to the first-run screen.
    wait_for(&client, "[data-testid=remove-key]")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&client, "[data-testid=confirm-remove-key]")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&client, "[data-testid=onboarding]").await;
    client.close().await.unwrap();

    // And after another restart it is still gone.
    let client = driver.launch().await;
    wait_for(&client, "[data-testid=onboarding]").await;
    client.close().await.unwrap();
    let db = rusqlite::Connection::open(data.path().join("castwright.sqlite3")).unwrap();
    let set_at: Option<String> = db
        .query_row(
            "SELECT key_set_at FROM connections WHERE id = 'openrouter'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(set_at.is_none(), "key_set_at cleared");

    // The webview's own storage: it exists (so the search is not of an empty folder) and
    // holds no trace of the key either.
    drop(driver);
    let written = files_under(web.path());
    assert!(
        !written.is_empty(),
        "the webview wrote nothing under {}: is it using another folder?",
        web.path().display()
    );
    eprintln!("webview storage searched: {} files", written.len());
    assert_no_file_contains(web.path(), canary);
    assert_no_file_contains(data.path(), canary);
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn assert_no_file_contains(dir: &std::path::Path, needle: &str) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_no_file_contains(&path, needle);
        } else if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(needle),
                "the key leaked into {}",
                path.display()
            );
        }
    }
}
