//! The run of `castwright produce`, step by step: check the flags, open the data folder and
//! the database, hold the episode, connect, read the notes, write the brief and the plan,
//! store the notes, run with Ctrl-C cancelling cleanly, and hand over what came of it.

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::args::{PresetArg, ProduceArgs};
use super::exit_codes::Stop;
use super::progress::{print_progress, progress};
use super::report::Report;
use super::{connection, deliver, episode};
use crate::connections::connect::Connected;
use crate::pipeline::{self, ProgressEvent, RunOptions};
use crate::routing::ConnectionKind;
use crate::store::Store;

/// Runs the episode; returns the exit status, with the report filled in.
pub(super) async fn produce(args: &ProduceArgs, report: &mut Report) -> i32 {
    match run(args, report).await {
        Ok(code) => code,
        Err(stop) => stop.report(report),
    }
}

async fn run(args: &ProduceArgs, report: &mut Report) -> Result<i32, Stop> {
    let budget = Decimal::from_str(args.budget.trim()).map_err(|_| {
        Stop::bad_input(format!(
            "--budget must be an amount in dollars, like 3.00 (got {:?}).",
            args.budget
        ))
    })?;
    if let Some(p) = args.notes.iter().find(|p| !p.exists()) {
        return Err(Stop::bad_input(format!(
            "{} does not exist. Check the path given to --notes.",
            p.display()
        )));
    }
    let data_dir = crate::paths::data_dir().map_err(|e| Stop::new(e.code(), e.to_string()))?;
    let _logs = crate::paths::log_dir()
        .ok()
        .map(|d| crate::logging::init(&d, crate::logging::Console::Off));
    let store = Store::open_in(&data_dir)
        .map(|s| Arc::new(Mutex::new(s)))
        .map_err(|e| Stop::database(e.to_string()))?;
    // An episode that runs elsewhere is refused before anything is sent.
    let mut lease = crate::pipeline::run_lease::for_command(&store, args.episode.as_deref())?;
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
    // The demo's emulator (`_sim`) serves until the run is over.
    let Connected { runner, sim: _sim } = connection::open(args, &settings, &store, report).await?;
    let profile = runner.router().profile().clone();
    let notes = episode::read_notes(args, report)?;
    let brief = episode::brief(args, budget)?;
    let available = available_models(&runner, &store, &profile).await?;
    let plan = match args.preset {
        PresetArg::Original => pipeline::original_design(),
        PresetArg::Current => pipeline::current_models(&available),
    };
    let ep =
        episode::select_or_create(&store, args, &brief, &profile.id, &plan, &mut lease, report)?;
    let Some(lease) = lease else {
        return Err(Stop::internal("The episode's run could not be started."));
    };
    report.episode_id = Some(ep.id.clone());
    {
        let guard = store.lock().unwrap_or_else(|e| e.into_inner());
        crate::notes::episode_notes::store(guard.conn(), &ep.id, &notes)
            .map_err(|e| Stop::database(e.to_string()))?;
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
    let spent_before = deliver::episode_spend(&store, &ep.id);
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
        Ok(r) => deliver::finished(&store, &ep, args, &r, report),
        Err(e) => Err(deliver::failed(&store, &ep, args, &e, spent_before, report)),
    }
}

/// The models the connection offers now, stored as its catalog; a key it refuses stops the
/// run, any other trouble leaves the preset as it is.
async fn available_models(
    runner: &pipeline::Runner,
    store: &Arc<Mutex<Store>>,
    profile: &crate::routing::ConnectionProfile,
) -> Result<Vec<String>, Stop> {
    match runner.router().client().models().await {
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
            Ok(ids)
        }
        Err(e) if e.kind == crate::gateway::FailureKind::Unauthorized => {
            Err(Stop::new(e.code(), e.to_string()))
        }
        Err(e) => {
            progress(&format!(
                "note: the model list could not be read ({e}); using the preset as it is"
            ));
            Ok(Vec::new())
        }
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
