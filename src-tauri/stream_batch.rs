//! Streamed text to the page in frames, not pieces. A model streams a few words per piece,
//! dozens of pieces a second per call; each channel message costs the page a message event,
//! a JSON parse and a redraw. So pieces that follow each other are joined and sent at most
//! once per frame (~16 ms): the page does the same drawing for a fraction of the messages,
//! and the producer still sees the text as it comes. Every other event flushes the joined
//! text first and goes out at once, so the order of everything the page receives is the
//! order the engine produced it in.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tauri::ipc::{Channel, IpcResponse};
use tokio::sync::Notify;

/// One display frame: the longest a piece of text waits before it is sent.
pub const FRAME: Duration = Duration::from_millis(16);

/// An event that may carry streamed text which can be joined with the next piece.
pub trait Joinable: Sized {
    /// Whether this is a piece of streamed text (held back for up to a frame).
    fn is_text(&self) -> bool;
    /// Appends `next` to this piece when both belong to the same text; else gives it back.
    fn join(&mut self, next: Self) -> Result<(), Self>;
}

struct Pending<T: IpcResponse> {
    channel: Channel<T>,
    text: Option<T>,
}

impl<T: IpcResponse> Pending<T> {
    fn flush(&mut self) {
        if let Some(text) = self.text.take() {
            // A closed window stops listening; the run still finishes and is saved.
            let _ = self.channel.send(text);
        }
    }
}

/// Sends events to a channel, joining streamed text per frame (see the module doc).
/// Call `finish` when the stream ends so the last piece is not held back.
pub struct Batched<T: IpcResponse + Joinable + Send + 'static> {
    pending: Arc<Mutex<Pending<T>>>,
    wake: Arc<Notify>,
    flusher: tauri::async_runtime::JoinHandle<()>,
}

fn lock<T: IpcResponse>(pending: &Mutex<Pending<T>>) -> MutexGuard<'_, Pending<T>> {
    pending.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T: IpcResponse + Joinable + Send + 'static> Batched<T> {
    pub fn new(channel: Channel<T>) -> Self {
        let pending = Arc::new(Mutex::new(Pending {
            channel,
            text: None,
        }));
        let wake = Arc::new(Notify::new());
        // Woken by the first piece of a frame; sends what has gathered a frame later.
        let flusher = tauri::async_runtime::spawn({
            let (pending, wake) = (pending.clone(), wake.clone());
            async move {
                loop {
                    wake.notified().await;
                    tokio::time::sleep(FRAME).await;
                    lock(&pending).flush();
                }
            }
        });
        Batched {
            pending,
            wake,
            flusher,
        }
    }

    pub fn send(&self, event: T) {
        let mut pending = lock(&self.pending);
        if !event.is_text() {
            pending.flush();
            let _ = pending.channel.send(event);
            return;
        }
        match pending.text.take() {
            None => {
                pending.text = Some(event);
                self.wake.notify_one();
            }
            Some(mut held) => match held.join(event) {
                Ok(()) => pending.text = Some(held),
                Err(other) => {
                    // Another stage's or reply's text: what was held goes first.
                    let _ = pending.channel.send(held);
                    pending.text = Some(other);
                }
            },
        }
    }

    /// Sends what is still held back; nothing is sent after this.
    pub fn finish(self) {
        self.flusher.abort();
        lock(&self.pending).flush();
    }
}

impl<T: IpcResponse + Joinable + Send + 'static> Drop for Batched<T> {
    fn drop(&mut self) {
        self.flusher.abort();
    }
}

impl Joinable for castwright_engine::pipeline::ProgressEvent {
    fn is_text(&self) -> bool {
        matches!(self, Self::TextDelta { .. })
    }

    fn join(&mut self, next: Self) -> Result<(), Self> {
        match (self, next) {
            (
                Self::TextDelta { stage, text },
                Self::TextDelta {
                    stage: s,
                    text: more,
                },
            ) if *stage == s => {
                text.push_str(&more);
                Ok(())
            }
            (_, next) => Err(next),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use castwright_engine::pipeline::{ProgressEvent, Stage};
    use tauri::ipc::{Channel, InvokeResponseBody};

    use super::*;

    fn recording() -> (Channel<ProgressEvent>, Arc<Mutex<Vec<String>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let channel = Channel::new(move |body| {
            let text = match body {
                InvokeResponseBody::Json(s) => s,
                InvokeResponseBody::Raw(b) => String::from_utf8_lossy(&b).to_string(),
            };
            sink.lock().unwrap().push(text);
            Ok(())
        });
        (channel, seen)
    }

    fn text(stage: Stage, t: &str) -> ProgressEvent {
        ProgressEvent::TextDelta {
            stage,
            text: t.into(),
        }
    }

    #[test]
    fn joins_pieces_and_keeps_the_order_of_everything() {
        let (channel, seen) = recording();
        let batched = Batched::new(channel);
        batched.send(text(Stage::Script, "ALEX: Six "));
        batched.send(text(Stage::Script, "weeks."));
        batched.send(text(Stage::Research, "- 116 images"));
        batched.send(ProgressEvent::TextReset {
            stage: Stage::Research,
        });
        batched.send(text(Stage::Research, "- again"));
        batched.finish();
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert!(seen[0].contains("ALEX: Six weeks."), "{seen:?}");
        assert!(seen[1].contains("- 116 images"), "{seen:?}");
        assert!(seen[2].contains("text_reset"), "{seen:?}");
        assert!(seen[3].contains("- again"), "{seen:?}");
    }

    #[test]
    fn a_last_piece_is_not_held_back_past_a_frame() {
        let (channel, seen) = recording();
        let batched = Batched::new(channel);
        batched.send(text(Stage::Script, "SAM: Hello."));
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while seen.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(seen.lock().unwrap().len(), 1, "sent without a finish");
        batched.finish();
        assert_eq!(seen.lock().unwrap().len(), 1, "nothing sent twice");
    }
}
