//! Running a third-party parser so that its panic or hang costs one file, not the app. Each
//! parse runs on its own thread with a generous stack (deeply nested hostile input), inside
//! `catch_unwind`, and is given a time limit.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// Far longer than any real note takes (a 25 MB PDF reads in seconds).
pub(crate) const PARSE_TIME_LIMIT: Duration = Duration::from_secs(120);
const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Contained<T> {
    Done(T),
    /// The parser panicked; the message is for the log.
    Panicked(String),
    /// The parser did not finish in time. Its thread is left to finish on its own: a thread
    /// cannot be killed safely, and the caller must not wait for it.
    TimedOut,
}

pub(crate) fn contained<T, F>(job: F) -> Contained<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    contained_with_limit(PARSE_TIME_LIMIT, job)
}

pub(crate) fn contained_with_limit<T, F>(limit: Duration, job: F) -> Contained<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    // The job is shared so it can still run here if no thread can be started.
    let slot = Arc::new(Mutex::new(Some(job)));
    let thread_slot = Arc::clone(&slot);
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = thread::Builder::new()
        .name("note-parser".into())
        .stack_size(PARSER_STACK_BYTES)
        .spawn(move || {
            let job = thread_slot
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            if let Some(job) = job {
                let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(job)));
            }
        });
    match spawned {
        Ok(_) => match rx.recv_timeout(limit) {
            Ok(Ok(value)) => Contained::Done(value),
            Ok(Err(payload)) => Contained::Panicked(panic_message(payload.as_ref())),
            Err(RecvTimeoutError::Timeout) => {
                tracing::warn!(
                    seconds = limit.as_secs(),
                    "a note parser did not finish in time"
                );
                Contained::TimedOut
            }
            Err(RecvTimeoutError::Disconnected) => {
                Contained::Panicked("the parser stopped without an answer".into())
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "could not start a parser thread; parsing in place");
            let job = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            match job {
                Some(job) => match panic::catch_unwind(AssertUnwindSafe(job)) {
                    Ok(value) => Contained::Done(value),
                    Err(payload) => Contained::Panicked(panic_message(payload.as_ref())),
                },
                None => Contained::Panicked("the parser could not be started".into()),
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_results_through() {
        assert_eq!(contained(|| 41 + 1), Contained::Done(42));
    }

    #[test]
    fn a_panic_becomes_an_answer() {
        let outcome: Contained<()> = contained(|| panic!("parser exploded"));
        assert_eq!(outcome, Contained::Panicked("parser exploded".into()));
    }

    #[test]
    fn a_hang_becomes_an_answer() {
        let (_keep, rx) = mpsc::channel::<()>();
        // The job blocks until the test ends and drops the sender.
        let outcome = contained_with_limit(Duration::from_millis(20), move || rx.recv().is_ok());
        assert_eq!(outcome, Contained::TimedOut);
    }
}
