//! Hooks for the app benchmark (`scripts/bench-app.sh`), refused unless the app was started
//! for one. In normal use nothing here runs: the page only calls these commands when the
//! benchmark's start-up script has marked it, and that script is only added in a benchmark.

use std::io::{BufRead, Write};

use castwright_engine::budget::ScopeLimit;
use castwright_engine::gateway::Message;
use castwright_engine::routing::{CallEvent, CallSpec, Chain, ConnectionKind, Variant};
use castwright_engine::{settings, ErrorCode};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::plugin::TauriPlugin;
use tauri::State;
use tokio_util::sync::CancellationToken;

use crate::stream_batch::{Batched, Joinable};
use crate::{AppState, IpcError};

/// Set by the benchmark; without it every hook here refuses.
pub const BENCH_ENV: &str = "CASTWRIGHT_BENCH";
/// How many streamed replies the page asks for after start-up (none when unset).
pub const REPLIES_ENV: &str = "CASTWRIGHT_BENCH_REPLIES";
/// A model the demo's emulator serves.
const MODEL: &str = "openai/gpt-6-luna";

/// What the benchmark asks of the page, as the start-up script gives it.
#[derive(Debug, Serialize, specta::Type)]
pub struct BenchPlan {
    pub replies: u32,
}

/// When the page got to each point of its start, as wall-clock times in milliseconds since
/// the Unix epoch, so the benchmark can split launch time into its parts.
#[derive(Debug, serde::Deserialize, specta::Type)]
pub struct PageTimes {
    /// The webview began loading the page.
    pub navigation_start: f64,
    /// The page's own code had been read and run (`DOMContentLoaded` handled).
    pub dom_content_loaded: f64,
    /// The first screen had been mounted and painted.
    pub interactive: f64,
}

/// A piece of streamed text for reply number `reply` (from 1).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BenchDelta {
    pub reply: u32,
    pub text: String,
}

impl Joinable for BenchDelta {
    fn is_text(&self) -> bool {
        true
    }

    fn join(&mut self, next: Self) -> Result<(), Self> {
        if next.reply != self.reply {
            return Err(next);
        }
        self.text.push_str(&next.text);
        Ok(())
    }
}

/// How the streamed replies went.
#[derive(Debug, Serialize, specta::Type)]
pub struct BenchStreamed {
    pub replies: u32,
    pub failed: u32,
    /// Text sent to the page, in UTF-16 code units (JavaScript's string length), so the page
    /// can tell when every piece has arrived: the channel may deliver after this returns.
    pub chars: u32,
}

fn enabled() -> Result<(), IpcError> {
    if std::env::var_os(BENCH_ENV).is_none() {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "This action is only available in benchmarks.",
        ));
    }
    Ok(())
}

fn plan() -> BenchPlan {
    let replies = std::env::var(REPLIES_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    BenchPlan { replies }
}

/// One line on standard output, where the benchmark reads it.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // The benchmark may have stopped listening; the app carries on regardless.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// In a benchmark, a start-up script that tells the page so (and what to do); otherwise
/// nothing, so normal use pays nothing for these hooks.
pub fn plugin<R: tauri::Runtime>() -> Option<TauriPlugin<R>> {
    std::env::var_os(BENCH_ENV)?;
    let script = format!(
        "window.__CASTWRIGHT_BENCH__ = Object.freeze({{ replies: {} }});",
        plan().replies
    );
    Some(
        tauri::plugin::Builder::new("bench")
            .js_init_script(script)
            .build(),
    )
}

/// The page calls this once its first screen has been painted: prints
/// `interactive <navigation start> <DOM content loaded> <interactive>` (epoch milliseconds).
#[tauri::command]
#[specta::specta]
pub fn bench_interactive(page: PageTimes) -> Result<BenchPlan, IpcError> {
    enabled()?;
    say(&format!(
        "interactive {:.1} {:.1} {:.1}",
        page.navigation_start, page.dom_content_loaded, page.interactive
    ));
    Ok(plan())
}

/// Waits for `go` on standard input (the benchmark sends it once it has measured the idle
/// app), then makes the planned number of streamed calls through the real engine path on the
/// demo connection, each answered fresh (never from the cache), forwarding every piece of
/// text to the page. Prints `streamed <ok> <failed> <chars>` when every call has finished.
#[tauri::command]
#[specta::specta]
pub async fn bench_stream(
    state: State<'_, AppState>,
    on_text: Channel<BenchDelta>,
) -> Result<BenchStreamed, IpcError> {
    enabled()?;
    let runner = state.runner().await?;
    // Real money must never be spent on a benchmark.
    if runner.router().profile().kind != ConnectionKind::Demo {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "Benchmarks run only on the demo connection. Choose the demo in Settings.",
        ));
    }
    let go = tauri::async_runtime::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| IpcError::internal(e.to_string()))?
    .map_err(|e| IpcError::internal(e.to_string()))?;
    if go.trim() != "go" {
        return Err(IpcError::internal(
            "The benchmark did not say when to start.",
        ));
    }

    let monthly_limit = settings::load(&state.data_dir)?.settings.monthly_limit_usd;
    let month = castwright_engine::clock::month(castwright_engine::clock::now());
    let cancel = CancellationToken::new();
    let on_text = Batched::new(on_text);
    let total = plan().replies;
    let mut failed = 0;
    let mut chars: u32 = 0;
    for reply in 1..=total {
        let spec = CallSpec {
            episode_id: None,
            stage: None,
            chain: Chain::new(&[MODEL], Variant::None),
            // About 200 words, as a short stage output is, streamed a few words at a time.
            messages: vec![Message::user(format!(
                "WORDS: 200\n<<<NOTES\nBenchmark note {reply}: the committee chose 116 images \
                 for the exhibition, and the curator explained why each one stayed.\nNOTES>>>"
            ))],
            max_tokens: 400,
            min_tokens: 1,
            temperature: None,
            response_format: None,
            stop: None,
            stream: true,
            bypass_cache: true,
            limits: vec![ScopeLimit::month(&month, monthly_limit)],
        };
        let mut forward = |event: CallEvent<'_>| {
            if let CallEvent::Text(text) = event {
                let units = u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX);
                chars = chars.saturating_add(units);
                // Joined per frame, as a run's text is (see stream_batch.rs).
                on_text.send(BenchDelta {
                    reply,
                    text: text.to_string(),
                });
            }
        };
        if let Err(e) = runner.router().call(&spec, &cancel, &mut forward).await {
            tracing::warn!(error = %e, reply, "a benchmark reply failed");
            failed += 1;
        }
    }
    on_text.finish();
    say(&format!("streamed {} {failed} {chars}", total - failed));
    Ok(BenchStreamed {
        replies: total - failed,
        failed,
        chars,
    })
}

/// The page calls this once every piece of streamed text has arrived and been drawn: prints
/// `received <replies> <chars>`, which is when the benchmark counts the replies as done.
#[tauri::command]
#[specta::specta]
pub fn bench_received(replies: u32, chars: u32) -> Result<(), IpcError> {
    enabled()?;
    say(&format!("received {replies} {chars}"));
    Ok(())
}
