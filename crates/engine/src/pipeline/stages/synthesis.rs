//! Synthesis: the research findings into one outline, in one call.

use super::super::artifacts;
use super::super::continuation::plain_judge;
use super::super::run::error::RunError;
use super::super::stage_ctx::{Ask, StageAcc, StageCtx};
use super::super::{prompts, Stage, StageSettings};

pub(crate) async fn run(
    ctx: &mut StageCtx<'_, '_>,
    settings: &StageSettings,
    forced: bool,
    acc: &mut StageAcc,
) -> Result<String, RunError> {
    let findings = artifacts::current(ctx.db().conn(), &ctx.ep.id, Stage::Research)?
        .map(|a| a.content)
        .unwrap_or_default();
    let ask = Ask {
        bypass_cache: forced,
        stream: ctx.opts.stream,
        ..Ask::new(
            Stage::Synthesis,
            settings,
            prompts::synthesis(&ctx.ep.brief, &findings),
        )
    };
    let c = ctx.complete(&ask, None, acc, &plain_judge(&[])).await?;
    Ok(c.text)
}
