//! Logs go through `tracing` to a daily rolling file in the log folder (and to standard error
//! when asked). Nothing logs a key: secrets are `Sensitive` and print as a redaction, and
//! prompts are logged only at `trace` level, which is off unless `CASTWRIGHT_LOG` asks for it.

use std::path::Path;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Environment variable holding a `tracing` filter (e.g. `castwright_engine=debug`).
pub const LOG_ENV: &str = "CASTWRIGHT_LOG";

/// Lines queued for the background writer. The queue is allocated whole when logging starts,
/// so the library's default (128,000 lines, about 4 MB) would sit in memory for the life of
/// the app; the app logs a few lines a call, and the writer drains the queue within
/// milliseconds. When the queue is full a line is dropped rather than the caller made to
/// wait: a slow disk must never stall a run.
const BUFFERED_LINES: usize = 8_192;

/// Keeps the background log writer alive; dropping it flushes the file.
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

/// Where log output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    /// Only the log file (the window app).
    Off,
    /// Also standard error (the headless mode's progress lines come separately).
    Stderr,
}

/// Starts logging to `log_dir/castwright.log.<date>`. If the folder cannot be created the app
/// still runs, logging only to standard error; a failure to log must never stop a producer.
pub fn init(log_dir: &Path, console: Console) -> LogGuard {
    let filter = || EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    let (file_layer, guard) = match std::fs::create_dir_all(log_dir) {
        Ok(()) => {
            let appender = tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix("castwright")
                .filename_suffix("log")
                .max_log_files(14)
                .build(log_dir);
            match appender {
                Ok(appender) => {
                    let (writer, guard) = NonBlockingBuilder::default()
                        .buffered_lines_limit(BUFFERED_LINES)
                        .lossy(true)
                        .finish(appender);
                    let layer = fmt::layer()
                        .with_writer(writer)
                        .with_ansi(false)
                        .with_filter(filter());
                    (Some(layer), Some(guard))
                }
                Err(_) => (None, None),
            }
        }
        Err(_) => (None, None),
    };
    let console_layer = (console == Console::Stderr).then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_filter(filter())
    });
    // A second init (tests, or a host that already set a subscriber) is harmless.
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(console_layer)
        .try_init();
    LogGuard { _file: guard }
}
