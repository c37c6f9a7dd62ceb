//! The Tauri shell: wiring only. Each command unpacks its arguments and state, calls the
//! engine, and maps the error; all behaviour lives in `castwright-engine`.

mod commands;
mod ipc_error;
mod settings_file;
mod state;

pub use ipc_error::IpcError;
pub use state::AppState;

use tauri::Manager;

/// Every command the UI can call, with its TypeScript types.
pub fn specta_builder<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new().commands(tauri_specta::collect_commands![
        commands::app::app_info,
        commands::secrets::key_status,
        commands::secrets::set_key,
        commands::secrets::delete_key,
        commands::settings::get_settings,
        commands::settings::save_settings,
    ])
}

/// Where the generated TypeScript bindings live, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

/// Writes the TypeScript bindings for every command and type to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder::<tauri::Wry>()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust commands by tauri-specta. Do not edit: run `make bindings`.\n/* eslint-disable */"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// The app as the real `run()` and the mock-runtime tests both build it.
pub fn app_builder<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    let specta = specta_builder::<R>();
    builder
        .plugin(tauri_plugin_store::Builder::new().build())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            let state = AppState::open(app.handle())?;
            app.manage(state);
            Ok(())
        })
}

/// Starts the window app.
pub fn run() {
    let log_dir = castwright_engine::paths::log_dir().ok();
    let _logs = log_dir
        .as_deref()
        .map(|dir| castwright_engine::logging::init(dir, castwright_engine::logging::Console::Off));
    let result = app_builder(tauri::Builder::default()).run(tauri::generate_context!());
    if let Err(err) = result {
        tracing::error!(%err, "the app stopped with an error");
        eprintln!("Castwright could not start: {err}");
        std::process::exit(1);
    }
}
