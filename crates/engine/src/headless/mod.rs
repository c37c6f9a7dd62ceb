//! `castwright produce`: a whole episode from the command line, without a window, a display
//! or a D-Bus session, in the same data folder as the app. Its flags, its JSON line and its
//! exit codes are a contract that outside checks rely on.

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use clap::Parser;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::gateway::Client;
use crate::pipeline::{
    self, episode, notes_store, EpisodeBrief, Format, ProgressEvent, RunOptions, Runner,
};
use crate::routing::{ConnectionKind, ConnectionProfile, RetryPolicy, Router};
use crate::secrets::{Keychain, Sensitive, OPENROUTER_ACCOUNT};
use crate::store::Store;

/// Environment variable whose key wins over the keychain (then the keychain is not touched).
pub const KEY_ENV: &str = "CASTWRIGHT_OPENROUTER_KEY";

mod args;
mod report;
mod support;

pub use args::{ConnectionArg, FormatArg, PresetArg, ProduceArgs};
use report::{number, print_progress, progress, Report};
use support::{
    episode_spend, export, lease_refused, run_exit_code, service_endpoint, title_from,
    wait_for_interrupt,
};

pub mod exit {
    pub const DONE: i32 = 0;
    pub const INTERNAL: i32 = 1;
    pub const BAD_INPUT: i32 = 2;
    pub const BUDGET: i32 = 3;
    pub const KEY: i32 = 4;
    pub const ALL_FAILED: i32 = 5;
    pub const DATABASE: i32 = 6;
    pub const BUSY: i32 = 7;
    pub const INTERRUPTED: i32 = 130;
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
        model_changes: Vec::new(),
        error: None,
        fact_check: None,
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
    // An episode that runs elsewhere is refused before anything is sent.
    let mut lease = match crate::pipeline::run_lease::for_command(&store, args.episode.as_deref()) {
        Ok(l) => l,
        Err(e) => return lease_refused(report, e),
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
    let (client, profile) = match &args.connection {
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
        ConnectionArg::Service(name) => {
            let endpoint = {
                let guard = store.lock().unwrap_or_else(|e| e.into_inner());
                service_endpoint(guard.conn(), name)
            };
            let found = match endpoint {
                Ok(e) => e,
                Err((code, key, message)) => return fail(report, code, key, message),
            };
            let endpoint = found.endpoint.clone();
            let key = match crate::connections::by_name::key(&found, &Keychain::from_env()) {
                Ok(k) => k,
                Err(e) => {
                    return fail(
                        report,
                        exit::KEY,
                        "key_missing",
                        format!(
                            "{e} You can also set {} for this command.",
                            crate::connections::by_name::key_env(&endpoint.name)
                        ),
                    )
                }
            };
            progress(&format!("connection: {}", endpoint.name));
            (
                Client::new(&endpoint.base_url, key),
                ConnectionProfile {
                    id: endpoint.id.clone(),
                    kind: ConnectionKind::OpenAiCompatible,
                    deny_data_collection: settings.privacy_deny_data_collection,
                    limit_off: endpoint.limit_off,
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
        RetryPolicy {
            paid_backups_after_free_quota: settings.paid_backups_after_free_quota,
            ..RetryPolicy::default()
        },
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
            // A service's own price fields are not a price list it can be held to: as in the
            // app, only the prices the producer entered count.
            let _ = match profile.kind {
                ConnectionKind::OpenAiCompatible => {
                    crate::connections::other::store_models(guard.conn_mut(), &profile.id, &m)
                        .map(|_| ())
                }
                _ => crate::catalog::store_models(guard.conn_mut(), &profile.id, &m),
            };
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
        // Select-or-create as one step, so commands started together share one episode.
        let tx = match rusqlite::Transaction::new_unchecked(
            guard.conn(),
            rusqlite::TransactionBehavior::Immediate,
        ) {
            Ok(tx) => tx,
            Err(e) => {
                return fail(
                    report,
                    exit::DATABASE,
                    "database",
                    crate::store::plain_words(&e),
                )
            }
        };
        let existing = match &args.episode {
            Some(name) => match episode::find_by_title(&tx, name) {
                Ok(e) => e,
                Err(e) => return fail(report, exit::DATABASE, "database", e.to_string()),
            },
            None => None,
        };
        // The episode is changed only under its lease.
        let held = lease.as_ref().map(|l| l.episode_id().to_string());
        if let Some(e) = existing.as_ref().filter(|e| held.as_ref() != Some(&e.id)) {
            report.episode_id = Some(e.id.clone());
            match crate::pipeline::run_lease::take_in(&tx, &e.id) {
                Ok(l) => lease = Some(l),
                Err(err) => return lease_refused(report, err),
            }
        }
        let r = match existing {
            Some(e) => episode::update_brief(&tx, &e.id, &brief)
                .and_then(|e| episode::set_plan(&tx, &e.id, &plan)),
            None => episode::create(&tx, &brief, &profile.id, &plan),
        };
        let ep = match r {
            Ok(e) => e,
            Err(e) => return fail(report, exit::BAD_INPUT, "bad_input", e.to_string()),
        };
        if lease.is_none() {
            match crate::pipeline::run_lease::take_in(&tx, &ep.id) {
                Ok(l) => lease = Some(l),
                Err(err) => return lease_refused(report, err),
            }
        }
        if let Err(e) = tx.commit() {
            return fail(
                report,
                exit::DATABASE,
                "database",
                crate::store::plain_words(&e),
            );
        }
        ep
    };
    let Some(lease) = lease else {
        return fail(
            report,
            exit::INTERNAL,
            "internal",
            "The episode's run could not be started.",
        );
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
    // Models the connection no longer offers are named once, by the run's own check.
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
    let mut changes = Vec::new();
    let mut emit = |ev: ProgressEvent| {
        if let ProgressEvent::ModelsChanged {
            stage,
            model,
            message,
        } = &ev
        {
            changes.push(json!({"stage": stage.as_str(), "model": model, "message": message}));
        }
        print_progress(&ev)
    };
    let result = runner
        .run_leased(
            &lease,
            &RunOptions {
                stream: true,
                ..RunOptions::default()
            },
            &cancel,
            &mut emit,
        )
        .await;
    report.model_changes = changes;
    match result {
        Ok(r) => {
            report.total_units = r.total_units;
            report.stages = r
                .stages
                .iter()
                .map(|s| {
                    crate::headless_outcome::stage_json(
                        s,
                        number(s.cost_usd.parse().unwrap_or_default()),
                    )
                })
                .collect();
            if let Some(v) = &r.verdict {
                let qc_model = r
                    .stages
                    .iter()
                    .find(|s| s.stage == pipeline::Stage::QualityCheck)
                    .and_then(|s| s.model.as_deref());
                report.qc = crate::headless_outcome::qc_json(v, qc_model);
            }
            if let Some(script) = &r.script {
                let guard = store.lock().unwrap_or_else(|e| e.into_inner());
                let parsed = crate::script::Script::parse(&script.content);
                report.fact_check =
                    crate::factcheck::check_episode_script(guard.conn(), &ep.id, &parsed).ok();
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
                let checks = crate::export::ExportChecks {
                    unsupported_claims: r
                        .verdict
                        .as_ref()
                        .map(|v| v.unsupported_claims.clone())
                        .unwrap_or_default(),
                    facts: report.fact_check.clone().unwrap_or_default(),
                    before_recording: !args.no_checks,
                    source_notes: false,
                };
                match export(store.clone(), &ep, &script.content, &checks, path) {
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
            // The script was written and paid for; only its check failed: deliver it anyway,
            // reported as not checked.
            if crate::headless_outcome::failed_at_quality_check(&e) {
                report.qc = crate::headless_outcome::not_checked_json();
                let script = {
                    let guard = store.lock().unwrap_or_else(|e| e.into_inner());
                    pipeline::artifacts::current(guard.conn(), &ep.id, pipeline::Stage::Script)
                };
                if let Ok(Some(script)) = &script {
                    let guard = store.lock().unwrap_or_else(|e| e.into_inner());
                    let parsed = crate::script::Script::parse(&script.content);
                    report.fact_check =
                        crate::factcheck::check_episode_script(guard.conn(), &ep.id, &parsed).ok();
                }
                // No verdict to quote: the local fact check still goes into the section.
                let checks = crate::export::ExportChecks {
                    unsupported_claims: Vec::new(),
                    facts: report.fact_check.clone().unwrap_or_default(),
                    before_recording: !args.no_checks,
                    source_notes: false,
                };
                if let (Some(path), Ok(Some(script))) = (&args.export, script) {
                    match export(store.clone(), &ep, &script.content, &checks, path) {
                        Ok(p) => {
                            progress(&format!("exported {} (not checked)", p.display()));
                            report.export = Some(p.display().to_string());
                        }
                        Err(x) => progress(&format!("the script could not be exported: {x}")),
                    }
                }
            }
            fail(
                report,
                code,
                crate::pipeline::run::error::run_error_code(&e),
                e.to_string(),
            )
        }
    }
}
