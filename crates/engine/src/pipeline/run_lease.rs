//! One run per episode, across processes. The app's windows and `castwright produce` share
//! one database, and two runs of the same episode side by side would pay twice for the same
//! stages and race each other's saves. So a run first takes the episode's lease: a row naming
//! its holder (machine, process, a random token), when it started, and a heartbeat. It is
//! taken in the same immediate transaction that checks it is free, kept alive by a small
//! thread, and deleted when the run ends.
//!
//! A holder that died without releasing (killed, crashed, power cut) is recognised and taken
//! over: on this machine as soon as its process no longer exists, and anywhere once it has
//! gone [`GONE_AFTER`] without a heartbeat.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::store::Store;
use crate::ErrorCode;

/// How often a holder says it is still alive.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);
/// How long without a heartbeat before a holder counts as gone, wherever it runs.
pub const GONE_AFTER: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// Someone else is running the episode; `started` is their start, local `HH:MM`.
    #[error(
        "This episode is being produced in another window or by a command (started {started}). \
         Wait for it, or stop it there."
    )]
    Busy { started: String },
    #[error("That episode no longer exists.")]
    NotFound,
    #[error("{}", crate::store::plain_words(.0))]
    Store(#[from] rusqlite::Error),
}

/// Who this process is when it holds a lease: the window app, or a command.
static HOLDER: OnceLock<&'static str> = OnceLock::new();

/// Names this process's runs as a command's (`castwright produce`); the default is "window".
pub fn set_holder_kind(kind: &'static str) {
    let _ = HOLDER.set(kind);
}

fn holder_kind() -> &'static str {
    HOLDER.get().copied().unwrap_or("window")
}

/// Tokens of the leases this process holds now. A row carrying this process's id but a token
/// not in here was left by an earlier process that had the same id.
fn live() -> std::sync::MutexGuard<'static, HashSet<String>> {
    static LIVE: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    LIVE.get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// A held lease. Dropping it stops the heartbeat and releases the episode.
#[derive(Debug)]
pub struct RunLease {
    episode_id: String,
    token: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RunLease {
    pub fn episode_id(&self) -> &str {
        &self.episode_id
    }
}

impl Drop for RunLease {
    fn drop(&mut self) {
        // The heartbeat thread deletes the row with its own connection, so release never
        // waits on the store's lock (which the dropping thread may hold).
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        live().remove(&self.token);
    }
}

/// The row as stored.
struct Holding {
    token: String,
    host: String,
    pid: i64,
    since: String,
    heartbeat_ms: i64,
}

/// Takes the episode's lease, or says who has it. Nothing is sent or reserved before this.
pub fn acquire(store: &Mutex<Store>, episode_id: &str) -> Result<RunLease, LeaseError> {
    let guard = store.lock().unwrap_or_else(|e| e.into_inner());
    // Immediate: the check and the write are one step for every process on this database.
    let tx = Transaction::new_unchecked(guard.conn(), TransactionBehavior::Immediate)?;
    let lease = take_in(&tx, episode_id)?;
    tx.commit()?;
    Ok(lease)
}

/// For `castwright produce`: names this process's holdings as a command's, and takes the
/// lease of the episode with this title if it exists already (before anything is sent).
pub fn for_command(
    store: &Mutex<Store>,
    title: Option<&str>,
) -> Result<Option<RunLease>, LeaseError> {
    set_holder_kind("command");
    let Some(title) = title else {
        return Ok(None);
    };
    let guard = store.lock().unwrap_or_else(|e| e.into_inner());
    let tx = Transaction::new_unchecked(guard.conn(), TransactionBehavior::Immediate)?;
    let found = match super::episode::find_by_title(&tx, title) {
        Ok(found) => found,
        Err(super::PipelineError::Store(e)) => return Err(LeaseError::Store(e)),
        Err(_) => None,
    };
    let Some(ep) = found else {
        return Ok(None);
    };
    let lease = take_in(&tx, &ep.id)?;
    tx.commit()?;
    Ok(Some(lease))
}

/// Takes the lease inside the caller's immediate transaction (it holds once that commits).
pub fn take_in(conn: &Connection, episode_id: &str) -> Result<RunLease, LeaseError> {
    let token = new_token();
    write(conn, episode_id, &token)?;
    live().insert(token.clone());
    let path = conn.path().map(PathBuf::from).unwrap_or_default();
    let (stop, rx) = mpsc::channel::<()>();
    let (ep, tok) = (episode_id.to_string(), token.clone());
    let thread = std::thread::Builder::new()
        .name("run-lease".into())
        .spawn(move || keep_alive(&path, &ep, &tok, &rx));
    let thread = match thread {
        Ok(t) => Some(t),
        Err(e) => {
            // Without a heartbeat the lease still holds against every process on this
            // machine (by process id); only another machine could take it over early.
            tracing::warn!(error = %e, "the run lease's heartbeat could not start");
            None
        }
    };
    tracing::info!(episode = %episode_id, holder = holder_kind(), "run lease taken");
    Ok(RunLease {
        episode_id: episode_id.to_string(),
        token,
        stop: Some(stop),
        thread,
    })
}

/// Checks that this process still holds the episode's lease (a holder that stopped beating
/// for [`GONE_AFTER`], e.g. a machine that slept, can have lost it): a stage is reused or run
/// only under the lease.
pub fn confirm(conn: &Connection, episode_id: &str) -> Result<(), LeaseError> {
    let row = read(conn, episode_id)?;
    match row {
        Some(h) if h.host == this_machine() && h.pid == this_pid() && live().contains(&h.token) => {
            Ok(())
        }
        Some(h) => Err(LeaseError::Busy {
            started: local_time(&h.since),
        }),
        // Released under us (the episode's row was cleared): nobody else runs it.
        None => Ok(()),
    }
}

/// Whether the episode is being run elsewhere now, without taking anything: the start time
/// (local `HH:MM`) of a live holder.
pub fn busy_since(conn: &Connection, episode_id: &str) -> Result<Option<String>, LeaseError> {
    Ok(read(conn, episode_id)?
        .filter(|h| gone(h).is_none())
        .map(|h| local_time(&h.since)))
}

/// Checks the lease is free (or its holder gone) and writes it, in the caller's transaction.
fn write(tx: &Connection, episode_id: &str, token: &str) -> Result<(), LeaseError> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM episodes WHERE id = ?1)",
        [episode_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(LeaseError::NotFound);
    }
    if let Some(h) = read(tx, episode_id)? {
        match gone(&h) {
            None => {
                return Err(LeaseError::Busy {
                    started: local_time(&h.since),
                })
            }
            Some(why) => tracing::warn!(
                episode = %episode_id,
                host = %h.host,
                pid = h.pid,
                since = %h.since,
                why,
                "taking over the run lease of a holder that is gone"
            ),
        }
    }
    let now = crate::clock::now();
    tx.execute(
        "INSERT INTO run_leases (episode_id, token, holder, host, pid, since, heartbeat_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (episode_id) DO UPDATE SET token = excluded.token, holder = excluded.holder,
            host = excluded.host, pid = excluded.pid, since = excluded.since,
            heartbeat_ms = excluded.heartbeat_ms",
        params![
            episode_id,
            token,
            holder_kind(),
            this_machine(),
            this_pid(),
            crate::clock::stamp(now),
            now_ms(),
        ],
    )?;
    Ok(())
}

fn read(conn: &Connection, episode_id: &str) -> rusqlite::Result<Option<Holding>> {
    conn.query_row(
        "SELECT token, host, pid, since, heartbeat_ms FROM run_leases WHERE episode_id = ?1",
        [episode_id],
        |r| {
            Ok(Holding {
                token: r.get(0)?,
                host: r.get(1)?,
                pid: r.get(2)?,
                since: r.get(3)?,
                heartbeat_ms: r.get(4)?,
            })
        },
    )
    .optional()
}

/// Why the holder counts as gone, or `None` while it is alive.
fn gone(h: &Holding) -> Option<&'static str> {
    let silent_ms = now_ms() - h.heartbeat_ms;
    if silent_ms > i64::try_from(GONE_AFTER.as_millis()).unwrap_or(i64::MAX) {
        return Some("no heartbeat");
    }
    if h.host != this_machine() {
        return None;
    }
    if h.pid == this_pid() {
        return (!live().contains(&h.token)).then_some("left by an earlier process");
    }
    match process_exists(h.pid) {
        Some(false) => Some("its process no longer exists"),
        _ => None,
    }
}

/// The heartbeat, then the release, on a connection of its own.
fn keep_alive(path: &Path, episode_id: &str, token: &str, stop: &mpsc::Receiver<()>) {
    let conn = match Connection::open(path) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "the run lease's heartbeat has no database connection");
            // Still wait for the end of the run, then there is nothing to release with.
            let _ = stop.recv();
            return;
        }
    };
    let _ = conn.busy_timeout(Duration::from_secs(10));
    // Beats until the run ends (a message, or the lease dropped with its sender).
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(HEARTBEAT_EVERY) {
        match conn.execute(
            "UPDATE run_leases SET heartbeat_ms = ?3 WHERE episode_id = ?1 AND token = ?2",
            params![episode_id, token, now_ms()],
        ) {
            Ok(0) => tracing::warn!(episode = %episode_id, "the run lease was taken over"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the run lease's heartbeat failed"),
        }
    }
    match conn.execute(
        "DELETE FROM run_leases WHERE episode_id = ?1 AND token = ?2",
        params![episode_id, token],
    ) {
        Ok(_) => tracing::info!(episode = %episode_id, "run lease released"),
        // Left behind, it is taken over once its heartbeat is old or this process has ended.
        Err(e) => tracing::warn!(error = %e, "the run lease could not be released"),
    }
}

fn new_token() -> String {
    use rand::Rng;
    let r: u128 = rand::thread_rng().gen();
    format!("{r:032x}")
}

fn now_ms() -> i64 {
    let t = crate::clock::now();
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn this_pid() -> i64 {
    i64::from(std::process::id())
}

/// The start of a run as the producer's clock shows it: `14:02` today, `3 Dec 14:02` before.
pub fn local_time(stamp: &str) -> String {
    use chrono::{DateTime, Local};
    match DateTime::parse_from_rfc3339(stamp) {
        Ok(t) => {
            let t = t.with_timezone(&Local);
            if t.date_naive() == Local::now().date_naive() {
                t.format("%H:%M").to_string()
            } else {
                t.format("%-d %b %H:%M").to_string()
            }
        }
        Err(_) => stamp.to_string(),
    }
}

/// This machine's name, to tell its processes from those of another machine sharing the
/// data folder.
fn this_machine() -> String {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        machine_name()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "this-machine".into())
    })
    .clone()
}

#[cfg(unix)]
fn machine_name() -> Option<String> {
    nix::unistd::gethostname()
        .ok()
        .map(|n| n.to_string_lossy().into_owned())
}

#[cfg(not(unix))]
fn machine_name() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

/// Whether a process with this id runs on this machine; `None` when that cannot be told
/// (then only the heartbeat decides).
#[cfg(unix)]
fn process_exists(pid: i64) -> Option<bool> {
    let Ok(pid) = i32::try_from(pid) else {
        return Some(false);
    };
    if pid <= 0 {
        return Some(false);
    }
    // A killed process its parent has not reaped yet is a zombie: it exists, but is gone.
    #[cfg(target_os = "linux")]
    if Path::new("/proc/self/stat").exists() {
        return Some(
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    s.rsplit_once(')')
                        .and_then(|(_, rest)| rest.trim_start().chars().next())
                })
                .is_some_and(|state| state != 'Z' && state != 'X'),
        );
    }
    // Signal 0 only checks that the process exists and may be signalled.
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) | Err(nix::errno::Errno::EPERM) => Some(true),
        Err(nix::errno::Errno::ESRCH) => Some(false),
        Err(_) => None,
    }
}

#[cfg(not(unix))]
fn process_exists(_pid: i64) -> Option<bool> {
    None
}

impl LeaseError {
    pub fn code(&self) -> ErrorCode {
        match self {
            LeaseError::Busy { .. } => ErrorCode::EpisodeBusy,
            LeaseError::NotFound => ErrorCode::NotFound,
            LeaseError::Store(_) => ErrorCode::Database,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_shows_as_local_hours_and_minutes_today() {
        let now = crate::clock::stamp(crate::clock::now());
        let shown = local_time(&now);
        assert_eq!(shown.len(), 5, "{shown}");
        assert_eq!(&shown[2..3], ":");
        assert!(local_time("2020-01-02T03:04:05.000Z").contains("Jan"));
    }

    #[cfg(unix)]
    #[test]
    fn this_process_exists_and_a_far_pid_does_not() {
        assert_eq!(process_exists(this_pid()), Some(true));
        assert_eq!(process_exists(i64::from(i32::MAX)), Some(false));
    }
}
