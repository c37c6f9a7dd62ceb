//! Runs an episode: the four stages in order, each reusing its saved output when nothing it
//! depends on changed (so a second run, or a run after a crash or a cancel, never pays twice
//! for finished work), streaming progress as typed events.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::artifacts::{self, ArtifactKind, NewArtifact};
use super::continuation::{plain_judge, Ask, Judged};
use super::episode::{self, Episode, EpisodeStatus};
use super::events::ProgressEvent;
use super::notes_store::{self, StoredNote};
use super::quality::{self, Verdict};
use super::{prompts, research, PipelineError, Stage, StageSettings};
use crate::budget::{self, ScopeLimit};
use crate::gateway::Message;
use crate::money::{from_units, to_units};
use crate::routing::{CallError, CallEvent, CallSpec, Chain, NextStep, Router};
use crate::store::Store;

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run this stage again even if its output is up to date (and skip the cache for it).
    pub rerun: Option<Stage>,
    /// Replace that stage's models for this run and keep the choice.
    pub rerun_chain: Option<Chain>,
    /// Stream text as it arrives.
    pub stream: bool,
}

/// One stage's part of the result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageOutcome {
    pub stage: Stage,
    /// The model that answered the stage's last successful call.
    pub model: Option<String>,
    pub calls: u32,
    /// USD, decimal string.
    pub cost_usd: String,
    /// The stage spent $0 because its answer was reused.
    pub cached: bool,
    /// What happened on the way, in plain words ("Claude Opus 4 stopped at its length
    /// limit; it continued and finished"), when anything did.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub episode_id: String,
    pub stages: Vec<StageOutcome>,
    pub total_units: i64,
    pub verdict: Option<Verdict>,
    pub script: Option<artifacts::Artifact>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("{error}")]
    Call {
        stage: Stage,
        error: CallError,
        partial_saved: bool,
    },
    #[error(
        "This run could cost up to {needed}; this episode has {left} left. Raise the limit, \
         choose cheaper models, or make the episode shorter. Nothing was spent."
    )]
    OverEstimate { needed: String, left: String },
    /// Another window or a command runs this episode (see `run_lease`).
    #[error("{0}")]
    Busy(super::run_lease::LeaseError),
    /// No model of the stage gave finished work (empty, cut off, missing segments, an
    /// unreadable verdict); `partial` is the longest unfinished text, kept as a draft.
    #[error("{message}")]
    Unfinished {
        stage: Stage,
        message: String,
        partial: String,
        partial_saved: bool,
    },
}

impl From<super::run_lease::LeaseError> for RunError {
    fn from(e: super::run_lease::LeaseError) -> Self {
        use super::run_lease::LeaseError as L;
        match e {
            L::Busy { .. } => RunError::Busy(e),
            L::NotFound => PipelineError::NotFound(e.to_string()).into(),
            L::Store(s) => PipelineError::Store(s).into(),
        }
    }
}

impl From<rusqlite::Error> for RunError {
    fn from(e: rusqlite::Error) -> Self {
        RunError::Pipeline(PipelineError::Store(e))
    }
}

pub(super) type Emit<'a> = dyn FnMut(ProgressEvent) + Send + 'a;

pub struct Runner {
    router: Router,
    store: Arc<Mutex<Store>>,
    monthly_limit: Option<Decimal>,
    /// Each running episode's spend as its run sees it: what was recorded when the run began
    /// plus every cost its calls have reported since. The live figures read this, because the
    /// request log catches up with the calls only at the next flush.
    spend: Mutex<HashMap<String, Arc<AtomicI64>>>,
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|e| e.into_inner())
}

fn hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

fn settings_json(s: &StageSettings) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

impl Runner {
    pub fn new(router: Router, store: Arc<Mutex<Store>>, monthly_limit: Option<Decimal>) -> Self {
        Runner {
            router,
            store,
            monthly_limit,
            spend: Mutex::new(HashMap::new()),
        }
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

    /// Waits for the bookkeeping of the calls made so far (see `Router::flush`): before a
    /// stage's work is saved, so a finished stage never has calls missing from the ledger.
    async fn flush(&self, stage: Stage) -> Result<(), RunError> {
        self.router.flush().await.map_err(|e| RunError::Call {
            stage,
            error: CallError::Records(e),
            partial_saved: false,
        })
    }

    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Runs `f` with the database (briefly locked).
    pub fn with_conn<R>(&self, f: impl FnOnce(&rusqlite::Connection) -> R) -> R {
        f(lock(&self.store).conn())
    }

    pub fn stage_input_hash(
        &self,
        ep: &Episode,
        stage: Stage,
        notes: &[StoredNote],
    ) -> Result<String, RunError> {
        self.input_hash(ep, stage, notes)
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

    /// The display name of a model ("Claude 3 Opus"), from the catalog when known.
    pub fn display(&self, model: &str) -> String {
        display_name(lock(&self.store).conn(), &self.router.profile().id, model)
    }

    /// What each stage's input is, so a saved output is reused only when it still fits.
    fn input_hash(
        &self,
        ep: &Episode,
        stage: Stage,
        notes: &[StoredNote],
    ) -> Result<String, RunError> {
        let store = lock(&self.store);
        let conn = store.conn();
        let note_hashes: Vec<&str> = notes.iter().map(|n| n.hash.as_str()).collect();
        let notes_key = note_hashes.join(",");
        let b = &ep.brief;
        let brief_key = format!(
            "{}|{}|{}|{}|{}",
            b.title,
            b.brief,
            b.format.as_str(),
            b.language,
            b.tone
        );
        let settings = settings_json(ep.plan.get(stage));
        let prev = |s: Stage| -> Result<String, RunError> {
            Ok(artifacts::current(conn, &ep.id, s)?
                .map(|a| hash(&[&a.content]))
                .unwrap_or_default())
        };
        Ok(match stage {
            Stage::Research => hash(&["research", &brief_key, &notes_key, &settings]),
            Stage::Synthesis => {
                hash(&["synthesis", &brief_key, &prev(Stage::Research)?, &settings])
            }
            Stage::Script => {
                let shape = format!(
                    "{:?}|{:?}|{}|{}",
                    b.speakers(),
                    serde_json::to_string(&b.segments).unwrap_or_default(),
                    b.minutes,
                    b.guests.join(",")
                );
                hash(&[
                    "script",
                    &brief_key,
                    &shape,
                    &notes_key,
                    &prev(Stage::Synthesis)?,
                    &settings,
                ])
            }
            Stage::QualityCheck => hash(&[
                "quality_check",
                &brief_key,
                &notes_key,
                &prev(Stage::Script)?,
                &settings,
            ]),
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
        let lease = super::run_lease::acquire(&self.store, episode_id)?;
        self.run_leased(&lease, opts, cancel, emit).await
    }

    /// [`Runner::run`] under a lease the caller already took (`castwright produce` takes it
    /// before it touches the episode).
    pub async fn run_leased(
        &self,
        lease: &super::run_lease::RunLease,
        opts: &RunOptions,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
    ) -> Result<RunResult, RunError> {
        let episode_id = lease.episode_id();
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
        // Prices and context lengths first (a failure here shows on the first real call),
        // then notes that fit no model, then the upper bound of what is left to do — all
        // before spending anything.
        let models: Vec<String> = Stage::ALL
            .iter()
            .flat_map(|s| ep.plan.get(*s).chain.models.clone())
            .collect();
        let _ = self.router.ensure_prices(&models).await;
        self.preflight(&mut ep, emit)?;
        self.check_context(&ep, &notes)?;
        let estimate = super::estimate::estimate(self, &ep, &notes, opts).await?;
        // Money still held by calls of a run that was killed or crashed: this episode runs
        // once at a time, so nothing of its own is in flight now.
        let released =
            budget::release_stale_for(lock(&self.store).conn_mut(), &format!("episode:{}", ep.id))?;
        if released > 0 {
            tracing::info!(released, episode = %ep.id, "released money held by an interrupted run");
        }
        let limit_units = to_units(ep.brief.budget_usd);
        let (spent, reserved) =
            budget::totals(lock(&self.store).conn(), &format!("episode:{}", ep.id))?;
        self.meter(&ep.id).store(spent, Ordering::Relaxed);
        let left = (limit_units - spent - reserved).max(0);
        if !self.router.profile().limit_off && estimate.upper_units_to_run > left {
            return Err(RunError::OverEstimate {
                needed: crate::money::display_usd(from_units(estimate.upper_units_to_run)),
                left: crate::money::display_usd(from_units(left)),
            });
        }
        {
            let store = lock(&self.store);
            store.conn().execute(
                "UPDATE episodes SET estimate_units = ?2, last_run_at = ?3 WHERE id = ?1",
                rusqlite::params![
                    ep.id,
                    spent + estimate.upper_units_to_run,
                    crate::clock::stamp(crate::clock::now())
                ],
            )?;
            episode::set_status(store.conn(), &ep.id, EpisodeStatus::Running)?;
        }
        let mut warned = false;
        let mut outcomes = Vec::new();
        let mut verdict = None;
        let result: Result<(), RunError> = async {
            for stage in Stage::ALL {
                let outcome = self
                    .run_stage(
                        &ep,
                        stage,
                        &notes,
                        opts,
                        cancel,
                        emit,
                        &mut warned,
                        &mut verdict,
                    )
                    .await?;
                outcomes.push(outcome);
            }
            Ok(())
        }
        .await;
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
        let result = match result {
            Ok(()) => self.exported_view(&ep, &notes, &mut outcomes, &mut verdict),
            Err(e) => Err(e),
        };
        let status = match (&result, &verdict) {
            (Ok(()), Some(v)) if v.passed => EpisodeStatus::Done,
            (Ok(()), _) => EpisodeStatus::NeedsReview,
            (Err(_), _) => EpisodeStatus::Draft,
        };
        episode::set_status(lock(&self.store).conn(), &ep.id, status)?;
        if let Err(e) = result {
            let stage = match &e {
                RunError::Call { stage, .. } | RunError::Unfinished { stage, .. } => Some(*stage),
                _ => None,
            };
            emit(ProgressEvent::Error {
                stage,
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

    /// Refuses, before any call, notes too long for every model of a stage: each stage's
    /// largest prompt (about 4 bytes a token) must fit the context of at least one model.
    fn check_context(&self, ep: &Episode, notes: &[StoredNote]) -> Result<(), RunError> {
        let all_notes: usize = notes
            .iter()
            .map(|n| n.text.len() + n.source_name.len() + 8)
            .sum();
        let largest_batch = research::plan(notes)
            .iter()
            .map(|b| {
                b.pieces
                    .iter()
                    .map(|(l, t)| l.len() + t.len())
                    .sum::<usize>()
            })
            .max()
            .unwrap_or(0);
        for stage in Stage::ALL {
            let settings = ep.plan.get(stage);
            let prompt_bytes = match stage {
                Stage::Research => largest_batch,
                Stage::Synthesis => {
                    (ep.plan.research.max_tokens as usize) * 4 * research::plan(notes).len()
                }
                Stage::Script | Stage::QualityCheck => {
                    all_notes + ep.brief.brief.len() + 4 * settings.max_tokens as usize
                }
            };
            let needed = (prompt_bytes / 4) as u64 + u64::from(settings.max_tokens);
            let contexts: Vec<u64> = self.with_conn(|c| {
                settings
                    .chain
                    .models
                    .iter()
                    .filter_map(|m| {
                        crate::catalog::dearest_prices(c, &self.router.profile().id, m)
                            .ok()
                            .flatten()
                            .and_then(|p| p.context_length)
                    })
                    .collect()
            });
            // Unknown contexts (no catalog) are not held against the notes.
            if let Some(largest) = contexts.iter().max() {
                if contexts.len() == settings.chain.models.len() && needed > *largest {
                    let words = needed * 3 / 4;
                    let fits = largest * 3 / 4;
                    return Err(PipelineError::Invalid(format!(
                        "The notes are too long for every model in {}: about {words} words, and the largest of them reads about {fits}. Remove some notes, or choose a model that reads more.",
                        stage.label()
                    ))
                    .into());
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_stage(
        &self,
        ep: &Episode,
        stage: Stage,
        notes: &[StoredNote],
        opts: &RunOptions,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        verdict: &mut Option<Verdict>,
    ) -> Result<StageOutcome, RunError> {
        // The reuse check and the stage's save happen under the lease: no one else can be
        // paying for this stage meanwhile.
        super::run_lease::confirm(lock(&self.store).conn(), &ep.id)?;
        let input_hash = self.input_hash(ep, stage, notes)?;
        let settings = ep.plan.get(stage).clone();
        let forced = opts.rerun == Some(stage);
        let existing = artifacts::current(lock(&self.store).conn(), &ep.id, stage)?;
        if let Some(a) = existing.filter(|a| a.input_hash == input_hash && !forced) {
            emit(ProgressEvent::StageStarted {
                stage,
                models: settings.chain.models.clone(),
                reused: true,
            });
            if stage == Stage::QualityCheck {
                *verdict = serde_json::from_str(&a.content).ok();
            }
            emit(ProgressEvent::StageFinished {
                stage,
                cost_usd: "0".into(),
                model: a.model.clone(),
                cached: true,
                words: crate::script::count_words(&a.content),
            });
            return Ok(StageOutcome {
                stage,
                model: a.model,
                calls: 0,
                cost_usd: "0".into(),
                cached: true,
                note: None,
            });
        }
        emit(ProgressEvent::StageStarted {
            stage,
            models: settings.chain.models.clone(),
            reused: false,
        });
        let run_id = self.start_run(ep, stage, &input_hash)?;
        let mut acc = StageAcc::default();
        let produced = match stage {
            Stage::Research => {
                self.research(
                    ep,
                    notes,
                    &settings,
                    forced,
                    opts.stream,
                    cancel,
                    emit,
                    warned,
                    &mut acc,
                )
                .await
            }
            Stage::Synthesis => {
                self.synthesis(
                    ep,
                    &settings,
                    forced,
                    opts.stream,
                    cancel,
                    emit,
                    warned,
                    &mut acc,
                )
                .await
            }
            Stage::Script => {
                self.script(
                    ep,
                    notes,
                    &settings,
                    forced,
                    opts.stream,
                    cancel,
                    emit,
                    warned,
                    &mut acc,
                )
                .await
            }
            Stage::QualityCheck => self
                .quality(
                    ep,
                    notes,
                    &settings,
                    forced,
                    opts.stream,
                    cancel,
                    emit,
                    warned,
                    &mut acc,
                )
                .await
                .map(|(content, v)| {
                    *verdict = Some(v);
                    content
                }),
        };
        // The stage's calls are in the ledger before its work is saved: a crash can never leave
        // a finished stage whose calls were not recorded.
        let produced = match produced {
            Ok(content) => self.flush(stage).await.map(|()| content),
            Err(e) => {
                if let Err(f) = self.router.flush().await {
                    tracing::warn!(error = %f, "spending records of a failed stage were not all saved");
                }
                Err(e)
            }
        };
        match produced {
            Ok(content) => {
                let art = {
                    let store = lock(&self.store);
                    let art = artifacts::save(
                        store.conn(),
                        &ep.id,
                        &NewArtifact {
                            stage,
                            kind: ArtifactKind::Output,
                            content: &content,
                            input_hash: &input_hash,
                            model: acc.model.as_deref(),
                            cost_units: acc.cost_units,
                            calls: acc.calls,
                            cached: acc.all_cached(),
                        },
                    )?;
                    if let Some(answer) = &acc.answer {
                        super::script_answer::save(store.conn(), art.id, answer)?;
                    }
                    art
                };
                // The stage's own cost, before a rewrite adds the Script model's work.
                let (own_cost, own_model) = (acc.cost_units, acc.model.clone());
                // A failed verdict's rewrite and its check belong to this stage: it is marked
                // done only once they are saved, so a run stopped in between finishes them on
                // resume rather than counting the stage as finished.
                let rewritten = match verdict.as_ref().filter(|v| !v.passed) {
                    Some(v) if stage == Stage::QualityCheck => {
                        self.rewrite(ep, notes, v, opts.stream, cancel, emit, warned, &mut acc)
                            .await
                    }
                    _ => Ok(()),
                };
                {
                    let store = lock(&self.store);
                    self.finish_run(
                        &store,
                        run_id,
                        "done",
                        own_cost,
                        own_model.as_deref(),
                        None,
                        Some(art.id),
                    )?;
                    super::exported::record_notes(store.conn(), run_id, &acc.notes)?;
                }
                rewritten?;
                let cost = from_units(acc.cost_units).to_string();
                let cached = acc.cost_units == 0 && acc.all_cached();
                emit(ProgressEvent::StageFinished {
                    stage,
                    cost_usd: cost.clone(),
                    model: acc.model.clone(),
                    cached,
                    words: crate::script::count_words(&art.content),
                });
                Ok(StageOutcome {
                    stage,
                    model: acc.model,
                    calls: acc.calls,
                    cost_usd: cost,
                    cached,
                    note: super::exported::note_text(&acc.notes),
                })
            }
            Err(err) => {
                let partial = match &err {
                    RunError::Call {
                        error: CallError::Cancelled { partial, .. },
                        ..
                    }
                    | RunError::Unfinished { partial, .. } => Some(partial.clone()),
                    _ => None,
                };
                let store = lock(&self.store);
                let mut partial_saved = false;
                if let Some(p) = partial.filter(|p| !p.trim().is_empty()) {
                    let text = if acc.text.is_empty() {
                        p
                    } else {
                        format!("{}\n\n{p}", acc.text)
                    };
                    artifacts::save(
                        store.conn(),
                        &ep.id,
                        &NewArtifact {
                            stage,
                            kind: ArtifactKind::Draft,
                            content: &text,
                            input_hash: &input_hash,
                            model: acc.model.as_deref(),
                            cost_units: acc.cost_units,
                            calls: acc.calls,
                            cached: false,
                        },
                    )?;
                    partial_saved = true;
                }
                let status = if (partial_saved && !matches!(err, RunError::Unfinished { .. }))
                    || matches!(
                        &err,
                        RunError::Call {
                            error: CallError::Cancelled { .. },
                            ..
                        }
                    ) {
                    "cancelled"
                } else {
                    "failed"
                };
                self.finish_run(
                    &store,
                    run_id,
                    status,
                    acc.cost_units,
                    acc.model.as_deref(),
                    Some(&err),
                    None,
                )?;
                super::exported::record_notes(store.conn(), run_id, &acc.notes)?;
                Err(match err {
                    RunError::Call { stage, error, .. } => RunError::Call {
                        stage,
                        error,
                        partial_saved,
                    },
                    RunError::Unfinished {
                        stage,
                        message,
                        partial,
                        ..
                    } => RunError::Unfinished {
                        stage,
                        message,
                        partial,
                        partial_saved,
                    },
                    other => other,
                })
            }
        }
    }

    fn start_run(&self, ep: &Episode, stage: Stage, input_hash: &str) -> Result<i64, RunError> {
        let store = lock(&self.store);
        store.conn().execute(
            "INSERT INTO stage_runs (episode_id, stage, status, input_hash, started_at) VALUES (?1, ?2, 'running', ?3, ?4)",
            rusqlite::params![ep.id, stage.as_str(), input_hash, crate::clock::stamp(crate::clock::now())],
        )?;
        Ok(store.conn().last_insert_rowid())
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_run(
        &self,
        store: &Store,
        run_id: i64,
        status: &str,
        cost_units: i64,
        model: Option<&str>,
        err: Option<&RunError>,
        artifact_id: Option<u32>,
    ) -> Result<(), RunError> {
        store.conn().execute(
            "UPDATE stage_runs SET status = ?2, finished_at = ?3, cost_units = ?4, model = ?5, error_code = ?6,
                error_message = ?7, artifact_id = ?8 WHERE id = ?1",
            rusqlite::params![
                run_id,
                status,
                crate::clock::stamp(crate::clock::now()),
                cost_units,
                model,
                err.map(run_error_code),
                err.map(|e| e.to_string()),
                artifact_id
            ],
        )?;
        Ok(())
    }

    /// One call of a stage, with its events mapped to progress events.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn call(
        &self,
        ep: &Episode,
        stage: Stage,
        chain: &Chain,
        settings: &StageSettings,
        messages: Vec<Message>,
        max_tokens: u32,
        response_format: Option<serde_json::Value>,
        bypass_cache: bool,
        stream: bool,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        acc: &mut StageAcc,
    ) -> Result<crate::gateway::Completion, RunError> {
        let spec = self.spec(
            ep,
            stage,
            chain,
            settings,
            messages,
            max_tokens,
            response_format,
            bypass_cache,
            stream,
        );
        let store = self.store.clone();
        let conn_id = self.router.profile().id.clone();
        let meter = self.meter(&ep.id);
        let mut counted = 0;
        let mut on = |e: CallEvent<'_>| {
            if let Some(ev) = map_event(&store, &conn_id, stage, &meter, &mut counted, e) {
                emit(ev);
            }
        };
        let r = self.router.call(&spec, cancel, &mut on).await;
        self.after_call(ep, stage, r, emit, warned, acc)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn spec(
        &self,
        ep: &Episode,
        stage: Stage,
        chain: &Chain,
        settings: &StageSettings,
        messages: Vec<Message>,
        max_tokens: u32,
        response_format: Option<serde_json::Value>,
        bypass_cache: bool,
        stream: bool,
    ) -> CallSpec {
        CallSpec {
            episode_id: Some(ep.id.clone()),
            stage: Some(stage.as_str().to_string()),
            chain: chain.clone(),
            messages,
            max_tokens,
            min_tokens: stage.min_tokens().min(max_tokens),
            temperature: Some(settings.temperature),
            response_format,
            stop: None,
            stream,
            bypass_cache,
            limits: self.limits(ep),
        }
    }

    pub(super) fn after_call(
        &self,
        ep: &Episode,
        stage: Stage,
        r: Result<crate::routing::CallOutcome, CallError>,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        acc: &mut StageAcc,
    ) -> Result<crate::gateway::Completion, RunError> {
        match r {
            Ok(out) => {
                acc.calls += 1;
                acc.cost_units += out.cost_units;
                acc.cached_calls += u32::from(out.cached);
                acc.model = Some(out.completion.model.clone());
                self.budget_warning(ep, emit, warned);
                Ok(out.completion)
            }
            Err(e) => {
                acc.cost_units += e.spent_units();
                self.budget_warning(ep, emit, warned);
                Err(RunError::Call {
                    stage,
                    error: e,
                    partial_saved: false,
                })
            }
        }
    }

    fn budget_warning(&self, ep: &Episode, emit: &mut Emit<'_>, warned: &mut bool) {
        if *warned {
            return;
        }
        let spent = from_units(self.meter(&ep.id).load(Ordering::Relaxed));
        if spent * Decimal::from(10) >= ep.brief.budget_usd * Decimal::from(8) {
            *warned = true;
            emit(ProgressEvent::BudgetWarning {
                spent_usd: spent.to_string(),
                limit_usd: ep.brief.budget_usd.to_string(),
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn research(
        &self,
        ep: &Episode,
        notes: &[StoredNote],
        settings: &StageSettings,
        forced: bool,
        stream: bool,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        acc: &mut StageAcc,
    ) -> Result<String, RunError> {
        let batches = research::plan(notes);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ProgressEvent>();
        let calls = batches
            .iter()
            .map(|batch| {
                let tx = tx.clone();
                let spec = self.spec(
                    ep,
                    Stage::Research,
                    &settings.chain,
                    settings,
                    prompts::research(&ep.brief, &batch.pieces),
                    settings.max_tokens,
                    None,
                    forced,
                    stream,
                );
                let router = self.router.clone();
                let store = self.store.clone();
                let conn_id = self.router.profile().id.clone();
                let meter = self.meter(&ep.id);
                async move {
                    let mut counted = 0;
                    let mut on = |e: CallEvent<'_>| {
                        if let Some(ev) =
                            map_event(&store, &conn_id, Stage::Research, &meter, &mut counted, e)
                        {
                            // Parallel calls would interleave their text: research shows costs
                            // and failures live, and its findings when the stage is done.
                            if !matches!(
                                ev,
                                ProgressEvent::TextDelta { .. } | ProgressEvent::TextReset { .. }
                            ) {
                                let _ = tx.send(ev);
                            }
                        }
                    };
                    router.call(&spec, cancel, &mut on).await
                }
            })
            .collect::<Vec<_>>();
        let all = futures_util::stream::iter(calls)
            .buffered(research::CONCURRENCY)
            .collect::<Vec<_>>();
        drop(tx);
        tokio::pin!(all);
        let results = loop {
            tokio::select! {
                results = &mut all => break results,
                Some(ev) = rx.recv() => emit(ev),
            }
        };
        while let Ok(ev) = rx.try_recv() {
            emit(ev);
        }
        let mut findings = Vec::new();
        let mut first_err = None;
        let judge = plain_judge(&[]);
        for (r, batch) in results.into_iter().zip(&batches) {
            let r = match self.after_call(ep, Stage::Research, r, emit, warned, acc) {
                // Empty or cut-off findings are finished one batch at a time, after the rest.
                Ok(c)
                    if first_err.is_none()
                        && !matches!(judge(&c.text, c.finish_reason.as_deref()), Judged::Done) =>
                {
                    let ask = Ask {
                        stage: Stage::Research,
                        chain: &settings.chain,
                        settings,
                        messages: prompts::research(&ep.brief, &batch.pieces),
                        max_tokens: settings.max_tokens,
                        response_format: None,
                        bypass_cache: forced,
                        stream: false,
                    };
                    acc.text = findings.join("\n");
                    self.complete(ep, &ask, Some(c), cancel, emit, warned, acc, &judge)
                        .await
                }
                other => other,
            };
            match r {
                Ok(c) => findings.push(c.text),
                Err(e) => {
                    if first_err.is_none() {
                        first_err = Some(e);
                    }
                }
            }
        }
        let text = findings.join("\n");
        acc.text = text.clone();
        if let Some(e) = first_err {
            return Err(e);
        }
        emit(ProgressEvent::TextDelta {
            stage: Stage::Research,
            text: text.clone(),
        });
        Ok(text)
    }

    #[allow(clippy::too_many_arguments)]
    async fn synthesis(
        &self,
        ep: &Episode,
        settings: &StageSettings,
        forced: bool,
        stream: bool,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        acc: &mut StageAcc,
    ) -> Result<String, RunError> {
        let findings = artifacts::current(lock(&self.store).conn(), &ep.id, Stage::Research)?
            .map(|a| a.content)
            .unwrap_or_default();
        let ask = Ask {
            stage: Stage::Synthesis,
            chain: &settings.chain,
            settings,
            messages: prompts::synthesis(&ep.brief, &findings),
            max_tokens: settings.max_tokens,
            response_format: None,
            bypass_cache: forced,
            stream,
        };
        let c = self
            .complete(ep, &ask, None, cancel, emit, warned, acc, &plain_judge(&[]))
            .await?;
        Ok(c.text)
    }

    #[allow(clippy::too_many_arguments)]
    async fn script(
        &self,
        ep: &Episode,
        notes: &[StoredNote],
        settings: &StageSettings,
        forced: bool,
        stream: bool,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        acc: &mut StageAcc,
    ) -> Result<String, RunError> {
        let outline = artifacts::current(lock(&self.store).conn(), &ep.id, Stage::Synthesis)?
            .map(|a| a.content)
            .unwrap_or_default();
        let labelled = research::labelled(notes);
        let segments = prompts::segment_plan(&ep.brief);
        let target = ep.brief.word_target();
        // Long episodes are written a few segments at a time so each part reaches its share
        // of the word target (models stop early on very long single answers).
        let parts = (target as usize)
            .div_ceil(SCRIPT_WORDS_PER_CALL)
            .clamp(1, segments.len().max(1));
        let per_part = segments.len().div_ceil(parts);
        let mut script = String::new();
        let mut answers: Vec<String> = Vec::new();
        for (i, group) in segments.chunks(per_part.max(1)).enumerate() {
            let words = target * group.len() as u32 / segments.len().max(1) as u32;
            let max_tokens = settings.max_tokens.max(words_to_tokens(words)).min(16_000);
            if i > 0 {
                emit(ProgressEvent::TextDelta {
                    stage: Stage::Script,
                    text: "\n\n".into(),
                });
                script.push_str("\n\n");
            }
            acc.text = script.clone();
            let ask = Ask {
                stage: Stage::Script,
                chain: &settings.chain,
                settings,
                messages: prompts::script(&ep.brief, &outline, &labelled, group, words),
                max_tokens,
                response_format: None,
                bypass_cache: forced,
                stream,
            };
            let c = self
                .complete(
                    ep,
                    &ask,
                    None,
                    cancel,
                    emit,
                    warned,
                    acc,
                    &plain_judge(group),
                )
                .await?;
            script.push_str(c.text.trim());
            answers.push(c.text);
        }
        // Each part's chat is taken off on its own; the clean script is what is saved.
        let (content, answer) = super::script_answer::clean_script(&ep.brief, &answers);
        acc.answer = Some(answer);
        Ok(content)
    }

    #[allow(clippy::too_many_arguments)]
    async fn quality(
        &self,
        ep: &Episode,
        notes: &[StoredNote],
        settings: &StageSettings,
        forced: bool,
        stream: bool,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        acc: &mut StageAcc,
    ) -> Result<(String, Verdict), RunError> {
        let script = artifacts::current(lock(&self.store).conn(), &ep.id, Stage::Script)?
            .map(|a| a.content)
            .unwrap_or_default();
        let v = self
            .check(
                ep, notes, &script, settings, forced, stream, cancel, emit, warned, acc,
            )
            .await?;
        Ok((serde_json::to_string(&v).unwrap_or_default(), v))
    }

    /// Asks the chain for a verdict; an answer that does not fit the schema counts as a
    /// failure of that model, and the next one is asked.
    #[allow(clippy::too_many_arguments)]
    async fn check(
        &self,
        ep: &Episode,
        notes: &[StoredNote],
        script: &str,
        settings: &StageSettings,
        forced: bool,
        stream: bool,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        acc: &mut StageAcc,
    ) -> Result<Verdict, RunError> {
        let labelled = research::labelled(notes);
        let target = ep.brief.word_target();
        let words = crate::script::count_words(script);
        let ask = Ask {
            stage: Stage::QualityCheck,
            chain: &settings.chain,
            settings,
            messages: crate::factcheck::with_local_findings(
                prompts::quality(&ep.brief, script, &labelled, words, target),
                script,
                notes,
            ),
            max_tokens: settings.max_tokens,
            response_format: Some(prompts::verdict_schema()),
            bypass_cache: forced,
            stream,
        };
        // Empty or cut off: as for any answer; then it must read as a verdict, else the next
        // model is asked.
        let usual = plain_judge(&[]);
        let judge = |text: &str, finish: Option<&str>| match usual(text, finish) {
            Judged::Done => match quality::read(text, target, words) {
                Ok(_) => Judged::Done,
                Err(why) => Judged::NextModel(why.describe().to_string()),
            },
            other => other,
        };
        let c = self
            .complete(ep, &ask, None, cancel, emit, warned, acc, &judge)
            .await?;
        quality::read(&c.text, target, words).map_err(|why| RunError::Unfinished {
            stage: Stage::QualityCheck,
            message: format!(
                "{} {}. Try other models for the Quality check.",
                self.display(&c.model),
                why.describe()
            ),
            partial: String::new(),
            partial_saved: false,
        })
    }

    /// Below the pass mark: the next script model rewrites the script once with the fixes (if
    /// the budget allows), and the rewrite is checked again. Both versions are kept.
    #[allow(clippy::too_many_arguments)]
    async fn rewrite(
        &self,
        ep: &Episode,
        notes: &[StoredNote],
        v: &Verdict,
        stream: bool,
        cancel: &CancellationToken,
        emit: &mut Emit<'_>,
        warned: &mut bool,
        acc: &mut StageAcc,
    ) -> Result<(), RunError> {
        let (script_art, writer) = {
            let store = lock(&self.store);
            let a = artifacts::current(store.conn(), &ep.id, Stage::Script)?;
            let writer = a.as_ref().and_then(|a| a.model.clone());
            (a, writer)
        };
        let Some(script_art) = script_art else {
            return Ok(());
        };
        // A script is rewritten once: a rewrite whose check failed (or a run resumed between
        // the rewrite and its check) keeps the rewrite and its verdict.
        if script_art.kind == ArtifactKind::Rewrite {
            return Ok(());
        }
        let models = &ep.plan.script.chain.models;
        let pos = writer.as_deref().and_then(|w| {
            models
                .iter()
                .position(|m| crate::catalog::base_id(m) == crate::catalog::base_id(w))
        });
        let next: Vec<String> = match pos {
            Some(p) => models[p + 1..].to_vec(),
            None => models.iter().skip(1).cloned().collect(),
        };
        if next.is_empty() {
            return Ok(());
        }
        let chain = Chain {
            models: next,
            variant: ep.plan.script.chain.variant,
        };
        let labelled = research::labelled(notes);
        let target = ep.brief.word_target();
        let mut racc = StageAcc::default();
        emit(ProgressEvent::TextReset {
            stage: Stage::Script,
        });
        let msgs = prompts::rewrite(&ep.brief, &script_art.content, &v.fixes, &labelled, target);
        let settings = ep.plan.script.clone();
        let r = self
            .call(
                ep,
                Stage::Script,
                &chain,
                &settings,
                msgs,
                settings.max_tokens.max(words_to_tokens(target)).min(16_000),
                None,
                false,
                stream,
                cancel,
                emit,
                warned,
                &mut racc,
            )
            .await;
        let c = match r {
            Ok(c) => c,
            // Not enough budget for the rewrite: the producer keeps the checked script.
            Err(RunError::Call {
                error: CallError::Budget(_),
                ..
            }) => return Ok(()),
            Err(e) => return Err(e),
        };
        acc.cost_units += racc.cost_units;
        acc.calls += racc.calls;
        // An unfinished rewrite is not a better script: the checked one stays.
        if let Some(why) = super::completeness::judge(&c.text, c.finish_reason.as_deref(), &[]) {
            emit(ProgressEvent::AttemptFailed {
                stage: Stage::Script,
                model: c.model.clone(),
                message: format!(
                    "{} {} while rewriting — the checked script is kept",
                    self.display(&c.model),
                    why.describe()
                ),
            });
            return Ok(());
        }
        self.flush(Stage::Script).await?;
        let (rewritten, answer) = super::script_answer::clean_script(&ep.brief, &[&c.text]);
        {
            let store = lock(&self.store);
            let art = artifacts::save(
                store.conn(),
                &ep.id,
                &NewArtifact {
                    stage: Stage::Script,
                    kind: ArtifactKind::Rewrite,
                    content: &rewritten,
                    input_hash: &script_art.input_hash,
                    model: Some(&c.model),
                    cost_units: racc.cost_units,
                    calls: racc.calls,
                    cached: racc.all_cached(),
                },
            )?;
            super::script_answer::save(store.conn(), art.id, &answer)?;
        }
        // Check the rewrite too, so its verdict is known and a later run reuses it.
        let notes_v = notes.to_vec();
        let qsettings = ep.plan.quality_check.clone();
        let mut qacc = StageAcc::default();
        match self
            .check(
                ep, &notes_v, &rewritten, &qsettings, false, stream, cancel, emit, warned,
                &mut qacc,
            )
            .await
        {
            Ok(v2) => {
                acc.cost_units += qacc.cost_units;
                acc.calls += qacc.calls;
                self.flush(Stage::QualityCheck).await?;
                let hash = self.input_hash(ep, Stage::QualityCheck, notes)?;
                let store = lock(&self.store);
                artifacts::save(
                    store.conn(),
                    &ep.id,
                    &NewArtifact {
                        stage: Stage::QualityCheck,
                        kind: ArtifactKind::Output,
                        content: &serde_json::to_string(&v2).unwrap_or_default(),
                        input_hash: &hash,
                        model: qacc.model.as_deref(),
                        cost_units: qacc.cost_units,
                        calls: qacc.calls,
                        cached: qacc.all_cached(),
                    },
                )?;
                Ok(())
            }
            Err(RunError::Call {
                error: CallError::Budget(_),
                ..
            }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Words a single script call aims at before the script is written in parts.
pub const SCRIPT_WORDS_PER_CALL: usize = 1_800;

/// Output tokens for a word count (0.75 words per token, plus headroom for headings).
pub fn words_to_tokens(words: u32) -> u32 {
    words.saturating_mul(3) / 2 + 200
}

#[derive(Debug, Default)]
pub(super) struct StageAcc {
    pub calls: u32,
    pub cached_calls: u32,
    pub cost_units: i64,
    pub model: Option<String>,
    /// Text finished so far (kept as a draft if the stage is cancelled).
    pub text: String,
    /// A script answer as it arrived and the chat taken off it, kept beside the output.
    pub answer: Option<super::script_answer::RawAnswer>,
    /// What happened on the way, in plain words, for the stage's record.
    pub notes: Vec<String>,
}

impl StageAcc {
    fn all_cached(&self) -> bool {
        self.calls > 0 && self.cached_calls == self.calls
    }
}

/// A call's event as the producer sees it. `counted` is how much of this call's cost is
/// already in `meter` (its `Cost` events give the call's total so far).
fn map_event(
    store: &Mutex<Store>,
    connection_id: &str,
    stage: Stage,
    meter: &AtomicI64,
    counted: &mut i64,
    e: CallEvent<'_>,
) -> Option<ProgressEvent> {
    let name = |m: &str| display_name(lock(store).conn(), connection_id, m);
    match e {
        CallEvent::Text(t) => Some(ProgressEvent::TextDelta {
            stage,
            text: t.to_string(),
        }),
        CallEvent::Restart => Some(ProgressEvent::TextReset { stage }),
        CallEvent::AttemptFailed { model, error, next } => {
            let message = match next {
                NextStep::NextModel { model: to } => {
                    format!("{} was unavailable — {} took over", name(model), name(to))
                }
                NextStep::RetrySame { .. } => {
                    format!("{} was unavailable — trying it again", name(model))
                }
                NextStep::GiveUp => error.to_string(),
            };
            Some(ProgressEvent::AttemptFailed {
                stage,
                model: model.to_string(),
                message,
            })
        }
        CallEvent::TookOver { from, to } => Some(ProgressEvent::AttemptFailed {
            stage,
            model: from.to_string(),
            message: format!("{} was unavailable — {} took over", name(from), name(to)),
        }),
        CallEvent::Cost { units } => {
            let spent = meter.fetch_add(units - *counted, Ordering::Relaxed) + units - *counted;
            *counted = units;
            Some(ProgressEvent::RequestCost {
                stage,
                cost_usd: from_units(units).to_string(),
                episode_spent_usd: from_units(spent).to_string(),
            })
        }
        CallEvent::Reused { .. } => None,
    }
}

/// "Claude Opus 5.5" for `anthropic/claude-opus-5.5`: the catalog's name without its vendor
/// prefix, or the id's last part when the catalog does not know it.
pub fn display_name(conn: &rusqlite::Connection, connection_id: &str, model: &str) -> String {
    let base = crate::catalog::base_id(model);
    let name: Option<String> = conn
        .query_row(
            "SELECT name FROM catalog_models WHERE connection_id = ?1 AND model_id = ?2",
            rusqlite::params![connection_id, base],
            |r| r.get(0),
        )
        .ok();
    match name {
        Some(n) => n
            .split_once(": ")
            .map(|(_, rest)| rest.to_string())
            .unwrap_or(n),
        None => base.rsplit('/').next().unwrap_or(base).to_string(),
    }
}

/// The code the UI and the headless mode act on.
pub fn run_error_code(e: &RunError) -> &'static str {
    e.code().as_str()
}

impl RunError {
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            RunError::Pipeline(p) => p.code(),
            RunError::OverEstimate { .. } => C::BudgetRefused,
            RunError::Busy(_) => C::EpisodeBusy,
            RunError::Unfinished { .. } => C::AllModelsFailed,
            RunError::Call { error, .. } => error.code(),
        }
    }
}
