//! Runs an episode: the four stages in order, each reusing its saved output when nothing it
//! depends on changed (so a second run, or a run after a crash or a cancel, never pays twice
//! for finished work), streaming progress as typed events.

pub mod error;
pub mod events;
mod exported;
pub mod inputs;
mod one_stage;
pub mod outcome;
pub mod preflight;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use super::episode::{self, Episode, EpisodeStatus};
use super::notes_store::{self, StoredNote};
use super::stage_ctx::StageCtx;
use super::{artifacts, call_plan, run_lease, PipelineError, Stage};
use crate::budget::{self, ScopeLimit};
use crate::money::{from_units, to_units};
use crate::routing::{CallError, Router};
use crate::store::Store;
use error::{run_error_code, RunError};
use events::{display_name, Emit, ProgressEvent};
use outcome::{RunOptions, RunResult};

pub struct Runner {
    router: Router,
    store: Arc<Mutex<Store>>,
    monthly_limit: Option<Decimal>,
    /// Each running episode's spend as its run sees it: what was recorded when the run began
    /// plus every cost its calls have reported since. The live figures read this, because the
    /// request log catches up with the calls only at the next flush.
    spend: Mutex<HashMap<String, Arc<AtomicI64>>>,
    /// Whether a long script's parts may be written at the same time (the default).
    parts_together: bool,
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|e| e.into_inner())
}

impl Runner {
    pub fn new(router: Router, store: Arc<Mutex<Store>>, monthly_limit: Option<Decimal>) -> Self {
        Runner {
            router,
            store,
            monthly_limit,
            spend: Mutex::new(HashMap::new()),
            parts_together: true,
        }
    }

    /// With `false`, a long script's parts are always written one after another (the
    /// benchmark's comparison); by default they are written together when the budget holds
    /// every part at once.
    pub fn parts_together(mut self, together: bool) -> Self {
        self.parts_together = together;
        self
    }

    /// The live spend of an episode's run (see `spend`).
    fn meter(&self, episode_id: &str) -> Arc<AtomicI64> {
        self.spend
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(episode_id.to_string())
            .or_default()
            .clone()
    }

    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Runs `f` with the database (briefly locked).
    pub fn with_conn<R>(&self, f: impl FnOnce(&rusqlite::Connection) -> R) -> R {
        f(lock(&self.store).conn())
    }

    /// The hash of what `stage` is made from now (see `inputs`).
    pub fn stage_input_hash(
        &self,
        ep: &Episode,
        stage: Stage,
        notes: &[StoredNote],
    ) -> Result<String, RunError> {
        inputs::input_hash(lock(&self.store).conn(), ep, stage, notes)
    }

    /// The display name of a model ("Claude 3 Opus"), from the catalog when known.
    pub fn display(&self, model: &str) -> String {
        display_name(lock(&self.store).conn(), &self.router.profile().id, model)
    }

    fn limits(&self, ep: &Episode) -> Vec<ScopeLimit> {
        vec![
            ScopeLimit::episode(&ep.id, ep.brief.budget_usd),
            ScopeLimit::month(
                &crate::clock::month(crate::clock::now()),
                self.monthly_limit,
            ),
        ]
    }

    /// What the stages of `ep` still to run cost (see `call_plan::run_cost`), or which model
    /// has no price to cost them with.
    pub fn run_cost(
        &self,
        ep: &Episode,
        notes: &[StoredNote],
        opts: &RunOptions,
    ) -> Result<call_plan::RunCost, RunError> {
        let store = lock(&self.store);
        let conn = store.conn();
        let mut fit_err = None;
        let mut fits = |stage: Stage| match inputs::output_fits(conn, ep, stage, notes) {
            Ok(f) => f,
            Err(e) => {
                fit_err.get_or_insert(e);
                false
            }
        };
        let cost = call_plan::run_cost(
            conn,
            self.router.profile(),
            ep,
            notes,
            opts.rerun,
            &mut fits,
        );
        if let Some(e) = fit_err {
            return Err(e);
        }
        cost.map_err(|u| RunError::Call {
            stage: u.stage,
            error: CallError::NoPrices { model: u.model },
            partial_saved: false,
        })
    }

    /// Runs the episode to the end (or until a stage fails, is refused or is cancelled),
    /// first taking its run lease: a run of an episode that runs elsewhere is refused before
    /// anything is sent or reserved.
    pub async fn run(
        &self,
        episode_id: &str,
        opts: &RunOptions,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
    ) -> Result<RunResult, RunError> {
        let lease = run_lease::acquire(&self.store, episode_id)?;
        self.run_leased(&lease, opts, cancel, emit).await
    }

    /// [`Runner::run`] under a lease the caller already took (`castwright produce` takes it
    /// before it touches the episode).
    pub async fn run_leased(
        &self,
        lease: &run_lease::RunLease,
        opts: &RunOptions,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
    ) -> Result<RunResult, RunError> {
        let (ep, notes) = self.prepare(lease.episode_id(), opts, emit).await?;
        let mut outcomes = Vec::new();
        let mut verdict = None;
        let mut ctx = StageCtx {
            router: &self.router,
            store: &self.store,
            ep: &ep,
            notes: &notes,
            opts,
            cancel,
            emit: &mut *emit,
            meter: self.meter(&ep.id),
            limits: self.limits(&ep),
            warned: false,
            parts_together: self.parts_together,
        };
        let mut result: Result<(), RunError> = Ok(());
        for stage in Stage::ALL {
            match one_stage::run_stage(&mut ctx, stage, &mut verdict).await {
                Ok(o) => outcomes.push(o),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        // Whatever happened, the run's calls are in the ledger before it reports.
        let result = match (result, self.router.flush().await) {
            (Err(e), flushed) => {
                if let Err(f) = flushed {
                    tracing::warn!(error = %f, "spending records of a failed run were not all saved");
                }
                Err(e)
            }
            (Ok(()), Err(f)) => Err(RunError::Call {
                stage: Stage::QualityCheck,
                error: CallError::Records(f),
                partial_saved: false,
            }),
            (Ok(()), Ok(())) => Ok(()),
        };
        let result = result.and_then(|()| {
            exported::exported_view(
                lock(&self.store).conn(),
                &ep,
                &notes,
                &mut outcomes,
                &mut verdict,
            )
        });
        let status = match (&result, &verdict) {
            (Ok(()), Some(v)) if v.passed => EpisodeStatus::Done,
            (Ok(()), _) => EpisodeStatus::NeedsReview,
            (Err(_), _) => EpisodeStatus::Draft,
        };
        episode::set_status(lock(&self.store).conn(), &ep.id, status)?;
        if let Err(e) = result {
            emit(ProgressEvent::Error {
                stage: e.stage(),
                code: run_error_code(&e).into(),
                message: e.to_string(),
            });
            return Err(e);
        }
        let total_units = outcomes
            .iter()
            .map(|o| to_units(o.cost_usd.parse().unwrap_or_default()))
            .sum();
        let script = artifacts::current(lock(&self.store).conn(), &ep.id, Stage::Script)?;
        Ok(RunResult {
            episode_id: ep.id.clone(),
            stages: outcomes,
            total_units,
            verdict,
            script,
        })
    }

    /// Everything before the first call: the episode and its notes, prices, the chains checked
    /// against the catalog, notes that fit no model refused, and the upper bound of what is
    /// left to do held against what the budget has left — all before spending anything.
    async fn prepare(
        &self,
        episode_id: &str,
        opts: &RunOptions,
        emit: &mut Emit<'_>,
    ) -> Result<(Episode, Vec<StoredNote>), RunError> {
        // Bookkeeping of earlier calls (another run, a privacy check) first: the totals read
        // below, and releasing what killed runs held, must not race it.
        if let Err(e) = self.router.flush().await {
            tracing::warn!(error = %e, "earlier spending records were not all saved");
        }
        let mut ep = episode::get(lock(&self.store).conn(), episode_id)?;
        if let (Some(stage), Some(chain)) = (opts.rerun, &opts.rerun_chain) {
            let mut plan = ep.plan.clone();
            plan.get_mut(stage).chain = chain.clone();
            ep = episode::set_plan(lock(&self.store).conn(), episode_id, &plan)?;
        }
        let notes = notes_store::texts(lock(&self.store).conn(), episode_id)?;
        if notes.is_empty() {
            return Err(PipelineError::Invalid(
                "This episode has no notes yet. Add research notes (text, Markdown, web pages, PDF or Word files), then run it.".into(),
            )
            .into());
        }
        // Prices and context lengths first (a failure here shows on the first real call).
        let models: Vec<String> = Stage::ALL
            .iter()
            .flat_map(|s| ep.plan.get(*s).chain.models.clone())
            .collect();
        let _ = self.router.ensure_prices(&models).await;
        let conn_id = self.router.profile().id.clone();
        preflight::adjust_plan(lock(&self.store).conn(), &conn_id, &mut ep, emit)?;
        preflight::check_context(lock(&self.store).conn(), &conn_id, &ep, &notes)?;
        let cost = self.run_cost(&ep, &notes, opts)?;
        // Money still held by calls of a run that was killed or crashed: this episode runs
        // once at a time, so nothing of its own is in flight now.
        let scope = format!("episode:{}", ep.id);
        let released = budget::release_stale_for(lock(&self.store).conn_mut(), &scope)?;
        if released > 0 {
            tracing::info!(released, episode = %ep.id, "released money held by an interrupted run");
        }
        let limit_units = to_units(ep.brief.budget_usd);
        let (spent, reserved) = budget::totals(lock(&self.store).conn(), &scope)?;
        self.meter(&ep.id).store(spent, Ordering::Relaxed);
        let left = (limit_units - spent - reserved).max(0);
        if !self.router.profile().limit_off && cost.upper_units_to_run > left {
            return Err(RunError::OverEstimate {
                needed: crate::money::display_usd(from_units(cost.upper_units_to_run)),
                left: crate::money::display_usd(from_units(left)),
            });
        }
        {
            let store = lock(&self.store);
            episode::set_run_started(store.conn(), &ep.id, spent + cost.upper_units_to_run)?;
            episode::set_status(store.conn(), &ep.id, EpisodeStatus::Running)?;
        }
        Ok((ep, notes))
    }
}
