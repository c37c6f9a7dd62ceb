// No panicking shortcuts outside tests: a failure is an error the producer can read.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // `castwright produce …` runs an episode headless: no window, no display, no D-Bus. It
    // must be decided before anything touches GTK or Tauri.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("produce") {
        let code = castwright_engine::headless::main(args[1..].to_vec());
        std::process::exit(code);
    }
    castwright_lib::run();
}
