//! The writer thread: group-commits the reservations handed to it as soon as they arrive, and
//! writes the handed-over bookkeeping a moment later, in order, in small transactions.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::{BookkeepingError, Job, Shared};
use crate::budget::{self, BudgetError, Reservation, ScopeLimit, WorstCase};

/// How long handed-over bookkeeping waits before it is written (a flush writes it at once).
/// Calls made back to back look up the cache and reserve within microseconds of the previous
/// answer; writing that answer's settlement right then would make them wait for it (one
/// connection, one writer at a time), and on a busy machine would compete with them for the
/// processor. Waiting also gathers several calls' bookkeeping into one commit.
const MAX_DELAY: Duration = Duration::from_millis(2);

/// Bookkeeping jobs per transaction at most (fewer when a call is waiting: see
/// `write_chunk`); enough that a burst costs few commits.
const CHUNK: usize = 32;

/// The most bookkeeping jobs the writer takes off the queue before writing them: beyond it,
/// jobs stay in the bounded queue and callers handing over more wait for room.
const HELD: usize = 4096;

/// After this long with nothing to do, the WAL is checkpointed whatever its size, so a quiet
/// database is folded back into its file.
const QUIET: Duration = Duration::from_millis(50);

/// A reservation waiting for its commit.
struct Pending {
    call_id: String,
    limits: Vec<ScopeLimit>,
    worst: WorstCase,
    reply: oneshot::Sender<Result<Reservation, BudgetError>>,
}

struct Writer<'a> {
    shared: &'a Shared,
    /// Handed-over bookkeeping, oldest first, with when it arrived.
    queued: VecDeque<(Job, Instant)>,
    /// Bookkeeping jobs taken in, and those written (or failed), since the start: a flush is
    /// answered once everything taken in before it has been written.
    taken: u64,
    written: u64,
    flushes: Vec<(u64, oneshot::Sender<Result<(), BookkeepingError>>)>,
    /// What could not be written since the last flush was answered.
    errors: Vec<String>,
    /// Write the queue now, chunk by chunk, rather than wait for a reservation.
    eager: bool,
    /// Something was committed since the writer was last quiet.
    busy: bool,
}

pub(super) fn run(shared: &Shared, jobs: Receiver<Job>) {
    let mut w = Writer {
        shared,
        queued: VecDeque::new(),
        taken: 0,
        written: 0,
        flushes: Vec::new(),
        errors: Vec::new(),
        eager: false,
        busy: false,
    };
    let mut open = true;
    while open || !w.queued.is_empty() {
        let mut reservations = Vec::new();
        if w.queued.len() >= HELD {
            w.eager = true;
        }
        // Wait for work: with bookkeeping queued, until it is due; while writing the queue,
        // not at all; otherwise as long as it takes (checkpointing once things go quiet).
        let wait = if !open || w.eager {
            None
        } else if let Some((_, since)) = w.queued.front() {
            Some((*since + MAX_DELAY).saturating_duration_since(Instant::now()))
        } else if w.busy {
            Some(QUIET)
        } else {
            Some(Duration::MAX)
        };
        if let Some(wait) = wait {
            let got = if wait == Duration::MAX {
                jobs.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                jobs.recv_timeout(wait)
            };
            match got {
                Ok(job) => w.take(job, &mut reservations),
                Err(RecvTimeoutError::Timeout) if w.queued.is_empty() => {
                    w.busy = false;
                    w.shared.checkpoint();
                }
                Err(RecvTimeoutError::Timeout) => w.eager = true,
                Err(RecvTimeoutError::Disconnected) => open = false,
            }
        }
        // Everything else already waiting joins this round, reservations above all.
        while open && w.queued.len() < HELD {
            match jobs.try_recv() {
                Ok(job) => w.take(job, &mut reservations),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => open = false,
            }
        }
        if !reservations.is_empty() {
            w.reserve(reservations);
        }
        if !open || !w.flushes.is_empty() {
            w.eager = true;
        }
        if w.eager {
            w.write_chunk();
        }
        w.answer_flushes();
    }
    w.answer_flushes();
    w.shared.checkpoint();
}

impl Writer<'_> {
    fn take(&mut self, job: Job, reservations: &mut Vec<Pending>) {
        match job {
            Job::Reserve {
                call_id,
                limits,
                worst,
                reply,
            } => reservations.push(Pending {
                call_id,
                limits,
                worst,
                reply,
            }),
            Job::Flush { reply } => self.flushes.push((self.taken, reply)),
            other => {
                self.taken += 1;
                self.queued.push_back((other, Instant::now()));
            }
        }
    }

    /// Commits every waiting reservation in one transaction, then answers each. One refused
    /// while settlements are still queued is tried again once they are written: they may
    /// free the room it needs.
    fn reserve(&mut self, waiting: Vec<Pending>) {
        let n = waiting.len();
        let retry = self.reserve_once(waiting, !self.queued.is_empty());
        if !retry.is_empty() {
            while !self.queued.is_empty() {
                self.write_chunk();
            }
            let left = self.reserve_once(retry, false);
            debug_assert!(left.is_empty());
        }
        self.shared.waiting.fetch_sub(n, Ordering::AcqRel);
    }

    fn reserve_once(&mut self, waiting: Vec<Pending>, may_retry: bool) -> Vec<Pending> {
        let shared = self.shared;
        let mut guard = shared.conn();
        let Some(conn) = guard.as_mut() else {
            for p in waiting {
                let _ = p.reply.send(Err(BudgetError::Store(shared.cannot_open())));
            }
            return Vec::new();
        };
        let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(e) => {
                tracing::error!(error = %e, "could not begin a reservation");
                for p in waiting {
                    let _ = p.reply.send(Err(BudgetError::Store(copy_error(&e))));
                }
                return Vec::new();
            }
        };
        let mut granted = Vec::new();
        let mut retry = Vec::new();
        for p in waiting {
            // Each in a savepoint, so one failing leaves the others whole.
            let result = match tx.savepoint() {
                Ok(sp) => match budget::reserve_in(&sp, &p.call_id, &p.limits, &p.worst) {
                    Ok(r) => sp.commit().map(|()| r).map_err(BudgetError::Store),
                    // Dropping the savepoint rolls it back.
                    Err(e) => Err(e),
                },
                Err(e) => Err(BudgetError::Store(e)),
            };
            match result {
                Ok(r) => granted.push((p.reply, r)),
                Err(BudgetError::Refused { .. }) if may_retry => retry.push(p),
                Err(e) => {
                    let _ = p.reply.send(Err(e));
                }
            }
        }
        let committed = tx.commit();
        drop(guard);
        match committed {
            Ok(()) => {
                self.committed();
                for (reply, r) in granted {
                    let _ = reply.send(Ok(r));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not commit reservations");
                for (reply, _) in granted {
                    let _ = reply.send(Err(BudgetError::Store(copy_error(&e))));
                }
            }
        }
        retry
    }

    /// Writes up to `CHUNK` queued jobs in one transaction, each in a savepoint. It stops
    /// early, after the job in hand, when a caller is waiting for the connection: a call's
    /// cache lookup or reservation never waits for more than one job.
    fn write_chunk(&mut self) {
        if self.queued.is_empty() {
            self.eager = false;
            return;
        }
        let shared = self.shared;
        let mut done: Vec<Job> = Vec::new();
        let mut failures: Vec<(usize, String)> = Vec::new();
        let outcome = {
            let mut guard = shared.conn();
            match guard.as_mut() {
                None => {
                    done.extend(self.queued.drain(..).map(|(j, _)| j));
                    Err(shared.cannot_open())
                }
                Some(conn) => (|| -> rusqlite::Result<()> {
                    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    while done.len() < CHUNK {
                        if !done.is_empty() && shared.someone_waits() {
                            break;
                        }
                        let Some((job, _)) = self.queued.pop_front() else {
                            break;
                        };
                        done.push(job);
                        let i = done.len() - 1;
                        let sp = tx.savepoint()?;
                        match apply(&sp, &done[i]) {
                            Ok(()) => sp.commit()?,
                            Err(e) => {
                                // Finishing an uncommitted savepoint rolls it back.
                                sp.finish()?;
                                failures.push((i, e));
                            }
                        }
                    }
                    tx.commit()
                })(),
            }
        };
        let n = done.len();
        self.written += n as u64;
        shared.queued.fetch_sub(n, Ordering::AcqRel);
        if self.queued.is_empty() {
            self.eager = false;
        }
        match outcome {
            Ok(()) => {
                self.committed();
                for (i, why) in failures {
                    self.failed(&done[i], &why);
                }
            }
            Err(e) => {
                let why = e.to_string();
                for job in &done {
                    self.failed(job, &why);
                }
            }
        }
    }

    fn failed(&mut self, job: &Job, why: &str) {
        match job {
            Job::Settle { row, .. } | Job::Record { row } => {
                tracing::error!(
                    call = %row.call_id,
                    attempt = row.attempt,
                    cost_units = row.cost_units,
                    error = %why,
                    "a spending record could not be written"
                );
                self.errors.push(why.to_string());
            }
            // The cache is a saving, not a record: a lost entry only means paying again.
            Job::CacheHit { .. } | Job::CachePut { .. } => {
                tracing::warn!(error = %why, "a cache write failed");
            }
            Job::Reserve { .. } | Job::Flush { .. } => {}
        }
    }

    fn committed(&mut self) {
        self.busy = true;
        self.shared.committed();
    }

    fn answer_flushes(&mut self) {
        if self.flushes.is_empty() {
            return;
        }
        let written = self.written;
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.flushes)
            .into_iter()
            .partition(|(upto, _)| *upto <= written);
        self.flushes = later;
        if due.is_empty() {
            return;
        }
        let result = match self.errors.first() {
            None => Ok(()),
            Some(first) => Err(BookkeepingError::Failed {
                count: self.errors.len(),
                first: first.clone(),
            }),
        };
        self.errors.clear();
        for (_, reply) in due {
            let _ = reply.send(result.clone());
        }
    }
}

/// One handed-over job, inside its savepoint.
fn apply(conn: &Connection, job: &Job) -> Result<(), String> {
    match job {
        Job::Settle { reservation, row } => {
            budget::settle_in(conn, reservation, row).map_err(|e| e.to_string())
        }
        Job::Record { row } => budget::record_unbilled(conn, row).map_err(|e| e.to_string()),
        Job::CacheHit { key } => crate::cache::count_hit(conn, key).map_err(|e| e.to_string()),
        Job::CachePut {
            key,
            connection_id,
            answer,
        } => crate::cache::put(conn, key, connection_id, answer).map_err(|e| e.to_string()),
        Job::Reserve { .. } | Job::Flush { .. } => Ok(()),
    }
}

/// `rusqlite::Error` cannot be cloned; every caller of a failed group commit gets the same
/// code and words.
fn copy_error(e: &rusqlite::Error) -> rusqlite::Error {
    let code = e
        .sqlite_error()
        .copied()
        .unwrap_or_else(|| rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR));
    rusqlite::Error::SqliteFailure(code, Some(e.to_string()))
}
