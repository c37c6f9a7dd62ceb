//! `POST /api/v1/chat/completions`: authentication, the 402 pre-flight, routing through the
//! `models` array and each model's providers, scripted faults, then a plain or streamed reply.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::api_error::ApiError;
use super::auth::authorize;
use super::catalog_answers;
use super::conn::ConnHandle;
use super::plan::{make_plan, max_output};
use super::state::Shared;
use super::{plain, stream};
use crate::catalog::{Endpoint, Lookup, Model};
use crate::faults::{Fault, Target};
use crate::request::ChatRequest;
use crate::routing::{self, split_suffix};
use crate::scenario::Scenario;
use crate::tokens;

enum Step {
    /// This model or endpoint failed; try the next.
    Failed(ApiError),
    /// Answer with this error now.
    Stop(ApiError),
    /// Reset the connection.
    Reset,
    Go,
}

/// Applies the faults that fired: the first error wins; stalls add up; stream faults wait
/// for the stream.
fn apply(
    faults: Vec<Fault>,
    model: &str,
    endpoint: Option<&Endpoint>,
    user_text: &str,
    stall: &mut Duration,
    stream_faults: &mut Vec<Fault>,
) -> Step {
    for f in faults {
        match &f {
            Fault::ConnectionReset => return Step::Reset,
            Fault::StallFirstByte { ms } => *stall += Duration::from_millis(*ms),
            f if f.stream_only() => stream_faults.push(f.clone()),
            f => {
                if let Some(e) = ApiError::from_fault(f, model, endpoint, user_text) {
                    return if e.terminal {
                        Step::Stop(e)
                    } else {
                        Step::Failed(e)
                    };
                }
            }
        }
    }
    Step::Go
}

pub async fn completions(
    State(st): State<Arc<Shared>>,
    Extension(conn): Extension<ConnHandle>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let key = match authorize(&st, &headers) {
        Ok(key) => key,
        Err(e) => return e.into_response(),
    };
    let scenario = st.scenario();
    let req: ChatRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return ApiError::bad_request(format!("Invalid request body: {e}")).into_response()
        }
    };
    if req.messages.is_empty() {
        return ApiError::bad_request("Input required: specify \"messages\"").into_response();
    }
    let chain = req.model_chain();
    if chain.is_empty() {
        return ApiError::bad_request("No models provided").into_response();
    }
    if let Some(e) = catalog_answers::unlisted(&st.catalog, &chain) {
        return e.into_response();
    }

    let request_no = st.next_request();
    let texts: Vec<String> = req.messages.iter().map(|m| m.text()).collect();
    let prompt_tokens = tokens::prompt(texts.iter().map(String::as_str));
    let user_text = req
        .messages
        .iter()
        .rev()
        .find(|m| m.role == "user")
        .map(|m| m.text())
        .unwrap_or_default();
    let request_hash = req.content_hash();

    let mut stall = Duration::ZERO;
    let mut last_err: Option<ApiError> = None;
    let mut attempt = 0u64;
    for requested in &chain {
        let (base, variant) = split_suffix(requested);
        let model = match st.catalog.lookup(base) {
            Lookup::Found(m) => m,
            // Refused above, before anything was tried.
            Lookup::Retired | Lookup::Unknown => continue,
        };
        if let Some(e) = catalog_answers::free_refusal(&st, &scenario, &key, &model.id) {
            last_err = Some(e);
            continue;
        }
        let endpoints = routing::route(
            routing::effective_endpoints(model, &scenario.endpoints),
            variant,
            req.provider.as_ref(),
            st.seed,
            request_hash,
        );
        let Some(first) = endpoints.first() else {
            last_err = Some(ApiError::new(
                503,
                "No allowed providers are available for the selected model.",
            ));
            continue;
        };
        if let Some(requested_max) = req.requested_max_tokens() {
            let ctx = model.context_for(first);
            if prompt_tokens + requested_max > ctx {
                last_err = Some(ApiError::bad_request(format!(
                    "This endpoint's maximum context length is {ctx} tokens. However, you requested about {} tokens ({prompt_tokens} of text input, {requested_max} in the output). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.",
                    prompt_tokens + requested_max
                )));
                continue;
            }
        } else if prompt_tokens >= model.context_for(first) {
            last_err = Some(ApiError::bad_request(format!(
                "This endpoint's maximum context length is {} tokens. However, you requested about {prompt_tokens} tokens of text input. Please reduce the length of the messages, or use the \"middle-out\" transform to compress your prompt automatically.",
                model.context_for(first)
            )));
            continue;
        }
        if let Some(e) = preflight(&st, &scenario, &key, &req, model, first, prompt_tokens) {
            return stalled(stall, e.into_response()).await;
        }

        let mut stream_faults = Vec::new();
        let fired = st.check_faults(&Target {
            model: base,
            endpoint: None,
            key: &key,
            stream: req.stream,
        });
        match apply(
            fired,
            base,
            None,
            &user_text,
            &mut stall,
            &mut stream_faults,
        ) {
            Step::Failed(e) => {
                last_err = Some(e);
                continue;
            }
            Step::Stop(e) => return stalled(stall, e.into_response()).await,
            Step::Reset => return reset(&conn).await,
            Step::Go => {}
        }

        for endpoint in &endpoints {
            attempt += 1;
            let mut ep_faults = stream_faults.clone();
            let fired = st.check_faults(&Target {
                model: base,
                endpoint: Some(endpoint),
                key: &key,
                stream: req.stream,
            });
            match apply(
                fired,
                base,
                Some(endpoint),
                &user_text,
                &mut stall,
                &mut ep_faults,
            ) {
                Step::Failed(e) => {
                    last_err = Some(e);
                    continue;
                }
                Step::Stop(e) => return stalled(stall, e.into_response()).await,
                Step::Reset => return reset(&conn).await,
                Step::Go => {}
            }
            if st.uptime_failure(&scenario, endpoint.uptime, request_no, attempt) {
                last_err = Some(ApiError::provider(
                    502,
                    &endpoint.provider,
                    format!(
                        "{{\"error\":{{\"message\":\"{} is unavailable\",\"code\":503}}}}",
                        endpoint.provider
                    ),
                ));
                continue;
            }

            let plan = make_plan(
                &st,
                &scenario,
                &key,
                &req,
                model,
                endpoint,
                request_no,
                prompt_tokens,
                ep_faults,
                started,
            );
            tracing::info!(
                id = %plan.ident.id,
                model = %plan.model.id,
                provider = %plan.endpoint.provider,
                stream = req.stream,
                "serving"
            );
            if !stall.is_zero() {
                tokio::time::sleep(stall).await;
            }
            return if req.stream {
                stream::respond(st.clone(), conn.clone(), plan)
            } else {
                plain::respond(st.clone(), plan).await
            };
        }
    }
    let err = last_err.unwrap_or_else(|| ApiError::new(500, "Internal Server Error"));
    stalled(stall, err.into_response()).await
}

async fn stalled(stall: Duration, res: Response) -> Response {
    if !stall.is_zero() {
        tokio::time::sleep(stall).await;
    }
    res
}

/// Resets the connection; the response is never sent.
async fn reset(conn: &ConnHandle) -> Response {
    conn.reset();
    std::future::pending::<()>().await;
    ApiError::new(500, "Internal Server Error").into_response()
}

/// OpenRouter's pre-flight: a request whose worst case (`max_tokens`, or the model's default
/// maximum) costs more than the key has left is refused with 402 before any work.
fn preflight(
    st: &Shared,
    scenario: &Scenario,
    key: &str,
    req: &ChatRequest,
    model: &Model,
    e: &Endpoint,
    prompt_tokens: u64,
) -> Option<ApiError> {
    let prices = e.prices();
    if prices.is_free() {
        return None;
    }
    let remaining = st.ledger().remaining(key, scenario);
    let max_out = max_output(req, model, e, prompt_tokens);
    if prices.worst_case(prompt_tokens, max_out) <= remaining {
        return None;
    }
    if remaining <= Decimal::ZERO {
        return Some(ApiError::new(
            402,
            "Insufficient credits. This account never purchased credits or has spent them all. Add more using https://openrouter.ai/settings/credits",
        ));
    }
    let after_prompt = remaining - Decimal::from(prompt_tokens) * prices.prompt;
    let afford = if prices.completion.is_zero() || after_prompt <= Decimal::ZERO {
        0
    } else {
        (after_prompt / prices.completion)
            .floor()
            .to_u64()
            .unwrap_or(0)
    };
    Some(ApiError::new(
        402,
        format!(
            "This request requires more credits, or fewer max_tokens. You requested up to {max_out} tokens, but can only afford {afford}. To increase, visit https://openrouter.ai/settings/credits and add more credits"
        ),
    ))
}
