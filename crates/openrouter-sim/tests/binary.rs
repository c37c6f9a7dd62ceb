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
    // Outside the process, the keys a client may send are the ones the scenario file lists.
    let key = openrouter_sim::test_key("binary");
    std::fs::write(
        &scenario,
        format!(r#"{{"timing": {{"latency_scale": 0}}, "keys": {{"{key}": {{"credits": "2"}}}}}}"#),
    )
    .unwrap();
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
    let (models, listed, unlisted) = rt.block_on(async {
        let http = reqwest::Client::new();
        let models = http
            .get(format!("{origin}/api/v1/models"))
            .send()
            .await
            .unwrap()
            .status();
        let credits = |k: String| {
            let req = http.get(format!("{origin}/api/v1/credits")).bearer_auth(k);
            async move {
                let res = req.send().await.unwrap();
                let status = res.status();
                (status, res.json::<serde_json::Value>().await.unwrap())
            }
        };
        (
            models,
            credits(key.clone()).await,
            credits(openrouter_sim::test_key("not-listed")).await,
        )
    });
    assert_eq!(models, 200);
    assert_eq!(listed.0, 200);
    assert_eq!(listed.1["data"]["total_credits"].as_f64(), Some(2.0));
    assert_eq!(unlisted.0, 401);

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
