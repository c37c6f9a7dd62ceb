//! Non-secret settings, in `settings.json` in the data folder.
//!
//! The window app writes this file through tauri-plugin-store (a flat JSON object); the
//! engine reads the same file with serde, so the headless mode sees what the producer chose.
//! A value of the wrong type falls back to its default, and the caller is told which, so a
//! hand-edited or damaged file never stops the app.

mod file;
mod model;
pub mod presets;

pub use file::{load, load_from, save_to, Loaded, SettingsError};
pub use model::{ConnectionChoice, Preset, Settings, Theme};
pub use presets::current_replacement;
