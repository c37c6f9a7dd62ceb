//! The `openrouter-sim` binary's contract: first stdout line, signals, exit codes.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_openrouter-sim");

/// Sends a signal to the child this test started, by its PID (the shell's own `kill`).
fn signal(pid: u32, name: &str) -> std::process::ExitStatus {
    Command::new("sh")
        .args(["-c", &format!("kill -{name} {pid}")])
        .status()
        .unwrap()
}

#[test]
fn prints_the_origin_first_serves_and_exits_0_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.json");
    std::fs::write(&scenario, r#"{"timing": {"latency_scale": 0}}"#).unwrap();
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--seed", "3", "--scenario"])
        .arg(&scenario)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let origin = first
        .strip_suffix('\n')
        .and_then(|l| l.strip_prefix("listening on "))
        .unwrap_or_else(|| panic!("bad first line: {first:?}"))
        .to_owned();
    assert!(origin.starts_with("http://127.0.0.1:"));
    let port: u16 = origin.rsplit(':').next().unwrap().parse().unwrap();
    assert!(port > 0);

    // It answers over HTTP.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{origin}/api/v1/models"))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);

    let kill = signal(child.id(), "TERM");
    assert!(kill.success());
    let code = child.wait().unwrap();
    assert_eq!(code.code(), Some(0));
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.is_empty(), "nothing else on stdout: {rest:?}");
}

#[test]
fn sigint_also_stops_cleanly() {
    let mut child = Command::new(BIN)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("listening on http://127.0.0.1:"));
    let kill = signal(child.id(), "INT");
    assert!(kill.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn bad_flags_exit_2_with_a_message() {
    for args in [
        vec!["--port", "nope"],
        vec!["--bogus"],
        vec!["--port"],
        vec!["--scenario", "/definitely/not/here.json"],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(!out.stderr.is_empty());
    }
}
