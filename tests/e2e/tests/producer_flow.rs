//! A producer's first session in the real window, on the demo connection: first launch →
//! "Try it without an API key" → a new episode → notes dropped on the window → Run → all four
//! stages done with their costs → the script → a DOCX export found on disk.

mod support;

use std::path::{Path, PathBuf};

use support::*;

const DEMO_LABEL: &str = "Simulated — prices are examples; nothing is charged";
const STAGES: [&str; 4] = ["research", "synthesis", "script", "quality_check"];

fn fixture(path: &str) -> PathBuf {
    repo_root().join("tests/e2e/fixtures").join(path)
}

fn docx_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "docx"))
        .collect()
}

#[tokio::test]
#[ignore = "needs Xvfb, a D-Bus session and tauri-driver: run scripts/e2e.sh"]
async fn first_launch_to_an_exported_script_on_the_demo() {
    let data = tempfile::tempdir().unwrap();
    let exports = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_string();
    let export_dir = exports.path().to_str().unwrap().to_string();
    let scenario = fixture("fast-scenario.json");
    let service = format!("castwright-e2e-flow-{}", std::process::id());
    let driver = Driver::start(&[
        ("CASTWRIGHT_DATA_DIR", &data_dir),
        ("CASTWRIGHT_KEYCHAIN_SERVICE", &service),
        ("CASTWRIGHT_E2E", "1"),
        ("CASTWRIGHT_EXPORT_DIR", &export_dir),
        ("CASTWRIGHT_DEMO_SCENARIO", scenario.to_str().unwrap()),
    ]);
    let client = driver.launch().await;

    // First launch: no key, so the first-run screen, which offers the demo.
    wait_for(&client, "[data-testid=onboarding]").await;
    screenshot(&client, "10-first-run").await;
    click(&client, "[data-testid=try-demo]").await;

    // The library, empty, with the demo labelled.
    wait_for(&client, "[data-testid=library-empty]").await;
    wait_for_content(&client, "[data-testid=demo-label]", DEMO_LABEL).await;
    screenshot(&client, "11-library").await;

    // A new episode.
    click(&client, "[data-testid=new-episode]").await;
    wait_for(&client, "[data-testid=new-episode-dialog]").await;
    wait_for(&client, "[data-testid=new-episode-title]")
        .await
        .send_keys("The Golden Record")
        .await
        .unwrap();
    set_value(&client, "#new-minutes", "3").await;
    screenshot(&client, "12-new-episode").await;
    click(&client, "[data-testid=create-episode]").await;
    wait_for(&client, "[data-testid=workspace]").await;
    wait_for(&client, "[data-testid=notes-empty]").await;
    screenshot(&client, "13-workspace").await;

    // Notes dropped on the window: the app emits the runtime's own drop event and the page's
    // drop handler adds them to the open episode.
    let notes = [
        fixture("notes/voyager-mission.md"),
        fixture("notes/golden-record-committee.txt"),
    ];
    let paths: Vec<String> = notes
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    client
        .execute(
            "window.__TAURI_INTERNALS__.invoke('e2e_drop_files', { paths: arguments[0] }); return true;",
            vec![serde_json::json!(paths)],
        )
        .await
        .unwrap();
    wait_for_content(&client, "[data-testid=notes-list]", "voyager-mission.md").await;
    wait_for_content(
        &client,
        "[data-testid=notes-list]",
        "golden-record-committee.txt",
    )
    .await;
    wait_for_content(&client, "[data-testid=notes-result]", "Added 2 notes").await;
    // The estimate is in the budget bar before anything is spent.
    wait_for_content(&client, "[data-testid=estimate]", "at most $").await;
    screenshot(&client, "14-notes-added").await;

    // Run: every stage ends done, with what it cost.
    click(&client, "[data-testid=run]").await;
    for stage in STAGES {
        wait_for(
            &client,
            &format!("[data-testid=stage-{stage}][data-status=done]"),
        )
        .await;
    }
    for stage in STAGES {
        let sel = format!("[data-testid=stage-{stage}] [data-testid=stage-cost]");
        let cost = wait_for_content(&client, &sel, "$").await;
        let cost = cost.trim();
        assert!(
            cost.starts_with('$') || cost.starts_with("<$"),
            "{stage} shows its cost, got {cost:?}"
        );
    }
    wait_for_content(
        &client,
        "[data-testid=run-summary]",
        "This episode has cost $",
    )
    .await;
    wait_for_content(&client, "[data-testid=demo-label]", DEMO_LABEL).await;
    screenshot(&client, "15-run-done").await;

    // The script, with the Quality check beside it.
    click(&client, "[data-testid=open-script]").await;
    wait_for(&client, "[data-testid=script-editor]").await;
    wait_for_content(&client, "[data-testid=verdict]", "/100").await;
    wait_for_content(&client, "[data-testid=script-stats]", "words").await;
    screenshot(&client, "16-script").await;

    // Export a DOCX (CASTWRIGHT_EXPORT_DIR stands in for the native save dialog).
    click(&client, "[data-testid=open-export]").await;
    wait_for(&client, "[data-testid=export-dialog]").await;
    click(&client, "[data-testid=format-docx]").await;
    click(&client, "[data-testid=export-now]").await;
    let done = wait_for_content(&client, "[data-testid=export-done]", ".docx").await;
    screenshot(&client, "17-export-done").await;
    click(&client, "[data-testid=export-close]").await;

    // Where the money went: the usage dashboard, from the real request log.
    click(&client, "[data-testid=nav-usage]").await;
    wait_for(&client, "[data-testid=chart-day] canvas").await;
    wait_for_content(&client, "[data-testid=usage-total]", "$").await;
    wait_for_content(&client, "[data-testid=request-log]", "Tokens in / out").await;
    wait_for(&client, "[data-testid=log-row]").await;
    screenshot(&client, "18-usage").await;

    // Settings, with the demo connection said plainly.
    click(&client, "[data-testid=nav-settings]").await;
    wait_for_content(&client, "[data-testid=demo-status]", DEMO_LABEL).await;
    screenshot(&client, "19-settings").await;
    client.close().await.unwrap();

    let files = docx_files(exports.path());
    assert_eq!(files.len(), 1, "one DOCX in the export folder: {files:?}");
    let file = &files[0];
    assert!(
        done.contains(file.file_name().unwrap().to_str().unwrap()),
        "the dialog names the file it wrote: {done}"
    );
    let bytes = std::fs::read(file).unwrap();
    assert!(bytes.len() > 1000, "a real document, {} bytes", bytes.len());
    assert_eq!(&bytes[..2], b"PK", "a DOCX is a zip archive");
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("word/document.xml"),
        "the archive holds the document part"
    );

    // The run was recorded in the real database.
    let db = rusqlite::Connection::open(data.path().join("castwright.sqlite3")).unwrap();
    let stages_done: i64 = db
        .query_row(
            "SELECT COUNT(DISTINCT stage) FROM artifacts WHERE kind = 'output'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stages_done, 4, "an output saved for every stage");
}
