//! Research: the notes in batches (see `pipeline::research`), asked in parallel with bounded
//! concurrency; cut-off or empty findings are finished one batch at a time afterwards.

use futures_util::StreamExt;

use super::super::continuation::{plain_judge, Judged};
use super::super::run::error::RunError;
use super::super::run::events::ProgressEvent;
use super::super::stage_ctx::{Ask, StageAcc, StageCtx};
use super::super::{prompts, research, Stage, StageSettings};
use crate::routing::CallEvent;

pub(crate) async fn run(
    ctx: &mut StageCtx<'_, '_>,
    settings: &StageSettings,
    forced: bool,
    acc: &mut StageAcc,
) -> Result<String, RunError> {
    let ep = ctx.ep;
    let batches = research::plan(ctx.notes);
    let ask_for = |batch: &research::Batch, stream: bool| Ask {
        bypass_cache: forced,
        stream,
        ..Ask::new(
            Stage::Research,
            settings,
            prompts::research(&ep.brief, &batch.pieces),
        )
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ProgressEvent>();
    let calls = batches
        .iter()
        .map(|batch| {
            let tx = tx.clone();
            let spec = ctx.spec(&ask_for(batch, ctx.opts.stream));
            let router = ctx.router.clone();
            let mut map = ctx.event_map(Stage::Research);
            let cancel = ctx.cancel;
            async move {
                let mut on = |e: CallEvent<'_>| {
                    if let Some(ev) = map.map(e) {
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
            Some(ev) = rx.recv() => ctx.emit(ev),
        }
    };
    while let Ok(ev) = rx.try_recv() {
        ctx.emit(ev);
    }
    let mut findings = Vec::new();
    let mut first_err = None;
    let judge = plain_judge(&[]);
    for (r, batch) in results.into_iter().zip(&batches) {
        let r = match ctx.after_call(Stage::Research, r, acc) {
            // Empty or cut-off findings are finished one batch at a time, after the rest.
            Ok(c)
                if first_err.is_none()
                    && !matches!(judge(&c.text, c.finish_reason.as_deref()), Judged::Done) =>
            {
                acc.text = findings.join("\n");
                ctx.complete(&ask_for(batch, false), Some(c), acc, &judge)
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
    ctx.emit(ProgressEvent::TextDelta {
        stage: Stage::Research,
        text: text.clone(),
    });
    Ok(text)
}
