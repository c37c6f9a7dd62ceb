//! A non-streamed reply: wait as long as the provider would take, bill, answer.

use std::sync::Arc;

use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::plan::Plan;
use super::reply::{native_finish, Choice, Completion, Message};
use super::settle::{settle, Outcome};
use super::state::{scaled, Shared};

pub async fn respond(st: Arc<Shared>, plan: Plan) -> Response {
    let scale = plan.scenario.timing.latency_scale;
    let e = &plan.endpoint;
    let completion_tokens = plan.output.completion_tokens();
    let ttft = scaled(plan.first_token_ms(), scale);
    let gen_ms = completion_tokens.saturating_mul(1000) / u64::from(e.tokens_per_second.max(1));
    tokio::time::sleep(ttft).await;
    let first_token_at = std::time::Instant::now();
    tokio::time::sleep(scaled(gen_ms, scale)).await;

    let settled = settle(
        &st,
        &plan,
        Outcome {
            completion_tokens,
            reasoning_tokens: plan.output.reasoning_tokens,
            finish: Some(plan.output.finish),
            cancelled: false,
            streamed: false,
            first_token_at: Some(first_token_at),
        },
    );
    let out = &plan.output;
    let body = Completion {
        id: plan.ident.id.clone(),
        provider: plan.ident.provider.clone(),
        model: plan.ident.model.clone(),
        object: "chat.completion",
        created: plan.ident.created,
        choices: vec![Choice {
            logprobs: None,
            finish_reason: out.finish.to_owned(),
            native_finish_reason: native_finish(&plan.model.id, out.finish),
            index: 0,
            message: Message {
                role: "assistant",
                content: out.content.clone(),
                refusal: None,
                reasoning: (!out.reasoning_text.is_empty()).then(|| out.reasoning_text.clone()),
            },
        }],
        system_fingerprint: None,
        usage: settled.usage,
    };
    let mut res = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&plan.ident.id) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-generation-id"), v);
    }
    res
}
