//! The one fallback decision: after something went wrong with a model, whether to ask the
//! same model again, move to a later model of the chain, or stop — with the reason. Every
//! place that moves a call or a stage to another model asks [`next_step`]; see the map in
//! the `routing` module.

use std::time::Duration;

use crate::gateway::FailureKind;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Try the same models again after a backoff (then move on when retries run out).
    Retry,
    /// Go straight to the next models in the chain.
    NextModel,
    /// Stop the call: no other model can help.
    Stop,
}

/// The one table of which failures retry, move on, or stop. Each row has a test.
pub fn action_for(kind: FailureKind) -> Action {
    use FailureKind::*;
    match kind {
        // Nothing else will go better: the request, the key or the money is the problem.
        BadRequest | Unauthorized | PaymentRequired | Cancelled => Action::Stop,
        // This model cannot serve this request; another might.
        ModelNotFound | Moderated | PayloadTooLarge | NoProvider => Action::NextModel,
        // Passing trouble: worth another go.
        RequestTimeout | RateLimited | ProviderError | UpstreamTimeout | Overloaded
        | OtherStatus | Connection | FirstTokenTimeout | IdleTimeout | AttemptTimeout
        | StreamCut | Malformed | MidStreamError => Action::Retry,
    }
}

/// What went wrong, as the decision needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// An attempt failed (see [`action_for`] for each kind).
    Failed(FailureKind),
    /// OpenRouter's 429 for the day's free-model quota: no retry, and only a paid model may
    /// take over, if the producer allowed paid backups (see `money_answers`).
    DailyFreeQuota,
    /// A 402 that says what the credit affords (`tokens`); `asked` is what the attempt asked
    /// for, `least` the stage's minimum, `lowered_before` whether this attempt was already
    /// the one lowered try.
    CreditAffords {
        tokens: u32,
        asked: u32,
        least: u32,
        lowered_before: bool,
    },
    /// The answer came back but cannot be used: empty, or a verdict that cannot be read.
    Unusable,
    /// The script was judged below the pass mark: a rewrite goes to the next script model.
    BelowTheBar,
}

/// Everything the decision looks at.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    pub problem: Problem,
    /// Retries of the same models so far.
    pub retries: u32,
    pub max_retries: u32,
    /// The server's `Retry-After`, if it gave one.
    pub retry_after: Option<Duration>,
    /// The longest `Retry-After` worth waiting for; a longer one moves on instead.
    pub retry_after_cap: Duration,
    /// The models still ahead, in order, after the one that went wrong: for the router, the
    /// first model of each request still to send; for a stage, its chain after the model
    /// that answered (see [`after`]).
    pub ahead: &'a [String],
    /// The producer lets paid backups take over when the free models' daily quota is used up.
    pub paid_backups: bool,
}

impl<'a> Situation<'a> {
    /// A situation with no retries in play: what a stage asks about an answer it cannot use
    /// or a script below the bar.
    pub fn answer(problem: Problem, ahead: &'a [String]) -> Self {
        Situation {
            problem,
            retries: 0,
            max_retries: 0,
            retry_after: None,
            retry_after_cap: Duration::ZERO,
            ahead,
            paid_backups: false,
        }
    }
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Ask the same models again after a backoff that honours `retry_after` (the caller
    /// draws the wait: `RetryPolicy::backoff`).
    RetrySame {
        retry_after: Option<Duration>,
    },
    /// Ask the same models once more, for no more than `max_tokens`.
    RetryFewerTokens {
        max_tokens: u32,
    },
    /// Go to `ahead[index]`; the models before it are skipped.
    NextModel {
        index: usize,
    },
    Stop,
}

/// Why, in one word each; the router logs it, and it tells the two ways of stopping apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Passing trouble, retries left.
    Passing,
    /// Passing trouble, but the retries are used up.
    RetriesUsed,
    /// The server asked for a longer wait than is worth it.
    WaitTooLong,
    /// This model cannot serve this request; another might.
    ModelCannotServe,
    /// The request, the key or the money is the problem: no model can help.
    NothingCanHelp,
    /// The credit affords a shorter answer that is still worth having.
    CreditAffordsLess,
    /// The free models' daily quota is used up.
    FreeQuotaUsed,
    /// An answer that cannot be used.
    Unusable,
    /// The rewrite of a script below the bar.
    Rewrite,
    /// Nothing is left to move to.
    NoModelLeft,
}

impl Reason {
    /// A stop for this reason ends the call with this failure alone: no other model was or
    /// would be any help (as opposed to every model having failed).
    pub fn no_model_can_help(self) -> bool {
        matches!(self, Reason::NothingCanHelp | Reason::FreeQuotaUsed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub step: Step,
    pub reason: Reason,
}

/// The fallback decision. Pure: the same situation always gets the same answer.
///
/// How each caller asks:
/// - `Router::call`, after a failed attempt: the failure (a 402 that names what the credit
///   affords as [`Problem::CreditAffords`], the daily free quota as
///   [`Problem::DailyFreeQuota`]), the retries of this request so far, and `ahead` = the first
///   model of every request still to send — when a request of several models (OpenRouter's
///   `models` array) failed as a whole, its other models come first, as a request of their own.
/// - A stage whose answer cannot be used (empty, or a verdict that cannot be read):
///   `let next = policy::after(models, Some(&served), start);` then
///   `next_step(&Situation::answer(Problem::Unusable, &models[next..]))`; on
///   `NextModel { index }` ask the chain from `models[next + index]`, on `Stop` the stage
///   has no model left.
/// - The rewrite of a script below the bar: `let next = policy::after(script_models,
///   writer, 0);` then `next_step(&Situation::answer(Problem::BelowTheBar,
///   &script_models[next..]))`; on `NextModel { index }` the rewrite's chain is
///   `script_models[next + index..]`, on `Stop` there is no other script model and the
///   checked script stays.
pub fn next_step(s: &Situation<'_>) -> Decision {
    let next_or_end = |reason| match s.ahead.is_empty() {
        false => Decision {
            step: Step::NextModel { index: 0 },
            reason,
        },
        true => Decision {
            step: Step::Stop,
            reason: Reason::NoModelLeft,
        },
    };
    match s.problem {
        Problem::Unusable => next_or_end(Reason::Unusable),
        Problem::BelowTheBar => next_or_end(Reason::Rewrite),
        Problem::CreditAffords {
            tokens,
            asked,
            least,
            lowered_before,
        } => {
            if !lowered_before && tokens >= least && tokens < asked {
                Decision {
                    step: Step::RetryFewerTokens { max_tokens: tokens },
                    reason: Reason::CreditAffordsLess,
                }
            } else {
                Decision {
                    step: Step::Stop,
                    reason: Reason::NothingCanHelp,
                }
            }
        }
        // Every free model shares the day's quota: only a paid model the producer allowed
        // may take over.
        Problem::DailyFreeQuota => {
            let paid = s
                .ahead
                .iter()
                .position(|m| !super::money_answers::is_free(m));
            Decision {
                step: match paid {
                    Some(index) if s.paid_backups => Step::NextModel { index },
                    _ => Step::Stop,
                },
                reason: Reason::FreeQuotaUsed,
            }
        }
        Problem::Failed(kind) => match action_for(kind) {
            Action::Stop => Decision {
                step: Step::Stop,
                reason: Reason::NothingCanHelp,
            },
            Action::NextModel => next_or_end(Reason::ModelCannotServe),
            Action::Retry => {
                if s.retry_after.is_some_and(|ra| ra > s.retry_after_cap) {
                    next_or_end(Reason::WaitTooLong)
                } else if s.retries < s.max_retries {
                    Decision {
                        step: Step::RetrySame {
                            retry_after: s.retry_after,
                        },
                        reason: Reason::Passing,
                    }
                } else {
                    next_or_end(Reason::RetriesUsed)
                }
            }
        },
    }
}

/// Where the rest of a chain starts once `model` has answered (or, for a rewrite, written the
/// script): just after it, found by base id since OpenRouter may have served a later model of
/// the array than the one asked first; never before `from + 1`; `from + 1` when the model is
/// unknown or not in the chain.
pub fn after(chain: &[String], model: Option<&str>, from: usize) -> usize {
    let base = model.map(crate::catalog::base_id);
    chain
        .iter()
        .position(|m| Some(crate::catalog::base_id(m)) == base)
        .map_or(from + 1, |p| p.max(from) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use FailureKind::*;

    // One test per row of the table.
    #[test]
    fn bad_request_stops() {
        assert_eq!(action_for(BadRequest), Action::Stop);
    }
    #[test]
    fn unauthorized_stops() {
        assert_eq!(action_for(Unauthorized), Action::Stop);
    }
    #[test]
    fn payment_required_stops() {
        assert_eq!(action_for(PaymentRequired), Action::Stop);
    }
    #[test]
    fn cancelled_stops() {
        assert_eq!(action_for(Cancelled), Action::Stop);
    }
    #[test]
    fn model_not_found_moves_on() {
        assert_eq!(action_for(ModelNotFound), Action::NextModel);
    }
    #[test]
    fn moderated_moves_on() {
        assert_eq!(action_for(Moderated), Action::NextModel);
    }
    #[test]
    fn payload_too_large_moves_on() {
        assert_eq!(action_for(PayloadTooLarge), Action::NextModel);
    }
    #[test]
    fn no_provider_moves_on() {
        assert_eq!(action_for(NoProvider), Action::NextModel);
    }
    #[test]
    fn request_timeout_retries() {
        assert_eq!(action_for(RequestTimeout), Action::Retry);
    }
    #[test]
    fn rate_limited_retries() {
        assert_eq!(action_for(RateLimited), Action::Retry);
    }
    #[test]
    fn provider_error_retries() {
        assert_eq!(action_for(ProviderError), Action::Retry);
    }
    #[test]
    fn upstream_timeout_retries() {
        assert_eq!(action_for(UpstreamTimeout), Action::Retry);
    }
    #[test]
    fn overloaded_retries() {
        assert_eq!(action_for(Overloaded), Action::Retry);
    }
    #[test]
    fn other_status_retries() {
        assert_eq!(action_for(OtherStatus), Action::Retry);
    }
    #[test]
    fn connection_retries() {
        assert_eq!(action_for(Connection), Action::Retry);
    }
    #[test]
    fn first_token_timeout_retries() {
        assert_eq!(action_for(FirstTokenTimeout), Action::Retry);
    }
    #[test]
    fn idle_timeout_retries() {
        assert_eq!(action_for(IdleTimeout), Action::Retry);
    }
    #[test]
    fn attempt_timeout_retries() {
        assert_eq!(action_for(AttemptTimeout), Action::Retry);
    }
    #[test]
    fn stream_cut_retries() {
        assert_eq!(action_for(StreamCut), Action::Retry);
    }
    #[test]
    fn malformed_retries() {
        assert_eq!(action_for(Malformed), Action::Retry);
    }
    #[test]
    fn mid_stream_error_retries() {
        assert_eq!(action_for(MidStreamError), Action::Retry);
    }

    /// What, problem, retries, Retry-After, models ahead, paid backups; step and reason.
    type Row<'a> = (
        &'a str,
        Problem,
        u32,
        Option<Duration>,
        &'a [&'a str],
        bool,
        Step,
        Reason,
    );

    fn models(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|m| m.to_string()).collect()
    }

    /// One row per way a decision can go: what went wrong, retries so far (of 2),
    /// `Retry-After` in seconds (capped at 20), the models ahead, paid backups allowed, and
    /// the decision expected.
    #[test]
    fn next_step_row_by_row() {
        use Reason as R;
        use Step as S;
        let ra = |s: u64| Some(Duration::from_secs(s));
        let credit = |tokens, asked, least, lowered_before| Problem::CreditAffords {
            tokens,
            asked,
            least,
            lowered_before,
        };
        let paid_and_free = &["a:free", "b:free", "c"];
        #[rustfmt::skip]
        let rows: Vec<Row<'_>> = vec![
            ("passing trouble retries", Problem::Failed(ProviderError), 0, None, &["b"], false,
                S::RetrySame { retry_after: None }, R::Passing),
            ("passing trouble honours Retry-After", Problem::Failed(RateLimited), 1, ra(3), &["b"], false,
                S::RetrySame { retry_after: ra(3) }, R::Passing),
            ("retries used: next model", Problem::Failed(StreamCut), 2, None, &["b", "c"], false,
                S::NextModel { index: 0 }, R::RetriesUsed),
            ("retries used, nothing left: stop", Problem::Failed(StreamCut), 2, None, &[], false,
                S::Stop, R::NoModelLeft),
            ("a wait too long moves on at once", Problem::Failed(RateLimited), 0, ra(60), &["b"], false,
                S::NextModel { index: 0 }, R::WaitTooLong),
            ("a wait too long with nothing left stops", Problem::Failed(RateLimited), 0, ra(60), &[], false,
                S::Stop, R::NoModelLeft),
            ("a retired model moves on", Problem::Failed(ModelNotFound), 0, None, &["b"], false,
                S::NextModel { index: 0 }, R::ModelCannotServe),
            ("a retired last model stops", Problem::Failed(ModelNotFound), 0, None, &[], false,
                S::Stop, R::NoModelLeft),
            ("a bad key stops with models left", Problem::Failed(Unauthorized), 0, None, &["b"], true,
                S::Stop, R::NothingCanHelp),
            ("a cancel stops", Problem::Failed(Cancelled), 0, None, &["b"], false,
                S::Stop, R::NothingCanHelp),
            ("credit affords less: one lowered try", credit(1500, 4000, 1000, false), 0, None, &["b"], false,
                S::RetryFewerTokens { max_tokens: 1500 }, R::CreditAffordsLess),
            ("credit affords less, lowered once already: stop", credit(1500, 4000, 1000, true), 0, None, &["b"], false,
                S::Stop, R::NothingCanHelp),
            ("credit affords less than the least worth having: stop", credit(500, 4000, 1000, false), 0, None, &["b"], false,
                S::Stop, R::NothingCanHelp),
            ("credit affords what was asked: stop", credit(4000, 4000, 1000, false), 0, None, &["b"], false,
                S::Stop, R::NothingCanHelp),
            ("free quota, paid backups off: stop", Problem::DailyFreeQuota, 0, None, paid_and_free, false,
                S::Stop, R::FreeQuotaUsed),
            ("free quota, paid backups on: the first paid model", Problem::DailyFreeQuota, 0, None, paid_and_free, true,
                S::NextModel { index: 2 }, R::FreeQuotaUsed),
            ("free quota, only free models left: stop", Problem::DailyFreeQuota, 0, None, &["a:free"], true,
                S::Stop, R::FreeQuotaUsed),
            ("free quota, nothing left: stop", Problem::DailyFreeQuota, 0, None, &[], true,
                S::Stop, R::FreeQuotaUsed),
            ("an unreadable answer: the next model", Problem::Unusable, 0, None, &["b", "c"], false,
                S::NextModel { index: 0 }, R::Unusable),
            ("an unreadable answer from the last model: stop", Problem::Unusable, 0, None, &[], false,
                S::Stop, R::NoModelLeft),
            ("a script below the bar: the next script model rewrites", Problem::BelowTheBar, 0, None, &["b"], false,
                S::NextModel { index: 0 }, R::Rewrite),
            ("a script below the bar from the last model: no rewrite", Problem::BelowTheBar, 0, None, &[], false,
                S::Stop, R::NoModelLeft),
        ];
        for (what, problem, retries, retry_after, ahead, paid_backups, step, reason) in rows {
            let ahead = models(ahead);
            let got = next_step(&Situation {
                problem,
                retries,
                max_retries: 2,
                retry_after,
                retry_after_cap: Duration::from_secs(20),
                ahead: &ahead,
                paid_backups,
            });
            assert_eq!(got, Decision { step, reason }, "{what}");
        }
    }

    #[test]
    fn a_stop_says_whether_any_model_could_have_helped() {
        assert!(Reason::NothingCanHelp.no_model_can_help());
        assert!(Reason::FreeQuotaUsed.no_model_can_help());
        assert!(!Reason::NoModelLeft.no_model_can_help());
    }

    #[test]
    fn the_rest_of_a_chain_starts_after_the_model_that_answered() {
        let chain = models(&["a", "b:floor", "c"]);
        // Found by base id, wherever OpenRouter moved along the array.
        assert_eq!(after(&chain, Some("b"), 0), 2);
        assert_eq!(after(&chain, Some("a"), 0), 1);
        // Never before the model asked first.
        assert_eq!(after(&chain, Some("a"), 1), 2);
        // Unknown or no model: the one after `from`.
        assert_eq!(after(&chain, Some("z"), 1), 2);
        assert_eq!(after(&chain, None, 0), 1);
        assert_eq!(after(&chain, Some("c"), 0), 3);
    }
}
