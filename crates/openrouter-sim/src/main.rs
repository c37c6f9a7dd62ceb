//! `openrouter-sim --port 0 [--seed N] [--scenario FILE]`
//!
//! Prints `listening on http://127.0.0.1:PORT` as the first line of standard output (logs go
//! to standard error), serves until SIGINT or SIGTERM, then exits 0. Bad flags exit 2.

// No panicking shortcuts outside tests: a failure is an error the producer can read.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use openrouter_sim::{Scenario, SimConfig, SimServer};

const USAGE: &str =
    "usage: openrouter-sim [--port N] [--seed N] [--scenario FILE | --preset default|instant|demo]";

struct Args {
    port: u16,
    seed: u64,
    scenario: Option<PathBuf>,
    preset: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args {
        port: 0,
        seed: 0,
        scenario: None,
        preset: None,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--port" => {
                let v = value("--port")?;
                out.port = v
                    .parse()
                    .map_err(|_| format!("--port: not a port number: {v}"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                out.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a whole number: {v}"))?;
            }
            "--scenario" => out.scenario = Some(PathBuf::from(value("--scenario")?)),
            "--preset" => out.preset = Some(value("--preset")?),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    if out.scenario.is_some() && out.preset.is_some() {
        return Err("give --scenario or --preset, not both".into());
    }
    Ok(out)
}

fn scenario_for(args: &Args) -> Result<Scenario, String> {
    if let Some(path) = &args.scenario {
        return Scenario::from_file(path).map_err(|e| e.to_string());
    }
    match args.preset.as_deref() {
        None | Some("default") => Ok(Scenario::default()),
        Some("instant") => Ok(Scenario::instant()),
        Some("demo") => Ok(Scenario::demo()),
        Some(other) => Err(format!("unknown preset: {other}")),
    }
}

/// Waits for SIGINT or SIGTERM. Built before the first line is printed, so a signal sent the
/// moment the line appears is already caught.
struct Signals {
    #[cfg(unix)]
    unix: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn install() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let unix = match (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) {
                (Ok(int), Ok(term)) => Some((int, term)),
                _ => None,
            };
            Signals { unix }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        if let Some((mut int, mut term)) = self.unix {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn main() -> ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        eprintln!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("openrouter-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let scenario = match scenario_for(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("openrouter-sim: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("openrouter-sim: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async {
        let signals = Signals::install();
        let config = SimConfig {
            seed: args.seed,
            scenario,
            ..SimConfig::default()
        };
        let server = match SimServer::start_on(config, args.port).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("openrouter-sim: {e}");
                return ExitCode::from(1);
            }
        };
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, "listening on {}", server.origin())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            eprintln!("openrouter-sim: cannot write to standard output");
        }
        drop(stdout);
        signals.wait().await;
        tracing::info!("signal received, stopping");
        server.stop().await;
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &[&str]) -> Result<Args, String> {
        parse_args(v.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_parse() {
        let a = parse(&["--port", "0", "--seed=42", "--scenario", "s.json"]).unwrap();
        assert_eq!(a.port, 0);
        assert_eq!(a.seed, 42);
        assert_eq!(a.scenario, Some(PathBuf::from("s.json")));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--preset", "demo", "--scenario", "f"]).is_err());
    }
}
