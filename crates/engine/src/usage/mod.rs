//! Every number of the usage dashboard: spend by day, model, stage and episode; the request
//! log; failures; cache savings; quality per script model; and model health.
//!
//! All of it is aggregated and paginated in SQL (money is summed as integer 1e-10 USD units, so
//! totals are exact) and leaves as plain serialisable structs: money as decimal strings such as
//! `"0.0123"`, counts as `u32`. Totals are read from running totals that a trigger keeps in
//! step with the request log (rollup.sql), so a figure costs the same over a week or over
//! years of history; the log's own rows are read only for the page being shown.

mod conditions;
mod convert;
mod error;
mod failures;
mod health;
mod log_pages;
mod quality;
mod range;
mod request_log;
mod savings;
mod spend;

#[cfg(test)]
mod query_plans;
#[cfg(test)]
pub(crate) mod test_support;

pub use error::UsageError;
pub use failures::{errors_by_kind, failure_words, ErrorGroup};
pub use health::{model_health, EndpointHealth, EndpointState, ModelHealthRow, RECENT_ATTEMPTS};
pub use quality::{quality_by_model, ModelQuality};
pub use range::{day_text, Range};
pub use request_log::{request_log, LogFilter, LogPage, LogRow, Page, MAX_PAGE};
pub use savings::{cache_savings, CacheSavings};
pub use spend::{
    spend_by_day, spend_by_episode, spend_by_model, spend_by_stage, SpendRow, DELETED_EPISODE,
    NO_EPISODE, NO_STAGE,
};

/// Indexes the dashboard's filters needed beyond those of the request log's own migration:
/// model health reads the latest attempts of one model on one connection (the stage index it
/// also made is dropped again by `rollup.sql`). Registered as a store migration.
pub const SCHEMA_INDEXES: &str = include_str!("indexes.sql");
