//! Quality check: the script judged against the notes as a schema-checked verdict; below the
//! pass mark, one rewrite by a later Script model and a check of the rewrite. The rewrite and
//! its check belong to this stage (their cost is counted in it).

use super::super::artifacts::{self, ArtifactKind, NewArtifact};
use super::super::call_plan::{rewrite_chain, rewrite_max_tokens};
use super::super::continuation::{plain_judge, Judged};
use super::super::quality::{self, Verdict};
use super::super::run::error::RunError;
use super::super::run::events::ProgressEvent;
use super::super::run::inputs::input_hash;
use super::super::stage_ctx::{Ask, StageAcc, StageCtx};
use super::super::{completeness, prompts, research, script_answer, Stage, StageSettings};
use crate::routing::CallError;

/// Checks the current script; returns the verdict as saved text and as a value.
pub(crate) async fn run(
    ctx: &mut StageCtx<'_, '_>,
    settings: &StageSettings,
    forced: bool,
    acc: &mut StageAcc,
) -> Result<(String, Verdict), RunError> {
    let (script, version) = artifacts::current(ctx.db().conn(), &ctx.ep.id, Stage::Script)?
        .map(|a| (a.content, Some(a.version)))
        .unwrap_or_default();
    let v = check(ctx, &script, version, settings, forced, acc).await?;
    Ok((serde_json::to_string(&v).unwrap_or_default(), v))
}

/// Asks the chain for a verdict; an answer that does not fit the schema counts as a failure
/// of that model, and the next one is asked. The verdict names the script version it judged.
async fn check(
    ctx: &mut StageCtx<'_, '_>,
    script: &str,
    version: Option<u32>,
    settings: &StageSettings,
    forced: bool,
    acc: &mut StageAcc,
) -> Result<Verdict, RunError> {
    let ep = ctx.ep;
    let labelled = research::labelled(ctx.notes);
    let target = ep.brief.word_target();
    // Counted as the script view counts the version on screen (spoken lines), so the verdict
    // and the script header give the same figure.
    let words = crate::script::Script::parse(script).word_count();
    let ask = Ask {
        response_format: Some(prompts::verdict_schema()),
        bypass_cache: forced,
        stream: ctx.opts.stream,
        ..Ask::new(
            Stage::QualityCheck,
            settings,
            crate::factcheck::with_local_findings(
                prompts::quality(&ep.brief, script, &labelled, words, target),
                script,
                ctx.notes,
            ),
        )
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
    let c = ctx.complete(&ask, None, acc, &judge).await?;
    let read = quality::read(&c.text, target, words).map(|v| quality::Verdict {
        checked_version: version,
        ..v
    });
    read.map_err(|why| RunError::Unfinished {
        stage: Stage::QualityCheck,
        message: format!(
            "{} {}. Try other models for the Quality check.",
            ctx.display(&c.model),
            why.describe()
        ),
        partial: String::new(),
        partial_saved: false,
    })
}

/// Below the pass mark: the next script model rewrites the script once with the fixes (if
/// the budget allows), and the rewrite is checked again. Both versions are kept.
pub(crate) async fn rewrite(
    ctx: &mut StageCtx<'_, '_>,
    v: &Verdict,
    acc: &mut StageAcc,
) -> Result<(), RunError> {
    let ep = ctx.ep;
    let Some(script_art) = artifacts::current(ctx.db().conn(), &ep.id, Stage::Script)? else {
        return Ok(());
    };
    // A script is rewritten once: a rewrite whose check failed (or a run resumed between the
    // rewrite and its check) keeps the rewrite and its verdict.
    if script_art.kind == ArtifactKind::Rewrite {
        return Ok(());
    }
    let Some(chain) = rewrite_chain(&ep.plan.script.chain, script_art.model.as_deref()) else {
        return Ok(());
    };
    let labelled = research::labelled(ctx.notes);
    let target = ep.brief.word_target();
    let mut racc = StageAcc::default();
    ctx.emit(ProgressEvent::TextReset {
        stage: Stage::Script,
    });
    let settings = &ep.plan.script;
    let ask = Ask {
        // Written into the Script card, paid by this stage: its cost is counted here only.
        paid_by: Some(Stage::QualityCheck),
        chain,
        max_tokens: rewrite_max_tokens(target, settings),
        stream: ctx.opts.stream,
        ..Ask::new(
            Stage::Script,
            settings,
            prompts::rewrite(&ep.brief, &script_art.content, &v.fixes, &labelled, target),
        )
    };
    let c = match ctx.call(&ask, &mut racc).await {
        Ok(c) => c,
        // Not enough budget for the rewrite: the producer keeps the checked script.
        Err(RunError::Call {
            error: CallError::Budget(_),
            ..
        }) => return Ok(()),
        Err(e) => return Err(e),
    };
    acc.add_spend(&racc);
    // An unfinished rewrite is not a better script: the checked one stays.
    if let Some(why) = completeness::judge(&c.text, c.finish_reason.as_deref(), &[]) {
        let message = format!(
            "{} {} while rewriting — the checked script is kept",
            ctx.display(&c.model),
            why.describe()
        );
        ctx.emit(ProgressEvent::AttemptFailed {
            stage: Stage::Script,
            model: c.model.clone(),
            message,
        });
        return Ok(());
    }
    ctx.flush(Stage::Script).await?;
    let (rewritten, answer) = script_answer::clean_script(&ep.brief, &[&c.text]);
    let rewritten_version = {
        let db = ctx.db();
        let art = artifacts::save(
            db.conn(),
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
        script_answer::save(db.conn(), art.id, &answer)?;
        art.version
    };
    // Check the rewrite too, so its verdict is known and a later run reuses it.
    let qsettings = ep.plan.quality_check.clone();
    let mut qacc = StageAcc::default();
    match check(
        ctx,
        &rewritten,
        Some(rewritten_version),
        &qsettings,
        false,
        &mut qacc,
    )
    .await
    {
        Ok(v2) => {
            acc.add_spend(&qacc);
            ctx.flush(Stage::QualityCheck).await?;
            let db = ctx.db();
            let hash = input_hash(db.conn(), ep, Stage::QualityCheck, ctx.notes)?;
            artifacts::save(
                db.conn(),
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
