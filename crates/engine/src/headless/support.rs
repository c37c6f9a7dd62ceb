//! The pieces of a headless run around the pipeline: the service named on the command line,
//! the export, the exit code of a failure, Ctrl-C, and a title from the brief.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::report::Report;
use super::{exit, fail};
use crate::pipeline::{self, notes_store, RunError};
use crate::routing::CallError;
use crate::store::Store;

/// The service named on the command line, or why it cannot be used (exit code, error code,
/// message).
pub(super) fn service_endpoint(
    conn: &rusqlite::Connection,
    name: &str,
) -> Result<crate::connections::by_name::Found, (i32, &'static str, String)> {
    use crate::connections::by_name;
    let db = |e: rusqlite::Error| (exit::DATABASE, "database", crate::store::plain_words(&e));
    if let Some(e) = by_name::find(conn, name).map_err(db)? {
        return Ok(e);
    }
    let known = by_name::names(conn).map_err(db)?;
    let hint = if known.is_empty() {
        "No other services are set up: add one in Castwright's Settings, or use --connection openrouter or demo.".to_owned()
    } else {
        format!(
            "The services set up in Castwright are: {}. Or use --connection openrouter or demo.",
            known.join(", ")
        )
    };
    Err((
        exit::BAD_INPUT,
        "bad_input",
        format!("There is no connection called \"{name}\". {hint}"),
    ))
}

/// The episode's total in the request log, in 1e-10 USD; none if the database cannot say.
pub(super) fn episode_spend(store: &Arc<Mutex<Store>>, episode_id: &str) -> Option<i64> {
    let guard = store.lock().unwrap_or_else(|e| e.into_inner());
    crate::ledger::total_units(guard.conn(), Some(episode_id)).ok()
}

pub(super) async fn wait_for_interrupt() {
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

pub(super) fn run_exit_code(e: &RunError) -> i32 {
    use crate::gateway::FailureKind;
    match e {
        RunError::Pipeline(pipeline::PipelineError::Invalid(_)) => exit::BAD_INPUT,
        RunError::Pipeline(pipeline::PipelineError::NotFound(_)) => exit::BAD_INPUT,
        RunError::Pipeline(pipeline::PipelineError::Store(_)) => exit::DATABASE,
        RunError::OverEstimate { .. } => exit::BUDGET,
        RunError::Busy(_) => exit::BUSY,
        RunError::Unfinished { .. } => exit::ALL_FAILED,
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

/// The episode runs elsewhere (exit 7), or its lease could not be read.
pub(super) fn lease_refused(report: &mut Report, e: crate::pipeline::run_lease::LeaseError) -> i32 {
    use crate::pipeline::run_lease::LeaseError;
    match e {
        LeaseError::Busy { .. } => fail(report, exit::BUSY, "episode_busy", e.to_string()),
        LeaseError::NotFound => fail(report, exit::BAD_INPUT, "not_found", e.to_string()),
        LeaseError::Store(_) => fail(report, exit::DATABASE, "database", e.to_string()),
    }
}

/// A title from the brief's first words, for runs without `--episode`.
pub(super) fn title_from(brief: &str) -> String {
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

pub(super) fn export(
    store: Arc<Mutex<Store>>,
    ep: &pipeline::Episode,
    script_text: &str,
    checks: &crate::export::ExportChecks,
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
    crate::export::export_with_checks(path, &script, Some(&notes), Some(checks), &opts)
        .map_err(|e| e.to_string())
}
