//! `castwright produce` against untidy real-model answers (the demo emulator told what to
//! answer): exit 0 with a clean, finished script when one can be had; exit 5 with the work
//! kept and a plain message when not; never 0 for an empty or cut-off script, never 2 for a
//! model's answer.

#[path = "../crates/engine/tests/model_answers/answers.rs"]
#[allow(dead_code)]
mod answers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use answers::*;
use serde_json::{json, Value};

fn notes() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/notes")
        .display()
        .to_string()
}

/// Runs `produce` on the demo connection with a scenario of these answers; returns the output
/// and the export path.
fn produce(data: &Path, answers: Value, export: &str) -> (Output, PathBuf) {
    produce_with(data, answers, export, &[])
}

fn produce_with(data: &Path, answers: Value, export: &str, extra: &[&str]) -> (Output, PathBuf) {
    let scenario = data.join("scenario.json");
    std::fs::write(
        &scenario,
        json!({
            "name": "real answers",
            "timing": {"latency_scale": 0.0, "processing_comments": 1, "keepalive_ms": 0,
                       "generation_visible_after_ms": 0, "words_per_chunk": 4},
            "answers": answers
        })
        .to_string(),
    )
    .unwrap();
    let out_path = data.join(export);
    let n = notes();
    let out = Command::new(env!("CARGO_BIN_EXE_castwright"))
        .args([
            "produce",
            "--connection",
            "demo",
            "--notes",
            &n,
            "--brief",
            "How the Voyager golden record was made",
            "--episode",
            "Voyager",
            "--minutes",
            "5",
            "--export",
            out_path.to_str().unwrap(),
            "--json",
        ])
        .args(extra)
        .env("CASTWRIGHT_DATA_DIR", data.join("data"))
        .env("CASTWRIGHT_DEMO_SCENARIO", &scenario)
        .env_remove("CASTWRIGHT_OPENROUTER_KEY")
        .env_remove("DISPLAY")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .env(
            "CASTWRIGHT_KEYCHAIN_SERVICE",
            format!("castwright-headless-answers-{}", std::process::id()),
        )
        .output()
        .unwrap();
    (out, out_path)
}

fn last_json(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_else(|| {
        panic!(
            "no stdout; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    serde_json::from_str(line).unwrap_or_else(|e| panic!("last line is not JSON ({e}): {line}"))
}

fn early() -> Vec<Value> {
    vec![
        json!({"task": "findings", "text": FINDINGS}),
        json!({"task": "outline", "text": OUTLINE}),
    ]
}

fn with(mut a: Vec<Value>, more: Value) -> Value {
    a.extend(more.as_array().unwrap().iter().cloned());
    Value::Array(a)
}

#[test]
fn a_cut_off_script_is_continued_and_the_run_exits_0_with_the_whole_script() {
    let dir = tempfile::tempdir().unwrap();
    let (out, md) = produce(
        dir.path(),
        with(
            early(),
            json!([
                {"task": "script", "text": SCRIPT_CUT, "finish_reason": "length", "times": 1},
                {"task": "script", "text": SCRIPT_REST, "times": 1},
                {"task": "verdict", "text": VERDICT_FENCED_STRING_SCORE}
            ]),
        ),
        "script.md",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(stderr.contains("asking it to continue"), "{stderr}");
    let j = last_json(&out);
    assert!(j["error"].is_null());
    let script = j["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == "script")
        .unwrap();
    assert!(script["note"]
        .as_str()
        .unwrap()
        .contains("it continued and finished"));
    // `qc` carries the verdict on the exported version, with what it found.
    assert_eq!(j["qc"]["checked"], true);
    assert_eq!(j["qc"]["score"], 86);
    assert_eq!(j["qc"]["passed"], true);
    assert!(j["qc"]["model"].is_string());
    assert_eq!(
        j["qc"]["unsupported_claims"][0]["claim"],
        "The committee chose 116 images"
    );
    assert!(j["qc"]["unsupported_claims"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("115, 116 and 118"));
    assert_eq!(j["qc"]["fixes"].as_array().unwrap().len(), 1);
    let text = std::fs::read_to_string(md).unwrap();
    assert!(text.contains("well over a hundred of them"), "{text}");
    assert!(text.contains("See you next time"), "{text}");
}

#[test]
fn a_script_no_model_finishes_exits_5_never_0_with_the_draft_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (out, md) = produce(
        dir.path(),
        with(
            early(),
            json!([{"task": "script", "text": SCRIPT_CUT, "finish_reason": "length"}]),
        ),
        "script.md",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "stderr:\n{stderr}");
    let j = last_json(&out);
    assert_eq!(j["error"]["code"], "all_models_failed");
    let msg = j["error"]["message"].as_str().unwrap();
    assert!(msg.starts_with("No model finished the Script"), "{msg}");
    assert!(msg.contains("kept as a draft"), "{msg}");
    assert!(!md.exists(), "a cut-off script is never exported as done");
}

#[test]
fn an_empty_script_from_every_model_exits_5() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = produce(
        dir.path(),
        with(early(), json!([{"task": "script", "text": ""}])),
        "script.md",
    );
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = last_json(&out);
    assert!(j["error"]["message"]
        .as_str()
        .unwrap()
        .contains("sent an empty answer"));
}

#[test]
fn unreadable_verdicts_exit_5_naming_the_quality_check_and_the_script_is_still_exported() {
    let dir = tempfile::tempdir().unwrap();
    let (out, md) = produce(
        dir.path(),
        with(
            early(),
            json!([
                {"task": "script", "text": SCRIPT_WHOLE_BOLD},
                {"task": "verdict", "text": VERDICT_PROSE_ONLY}
            ]),
        ),
        "script.md",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(5),
        "never 2 for a model's answer:\n{stderr}"
    );
    let j = last_json(&out);
    assert_eq!(j["error"]["code"], "all_models_failed");
    assert!(j["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Quality check"));
    assert_eq!(j["qc"]["checked"], false);
    assert!(j["total_cost_usd"].as_f64().unwrap() > 0.0);
    assert_eq!(j["export"].as_str().unwrap(), md.display().to_string());
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("Carl Sagan chaired it"), "{text}");
}

#[test]
fn models_the_connection_no_longer_offers_are_named_once_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = produce_with(
        dir.path(),
        with(
            early(),
            json!([
                {"task": "script", "text": SCRIPT_WHOLE_BOLD},
                {"task": "verdict", "text": VERDICT_FENCED_STRING_SCORE}
            ]),
        ),
        "script.md",
        &["--preset", "original"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    let j = last_json(&out);
    let changes = j["model_changes"].as_array().unwrap();
    assert!(!changes.is_empty(), "{j}");
    for c in changes {
        let m = c["message"].as_str().unwrap();
        assert!(m.contains(" is no longer offered: "), "{m}");
        assert!(
            !m.contains(":floor") && !m.contains(":nitro") && !m.contains('/'),
            "{m}"
        );
        // Told once on standard error too, in the same words.
        assert_eq!(stderr.matches(m).count(), 1, "{stderr}");
    }
}
