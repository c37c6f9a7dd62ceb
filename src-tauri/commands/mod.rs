pub mod app;
pub mod secrets;
pub mod settings;
