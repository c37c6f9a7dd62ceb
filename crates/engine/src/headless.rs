//! `castwright produce`: a whole episode from the command line, without a window, a display
//! or a D-Bus session, in the same data folder as the app. Its flags, its JSON line and its
//! exit codes are a contract that outside checks rely on.

use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use clap::Parser;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::gateway::Client;
use crate::pipeline::{
    self, episode, notes_store, EpisodeBrief, Format, ProgressEvent, RunError, RunOptions, Runner,
};
use crate::routing::{CallError, ConnectionKind, ConnectionProfile, RetryPolicy, Router};
use crate::secrets::{Keychain, Sensitive, OPENROUTER_ACCOUNT};
use crate::store::Store;

/// Environment variable whose key wins over the keychain (then the keychain is not touched).
pub const KEY_ENV: &str = "CASTWRIGHT_OPENROUTER_KEY";

pub mod exit {
    pub const DONE: i32 = 0;
    pub const INTERNAL: i32 = 1;
    pub const BAD_INPUT: i32 = 2;
    pub const BUDGET: i32 = 3;
    pub const KEY: i32 = 4;
    pub const ALL_FAILED: i32 = 5;
    pub const DATABASE: i32 = 6;
    pub const INTERRUPTED: i32 = 130;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConnectionArg {
    Demo,
    Openrouter,
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
    #[arg(long, value_enum, default_value = "openrouter")]
    pub connection: ConnectionArg,
    /// An OpenAI-compatible API base.
    #[arg(long, default_value = "https://openrouter.ai/api/v1")]
    pub base_url: String,
    /// Write the script here (.md, .txt, .json, .docx, .pdf), replacing the file atomically.
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// Print one JSON object as the last line of standard output.
    #[arg(long)]
    pub json: bool,
}

/// The JSON line, built up as the run goes.
struct Report {
    episode_id: Option<String>,
    simulated: bool,
    total_units: i64,
    stages: Vec<Value>,
    qc: Value,
    export: Option<String>,
    skipped: Vec<Value>,
    error: Option<(String, String)>,
}

impl Report {
    fn to_json(&self) -> Value {
        json!({
            "episode_id": self.episode_id,
            "simulated": self.simulated,
            "total_cost_usd": number(crate::money::from_units(self.total_units)),
            "stages": self.stages,
            "qc": self.qc,
            "export": self.export,
            "skipped_notes": self.skipped,
            "error": self.error.as_ref().map(|(c, m)| json!({"code": c, "message": m})),
        })
    }
}

fn number(d: Decimal) -> Value {
    serde_json::Number::from_str(&d.normalize().to_string())
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn progress(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Entry point: `args` are the words after `castwright`. Returns the exit code.
pub fn main(args: Vec<String>) -> i32 {
    let wants_json = args.iter().any(|a| a == "--json");
    let mut report = Report {
        episode_id: None,
        simulated: false,
        total_units: 0,
        stages: Vec::new(),
        qc: Value::Null,
        export: None,
        skipped: Vec::new(),
        error: None,
    };
    let code = match ProduceArgs::try_parse_from(args) {
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return exit::DONE;
            }
            progress(&e.to_string());
            report.error = Some(("bad_input".into(), first_line(&e.to_string())));
            exit::BAD_INPUT
        }
        Ok(args) => match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(produce(&args, &mut report)),
            Err(e) => {
                report.error = Some((
                    "internal".into(),
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

fn fail(report: &mut Report, code: i32, key: &str, message: impl Into<String>) -> i32 {
    report.error = Some((key.into(), message.into()));
    code
}

async fn produce(args: &ProduceArgs, report: &mut Report) -> i32 {
    let Ok(budget) = Decimal::from_str(args.budget.trim()) else {
        return fail(
            report,
            exit::BAD_INPUT,
            "bad_input",
            format!(
                "--budget must be an amount in dollars, like 3.00 (got {:?}).",
                args.budget
            ),
        );
    };
    for p in &args.notes {
        if !p.exists() {
            return fail(
                report,
                exit::BAD_INPUT,
                "bad_input",
                format!(
                    "{} does not exist. Check the path given to --notes.",
                    p.display()
                ),
            );
        }
    }
    let data_dir = match crate::paths::data_dir() {
        Ok(d) => d,
        Err(e) => return fail(report, exit::INTERNAL, "internal", e.to_string()),
    };
    let _logs = crate::paths::log_dir()
        .ok()
        .map(|d| crate::logging::init(&d, crate::logging::Console::Off));
    let store = match Store::open_in(&data_dir) {
        Ok(s) => Arc::new(Mutex::new(s)),
        Err(e) => return fail(report, exit::DATABASE, "database", e.to_string()),
    };
    let settings = match crate::settings::load(&data_dir) {
        Ok(loaded) => {
            if let Some(notice) = &loaded.notice {
                progress(&format!("note: {notice}"));
            }
            loaded.settings
        }
        Err(e) => {
            progress(&format!("note: {e} The default settings are in use."));
            crate::settings::Settings::default()
        }
    };

    // The connection and its key.
    let mut _sim = None;
    let (client, profile) = match args.connection {
        ConnectionArg::Demo => {
            let sim = match crate::demo::start().await {
                Ok(s) => s,
                Err(e) => return fail(report, exit::INTERNAL, "internal", e.to_string()),
            };
            report.simulated = true;
            progress(&format!("connection: demo ({})", crate::demo::LABEL));
            let client = Client::new(&sim.api_base(), Some(crate::demo::key(&sim)));
            _sim = Some(sim);
            (
                client,
                ConnectionProfile {
                    id: crate::demo::CONNECTION_ID.into(),
                    kind: ConnectionKind::Demo,
                    deny_data_collection: settings.privacy_deny_data_collection,
                    limit_off: false,
                },
            )
        }
        ConnectionArg::Openrouter => {
            let key = match std::env::var(KEY_ENV) {
                Ok(k) if !k.trim().is_empty() => Sensitive::new(k.trim().to_string()),
                _ => match Keychain::from_env().get(OPENROUTER_ACCOUNT) {
                    Ok(Some(k)) => k,
                    Ok(None) => {
                        return fail(report, exit::KEY, "key_missing", format!(
                            "No OpenRouter key is set. Paste one in Castwright's first-run screen, or set {KEY_ENV} for this command. Or try --connection demo, which needs no key."
                        ))
                    }
                    Err(e) => {
                        return fail(report, exit::KEY, "key_missing", format!(
                            "{e} You can also set {KEY_ENV} for this command, or try --connection demo."
                        ))
                    }
                },
            };
            (
                Client::new(&args.base_url, Some(key)),
                ConnectionProfile {
                    id: crate::connections::OPENROUTER.into(),
                    kind: ConnectionKind::OpenRouter,
                    deny_data_collection: settings.privacy_deny_data_collection,
                    limit_off: false,
                },
            )
        }
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => return fail(report, exit::INTERNAL, "internal", e.to_string()),
    };
    let router = Router::new(
        client,
        profile.clone(),
        store.clone(),
        RetryPolicy::default(),
    );
    let runner = Runner::new(router, store.clone(), settings.monthly_limit_usd);

    // Notes.
    let known = std::collections::HashSet::new();
    let batch = crate::notes::ingest_paths(&args.notes, &crate::notes::Limits::default(), &known);
    for r in &batch.rejected {
        let path = r
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| r.source_name.clone());
        progress(&format!("skipped {path}: {}", r.reason));
        report
            .skipped
            .push(json!({"path": path, "reason": r.reason}));
    }
    if batch.added.is_empty() {
        return fail(report, exit::BAD_INPUT, "no_usable_notes", "None of the notes could be used: see the lines above for why. Give text, Markdown, web pages, PDF or Word files.");
    }

    // The episode: selected by title, or new.
    let brief = EpisodeBrief {
        title: args
            .episode
            .clone()
            .unwrap_or_else(|| title_from(&args.brief)),
        brief: args.brief.clone(),
        format: match args.format {
            FormatArg::Solo => Format::Solo,
            FormatArg::TwoHosts => Format::TwoHosts,
            FormatArg::Interview => Format::Interview,
        },
        hosts: if args.host.is_empty() {
            vec!["Alex".into(), "Sam".into()]
        } else {
            args.host.clone()
        },
        guests: args.guest.clone(),
        minutes: args.minutes,
        budget_usd: budget,
        ..EpisodeBrief::default()
    };
    if let Err(e) = brief.validate() {
        return fail(report, exit::BAD_INPUT, "bad_input", e.to_string());
    }
    let available = match runner.router().client().models().await {
        Ok(m) => {
            let ids: Vec<String> = m.data.iter().map(|x| x.id.clone()).collect();
            let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
            let _ = crate::catalog::store_models(guard.conn_mut(), &profile.id, &m);
            ids
        }
        Err(e) if e.kind == crate::gateway::FailureKind::Unauthorized => {
            return fail(report, exit::KEY, "key_rejected", e.to_string());
        }
        Err(e) => {
            progress(&format!(
                "note: the model list could not be read ({e}); using the preset as it is"
            ));
            Vec::new()
        }
    };
    let plan = match args.preset {
        PresetArg::Original => pipeline::original_design(),
        PresetArg::Current => pipeline::current_models(&available),
    };
    let ep = {
        let guard = store.lock().unwrap_or_else(|e| e.into_inner());
        let existing = match &args.episode {
            Some(name) => match episode::find_by_title(guard.conn(), name) {
                Ok(e) => e,
                Err(e) => return fail(report, exit::DATABASE, "database", e.to_string()),
            },
            None => None,
        };
        let r = match existing {
            Some(e) => episode::update_brief(guard.conn(), &e.id, &brief)
                .and_then(|e| episode::set_plan(guard.conn(), &e.id, &plan)),
            None => episode::create(guard.conn(), &brief, &profile.id, &plan),
        };
        match r {
            Ok(e) => e,
            Err(e) => return fail(report, exit::BAD_INPUT, "bad_input", e.to_string()),
        }
    };
    report.episode_id = Some(ep.id.clone());
    {
        let guard = store.lock().unwrap_or_else(|e| e.into_inner());
        for n in &batch.added {
            let input = notes_store::NoteInput {
                source_name: n.source_name.clone(),
                path: n.path.as_ref().map(|p| p.display().to_string()),
                hash: n.hash.clone(),
                text: n.text.clone(),
                word_count: n.word_count,
                preview: n.preview.clone(),
                warning: n.warning.clone(),
            };
            if let Err(e) = notes_store::add(guard.conn(), &ep.id, &input) {
                return fail(report, exit::DATABASE, "database", e.to_string());
            }
        }
    }
    let issues = pipeline::stage::validate(&plan, &available, &|m| runner.display(m));
    for i in &issues {
        progress(&format!("note: {}", i.message));
    }
    progress(&format!("episode {} — \"{}\"", ep.id, ep.brief.title));

    // Run, with Ctrl-C (or SIGTERM) cancelling cleanly.
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        wait_for_interrupt().await;
        c2.cancel();
    });
    // What this run spends, even when it fails part-way: the episode's request log after
    // the run minus before it.
    let spent_before = episode_spend(&store, &ep.id);
    let mut emit = |ev: ProgressEvent| print_progress(&ev);
    let result = runner
        .run(
            &ep.id,
            &RunOptions {
                stream: true,
                ..RunOptions::default()
            },
            &cancel,
            &mut emit,
        )
        .await;
    match result {
        Ok(r) => {
            report.total_units = r.total_units;
            report.stages = r
                .stages
                .iter()
                .map(|s| {
                    json!({
                        "stage": s.stage.as_str(),
                        "model": s.model,
                        "calls": s.calls,
                        "cost_usd": number(s.cost_usd.parse().unwrap_or_default()),
                        "cached": s.cached,
                    })
                })
                .collect();
            if let Some(v) = &r.verdict {
                report.qc = json!({"score": v.score, "passed": v.passed});
            }
            progress(&format!(
                "done: {} spent this run",
                crate::money::display_usd(crate::money::from_units(r.total_units))
            ));
            if let Some(path) = &args.export {
                let Some(script) = &r.script else {
                    return fail(
                        report,
                        exit::INTERNAL,
                        "internal",
                        "The run finished without a script to export.",
                    );
                };
                match export(store.clone(), &ep, &script.content, path) {
                    Ok(p) => {
                        progress(&format!("exported {}", p.display()));
                        report.export = Some(p.display().to_string());
                    }
                    Err(e) => return fail(report, exit::BAD_INPUT, "export_failed", e),
                }
            }
            exit::DONE
        }
        Err(e) => {
            report.total_units = match (spent_before, episode_spend(&store, &ep.id)) {
                (Some(before), Some(after)) => after - before,
                // The database could not be read: at least what the failed call spent.
                _ => match &e {
                    crate::pipeline::RunError::Call { error, .. } => error.spent_units(),
                    _ => 0,
                },
            };
            let code = run_exit_code(&e);
            fail(
                report,
                code,
                crate::pipeline::runner::run_error_code(&e),
                e.to_string(),
            )
        }
    }
}

/// The episode's total in the request log, in 1e-10 USD; none if the database cannot say.
fn episode_spend(store: &Arc<Mutex<Store>>, episode_id: &str) -> Option<i64> {
    let guard = store.lock().unwrap_or_else(|e| e.into_inner());
    crate::ledger::total_units(guard.conn(), Some(episode_id)).ok()
}

fn print_progress(ev: &ProgressEvent) {
    match ev {
        ProgressEvent::StageStarted {
            stage,
            reused: true,
            ..
        } => progress(&format!(
            "{}: reusing the finished output ($0.00)",
            stage.label()
        )),
        ProgressEvent::StageStarted { stage, models, .. } => progress(&format!(
            "{}: starting ({})",
            stage.label(),
            models.join(" → ")
        )),
        ProgressEvent::AttemptFailed { stage, message, .. } => {
            progress(&format!("{}: {message}", stage.label()))
        }
        ProgressEvent::StageFinished {
            stage,
            cost_usd,
            model,
            words,
            cached: false,
        } => progress(&format!(
            "{}: done — {} words, {} ({})",
            stage.label(),
            words,
            crate::money::display_usd(cost_usd.parse().unwrap_or_default()),
            model.as_deref().unwrap_or("no model")
        )),
        ProgressEvent::BudgetWarning {
            spent_usd,
            limit_usd,
        } => progress(&format!(
            "warning: this episode has spent {} of its {} limit",
            crate::money::display_usd(spent_usd.parse().unwrap_or_default()),
            crate::money::display_usd(limit_usd.parse().unwrap_or_default())
        )),
        _ => {}
    }
}

async fn wait_for_interrupt() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn run_exit_code(e: &RunError) -> i32 {
    use crate::gateway::FailureKind;
    match e {
        RunError::Pipeline(pipeline::PipelineError::Invalid(_)) => exit::BAD_INPUT,
        RunError::Pipeline(pipeline::PipelineError::NotFound(_)) => exit::BAD_INPUT,
        RunError::Pipeline(pipeline::PipelineError::Store(_)) => exit::DATABASE,
        RunError::OverEstimate { .. } => exit::BUDGET,
        RunError::Call { error, .. } => match error {
            CallError::Budget(crate::budget::BudgetError::Refused { .. }) => exit::BUDGET,
            CallError::Budget(_) | CallError::Store(_) | CallError::Records(_) => exit::DATABASE,
            CallError::Stopped { error, .. } => match error.kind {
                FailureKind::Unauthorized | FailureKind::PaymentRequired => exit::KEY,
                FailureKind::BadRequest => exit::BAD_INPUT,
                _ => exit::ALL_FAILED,
            },
            CallError::AllFailed { .. } | CallError::EmptyChain => exit::ALL_FAILED,
            CallError::Cancelled { .. } => exit::INTERRUPTED,
            CallError::NoPrices { .. } => exit::BUDGET,
        },
    }
}

/// A title from the brief's first words, for runs without `--episode`.
fn title_from(brief: &str) -> String {
    let words: Vec<&str> = brief.split_whitespace().take(8).collect();
    if words.is_empty() {
        return "Untitled episode".into();
    }
    // A brief without spaces would make one endless word: keep titles readable.
    let title = words.join(" ");
    match title.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", title[..cut].trim_end()),
        None => title,
    }
}

fn export(
    store: Arc<Mutex<Store>>,
    ep: &pipeline::Episode,
    script_text: &str,
    path: &std::path::Path,
) -> Result<PathBuf, String> {
    let format = crate::export::Format::from_path(path).ok_or_else(|| {
        format!(
            "{} has an extension Castwright cannot write: use .md, .txt, .json, .docx or .pdf.",
            path.display()
        )
    })?;
    let mut script = crate::script::Script::parse(script_text);
    script.title = ep.brief.title.clone();
    let sources: Vec<String> = {
        let guard = store.lock().unwrap_or_else(|e| e.into_inner());
        notes_store::list(guard.conn(), &ep.id)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|n| n.source_name)
            .collect()
    };
    let notes = crate::script::ShowNotes::derive(&script, &sources);
    let opts = crate::export::ExportOptions {
        format,
        include_show_notes: true,
        page_size: crate::export::PageSize::A4,
    };
    crate::export::export_to(path, &script, Some(&notes), &opts).map_err(|e| e.to_string())
}
