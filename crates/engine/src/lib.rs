//! Castwright's engine: everything the app does that can be tested without a window.
//!
//! The Tauri shell and the headless `castwright produce` mode are both thin layers over this
//! crate; neither holds behaviour of its own.

pub mod connections;
pub mod error;
pub mod logging;
pub mod paths;
pub mod secrets;
pub mod settings;
pub mod store;

pub use error::ErrorCode;
