//! The app benchmark's hooks through Tauri's mock runtime: refused in normal use, and in a
//! benchmark they hand the page the plan the benchmark set.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

struct App {
    _app: tauri::App<tauri::test::MockRuntime>,
    window: WebviewWindow<tauri::test::MockRuntime>,
}

fn app(data_dir: &std::path::Path) -> App {
    std::env::set_var("CASTWRIGHT_DATA_DIR", data_dir);
    let mut app = castwright_lib::app_builder(mock_builder())
        .build(tauri::generate_context!())
        .expect("app builds");
    // One turn of the event loop runs the app's setup hook.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("window"),
    };
    App { _app: app, window }
}

fn invoke(app: &App, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &app.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

// The hooks read the environment, which is the whole process's: one test at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn page_times() -> Value {
    json!({"page": {"navigation_start": 1.0, "dom_content_loaded": 2.0, "interactive": 3.0}})
}

#[test]
fn hooks_are_refused_outside_a_benchmark() {
    let _guard = serial();
    std::env::remove_var("CASTWRIGHT_BENCH");
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());

    for (cmd, args) in [
        ("bench_interactive", page_times()),
        ("bench_received", json!({"replies": 1, "chars": 10})),
    ] {
        let refused = invoke(&app, cmd, args).expect_err(cmd);
        assert_eq!(refused["code"], "invalid_input", "{cmd}");
        assert_eq!(
            refused["message"], "This action is only available in benchmarks.",
            "{cmd}"
        );
    }
}

#[test]
fn a_benchmark_gets_its_plan_when_the_first_screen_is_interactive() {
    let _guard = serial();
    std::env::set_var("CASTWRIGHT_BENCH", "1");
    std::env::set_var("CASTWRIGHT_BENCH_REPLIES", "7");
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());

    let plan = invoke(&app, "bench_interactive", page_times());
    let received = invoke(&app, "bench_received", json!({"replies": 7, "chars": 70}));
    std::env::remove_var("CASTWRIGHT_BENCH");
    std::env::remove_var("CASTWRIGHT_BENCH_REPLIES");

    assert_eq!(plan.unwrap(), json!({"replies": 7}));
    assert_eq!(received.unwrap(), Value::Null);
}
