//! One stage of a run around its work (see `stages`): reused as it is when its input did not
//! change; otherwise recorded in `stage_runs`, run, and saved — or, when it fails or is
//! cancelled, what it wrote so far kept as a draft.

use super::super::artifacts::{self, ArtifactKind, NewArtifact};
use super::super::quality::Verdict;
use super::super::stage_ctx::{StageAcc, StageCtx};
use super::super::stage_runs::{self, Finished, Status};
use super::super::{run_lease, script_answer, stages, Stage};
use super::error::{run_error_code, RunError};
use super::events::ProgressEvent;
use super::inputs::input_hash;
use super::outcome::StageOutcome;
use crate::money::from_units;
use crate::routing::CallError;

pub(super) async fn run_stage(
    ctx: &mut StageCtx<'_, '_>,
    stage: Stage,
    verdict: &mut Option<Verdict>,
) -> Result<StageOutcome, RunError> {
    let ep = ctx.ep;
    // The reuse check and the stage's save happen under the lease: no one else can be paying
    // for this stage meanwhile.
    let (input_hash, existing) = {
        let db = ctx.db();
        run_lease::confirm(db.conn(), &ep.id)?;
        let hash = input_hash(db.conn(), ep, stage, ctx.notes)?;
        (hash, artifacts::current(db.conn(), &ep.id, stage)?)
    };
    let settings = ep.plan.get(stage).clone();
    let forced = ctx.opts.rerun == Some(stage);
    if let Some(a) = existing.filter(|a| a.input_hash == input_hash && !forced) {
        return Ok(reuse(ctx, stage, &settings.chain.models, a, verdict));
    }
    ctx.emit(ProgressEvent::StageStarted {
        stage,
        models: settings.chain.models.clone(),
        reused: false,
    });
    let run_id = stage_runs::start(ctx.db().conn(), &ep.id, stage, &input_hash)?;
    let mut acc = StageAcc::default();
    let produced = match stage {
        Stage::Research => stages::research::run(ctx, &settings, forced, &mut acc).await,
        Stage::Synthesis => stages::synthesis::run(ctx, &settings, forced, &mut acc).await,
        Stage::Script => stages::script::run(ctx, &settings, forced, &mut acc).await,
        Stage::QualityCheck => stages::quality::run(ctx, &settings, forced, &mut acc)
            .await
            .map(|(content, v)| {
                *verdict = Some(v);
                content
            }),
    };
    // The stage's calls are in the ledger before its work is saved: a crash can never leave a
    // finished stage whose calls were not recorded.
    let produced = match produced {
        Ok(content) => ctx.flush(stage).await.map(|()| content),
        Err(e) => {
            if let Err(f) = ctx.router.flush().await {
                tracing::warn!(error = %f, "spending records of a failed stage were not all saved");
            }
            Err(e)
        }
    };
    match produced {
        Ok(content) => finished(ctx, stage, run_id, &input_hash, content, acc, verdict).await,
        Err(err) => Err(failed(ctx, stage, run_id, &input_hash, err, &acc)?),
    }
}

/// The saved output still fits: taken as it is, at no cost.
fn reuse(
    ctx: &mut StageCtx<'_, '_>,
    stage: Stage,
    models: &[String],
    a: artifacts::Artifact,
    verdict: &mut Option<Verdict>,
) -> StageOutcome {
    ctx.emit(ProgressEvent::StageStarted {
        stage,
        models: models.to_vec(),
        reused: true,
    });
    if stage == Stage::QualityCheck {
        *verdict = serde_json::from_str(&a.content).ok();
    }
    ctx.emit(ProgressEvent::StageFinished {
        stage,
        cost_usd: "0".into(),
        model: a.model.clone(),
        cached: true,
        words: crate::script::count_words(&a.content),
    });
    StageOutcome {
        stage,
        model: a.model,
        calls: 0,
        cost_usd: "0".into(),
        cached: true,
        note: None,
    }
}

/// Saves the stage's output, runs a failed verdict's rewrite, and records the stage done.
async fn finished(
    ctx: &mut StageCtx<'_, '_>,
    stage: Stage,
    run_id: i64,
    input_hash: &str,
    content: String,
    mut acc: StageAcc,
    verdict: &Option<Verdict>,
) -> Result<StageOutcome, RunError> {
    let art = {
        let db = ctx.db();
        let art = artifacts::save(
            db.conn(),
            &ctx.ep.id,
            &NewArtifact {
                stage,
                kind: ArtifactKind::Output,
                content: &content,
                input_hash,
                model: acc.model.as_deref(),
                cost_units: acc.cost_units,
                calls: acc.calls,
                cached: acc.all_cached(),
            },
        )?;
        if let Some(answer) = &acc.answer {
            script_answer::save(db.conn(), art.id, answer)?;
        }
        art
    };
    // The stage's own cost, before a rewrite adds the Script model's work.
    let (own_cost, own_model) = (acc.cost_units, acc.model.clone());
    // A failed verdict's rewrite and its check belong to this stage: it is marked done only
    // once they are saved, so a run stopped in between finishes them on resume rather than
    // counting the stage as finished.
    let rewritten = match verdict.as_ref().filter(|v| !v.passed) {
        Some(v) if stage == Stage::QualityCheck => stages::quality::rewrite(ctx, v, &mut acc).await,
        _ => Ok(()),
    };
    {
        let db = ctx.db();
        stage_runs::finish(
            db.conn(),
            run_id,
            &Finished {
                status: Status::Done,
                cost_units: own_cost,
                model: own_model.as_deref(),
                error: None,
                artifact_id: Some(art.id),
            },
        )?;
        stage_runs::record_notes(db.conn(), run_id, &acc.notes)?;
    }
    rewritten?;
    let cost = from_units(acc.cost_units).to_string();
    let cached = acc.cost_units == 0 && acc.all_cached();
    ctx.emit(ProgressEvent::StageFinished {
        stage,
        cost_usd: cost.clone(),
        model: acc.model.clone(),
        cached,
        words: crate::script::count_words(&art.content),
    });
    Ok(StageOutcome {
        stage,
        note: acc.note_text(),
        model: acc.model,
        calls: acc.calls,
        cost_usd: cost,
        cached,
    })
}

/// Keeps what the stage wrote as a draft, records how it stopped, and returns the error that
/// says whether a draft was saved.
fn failed(
    ctx: &mut StageCtx<'_, '_>,
    stage: Stage,
    run_id: i64,
    input_hash: &str,
    err: RunError,
    acc: &StageAcc,
) -> Result<RunError, RunError> {
    let partial = match &err {
        RunError::Call {
            error: CallError::Cancelled { partial, .. },
            ..
        }
        | RunError::Unfinished { partial, .. } => Some(partial.clone()),
        _ => None,
    };
    let db = ctx.db();
    let mut partial_saved = false;
    if let Some(p) = partial.filter(|p| !p.trim().is_empty()) {
        let text = if acc.text.is_empty() {
            p
        } else {
            format!("{}\n\n{p}", acc.text)
        };
        artifacts::save(
            db.conn(),
            &ctx.ep.id,
            &NewArtifact {
                stage,
                kind: ArtifactKind::Draft,
                content: &text,
                input_hash,
                model: acc.model.as_deref(),
                cost_units: acc.cost_units,
                calls: acc.calls,
                cached: false,
            },
        )?;
        partial_saved = true;
    }
    let cancelled = matches!(
        &err,
        RunError::Call {
            error: CallError::Cancelled { .. },
            ..
        }
    );
    let status = if (partial_saved && !matches!(err, RunError::Unfinished { .. })) || cancelled {
        Status::Cancelled
    } else {
        Status::Failed
    };
    stage_runs::finish(
        db.conn(),
        run_id,
        &Finished {
            status,
            cost_units: acc.cost_units,
            model: acc.model.as_deref(),
            error: Some((run_error_code(&err), err.to_string())),
            artifact_id: None,
        },
    )?;
    stage_runs::record_notes(db.conn(), run_id, &acc.notes)?;
    Ok(match err {
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
