//! The bookkeeping writer: every budget, request-log and cache write (and read) an AI call
//! makes goes through one connection of its own, kept by a writer thread, so a call waits
//! only for what must happen before its request is sent.
//!
//! # Where money is reserved and settled
//!
//! Every AI call — each stage's calls, a continuation, the re-ask after an unreadable answer,
//! the rewrite and its check — goes through `routing::Router::call`, and each of its attempts:
//!
//! 1. **reserves** its worst case (`routing/reserve.rs` → [`Bookkeeper::reserve`] →
//!    `budget::reserve_in`): every prompt token and `max_tokens` at the dearest prices of the
//!    models it may reach, checked against the episode's and the month's limits and committed
//!    *before* the request is sent;
//! 2. is **settled** to its exact cost (`routing/settle.rs` → [`Bookkeeper::settle`] →
//!    `budget::settle_in`), in the same transaction as its request-log row
//!    (`ledger::insert`); an attempt with no reservation (the producer turned the
//!    connection's limit off, or a cache hit) only writes its row ([`Bookkeeper::record`]).
//!
//! That row is the record of what was spent, each attempt under the stage that paid for it:
//! the stage cards and the episode total (`pipeline::report`) and the usage screen all sum
//! it. A reservation left open by a crash is released by `budget::release_stale_for` on the
//! episode's next run.
//!
//! # How the writer does it
//!
//! - A budget reservation is on the call's path: it must be durable before the request goes
//!   out, because it is what keeps the limits safe. A lone reservation (the writer's
//!   connection free, no other reservation just before it) is committed by the caller itself
//!   on the writer's connection: handing it to another thread and back would cost more than
//!   the commit. Reservations that come close together are handed to the writer, which
//!   commits every one waiting in one `BEGIN IMMEDIATE` transaction (group commit), checking
//!   each against the limits in turn, and answers each caller only after that commit.
//! - The settlement with its request-log row, a cache hit's row and the cache write are off
//!   the path: the call hands them over and returns. The writer commits them a moment later
//!   (at most 2 ms), in order, a few to a transaction and each settlement with its row; by
//!   then a caller making calls back to back has sent its next request, instead of waiting
//!   for the previous call's bookkeeping. Until a settlement commits, its reservation still
//!   counts against the limits, so a queued settlement can only make the budget more careful,
//!   never overshoot; a reservation refused while settlements are queued is tried again once
//!   they are written.
//! - `flush` is the barrier: it returns once everything handed over before it is committed,
//!   with the errors met since the last flush (they are logged as they happen, too).
//! - WAL checkpoints (which sync the disk) run on a thread of their own, not on a caller.
//!
//! Durability is unchanged: WAL with `synchronous=NORMAL` on every connection. If the process
//! dies between an answer and its settlement, the reservation stays open and
//! `budget::release_stale_for` releases it on the episode's next run.
//!
//! There is one writer per open `Store`, shared by every router on it. The queue is bounded:
//! when the disk cannot keep up, a caller handing over work waits for room.

mod checkpoint;
mod writer;

use std::path::Path;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tokio::sync::oneshot;

use checkpoint::Checkpointer;

use crate::budget::{self, BudgetError, Reservation, ScopeLimit, WorstCase};
use crate::cache::CachedAnswer;
use crate::ledger::AttemptRow;
use crate::ErrorCode;

/// How many jobs may wait for the writer before callers handing over work wait for room.
const QUEUE: usize = 4096;

/// A reservation this close behind the previous one is handed to the writer, to share a
/// commit with the others arriving meanwhile.
const BURST: Duration = Duration::from_micros(200);

/// Commits between two checkpoint requests (each commit adds a few pages to the WAL; SQLite's
/// own automatic checkpoint would come at 1,000 pages).
const CHECKPOINT_EVERY: u32 = 64;

/// Bookkeeping that could not be written, reported by `flush`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BookkeepingError {
    #[error(
        "Castwright could not save {count} of its spending records. The money stays \
         held against the limits until the episode runs again. Check that the disk has room and \
         that Castwright's data folder can be written, then run the episode again."
    )]
    Failed { count: usize, first: String },
    #[error(
        "Castwright's spending records writer has stopped, so no more calls can be made. \
         Restart Castwright."
    )]
    Stopped,
}

/// The large payloads are boxed: the queue allocates all of its [`QUEUE`] slots up front, each
/// the size of the largest job, and a row inline would make that about 1.6 MB held for the life
/// of the app; boxed, it is under 0.2 MB.
pub(crate) enum Job {
    Reserve {
        call_id: String,
        limits: Vec<ScopeLimit>,
        worst: WorstCase,
        reply: oneshot::Sender<Result<Reservation, BudgetError>>,
    },
    /// A finished attempt: its reservation settled to the real cost, with its row.
    Settle {
        reservation: Box<Reservation>,
        row: Box<AttemptRow>,
    },
    /// A row that spent nothing against a limit (a cache hit, or a connection whose limit is
    /// knowingly off).
    Record {
        row: Box<AttemptRow>,
    },
    CacheHit {
        key: String,
    },
    CachePut {
        key: String,
        connection_id: String,
        answer: Box<CachedAnswer>,
    },
    Flush {
        reply: oneshot::Sender<Result<(), BookkeepingError>>,
    },
}

/// What the callers and the writer thread share.
pub(crate) struct Shared {
    /// The writer's connection (none if it could not be opened). Whoever holds it commits.
    conn: Mutex<Option<Connection>>,
    /// Callers waiting for `conn`: the writer cuts its batch short for them.
    wanted: AtomicUsize,
    open_error: String,
    /// Reservations handed to the writer and not yet answered.
    waiting: AtomicUsize,
    /// Bookkeeping jobs handed over and not yet written.
    queued: AtomicUsize,
    /// When the latest reservation began, in microseconds since `epoch`.
    last_reservation: AtomicU64,
    epoch: Instant,
    commits: AtomicU32,
    checkpointer: Option<Checkpointer>,
}

impl Shared {
    fn conn(&self) -> MutexGuard<'_, Option<Connection>> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The connection for a call: if the writer has it, it lets go after the job in hand.
    fn conn_for_caller(&self) -> MutexGuard<'_, Option<Connection>> {
        match self.conn.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                self.wanted.fetch_add(1, Ordering::AcqRel);
                let g = self.conn();
                self.wanted.fetch_sub(1, Ordering::AcqRel);
                g
            }
        }
    }

    /// Counts a commit; every so often asks for a checkpoint.
    fn committed(&self) {
        if self.commits.fetch_add(1, Ordering::Relaxed) + 1 >= CHECKPOINT_EVERY {
            self.checkpoint();
        }
    }

    /// Asks for a checkpoint if anything was committed since the last one.
    fn checkpoint(&self) {
        if self.commits.swap(0, Ordering::Relaxed) > 0 {
            if let Some(c) = &self.checkpointer {
                c.request();
            }
        }
    }

    /// A call is waiting for the connection, or has handed the writer a reservation.
    fn someone_waits(&self) -> bool {
        self.wanted.load(Ordering::Acquire) > 0 || self.waiting.load(Ordering::Acquire) > 0
    }

    fn cannot_open(&self) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(self.open_error.clone()),
        )
    }
}

/// The handle callers hand work to. Dropping the last one lets the writer finish what is
/// queued, and waits for it.
pub struct Bookkeeper {
    jobs: Option<SyncSender<Job>>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Bookkeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bookkeeper").finish_non_exhaustive()
    }
}

impl Bookkeeper {
    /// The writer of this open database: started by the first router on it, shared by every
    /// later one (the store keeps it for as long as it is open).
    pub fn of(store: &mut crate::store::Store) -> Arc<Bookkeeper> {
        store.companion(Bookkeeper::start)
    }

    /// Starts the writer for the database file at `path`. If its connection cannot be
    /// opened, every job is answered with the reason.
    pub fn start(path: &Path) -> Bookkeeper {
        let (conn, open_error) = match crate::store::open_background(path) {
            Ok(c) => (Some(c), String::new()),
            Err(e) => {
                tracing::error!(error = %e, "the bookkeeping writer could not open the database");
                (None, e.to_string())
            }
        };
        let checkpointer = conn.as_ref().and_then(|_| Checkpointer::start(path));
        let shared = Arc::new(Shared {
            conn: Mutex::new(conn),
            wanted: AtomicUsize::new(0),
            open_error,
            waiting: AtomicUsize::new(0),
            queued: AtomicUsize::new(0),
            last_reservation: AtomicU64::new(0),
            epoch: Instant::now(),
            commits: AtomicU32::new(0),
            checkpointer,
        });
        let (tx, rx) = sync_channel(QUEUE);
        let for_writer = shared.clone();
        let thread = std::thread::Builder::new()
            .name("castwright-bookkeeping".into())
            .spawn(move || writer::run(&for_writer, rx));
        let thread = match thread {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::error!(error = %e, "could not start the bookkeeping writer");
                None
            }
        };
        Bookkeeper {
            jobs: thread.as_ref().map(|_| tx),
            thread,
            shared,
        }
    }

    fn send(&self, job: Job) -> Result<(), BookkeepingError> {
        let Some(jobs) = &self.jobs else {
            return Err(BookkeepingError::Stopped);
        };
        // Nearly always there is room; when there is not, waiting is the backpressure that
        // keeps the queue bounded.
        match jobs.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(job)) => {
                tracing::debug!("bookkeeping queue full: waiting for the writer");
                jobs.send(job).map_err(|_| BookkeepingError::Stopped)
            }
            Err(TrySendError::Disconnected(_)) => Err(BookkeepingError::Stopped),
        }
    }

    /// Runs `f` on the writer's connection, waiting while a transaction is being written.
    /// The router does all its database work here (cache lookups, prices, catalog updates):
    /// a connection must re-read every page after another connection commits, so sharing
    /// one connection keeps its pages warm.
    pub fn with_conn<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<R>,
    ) -> rusqlite::Result<R> {
        match self.shared.conn_for_caller().as_mut() {
            Some(c) => f(c),
            None => Err(self.shared.cannot_open()),
        }
    }

    /// Reserves `worst` against `limits`; answers once the reservation is committed.
    pub async fn reserve(
        &self,
        call_id: &str,
        limits: &[ScopeLimit],
        worst: WorstCase,
    ) -> Result<Reservation, BudgetError> {
        if let Some(done) = self.reserve_alone(call_id, limits, &worst) {
            return done;
        }
        let shared = &self.shared;
        let (reply, answer) = oneshot::channel();
        shared.waiting.fetch_add(1, Ordering::AcqRel);
        let sent = self.send(Job::Reserve {
            call_id: call_id.to_string(),
            limits: limits.to_vec(),
            worst,
            reply,
        });
        if let Err(e) = sent {
            shared.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(stopped(e));
        }
        answer
            .await
            .map_err(|_| stopped(BookkeepingError::Stopped))?
    }

    /// A lone reservation, committed right here on the writer's connection. `None` when it
    /// should go to the writer instead.
    fn reserve_alone(
        &self,
        call_id: &str,
        limits: &[ScopeLimit],
        worst: &WorstCase,
    ) -> Option<Result<Reservation, BudgetError>> {
        let shared = &self.shared;
        let now = u64::try_from(shared.epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
        let before = shared.last_reservation.swap(now, Ordering::Relaxed);
        let burst = u64::try_from(BURST.as_micros()).unwrap_or(u64::MAX);
        if now.saturating_sub(before) < burst || shared.waiting.load(Ordering::Acquire) > 0 {
            return None;
        }
        let mut guard = shared.conn_for_caller();
        let conn = guard.as_mut()?;
        let result = budget::reserve(conn, call_id, limits, worst);
        drop(guard);
        match result {
            Ok(r) => {
                shared.committed();
                Some(Ok(r))
            }
            // Queued settlements may free the room: the writer writes them and tries again.
            Err(BudgetError::Refused { .. }) if shared.queued.load(Ordering::Acquire) > 0 => None,
            Err(e) => Some(Err(e)),
        }
    }

    /// Hands over one bookkeeping job.
    fn hand_over(&self, job: Job) -> Result<(), BookkeepingError> {
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        self.send(job).inspect_err(|_| {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
        })
    }

    /// Hands over a finished attempt's settlement and row.
    pub fn settle(
        &self,
        reservation: Reservation,
        row: AttemptRow,
    ) -> Result<(), BookkeepingError> {
        self.hand_over(Job::Settle {
            reservation: Box::new(reservation),
            row: Box::new(row),
        })
    }

    /// Hands over a row that spent nothing against a limit.
    pub fn record(&self, row: AttemptRow) -> Result<(), BookkeepingError> {
        self.hand_over(Job::Record { row: Box::new(row) })
    }

    /// Counts a cache hit (for the dashboard); losing one is harmless, so errors are only
    /// logged.
    pub fn cache_hit(&self, key: &str) {
        if let Err(e) = self.hand_over(Job::CacheHit {
            key: key.to_string(),
        }) {
            tracing::warn!(error = %e, "could not count a cache hit");
        }
    }

    /// Stores an answer in the cache.
    pub fn cache_put(&self, key: &str, connection_id: &str, answer: CachedAnswer) {
        if let Err(e) = self.hand_over(Job::CachePut {
            key: key.to_string(),
            connection_id: connection_id.to_string(),
            answer: Box::new(answer),
        }) {
            tracing::warn!(error = %e, "could not store an answer in the cache");
        }
    }

    /// Waits until everything handed over before this call is committed; reports what could
    /// not be written since the last flush.
    pub async fn flush(&self) -> Result<(), BookkeepingError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Flush { reply })?;
        answer.await.map_err(|_| BookkeepingError::Stopped)?
    }
}

fn stopped(e: BookkeepingError) -> BudgetError {
    BudgetError::Store(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(e.to_string()),
    ))
}

impl Drop for Bookkeeper {
    fn drop(&mut self) {
        // Closing the queue ends the writer once it has written what is queued; waiting for
        // it means an orderly shutdown loses nothing.
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            if t.join().is_err() {
                tracing::error!("the bookkeeping writer stopped abnormally");
            }
        }
    }
}

impl BookkeepingError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Database
    }
}
