//! What the commands share: where the data lives, the keychain, the database, the active
//! connection (OpenRouter, the demo or another service) and the runs in flight.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use castwright_engine::connections::connect::{connect, Connected, Target, OPENROUTER_API};
use castwright_engine::connections::other::{self, OtherError};
use castwright_engine::pipeline::{run_lease, Runner};
use castwright_engine::secrets::{Keychain, OPENROUTER_ACCOUNT};
use castwright_engine::settings::{self, ConnectionChoice};
use castwright_engine::store::Store;
use castwright_engine::{paths, ErrorCode};
use tokio_util::sync::CancellationToken;

use crate::desktop::{Desktop, TauriDesktop};
use crate::settings_file::SettingsFile;
use crate::startup_key::StartupKey;
use crate::IpcError;

/// The connection in use, built on first need and rebuilt when the choice or key changes.
pub struct Active {
    pub choice: ConnectionChoice,
    /// Which other service, when `choice` is `Other`.
    pub other_id: Option<String>,
    /// The settings the runner was built with; a change rebuilds it.
    pub monthly_limit_usd: Option<rust_decimal::Decimal>,
    pub paid_backups: bool,
    pub runner: Arc<Runner>,
    /// The in-process emulator behind the demo; stops when dropped.
    _sim: Option<openrouter_sim::SimServer>,
}

pub struct AppState {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    pub keychain: Keychain,
    /// Whether a key is stored, looked up while the window opens (see `startup_key`).
    pub startup_key: StartupKey,
    pub settings_file: SettingsFile,
    pub desktop: Arc<dyn Desktop>,
    /// The database, or why it cannot be used. A damaged or newer database must not stop the
    /// window from opening: the UI shows the message and what to do. Opened on a thread of its
    /// own at start-up so the window shows without waiting (see `open`).
    db: Arc<OnceLock<DbSlot>>,
    active: tokio::sync::Mutex<Option<Active>>,
    runs: Mutex<HashMap<String, CancellationToken>>,
}

type DbSlot = Result<Arc<Mutex<Store>>, IpcError>;

fn open_db(data_dir: &Path) -> DbSlot {
    Store::open_in(data_dir)
        .map(|s| Arc::new(Mutex::new(s)))
        .map_err(|e| {
            tracing::error!(error = %e, "database unavailable");
            IpcError::from(e)
        })
}

impl AppState {
    /// Everything cheap now; the database (its file, WAL and migrations: tens of ms) opens on
    /// a thread of its own, because this runs on the main thread before the window can paint.
    /// A command that needs the database before it is open waits for that one opening (or
    /// opens it itself if the thread has not started yet): same store, same errors.
    pub fn open<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> Result<AppState, IpcError> {
        let data_dir = paths::data_dir().map_err(|e| IpcError::internal(e.to_string()))?;
        let log_dir = paths::log_dir().map_err(|e| IpcError::internal(e.to_string()))?;
        let db: Arc<OnceLock<DbSlot>> = Arc::new(OnceLock::new());
        let dir = data_dir.clone();
        crate::background::fill("open-database", &db, move || open_db(&dir));
        let settings_file = SettingsFile::new(app, &data_dir);
        let keychain = Keychain::from_env();
        Ok(AppState {
            desktop: Arc::new(TauriDesktop::new(app.clone())),
            settings_file,
            data_dir,
            log_dir,
            startup_key: StartupKey::start(&keychain),
            keychain,
            db,
            active: tokio::sync::Mutex::new(None),
            runs: Mutex::new(HashMap::new()),
        })
    }

    /// The database, or the reason it cannot be used.
    pub fn db(&self) -> Result<MutexGuard<'_, Store>, IpcError> {
        Ok(self.db_arc_ref()?.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn db_slot(&self) -> &DbSlot {
        self.db.get_or_init(|| open_db(&self.data_dir))
    }

    fn db_arc_ref(&self) -> Result<&Arc<Mutex<Store>>, IpcError> {
        self.db_slot().as_ref().map_err(Clone::clone)
    }

    pub fn db_arc(&self) -> Result<Arc<Mutex<Store>>, IpcError> {
        self.db_arc_ref().cloned()
    }

    /// Why the database cannot be used, if it cannot.
    pub fn db_problem(&self) -> Option<&IpcError> {
        self.db_slot().as_ref().err()
    }

    /// Forgets the active connection (after the key or the choice changed).
    pub async fn reset_connection(&self) {
        *self.active.lock().await = None;
    }

    /// The runner for the connection the settings choose, starting the demo if needed.
    pub async fn runner(&self) -> Result<Arc<Runner>, IpcError> {
        let loaded = settings::load(&self.data_dir)?.settings;
        let other_id = match loaded.connection {
            ConnectionChoice::Other => loaded.other_connection_id.clone(),
            _ => None,
        };
        let mut guard = self.active.lock().await;
        if let Some(a) = guard.as_ref().filter(|a| {
            a.choice == loaded.connection
                && a.other_id == other_id
                && a.monthly_limit_usd == loaded.monthly_limit_usd
                && a.paid_backups == loaded.paid_backups_after_free_quota
        }) {
            return Ok(a.runner.clone());
        }
        let store = self.db_arc()?;
        let target = match loaded.connection {
            ConnectionChoice::Demo => Target::Demo,
            ConnectionChoice::Openrouter => {
                let key = self.keychain.get(OPENROUTER_ACCOUNT)?.ok_or_else(|| {
                    IpcError::new(
                        ErrorCode::KeyMissing,
                        "No OpenRouter key is set. Paste your key, or try Castwright without one.",
                    )
                })?;
                let base_url = std::env::var("CASTWRIGHT_OPENROUTER_BASE_URL")
                    .unwrap_or_else(|_| OPENROUTER_API.into());
                Target::OpenRouter { base_url, key }
            }
            ConnectionChoice::Other => {
                // Settings name a service that was removed (or none): say so plainly.
                let id = other_id.clone().ok_or(OtherError::NotFound)?;
                let store = self.db()?;
                Target::Other(other::endpoint(&store, &self.keychain, &id)?)
            }
        };
        let Connected { runner, sim } = connect(target, &loaded, store).await?;
        let runner = Arc::new(runner);
        *guard = Some(Active {
            choice: loaded.connection,
            other_id,
            monthly_limit_usd: loaded.monthly_limit_usd,
            paid_backups: loaded.paid_backups_after_free_quota,
            runner: runner.clone(),
            _sim: sim,
        });
        Ok(runner)
    }

    /// Registers a run so it can be cancelled; refuses a second run of the same episode.
    pub fn begin_run(&self, episode_id: &str) -> Result<CancellationToken, IpcError> {
        let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        if runs.contains_key(episode_id) {
            // Another window of this app runs it: the same words as for another process.
            let since = self
                .db()
                .ok()
                .and_then(|db| run_lease::busy_since(db.conn(), episode_id).ok().flatten())
                .unwrap_or_else(|| {
                    run_lease::local_time(&castwright_engine::clock::stamp(
                        castwright_engine::clock::now(),
                    ))
                });
            let busy = run_lease::LeaseError::Busy { started: since };
            return Err(IpcError::new(ErrorCode::EpisodeBusy, busy.to_string()));
        }
        let token = CancellationToken::new();
        runs.insert(episode_id.to_string(), token.clone());
        Ok(token)
    }

    pub fn end_run(&self, episode_id: &str) {
        self.runs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(episode_id);
    }

    /// Cancels a run in flight; false when none was running.
    pub fn cancel_run(&self, episode_id: &str) -> bool {
        match self
            .runs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(episode_id)
        {
            Some(t) => {
                t.cancel();
                true
            }
            None => false,
        }
    }

    pub fn is_running(&self, episode_id: &str) -> bool {
        self.runs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(episode_id)
    }
}
