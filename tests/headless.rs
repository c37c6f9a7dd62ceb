//! `castwright produce` from the outside: the real binary, its flags, its JSON line and exit
//! codes, against the in-process demo (the local OpenRouter) with scripted scenarios. No
//! display and no D-Bus session are needed.

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::headless::{last_json, notes, produce, BRIEF};

#[test]
fn a_demo_episode_exports_a_speaker_labelled_script_and_a_second_run_is_free() {
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let script = out_dir.path().join("script.md");
    let n = notes();
    let args = [
        "--connection",
        "demo",
        "--notes",
        &n,
        "--brief",
        BRIEF,
        "--episode",
        "Voyager",
        "--minutes",
        "5",
        "--export",
        script.to_str().unwrap(),
        "--json",
    ];
    let out = produce(data.path(), "fast-demo.json", &args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    let j = last_json(&out);
    assert_eq!(j["simulated"], true);
    assert!(j["error"].is_null());
    assert!(j["episode_id"].as_str().unwrap().starts_with("ep_"));
    assert!(j["total_cost_usd"].as_f64().unwrap() > 0.0, "{j}");
    let stages: Vec<&str> = j["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        vec!["research", "synthesis", "script", "quality_check"]
    );
    for s in j["stages"].as_array().unwrap() {
        assert_eq!(s["cached"], false);
        assert!(s["calls"].as_u64().unwrap() >= 1);
        assert!(s["model"].is_string());
    }
    assert!(j["qc"]["score"].is_u64());
    // The unsupported PNG is skipped, with a line naming it.
    let skipped = j["skipped_notes"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0]["path"].as_str().unwrap().ends_with("cover.png"));
    assert!(stderr.contains("cover.png"), "{stderr}");
    // The script: Markdown speaker lines.
    assert_eq!(j["export"].as_str().unwrap(), script.display().to_string());
    let md = std::fs::read_to_string(&script).unwrap();
    assert!(md.contains("**Alex:**") && md.contains("**Sam:**"), "{md}");

    // Same command again: nothing is paid.
    let out2 = produce(data.path(), "fast-demo.json", &args)
        .output()
        .unwrap();
    assert_eq!(
        out2.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out2.stderr)
    );
    let j2 = last_json(&out2);
    assert_eq!(j2["total_cost_usd"].as_f64().unwrap(), 0.0, "{j2}");
    assert!(j2["stages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["cached"] == true));
    assert_eq!(j2["episode_id"], j["episode_id"]);

    // The demo's key is the one the in-process emulator issued: it never reaches the output,
    // the database, the logs, the settings or the export.
    for o in [&out, &out2] {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!text.contains("sk-or-v1-"), "{text}");
    }
    assert_eq!(
        files_containing(&[data.path(), out_dir.path()], "sk-or-v1-"),
        Vec::<String>::new()
    );
}

/// Files under `dirs` (recursively) whose bytes contain `needle`.
fn files_containing(dirs: &[&Path], needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            todo.extend(std::fs::read_dir(&p).unwrap().flatten().map(|e| e.path()));
        } else if std::fs::read(&p)
            .unwrap_or_default()
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
        {
            found.push(p.display().to_string());
        }
    }
    found
}

#[test]
fn plain_text_export_uses_name_colon_lines() {
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let txt = out_dir.path().join("script.txt");
    let n = notes();
    let out = produce(
        data.path(),
        "fast-demo.json",
        &[
            "--connection",
            "demo",
            "--notes",
            &n,
            "--brief",
            BRIEF,
            "--host",
            "Priya",
            "--host",
            "Tom",
            "--minutes",
            "3",
            "--export",
            txt.to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&txt).unwrap();
    assert!(text.lines().any(|l| l.starts_with("Priya: ")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("Tom: ")), "{text}");
    assert!(!text.contains("**"), "plain text has no Markdown");
}

#[test]
fn killed_mid_stage_the_next_run_resumes_without_paying_twice() {
    let data = tempfile::tempdir().unwrap();
    let n = notes();
    let args = [
        "--connection",
        "demo",
        "--notes",
        &n,
        "--brief",
        BRIEF,
        "--episode",
        "Resume me",
        "--minutes",
        "3",
        "--json",
    ];
    let mut child = produce(data.path(), "slow-demo.json", &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the script stage is streaming (research and synthesis are done), then kill.
    let deadline = Instant::now() + Duration::from_secs(60);
    let db = data.path().join("castwright.sqlite3");
    loop {
        assert!(Instant::now() < deadline, "the script stage never started");
        if let Ok(conn) = rusqlite::Connection::open(&db) {
            let started: i64 = conn
                .query_row(
                    "SELECT count(*) FROM stage_runs WHERE stage = 'script'",
                    [],
                    |r| r.get(0),
                )
                .unwrap_or(0);
            if started > 0 {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let finished: Vec<String> = {
        let mut s = conn
            .prepare("SELECT stage FROM artifacts WHERE kind = 'output' ORDER BY id")
            .unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(finished, vec!["research", "synthesis"]);
    drop(conn);

    let out = produce(data.path(), "fast-demo.json", &args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = last_json(&out);
    let cached: Vec<bool> = j["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cached"].as_bool().unwrap())
        .collect();
    assert_eq!(cached, vec![true, true, false, false], "{j}");
    assert_eq!(j["stages"][0]["cost_usd"].as_f64().unwrap(), 0.0);
    assert_eq!(j["stages"][1]["cost_usd"].as_f64().unwrap(), 0.0);
}

#[test]
fn notes_too_long_for_every_model_are_refused_before_any_call() {
    let data = tempfile::tempdir().unwrap();
    let notes_dir = tempfile::tempdir().unwrap();
    // About 1.5 million words: beyond every model's context.
    let para =
        "The committee met again to argue about which sounds of Earth belonged on the record. ";
    std::fs::write(notes_dir.path().join("huge.txt"), para.repeat(110_000)).unwrap();
    let n = notes_dir.path().display().to_string();
    let out = produce(
        data.path(),
        "fast-demo.json",
        &[
            "--connection",
            "demo",
            "--notes",
            &n,
            "--brief",
            "x",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = last_json(&out);
    assert!(
        j["error"]["message"]
            .as_str()
            .unwrap()
            .contains("too long for every model"),
        "{j}"
    );
    assert_eq!(j["total_cost_usd"].as_f64().unwrap(), 0.0);
}
