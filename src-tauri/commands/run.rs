//! Running an episode: the estimate before, the run with live progress through a `Channel`,
//! cancel, resume, re-run one stage, and the cost report after.

use castwright_engine::pipeline::estimate::{self, Estimate};
use castwright_engine::pipeline::report::{self, CostReport};
use castwright_engine::pipeline::{
    episode, notes_store, run_lease, stage_runs, ProgressEvent, RunOptions, Stage, StageOutcome,
};
use castwright_engine::routing::Chain;
use castwright_engine::ErrorCode;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::stream_batch::Batched;
use crate::{AppState, IpcError};

fn run_err(e: castwright_engine::pipeline::RunError) -> IpcError {
    IpcError::new(e.code(), e.to_string())
}

#[tauri::command]
#[specta::specta]
pub async fn estimate_run(
    state: State<'_, AppState>,
    episode_id: String,
) -> Result<Estimate, IpcError> {
    let runner = state.runner().await?;
    let (ep, notes) = {
        let store = state.db()?;
        (
            episode::get(store.conn(), &episode_id)?,
            notes_store::texts(store.conn(), &episode_id)?,
        )
    };
    estimate::estimate(&runner, &ep, &notes, &RunOptions::default())
        .await
        .map_err(run_err)
}

/// The result of a run that finished.
#[derive(Debug, Serialize, specta::Type)]
pub struct RunSummary {
    pub stages: Vec<StageOutcome>,
    pub total_usd: String,
    pub qc_score: Option<u32>,
    pub qc_passed: Option<bool>,
}

/// Runs the episode (or re-runs one stage, optionally with other models), streaming progress.
#[tauri::command]
#[specta::specta]
pub async fn run_episode(
    state: State<'_, AppState>,
    episode_id: String,
    rerun: Option<Stage>,
    rerun_chain: Option<Chain>,
    on_progress: Channel<ProgressEvent>,
) -> Result<RunSummary, IpcError> {
    let runner = state.runner().await?;
    let cancel = state.begin_run(&episode_id)?;
    let opts = RunOptions {
        rerun,
        rerun_chain,
        stream: true,
    };
    // Streamed text goes out joined per frame (see stream_batch.rs); a closed window stops
    // listening, and the run still finishes and is saved.
    let progress = Batched::new(on_progress);
    let mut emit = |ev: ProgressEvent| progress.send(ev);
    let result = runner.run(&episode_id, &opts, &cancel, &mut emit).await;
    progress.finish();
    state.end_run(&episode_id);
    let r = result.map_err(run_err)?;
    Ok(RunSummary {
        stages: r.stages,
        total_usd: castwright_engine::money::from_units(r.total_units).to_string(),
        qc_score: r.verdict.as_ref().map(|v| v.score),
        qc_passed: r.verdict.as_ref().map(|v| v.passed),
    })
}

/// Stops a run at once: the request in flight is aborted and its text kept as a draft.
#[tauri::command]
#[specta::specta]
pub fn cancel_run(state: State<'_, AppState>, episode_id: String) -> Result<bool, IpcError> {
    Ok(state.cancel_run(&episode_id))
}

/// Whether a run of this episode is going on, or was cut short (a crash or a quit) and can
/// be resumed.
#[derive(Debug, Serialize, specta::Type)]
pub struct RunState {
    pub running: bool,
    pub interrupted: bool,
}

#[tauri::command]
#[specta::specta]
pub fn run_state(state: State<'_, AppState>, episode_id: String) -> Result<RunState, IpcError> {
    let running = state.is_running(&episode_id);
    let db = state.db()?;
    // A run in another window or a command is going on, not cut short.
    let elsewhere = run_lease::busy_since(db.conn(), &episode_id)
        .map_err(|e| IpcError::new(ErrorCode::Database, e.to_string()))?
        .is_some();
    let interrupted = !running && !elsewhere && stage_runs::cut_short(db.conn(), &episode_id)?;
    Ok(RunState {
        running,
        interrupted,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn cost_report(
    state: State<'_, AppState>,
    episode_id: String,
) -> Result<CostReport, IpcError> {
    let runner = state.runner().await?;
    let store = state.db()?;
    let ep = episode::get(store.conn(), &episode_id)?;
    let premium = ep
        .plan
        .script
        .chain
        .models
        .first()
        .cloned()
        .unwrap_or_default();
    Ok(report::report(
        store.conn(),
        &runner.router().profile().id,
        &episode_id,
        &premium,
    )?)
}
