//! `castwright produce` as a test runs it: the real binary on the in-process demo with a
//! scripted scenario, no display and no D-Bus session, and its JSON line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_castwright")
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The command, with the data folder, the scenario and the arguments.
pub fn produce(data: &Path, scenario: &str, args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.arg("produce")
        .args(args)
        .env("CASTWRIGHT_DATA_DIR", data)
        .env("CASTWRIGHT_DEMO_SCENARIO", fixtures().join(scenario))
        .env_remove("CASTWRIGHT_OPENROUTER_KEY")
        .env_remove("DISPLAY")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .env(
            "CASTWRIGHT_KEYCHAIN_SERVICE",
            format!("castwright-headless-test-{}", std::process::id()),
        );
    c
}

pub fn last_json(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_else(|| {
        panic!(
            "no stdout; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    serde_json::from_str(line).unwrap_or_else(|e| panic!("last line is not JSON ({e}): {line}"))
}

pub fn notes() -> String {
    fixtures().join("notes").display().to_string()
}

pub const BRIEF: &str = "How the Voyager golden record was made, for curious listeners";
