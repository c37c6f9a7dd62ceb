//! The fault matrix's stops through the real `castwright produce` binary: plain words and
//! exit codes (the engine-level matrix is `fault_matrix.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reliability")
        .join(name)
}

fn produce(data: &Path, scenario: &Path) -> (Option<i32>, Value, String) {
    let notes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes/launch.txt");
    let out = Command::new(env!("CARGO_BIN_EXE_castwright"))
        .arg("produce")
        .args(["--connection", "demo", "--preset", "current", "--notes"])
        .arg(&notes)
        .args([
            "--brief",
            "How Voyager left home",
            "--minutes",
            "3",
            "--json",
        ])
        .env("CASTWRIGHT_DATA_DIR", data)
        .env("CASTWRIGHT_DEMO_SCENARIO", scenario)
        .env_remove("CASTWRIGHT_OPENROUTER_KEY")
        .env_remove("DISPLAY")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .output()
        .unwrap_or_else(|e| panic!("castwright produce: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let line = stdout.lines().last().unwrap_or_default().to_string();
    let json = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("last line is not JSON ({e}): {line}\nstderr:\n{stderr}"));
    (out.status.code(), json, stderr)
}

#[test]
fn headless_stops_with_the_right_words_and_exit_codes() {
    // (scenario, exit code, error code, words the producer reads)
    let cases = [
        ("key-rejected.json", 4, "key_rejected", "key"),
        ("credits-exhausted.json", 4, "credits_exhausted", "credit"),
        ("bad-request-every-model.json", 2, "invalid_input", ""),
        (
            "every-model-fails.json",
            5,
            "all_models_failed",
            "Every model",
        ),
    ];
    for (scenario, exit, code, words) in cases {
        let data = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let (status, j, stderr) = produce(data.path(), &fixture(scenario));
        assert_eq!(status, Some(exit), "{scenario}: {j}\n{stderr}");
        assert_eq!(j["error"]["code"], code, "{scenario}: {j}");
        let message = j["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.to_lowercase().contains(&words.to_lowercase()),
            "{scenario}: {message}"
        );
        // Sentences that say what to do (a provider's own text may be quoted inside).
        assert!(
            message.trim_end().ends_with('.') && !message.contains("panicked"),
            "plain words, not a raw body: {message}"
        );
        assert!(stderr.contains("error: "), "{scenario}: {stderr}");
    }
}
