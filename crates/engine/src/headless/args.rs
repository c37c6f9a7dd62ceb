//! The flags of `castwright produce`: a contract outside checks rely on.

use std::path::PathBuf;

use clap::Parser;

/// `--connection`: the demo, OpenRouter, or another service set up in the app, by its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionArg {
    Demo,
    Openrouter,
    Service(String),
}

fn connection_arg(s: &str) -> Result<ConnectionArg, String> {
    match s.trim() {
        "" => Err("give demo, openrouter, or the name of a service set up in Castwright".into()),
        v if v.eq_ignore_ascii_case("demo") => Ok(ConnectionArg::Demo),
        v if v.eq_ignore_ascii_case("openrouter") => Ok(ConnectionArg::Openrouter),
        v => Ok(ConnectionArg::Service(v.to_owned())),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PresetArg {
    Current,
    Original,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Solo,
    TwoHosts,
    Interview,
}

/// Runs the whole pipeline for one episode without opening a window.
#[derive(Debug, Parser)]
#[command(
    name = "castwright produce",
    about = "Turn research notes into a podcast script, without a window."
)]
pub struct ProduceArgs {
    /// Note files or folders (folders are walked).
    #[arg(long, num_args = 1.., required = true)]
    pub notes: Vec<PathBuf>,
    /// What the episode is about, and for whom.
    #[arg(long)]
    pub brief: String,
    /// Select or create the episode with this title (a second run resumes it).
    #[arg(long)]
    pub episode: Option<String>,
    #[arg(long, value_enum, default_value = "two-hosts")]
    pub format: FormatArg,
    /// A host's name (repeat for several).
    #[arg(long)]
    pub host: Vec<String>,
    /// A guest's name (repeat for several).
    #[arg(long)]
    pub guest: Vec<String>,
    /// Target length in minutes (150 words a minute).
    #[arg(long, default_value_t = 10)]
    pub minutes: u32,
    /// Spending limit for the episode, in USD.
    #[arg(long, default_value = "3.00")]
    pub budget: String,
    #[arg(long, value_enum, default_value = "current")]
    pub preset: PresetArg,
    /// `demo`, `openrouter`, or the name of another service set up in the app (its key from
    /// `CASTWRIGHT_KEY_<NAME>`, else the keychain).
    #[arg(long, default_value = "openrouter", value_parser = connection_arg)]
    pub connection: ConnectionArg,
    /// An OpenAI-compatible API base (for `openrouter`; a service has its own).
    #[arg(long, default_value = crate::connections::connect::OPENROUTER_API)]
    pub base_url: String,
    /// Write the script here (.md, .txt, .json, .docx, .pdf), replacing the file atomically.
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// Print one JSON object as the last line of standard output.
    #[arg(long)]
    pub json: bool,
    /// Leave the "Before recording, check" section out of the export.
    #[arg(long)]
    pub no_checks: bool,
}
