//! The privacy check: which models of a plan the "do not store or train on my material"
//! choice (`provider.data_collection: "deny"`) rules out.
//!
//! OpenRouter's public model and endpoint lists do not say which providers keep prompts, so
//! the only faithful answer is OpenRouter's own: each model is asked for one word with the
//! choice switched on. A model with no provider that honours it is refused before anything is
//! generated ($0); the others answer one token. Every probe goes through the engine's one
//! call path, so it is in the request log and within the monthly limit like any other call.

use std::collections::BTreeMap;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::budget::ScopeLimit;
use crate::gateway::{FailureKind, GatewayError, Message};
use crate::pipeline::{Stage, StagePlan};
use crate::routing::{CallError, CallSpec, Chain, ConnectionKind, Router, Variant};
use crate::ErrorCode;

/// One model the check could not clear.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrivacyModel {
    pub model: String,
    pub name: String,
    /// The stages of the plan that use it.
    pub stages: Vec<Stage>,
    /// Why it could not be checked (for `unknown`); none for a model ruled out.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrivacyCheck {
    /// Distinct models of the plan that were asked.
    pub checked: u32,
    /// No provider of theirs promises not to store or train on the material.
    pub ruled_out: Vec<PrivacyModel>,
    /// Could not be checked now; `reason` says why.
    pub unknown: Vec<PrivacyModel>,
    /// What the check itself cost, USD (a decimal string).
    pub cost_usd: String,
    pub simulated: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error(
        "The privacy choice applies to OpenRouter. This service keeps its own rules: read its \
         terms to see whether it stores what you send."
    )]
    NotOpenRouter,
    /// The key, the credit or the monthly limit stops every probe alike: said once.
    #[error("{message}")]
    Stopped { code: ErrorCode, message: String },
}

impl PrivacyError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PrivacyError::NotOpenRouter => ErrorCode::InvalidInput,
            PrivacyError::Stopped { code, .. } => *code,
        }
    }
}

/// Asks each distinct model of `plan` for one word with data collection denied.
/// `name` gives a model's display name; `monthly_limit` keeps the probes inside the month's cap.
pub async fn check(
    router: &Router,
    plan: &StagePlan,
    monthly_limit: Option<rust_decimal::Decimal>,
    name: &(dyn Fn(&str) -> String + Sync),
) -> Result<PrivacyCheck, PrivacyError> {
    let kind = router.profile().kind;
    if kind == ConnectionKind::OpenAiCompatible {
        return Err(PrivacyError::NotOpenRouter);
    }
    let probe = router.denying_data_collection();

    // Each model once, with the stages that use it and the variant of its first stage.
    let mut models: BTreeMap<String, (Vec<Stage>, Variant)> = BTreeMap::new();
    for stage in Stage::ALL {
        let chain = &plan.get(stage).chain;
        for m in &chain.models {
            let entry = models
                .entry(m.clone())
                .or_insert_with(|| (Vec::new(), chain.variant));
            if !entry.0.contains(&stage) {
                entry.0.push(stage);
            }
        }
    }

    let month = crate::clock::month(crate::clock::now());
    let cancel = CancellationToken::new();
    let mut out = PrivacyCheck {
        checked: u32::try_from(models.len()).unwrap_or(u32::MAX),
        ruled_out: Vec::new(),
        unknown: Vec::new(),
        cost_usd: String::new(),
        simulated: kind == ConnectionKind::Demo,
    };
    let mut spent_units: i64 = 0;
    // One at a time: a handful of one-token calls, and no burst against the key's rate limit.
    for (model, (stages, variant)) in models {
        let spec = CallSpec {
            episode_id: None,
            stage: None,
            chain: Chain {
                models: vec![model.clone()],
                variant,
            },
            messages: vec![Message::user("Reply with the single word: ready")],
            max_tokens: 1,
            min_tokens: 1,
            temperature: Some(0.0),
            response_format: None,
            stop: None,
            stream: false,
            bypass_cache: true,
            limits: vec![ScopeLimit::month(&month, monthly_limit)],
        };
        let entry = |reason: Option<String>| PrivacyModel {
            name: name(&model),
            model: model.clone(),
            stages: stages.clone(),
            reason,
        };
        match probe.call(&spec, &cancel, &mut |_| {}).await {
            Ok(outcome) => spent_units += outcome.cost_units,
            Err(e) => {
                spent_units += e.spent_units();
                if let Some(code) = stops_everything(&e) {
                    return Err(PrivacyError::Stopped {
                        code,
                        message: e.to_string(),
                    });
                }
                match refusal(&e) {
                    Some(gateway) if rules_out(gateway) => out.ruled_out.push(entry(None)),
                    _ => out.unknown.push(entry(Some(e.to_string()))),
                }
            }
        }
    }
    // The probes' rows are in the request log before the answer is shown.
    probe.flush().await.map_err(|e| PrivacyError::Stopped {
        code: ErrorCode::Database,
        message: e.to_string(),
    })?;
    out.cost_usd = crate::money::from_units(spent_units)
        .normalize()
        .to_string();
    Ok(out)
}

fn stops_everything(e: &CallError) -> Option<ErrorCode> {
    match e {
        CallError::Budget(b) => Some(b.code()),
        CallError::Stopped { error, .. } => match error.kind {
            FailureKind::Unauthorized => Some(ErrorCode::KeyRejected),
            FailureKind::PaymentRequired => Some(ErrorCode::CreditsExhausted),
            _ => None,
        },
        CallError::Store(_) | CallError::Records(_) => Some(ErrorCode::Database),
        _ => None,
    }
}

fn refusal(e: &CallError) -> Option<&GatewayError> {
    match e {
        CallError::AllFailed { last, .. } | CallError::Stopped { error: last, .. } => Some(last),
        _ => None,
    }
}

/// OpenRouter answers "no allowed providers" (503) when its routing filters leave nothing,
/// and a 404 that names the data policy; either means this model has no provider that
/// honours the choice. A 404 without that wording is a retired model, which is not ours to
/// call ruled out by privacy.
fn rules_out(e: &GatewayError) -> bool {
    let msg = e.server_message.to_ascii_lowercase();
    match e.kind {
        FailureKind::NoProvider => true,
        FailureKind::ModelNotFound => msg.contains("data policy") || msg.contains("privacy"),
        _ => false,
    }
}
