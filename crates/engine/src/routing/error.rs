//! How a call fails, in words a producer can act on.

use crate::bookkeeping::BookkeepingError;
use crate::budget::BudgetError;
use crate::gateway::{FailureKind, GatewayError};
use crate::ErrorCode;

use super::call::AttemptNote;

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Budget(#[from] BudgetError),
    /// 401, 402 or 400: no other model can help.
    #[error("{error}")]
    Stopped {
        error: GatewayError,
        spent_units: i64,
    },
    #[error("{}", every_model_failed(.last, .trail))]
    AllFailed {
        last: GatewayError,
        trail: Vec<AttemptNote>,
        spent_units: i64,
    },
    #[error("Stopped. The text so far is kept as a draft.")]
    Cancelled { partial: String, spent_units: i64 },
    #[error(
        "There are no prices for {model} on this connection, so Castwright cannot keep this call \
         within the spending limit. Enter its prices in Settings, or turn the limit off for this \
         connection."
    )]
    NoPrices { model: String },
    #[error("Castwright's spending records could not be written. {}", crate::store::plain_words(.0))]
    Store(#[from] rusqlite::Error),
    #[error(transparent)]
    Records(#[from] BookkeepingError),
    #[error("This step has no models. Choose at least one model for it.")]
    EmptyChain,
}

fn every_model_failed(last: &GatewayError, trail: &[AttemptNote]) -> String {
    let mut models: Vec<&str> = Vec::new();
    for n in trail {
        if !models.contains(&n.model_requested.as_str()) {
            models.push(&n.model_requested);
        }
    }
    let names: Vec<String> = models
        .iter()
        .map(|m| crate::catalog::model_ids::name_from_id(m))
        .collect();
    // A model that is gone will not come back: waiting is no advice for it.
    let advice = if last.kind == FailureKind::ModelNotFound {
        "Choose other models for this step."
    } else {
        "Try again later, or choose other models."
    };
    format!(
        "Every model for this step failed ({}). Last: {last} {advice}",
        names.join(", ")
    )
}

impl CallError {
    /// What a failed call is called outside (the table is `crate::error_codes`).
    pub fn code(&self) -> ErrorCode {
        match self {
            CallError::Budget(b) => b.code(),
            CallError::NoPrices { .. } => ErrorCode::BudgetRefused,
            CallError::Store(_) | CallError::Records(_) => ErrorCode::Database,
            CallError::Stopped { error, .. } => match error.kind.code() {
                ErrorCode::Internal => ErrorCode::AllModelsFailed,
                code => code,
            },
            CallError::AllFailed { .. } | CallError::EmptyChain => ErrorCode::AllModelsFailed,
            CallError::Cancelled { .. } => ErrorCode::Cancelled,
        }
    }

    /// What was spent before the call failed.
    pub fn spent_units(&self) -> i64 {
        match self {
            CallError::Stopped { spent_units, .. }
            | CallError::AllFailed { spent_units, .. }
            | CallError::Cancelled { spent_units, .. } => *spent_units,
            _ => 0,
        }
    }
}
