//! `castwright produce`: a whole episode from the command line, without a window, a display
//! or a D-Bus session, in the same data folder as the app. Its flags, its JSON line and its
//! exit codes are a contract that outside checks rely on.
//!
//! - `args`: the flags;
//! - `produce`: the run, step by step (`connection`, `episode` and `deliver` hold the steps
//!   around the pipeline: the service, the episode and its notes, and what a finished or
//!   failed run hands over);
//! - `progress`: the lines on standard error;
//! - `report`: the JSON line;
//! - `exit_codes`: how a failure becomes an exit status and an `error.code`, from the
//!   engine's one table (`crate::error_codes`).

mod args;
mod connection;
mod deliver;
mod episode;
mod exit_codes;
mod produce;
mod progress;
mod report;

pub use crate::error_codes::exit;
pub use args::{ConnectionArg, FormatArg, PresetArg, ProduceArgs};

use clap::Parser;

use crate::error_codes::CommandFailure;
use progress::progress;
use report::Report;

/// Environment variable whose key wins over the keychain (then the keychain is not touched).
pub const KEY_ENV: &str = "CASTWRIGHT_OPENROUTER_KEY";

/// Entry point: `args` are the words after `castwright`. Returns the exit code.
pub fn main(args: Vec<String>) -> i32 {
    let wants_json = args.iter().any(|a| a == "--json");
    let mut report = Report::default();
    let code = match ProduceArgs::try_parse_from(args) {
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return exit::DONE;
            }
            progress(&e.to_string());
            let bad = CommandFailure::BadInput;
            report.error = Some((bad.headless_code().into(), first_line(&e.to_string())));
            bad.exit_status()
        }
        Ok(args) => match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(produce::produce(&args, &mut report)),
            Err(e) => {
                report.error = Some((
                    crate::ErrorCode::Internal.as_str().into(),
                    format!("Castwright could not start its worker threads: {e}"),
                ));
                exit::INTERNAL
            }
        },
    };
    if let Some((_, message)) = &report.error {
        progress(&format!("error: {message}"));
    }
    if wants_json {
        println!("{}", report.to_json());
    }
    code
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or(s)
        .trim_start_matches("error: ")
        .to_string()
}
