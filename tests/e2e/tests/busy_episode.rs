//! The window and a command on the same episode: while `castwright produce` runs it, pressing
//! Run in the window is refused with the plain message.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

const TITLE: &str = "The Busy Record";

fn fixture(path: &str) -> PathBuf {
    repo_root().join("tests/e2e/fixtures").join(path)
}

/// `started 14:02`: two digits, a colon, two digits.
fn has_clock_time(message: &str) -> bool {
    message
        .split("(started ")
        .nth(1)
        .and_then(|rest| rest.get(..5))
        .is_some_and(|t| {
            let b = t.as_bytes();
            b[2] == b':' && [0, 1, 3, 4].iter().all(|i| b[*i].is_ascii_digit())
        })
}

#[tokio::test]
#[ignore = "needs Xvfb, a D-Bus session and tauri-driver: run scripts/e2e.sh"]
async fn the_window_says_when_a_command_is_producing_the_episode() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_string();
    let scenario = fixture("fast-scenario.json");
    let service = format!("castwright-e2e-busy-{}", std::process::id());
    let driver = Driver::start(&[
        ("CASTWRIGHT_DATA_DIR", &data_dir),
        ("CASTWRIGHT_KEYCHAIN_SERVICE", &service),
        ("CASTWRIGHT_E2E", "1"),
        ("CASTWRIGHT_DEMO_SCENARIO", scenario.to_str().unwrap()),
    ]);
    let client = driver.launch().await;

    // The demo, a new episode, its notes.
    wait_for(&client, "[data-testid=onboarding]").await;
    click(&client, "[data-testid=try-demo]").await;
    wait_for(&client, "[data-testid=library-empty]").await;
    click(&client, "[data-testid=new-episode]").await;
    wait_for(&client, "[data-testid=new-episode-dialog]").await;
    wait_for(&client, "[data-testid=new-episode-title]")
        .await
        .send_keys(TITLE)
        .await
        .unwrap();
    set_value(&client, "#new-minutes", "3").await;
    click(&client, "[data-testid=create-episode]").await;
    wait_for(&client, "[data-testid=workspace]").await;
    let notes = fixture("notes/voyager-mission.md");
    client
        .execute(
            "window.__TAURI_INTERNALS__.invoke('e2e_drop_files', { paths: arguments[0] }); return true;",
            vec![serde_json::json!([notes.to_str().unwrap()])],
        )
        .await
        .unwrap();
    wait_for_content(&client, "[data-testid=notes-list]", "voyager-mission.md").await;

    // A command produces the same episode, slowly: every streamed answer pauses a minute.
    let slow = data.path().join("slow-scenario.json");
    std::fs::write(
        &slow,
        r#"{"name": "a command that takes its time",
            "timing": {"latency_scale": 0, "processing_comments": 1, "keepalive_ms": 0,
                       "generation_visible_after_ms": 0, "words_per_chunk": 6},
            "faults": [{"stream": true,
                        "fault": {"type": "stall_mid_stream", "after_chunks": 1, "ms": 60000}}]}"#,
    )
    .unwrap();
    let mut command = Command::new(app_binary())
        .args(["produce", "--connection", "demo", "--notes"])
        .arg(fixture("notes"))
        .args([
            "--brief",
            "How the Voyager golden record was made",
            "--episode",
            TITLE,
            "--minutes",
            "3",
        ])
        .env("CASTWRIGHT_DATA_DIR", &data_dir)
        .env("CASTWRIGHT_DEMO_SCENARIO", &slow)
        .env("CASTWRIGHT_KEYCHAIN_SERVICE", &service)
        .env_remove("DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let db = rusqlite::Connection::open(data.path().join("castwright.sqlite3")).unwrap();
    let until = Instant::now() + DOM_TIMEOUT;
    loop {
        let held: i64 = db
            .query_row(
                "SELECT COUNT(*) FROM run_leases WHERE holder = 'command'",
                [],
                |r| r.get(0),
            )
            .unwrap_or(0);
        if held == 1 {
            break;
        }
        assert!(
            command.try_wait().unwrap().is_none(),
            "the command ended early"
        );
        assert!(Instant::now() < until, "the command never started its run");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Run in the window: refused, in plain words, with the command's start time.
    click(&client, "[data-testid=run]").await;
    let message = wait_for_content(
        &client,
        "[data-testid=run-error]",
        "This episode is being produced in another window or by a command (started ",
    )
    .await;
    assert!(
        message.contains("Wait for it, or stop it there."),
        "{message}"
    );
    assert!(has_clock_time(&message), "{message}");
    // The command's run is going on, not cut short: opened again, the episode offers no
    // Resume (the estimate appears only after the run state has been read).
    click(&client, "[data-testid=nav-library]").await;
    click(&client, "[data-testid=open-episode]").await;
    wait_for(&client, "[data-testid=workspace]").await;
    wait_for_content(&client, "[data-testid=estimate]", "$").await;
    assert_eq!(
        content_of(&client, "[data-testid=resume-notice]").await,
        None,
        "the window offers to resume a run that is going on elsewhere"
    );
    screenshot(&client, "20-episode-busy").await;

    client.close().await.unwrap();
    let _ = Command::new("kill")
        .args(["-TERM", &command.id().to_string()])
        .status();
    let until = Instant::now() + Duration::from_secs(30);
    while command.try_wait().unwrap().is_none() {
        if Instant::now() > until {
            let _ = command.kill();
            let _ = command.wait();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
