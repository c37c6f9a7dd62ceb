//! A streamed reply, in the order OpenRouter sends it: `: OPENROUTER PROCESSING` comments
//! while the provider works, a first chunk with the role, reasoning deltas for reasoning
//! models, content deltas at the endpoint's token rate, the chunk with `finish_reason`, a
//! separate chunk with `usage` (cost included), then `data: [DONE]`. Scripted stream faults
//! interrupt that order at a given content chunk.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::api_error::ApiError;
use super::conn::ConnHandle;
use super::plan::Plan;
use super::reply::{choice, native_finish, Chunk, Delta, ReasoningDetail};
use super::settle::{settle, Outcome, Settled};
use super::state::{scaled, Shared};
use crate::faults::{ErrorFinish, Fault};
use crate::scenario::UsageChunkStyle;
use crate::tokens;

const PROCESSING: &str = ": OPENROUTER PROCESSING\n\n";
const DONE: &str = "data: [DONE]\n\n";

pub fn respond(st: Arc<Shared>, conn: ConnHandle, plan: Plan) -> Response {
    // Capacity 1: a chunk counts as sent once the connection has taken the one before it, so
    // a client that leaves is billed for little more than it received.
    let (tx, rx) = mpsc::channel::<Bytes>(1);
    let id = plan.ident.id.clone();
    tokio::spawn(produce(st, conn, plan, tx));
    let body = Body::from_stream(stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<Bytes, Infallible>(b), rx))
    }));
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, "text/event-stream")
        .header(CACHE_CONTROL, "no-cache")
        .header("x-generation-id", id)
        .body(body)
        .unwrap_or_else(|_| ApiError::new(500, "Internal Server Error").into_response())
}

/// The sending half, remembering whether the client is gone.
struct Out {
    tx: mpsc::Sender<Bytes>,
    gone: bool,
}

impl Out {
    async fn send(&mut self, s: String) -> bool {
        if !self.gone && self.tx.send(Bytes::from(s)).await.is_err() {
            self.gone = true;
        }
        !self.gone
    }

    /// Sleeps, or returns early (false) if the client leaves meanwhile.
    async fn pause(&mut self, d: Duration) -> bool {
        if d.is_zero() {
            return !self.gone;
        }
        tokio::select! {
            _ = tokio::time::sleep(d) => {}
            _ = self.tx.closed() => self.gone = true,
        }
        !self.gone
    }

    /// Waits `total`, sending a keep-alive comment after every full `every_ms`.
    async fn wait_with_keepalive(&mut self, total: Duration, every_ms: u64) -> bool {
        let deadline = Instant::now() + total;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return !self.gone;
            }
            let left = deadline - now;
            let every = Duration::from_millis(every_ms);
            let step = if every_ms == 0 { left } else { left.min(every) };
            if !self.pause(step).await {
                return false;
            }
            if every_ms > 0
                && step == every
                && Instant::now() < deadline
                && !self.send(PROCESSING.into()).await
            {
                return false;
            }
        }
    }
}

/// Splits text into pieces of `words` words each (with their trailing spaces), so the
/// pieces join back to exactly the text.
fn pieces(text: &str, words: u32) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut count, mut in_word) = (0, 0, false);
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                in_word = false;
                count += 1;
            }
        } else {
            if !in_word && count >= words {
                out.push(&text[start..i]);
                start = i;
                count = 0;
            }
            in_word = true;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// What has gone out so far.
#[derive(Default)]
struct Progress {
    started: bool,
    reasoning_sent: String,
    content_sent: String,
    first_token_at: Option<Instant>,
}

impl Progress {
    fn completion_tokens(&self, plan: &Plan) -> (u64, u64) {
        if !self.started {
            return (0, 0);
        }
        // Hidden reasoning happened before the first token; shown reasoning counts as sent.
        let reasoning = if plan.output.reasoning_text.is_empty() {
            plan.output.reasoning_tokens
        } else {
            tokens::count(&self.reasoning_sent)
        };
        (reasoning + tokens::count(&self.content_sent), reasoning)
    }
}

fn bill(st: &Shared, plan: &Plan, p: &Progress, finish: Option<&str>, cancelled: bool) -> Settled {
    let (completion_tokens, reasoning_tokens) = p.completion_tokens(plan);
    settle(
        st,
        plan,
        Outcome {
            completion_tokens,
            reasoning_tokens,
            finish,
            cancelled,
            streamed: true,
            first_token_at: p.first_token_at,
        },
    )
}

async fn produce(st: Arc<Shared>, conn: ConnHandle, plan: Plan, tx: mpsc::Sender<Bytes>) {
    let mut out = Out { tx, gone: false };
    let mut p = Progress::default();
    if produce_inner(&st, &conn, &plan, &mut out, &mut p)
        .await
        .is_none()
    {
        // The client left: bill what it was sent.
        bill(&st, &plan, &p, None, true);
    }
}

/// Returns `None` when the client went away before the stream ended.
async fn produce_inner(
    st: &Shared,
    conn: &ConnHandle,
    plan: &Plan,
    out: &mut Out,
    p: &mut Progress,
) -> Option<()> {
    let timing = &plan.scenario.timing;
    let scale = timing.latency_scale;
    let e = &plan.endpoint;
    let tps = u64::from(e.tokens_per_second.max(1));
    let reasoning_gen = plan.output.reasoning_tokens > 0;
    let ident = &plan.ident;
    let delta = |content: &str, reasoning: Option<&str>| Delta {
        role: "assistant",
        content: content.to_owned(),
        reasoning: reasoning_gen
            .then(|| reasoning.map_or(Value::Null, |r| Value::String(r.into()))),
        reasoning_details: reasoning_gen.then(|| {
            reasoning
                .map(|r| {
                    vec![ReasoningDetail {
                        kind: "reasoning.text",
                        text: r.to_owned(),
                        format: "unknown",
                        index: 0,
                    }]
                })
                .unwrap_or_default()
        }),
    };
    let ok = |b: bool| b.then_some(());

    for _ in 0..timing.processing_comments {
        ok(out.send(PROCESSING.into()).await)?;
    }
    ok(out
        .wait_with_keepalive(scaled(plan.first_token_ms(), scale), timing.keepalive_ms)
        .await)?;

    ok(out
        .send(Chunk::new(ident, vec![choice(delta("", None), None, None)]).sse())
        .await)?;
    p.started = true;
    p.first_token_at = Some(Instant::now());

    for piece in pieces(&plan.output.reasoning_text, timing.words_per_chunk) {
        ok(out
            .send(Chunk::new(ident, vec![choice(delta("", Some(piece)), None, None)]).sse())
            .await)?;
        p.reasoning_sent.push_str(piece);
        ok(out
            .pause(scaled(tokens::count(piece) * 1000 / tps, scale))
            .await)?;
    }

    let content = pieces(&plan.output.content, timing.words_per_chunk);
    for i in 0..=content.len() {
        for fault in plan
            .stream_faults
            .iter()
            .filter(|f| fires_at(f, i, content.len()))
        {
            match fault {
                Fault::StallMidStream { ms, .. } => {
                    ok(out.pause(Duration::from_millis(*ms)).await)?;
                }
                Fault::MalformedChunk { .. } => {
                    let broken = format!(
                        "data: {{\"id\":\"{}\",\"provider\":\"{}\",\"model\":\"{}\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"\n\n",
                        ident.id, ident.provider, ident.model
                    );
                    ok(out.send(broken).await)?;
                }
                Fault::MidStreamError {
                    code,
                    message,
                    finish_reason,
                    ..
                } => {
                    let settled = bill(st, plan, p, Some("error"), false);
                    let finish = match finish_reason {
                        ErrorFinish::Error => Some("error"),
                        ErrorFinish::Null => None,
                    };
                    let mut chunk =
                        Chunk::new(ident, vec![choice(delta("", None), finish, finish)]);
                    chunk.error = Some(json!({
                        "code": code,
                        "message": message.clone().unwrap_or_else(|| "Provider returned error".into()),
                    }));
                    chunk.usage = Some(settled.usage);
                    // Billed already: a client leaving now changes nothing.
                    if out.send(chunk.sse()).await {
                        out.send(DONE.into()).await;
                    }
                    return Some(());
                }
                Fault::TruncatedStream { .. } => {
                    bill(st, plan, p, None, false);
                    return Some(());
                }
                Fault::ResetMidStream { .. } => {
                    bill(st, plan, p, None, false);
                    conn.reset();
                    // Hold the body open until the connection is gone: ending it here would
                    // let the stream finish cleanly before the reset lands.
                    out.tx.closed().await;
                    return Some(());
                }
                _ => {}
            }
        }
        let Some(piece) = content.get(i) else { break };
        ok(out
            .send(Chunk::new(ident, vec![choice(delta(piece, None), None, None)]).sse())
            .await)?;
        p.content_sent.push_str(piece);
        ok(out
            .pause(scaled(tokens::count(piece) * 1000 / tps, scale))
            .await)?;
    }

    let finish = plan.output.finish;
    let native = native_finish(&plan.model.id, finish);
    ok(out
        .send(
            Chunk::new(
                ident,
                vec![choice(delta("", None), Some(finish), Some(&native))],
            )
            .sse(),
        )
        .await)?;
    let settled = bill(st, plan, p, Some(finish), false);
    let choices = match plan.scenario.usage_chunk {
        UsageChunkStyle::EmptyChoice => vec![choice(
            Delta {
                role: "assistant",
                ..Delta::default()
            },
            None,
            None,
        )],
        UsageChunkStyle::NoChoices => Vec::new(),
    };
    let mut usage_chunk = Chunk::new(ident, choices);
    usage_chunk.usage = Some(settled.usage);
    // Billing is done; a client leaving now changes nothing.
    if out.send(usage_chunk.sse()).await {
        out.send(DONE.into()).await;
    }
    Some(())
}

/// Stream faults fire before content chunk `after_chunks`; one past the end fires just before
/// the finish chunk.
fn fires_at(f: &Fault, i: usize, len: usize) -> bool {
    let at = match f {
        Fault::StallMidStream { after_chunks, .. }
        | Fault::MidStreamError { after_chunks, .. }
        | Fault::TruncatedStream { after_chunks }
        | Fault::MalformedChunk { after_chunks }
        | Fault::ResetMidStream { after_chunks } => *after_chunks as usize,
        _ => return false,
    };
    at.min(len) == i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_join_back_exactly() {
        let text = "One two  three\nfour five. Six";
        for n in 1..5 {
            let p = pieces(text, n);
            assert_eq!(p.concat(), text);
            assert!(p.len() > 1);
        }
        assert_eq!(pieces("a b c d", 2), vec!["a b ", "c d"]);
        assert!(pieces("", 3).is_empty());
    }
}
