//! The window app on Tauri's mock runtime, with the real config (identifier, capabilities):
//! its commands are invoked as the page would, and every message sent to the page through a
//! `Channel` (run progress) or as an answer is kept.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

pub type Payloads = Arc<Mutex<Vec<String>>>;

pub struct App {
    _app: tauri::App<tauri::test::MockRuntime>,
    pub window: WebviewWindow<tauri::test::MockRuntime>,
    pub payloads: Payloads,
}

/// The app reads its environment (`CASTWRIGHT_DATA_DIR` and the like) when it sets up, and
/// the environment is the whole process's: the tests of one file run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts the app with the environment the caller set.
pub fn start() -> App {
    let payloads: Payloads = Arc::new(Mutex::new(Vec::new()));
    let seen = payloads.clone();
    let builder = mock_builder().channel_interceptor(move |_, _, _, body| {
        let text = match body {
            InvokeResponseBody::Json(s) => s.clone(),
            InvokeResponseBody::Raw(b) => String::from_utf8_lossy(b).to_string(),
        };
        seen.lock().unwrap_or_else(|e| e.into_inner()).push(text);
        true
    });
    let mut app = castwright_lib::app_builder(builder)
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| panic!("app builds: {e}"));
    // One turn of the event loop delivers `Ready`, which runs the app's setup hook; the
    // deprecation is about calling it in a loop, which this does not.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap_or_else(|e| panic!("window: {e}")),
    };
    App {
        _app: app,
        window,
        payloads,
    }
}

/// Invokes a command and keeps what comes back (answer or error) with the payloads.
pub fn invoke(app: &App, cmd: &str, args: Value) -> Result<Value, Value> {
    let r = get_ipc_response(
        &app.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| {
        body.deserialize::<Value>()
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    });
    let text = match &r {
        Ok(v) | Err(v) => format!("{cmd}: {v}"),
    };
    app.payloads
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(text);
    r
}

/// Invokes a command that must succeed.
pub fn ok(app: &App, cmd: &str, args: Value) -> Value {
    invoke(app, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
}
