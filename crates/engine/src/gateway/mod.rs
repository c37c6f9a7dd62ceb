//! The OpenRouter client: chat completions (plain and streamed), the model catalog with
//! prices, `/generation`, `/key` and `/credits`; typed errors for every status.

pub mod catalog_types;
mod client;
pub mod error;
mod lenient;
pub mod money;
pub mod sse;
pub mod stream;
pub mod types;

pub use client::{AttemptTiming, Client, StreamLimits, REFERER, TITLE};
pub use error::{FailureKind, GatewayError};
pub use types::{ChatRequest, Completion, MaxPrice, Message, ProviderPrefs, Role, Usage};
