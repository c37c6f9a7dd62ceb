//! What a headless run hands over once the pipeline returns: for a finished run, each stage,
//! the verdict, the local fact check and the export; for a failed one, what it spent and,
//! when only the quality check failed, the script it already paid for, exported as not
//! checked.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::args::ProduceArgs;
use super::exit_codes::Stop;
use super::progress::progress;
use super::report::{number, Report};
use crate::error_codes::{exit, CommandFailure};
use crate::export::{episode as export_episode, ExportChecks, ExportOptions, Format, PageSize};
use crate::pipeline::{self, Episode, RunError, RunResult};
use crate::store::Store;

/// The episode's total in the request log, in 1e-10 USD; none if the database cannot say.
pub(super) fn episode_spend(store: &Arc<Mutex<Store>>, episode_id: &str) -> Option<i64> {
    let guard = store.lock().unwrap_or_else(|e| e.into_inner());
    crate::ledger::total_units(guard.conn(), Some(episode_id)).ok()
}

/// A finished run: the report's stages, verdict and fact check, then the export.
pub(super) fn finished(
    store: &Arc<Mutex<Store>>,
    ep: &Episode,
    args: &ProduceArgs,
    r: &RunResult,
    report: &mut Report,
) -> Result<i32, Stop> {
    report.total_units = r.total_units;
    report.stages = r
        .stages
        .iter()
        .map(|s| {
            crate::headless_outcome::stage_json(s, number(s.cost_usd.parse().unwrap_or_default()))
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
            return Err(Stop::internal(
                "The run finished without a script to export.",
            ));
        };
        let checks = ExportChecks {
            unsupported_claims: r
                .verdict
                .as_ref()
                .map(|v| v.unsupported_claims.clone())
                .unwrap_or_default(),
            facts: report.fact_check.clone().unwrap_or_default(),
            before_recording: !args.no_checks,
            source_notes: false,
        };
        let p = export(store, ep, &script.content, &checks, path)
            .map_err(|e| Stop::command(CommandFailure::ExportFailed, e))?;
        progress(&format!("exported {}", p.display()));
        report.export = Some(p.display().to_string());
    }
    Ok(exit::DONE)
}

/// A failed run: what it spent and, when only the quality check failed, the script
/// delivered anyway, reported as not checked.
pub(super) fn failed(
    store: &Arc<Mutex<Store>>,
    ep: &Episode,
    args: &ProduceArgs,
    e: &RunError,
    spent_before: Option<i64>,
    report: &mut Report,
) -> Stop {
    report.total_units = match (spent_before, episode_spend(store, &ep.id)) {
        (Some(before), Some(after)) => after - before,
        // The database could not be read: at least what the failed call spent.
        _ => match e {
            RunError::Call { error, .. } => error.spent_units(),
            _ => 0,
        },
    };
    // The script was written and paid for; only its check failed: deliver it anyway,
    // reported as not checked.
    if crate::headless_outcome::failed_at_quality_check(e) {
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
        let checks = ExportChecks {
            unsupported_claims: Vec::new(),
            facts: report.fact_check.clone().unwrap_or_default(),
            before_recording: !args.no_checks,
            source_notes: false,
        };
        if let (Some(path), Ok(Some(script))) = (&args.export, script) {
            match export(store, ep, &script.content, &checks, path) {
                Ok(p) => {
                    progress(&format!("exported {} (not checked)", p.display()));
                    report.export = Some(p.display().to_string());
                }
                Err(x) => progress(&format!("the script could not be exported: {x}")),
            }
        }
    }
    Stop::new(e.code(), e.to_string())
}

/// Writes the script where `--export` says, in the format its extension names.
fn export(
    store: &Arc<Mutex<Store>>,
    ep: &Episode,
    script_text: &str,
    checks: &ExportChecks,
    path: &Path,
) -> Result<PathBuf, String> {
    let format = Format::from_path(path).ok_or_else(|| {
        format!(
            "{} has an extension Castwright cannot write: use .md, .txt, .json, .docx or .pdf.",
            path.display()
        )
    })?;
    let prepared = {
        let guard = store.lock().unwrap_or_else(|e| e.into_inner());
        export_episode::prepare(guard.conn(), ep, script_text, true).map_err(|e| e.to_string())?
    };
    let opts = ExportOptions {
        format,
        include_show_notes: true,
        page_size: PageSize::A4,
    };
    prepared
        .write(path, Some(checks), &opts)
        .map_err(|e| e.to_string())
}
