//! An empty Tauri 2 app: one window showing a static page. Its only code is the hook that
//! tells `scripts/bench-app.sh` when the page is interactive.

// Same as Castwright: no extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::collections::HashMap;
use std::io::Write;

/// Set by the benchmark; without it the hook prints nothing.
const BENCH_ENV: &str = "CASTWRIGHT_BENCH";

/// Prints `interactive <navigation start> <DOM content loaded> <interactive>` (epoch
/// milliseconds, as the page measured them) when the benchmark asked for it; the same line
/// Castwright prints.
#[tauri::command]
fn bench_interactive(page: HashMap<String, f64>) {
    if std::env::var_os(BENCH_ENV).is_some() {
        let at = |k: &str| page.get(k).copied().unwrap_or(0.0);
        let mut out = std::io::stdout().lock();
        // Nothing to do if the benchmark stopped listening.
        let _ = writeln!(
            out,
            "interactive {:.1} {:.1} {:.1}",
            at("navigation_start"),
            at("dom_content_loaded"),
            at("interactive")
        );
        let _ = out.flush();
    }
}

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![bench_interactive])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("The empty app could not start: {err}");
        std::process::exit(1);
    }
}
