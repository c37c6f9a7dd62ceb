//! The Tauri shell: wiring only. Each command unpacks its arguments and state, calls the
//! engine, and maps the error; all behaviour lives in `castwright-engine`.

// No panicking shortcuts outside tests: a failure is an error the producer can read.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod background;
mod commands;
mod desktop;
mod ipc_error;
mod renderer;
mod settings_file;
mod startup_key;
mod state;
mod stream_batch;

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
        commands::connection::connection_status,
        commands::connection::use_connection,
        commands::connection::test_connection,
        commands::connection::open_link,
        commands::connect::connect_openrouter,
        commands::connect::cancel_connect,
        commands::other_connections::list_other_connections,
        commands::other_connections::add_other_connection,
        commands::other_connections::remove_other_connection,
        commands::other_connections::set_other_connection_price,
        commands::other_connections::remove_other_connection_price,
        commands::other_connections::set_other_connection_limit_off,
        commands::other_connections::set_other_connection_key,
        commands::other_connections::test_other_connection,
        commands::other_connections::use_other_connection,
        commands::episodes::list_episodes,
        commands::episodes::new_episode_brief,
        commands::episodes::create_episode,
        commands::episodes::get_episode,
        commands::episodes::update_episode,
        commands::episodes::rename_episode,
        commands::episodes::duplicate_episode,
        commands::episodes::archive_episode,
        commands::episodes::delete_episode,
        commands::episodes::set_stage_plan,
        commands::episodes::stage_presets,
        commands::episodes::check_stage_plan,
        commands::notes::add_note_paths,
        commands::notes::pick_note_files,
        commands::notes::add_pasted_note,
        commands::notes::list_notes,
        commands::notes::remove_note,
        commands::notes::reorder_notes,
        commands::run::estimate_run,
        commands::run::run_episode,
        commands::run::cancel_run,
        commands::run::run_state,
        commands::run::cost_report,
        commands::versions::list_versions,
        commands::versions::latest_outputs,
        commands::versions::save_edit,
        commands::versions::restore_version,
        commands::versions::script_view,
        commands::export::export_script,
        commands::export::show_in_folder,
        commands::fact_check::fact_check,
        commands::fact_check::note_text,
        commands::testing::e2e_drop_files,
        commands::bench::bench_interactive,
        commands::bench::bench_stream,
        commands::bench::bench_received,
        commands::usage::usage_overview,
        commands::usage::usage_request_log,
        commands::usage::usage_errors,
        commands::usage::usage_quality,
        commands::usage::usage_model_health,
        commands::usage::credit_status,
        commands::usage::alerts_pending,
        commands::usage::alerts_dismiss,
        commands::data::model_catalog,
        commands::data::backup_database,
        commands::data::check_restore,
        commands::data::restore_database,
        commands::privacy::privacy_check,
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
    // Only in a benchmark: tells the page so (see commands/bench.rs).
    let builder = match commands::bench::plugin() {
        Some(bench) => builder.plugin(bench),
        None => builder,
    };
    builder
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            let state = AppState::open(app.handle())?;
            app.manage(state);
            Ok(())
        })
}

/// Starts the window app.
pub fn run() {
    // First: it sets an environment variable, which is sound only before other threads start.
    let renderer = renderer::choose();
    let log_dir = castwright_engine::paths::log_dir().ok();
    let _logs = log_dir
        .as_deref()
        .map(|dir| castwright_engine::logging::init(dir, castwright_engine::logging::Console::Off));
    tracing::info!(?renderer, "page renderer");
    let result = app_builder(tauri::Builder::default()).run(tauri::generate_context!());
    if let Err(err) = result {
        tracing::error!(%err, "the app stopped with an error");
        eprintln!("Castwright could not start: {err}");
        std::process::exit(1);
    }
}
