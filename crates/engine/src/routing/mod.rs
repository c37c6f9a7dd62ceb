//! A call's route: which model answers, what it may cost, and what happens when it fails.
//!
//! # The map
//!
//! One call goes through [`Router::call`] (`router.rs`), which reads as its steps:
//!
//! 1. **cache** (`reuse.rs`): an identical earlier answer is reused for $0; nothing is
//!    reserved, the hit is logged with what it saved.
//! 2. **prices** (`prices.rs`): the chain's prices are stored and fresh before anything is
//!    reserved.
//! 3. for each attempt, **reserve** (`reserve.rs`): the attempt's worst case is reserved
//!    against the episode's and the month's limits — *money is reserved here*, committed
//!    before the request is sent;
//! 4. **attempt** (`attempt.rs`): the request, plain or streamed, one model or several;
//! 5. **cost** (`cost.rs`): the attempt's exact cost (`usage.cost`, `/generation`, or an
//!    estimate marked as such);
//! 6. **settle** (`settle.rs`): the reservation is settled to that cost together with the
//!    attempt's request-log row — *money is settled here*, handed to the bookkeeping writer
//!    and committed just after (`Router::flush` waits for it; see `crate::bookkeeping`).
//!
//! # Where a call ends up on another model
//!
//! Every move to another model is decided by one pure function, [`policy::next_step`]
//! (`policy.rs`, tested row by row), given what went wrong, the retries so far, the models
//! still ahead and the paid-backups switch. There are four ways:
//!
//! 1. **The router's own fallback** — an attempt failed: retry the same models after a backoff
//!    (honouring `Retry-After`), move to the next request of the chain, or stop; a 402 that
//!    says what the credit affords is tried once with fewer tokens; the free models' daily
//!    quota moves only to a paid model the producer allowed. (A model cooling down after
//!    repeated failures, `cooldown.rs`, is skipped before it is tried, unless it is the last.)
//! 2. **OpenRouter's `models` array** — the first models of a chain go together in one request
//!    ([`Chain::groups`]) and OpenRouter moves along them itself; the answer names the model
//!    that served it ([`CallEvent::TookOver`]). When such a request fails as a whole, the
//!    router's decision (1) sends its other models next, as a request of their own.
//! 3. **An unreadable answer** — a stage got an answer it cannot use (empty, or a verdict that
//!    cannot be read): the stage asks `next_step` with [`policy::Problem::Unusable`] and the
//!    chain after the model that answered ([`policy::after`]), and calls again from there.
//! 4. **The rewrite** — a script below the pass mark is rewritten by the next script model
//!    after the one that wrote it: the Quality check asks `next_step` with
//!    [`policy::Problem::BelowTheBar`]. The rewrite is the Quality check's cost: its
//!    request-log rows name that stage, though its text goes to the Script.
//!
//! (3) and (4) happen in `crate::pipeline`; each is an ordinary call through the router, so
//! it reserves and settles like any other.

mod attempt;
mod call;
mod chain;
mod connection;
mod cooldown;
mod cost;
mod error;
mod link;
pub mod money_answers;
pub mod policy;
mod prices;
mod reserve;
mod retry_policy;
mod reuse;
mod router;
mod settle;

pub use call::{AttemptNote, CallEvent, CallOutcome, CallSpec, NextStep};
pub use chain::{Chain, Variant};
pub use connection::{ConnectionKind, ConnectionProfile};
pub use cooldown::{Cooldowns, ModelHealth};
pub use error::CallError;
pub use policy::{action_for, next_step, Action};
pub use retry_policy::RetryPolicy;
pub use router::Router;
