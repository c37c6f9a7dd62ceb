//! Script: the outline into a script, a few segments per call for long episodes (see
//! `call_plan::script_parts`), each part finished before it is joined.

use super::super::artifacts;
use super::super::call_plan::script_parts;
use super::super::continuation::plain_judge;
use super::super::run::error::RunError;
use super::super::run::events::ProgressEvent;
use super::super::stage_ctx::{Ask, StageAcc, StageCtx};
use super::super::{prompts, research, script_answer, Stage, StageSettings};

pub(crate) async fn run(
    ctx: &mut StageCtx<'_, '_>,
    settings: &StageSettings,
    forced: bool,
    acc: &mut StageAcc,
) -> Result<String, RunError> {
    let ep = ctx.ep;
    let outline = artifacts::current(ctx.db().conn(), &ep.id, Stage::Synthesis)?
        .map(|a| a.content)
        .unwrap_or_default();
    let labelled = research::labelled(ctx.notes);
    let segments = prompts::segment_plan(&ep.brief);
    let parts = script_parts(ep.brief.word_target(), &segments, settings);
    let mut script = String::new();
    let mut answers: Vec<String> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            ctx.emit(ProgressEvent::TextDelta {
                stage: Stage::Script,
                text: "\n\n".into(),
            });
            script.push_str("\n\n");
        }
        acc.text = script.clone();
        let ask = Ask {
            max_tokens: part.max_tokens,
            bypass_cache: forced,
            stream: ctx.opts.stream,
            ..Ask::new(
                Stage::Script,
                settings,
                prompts::script(&ep.brief, &outline, &labelled, part.segments, part.words),
            )
        };
        let c = ctx
            .complete(&ask, None, acc, &plain_judge(part.segments))
            .await?;
        script.push_str(c.text.trim());
        answers.push(c.text);
    }
    // Each part's chat is taken off on its own; the clean script is what is saved.
    let (content, answer) = script_answer::clean_script(&ep.brief, &answers);
    acc.answer = Some(answer);
    Ok(content)
}
