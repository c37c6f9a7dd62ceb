//! Castwright's engine: everything the app does that can be tested without a window.
//!
//! The Tauri shell and the headless `castwright produce` mode are both thin layers over this
//! crate; neither holds behaviour of its own.

// No panicking shortcuts outside tests: a failure is an error the producer can read.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
// Our error types carry everything a producer needs to read (the server's message, the cause
// hidden in `metadata.raw`, the model, the generation to bill); they are built on the cold
// path after a network call failed, where their size costs nothing measurable.
#![allow(clippy::result_large_err)]

pub mod alerts;
pub mod auth;
pub mod bookkeeping;
pub mod budget;
pub mod cache;
pub mod catalog;
pub mod clock;
pub mod connections;
pub mod demo;
pub mod error;
pub mod error_codes;
pub mod export;
pub mod factcheck;
pub mod gateway;
pub mod headless;
pub mod headless_outcome;
pub mod ledger;
pub mod logging;
pub mod money;
pub mod notes;
pub mod paths;
pub mod pipeline;
pub mod privacy;
pub mod routing;
pub mod script;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod usage;

pub use error::ErrorCode;
