//! WAL checkpoints on a thread of their own. A checkpoint copies the WAL back into the
//! database file and syncs both, which can take milliseconds; left to SQLite's automatic
//! checkpoint it would land on whichever commit crossed the threshold — a call's
//! reservation. PASSIVE never waits for readers or writers, so the writer and every other
//! connection carry on while it runs. Durability is the same either way.

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

pub(super) struct Checkpointer {
    requests: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(super) fn start(path: &Path) -> Option<Checkpointer> {
        // One request waiting is enough: more would only ask for the same work again.
        let (tx, rx) = sync_channel(1);
        let path = path.to_path_buf();
        match std::thread::Builder::new()
            .name("castwright-checkpoint".into())
            .spawn(move || run(&path, rx))
        {
            Ok(thread) => Some(Checkpointer {
                requests: Some(tx),
                thread: Some(thread),
            }),
            Err(e) => {
                tracing::warn!(error = %e, "could not start the checkpoint thread");
                None
            }
        }
    }

    pub(super) fn request(&self) {
        if let Some(r) = &self.requests {
            let _ = r.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.requests = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(path: &Path, requests: Receiver<()>) {
    let conn = match crate::store::open_background(path) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "the checkpoint thread could not open the database");
            return;
        }
    };
    while requests.recv().is_ok() {
        let r = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        });
        match r {
            Ok((frames, copied)) => tracing::trace!(frames, copied, "checkpoint"),
            Err(e) => tracing::warn!(error = %e, "checkpoint failed"),
        }
    }
}
