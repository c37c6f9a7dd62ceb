//! The one table of codes, for a model call's failure: a stop the producer can act on says
//! so; any other stop is told as no model giving finished work, with exit status 5.

use castwright_engine::budget::BudgetError;
use castwright_engine::error_codes::{exit_status, CommandFailure};
use castwright_engine::gateway::{FailureKind, GatewayError};
use castwright_engine::routing::CallError;
use castwright_engine::ErrorCode;

fn stop(kind: FailureKind) -> CallError {
    CallError::Stopped {
        error: GatewayError::new(kind, "x"),
        spent_units: 0,
    }
}

#[test]
fn a_stopped_call_says_what_the_producer_can_do() {
    let cases = [
        (FailureKind::Unauthorized, ErrorCode::KeyRejected, 4),
        (FailureKind::PaymentRequired, ErrorCode::CreditsExhausted, 4),
        (FailureKind::BadRequest, ErrorCode::InvalidInput, 2),
        (FailureKind::RateLimited, ErrorCode::AllModelsFailed, 5),
    ];
    for (kind, code, exit) in cases {
        assert_eq!(stop(kind).code(), code, "{kind:?}");
        assert_eq!(exit_status(stop(kind).code()), exit, "{kind:?}");
    }
}

#[test]
fn a_budget_refusal_is_budget_refused_wherever_it_comes_from() {
    let refused = BudgetError::Refused {
        needed: "$1".into(),
        left: "$0".into(),
        what: "this episode".into(),
        needed_units: 1,
        left_units: 0,
    };
    assert_eq!(refused.code(), ErrorCode::BudgetRefused);
    assert_eq!(CallError::Budget(refused).code(), ErrorCode::BudgetRefused);
    assert_eq!(exit_status(ErrorCode::BudgetRefused), 3);
    assert_eq!(CommandFailure::NoUsableNotes.exit_status(), 2);
}
