//! What the app-level tests share: the window app on Tauri's mock runtime, the headless
//! binary, and the files a test looks through. Each test file uses only part of it.
#![allow(dead_code)]

pub mod files;
pub mod headless;
pub mod hostile;
pub mod mock_app;
