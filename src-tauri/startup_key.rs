//! Whether the OpenRouter key is in the keychain, looked up once at start-up on a thread of
//! its own while the window opens.
//!
//! Each keychain lookup is a D-Bus round trip with a key exchange (about 20 ms), and the first
//! screen cannot choose between the library and the first-run screen without the answer: it
//! asks twice (`key_status`, and `connection_status` for its banner). Those first questions get
//! the answer looked up at start-up; every later one asks the keychain, and a key set or
//! removed (`forget`) ends the start-up answer at once, so a change is always seen.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use castwright_engine::connections;
use castwright_engine::secrets::Keychain;

use crate::IpcError;

/// How many questions the start-up answer serves: the first screen's two.
const FIRST_QUESTIONS: u8 = 2;

type Answer = Result<bool, IpcError>;

pub struct StartupKey {
    answer: Arc<OnceLock<Answer>>,
    left: AtomicU8,
}

fn look_up(keychain: &Keychain) -> Answer {
    connections::key_status(keychain)
        .map(|status| status.has_key)
        .map_err(IpcError::from)
}

impl StartupKey {
    /// Starts the lookup. Should the thread not start, the first question looks it up itself.
    pub fn start(keychain: &Keychain) -> Self {
        let answer: Arc<OnceLock<Answer>> = Arc::new(OnceLock::new());
        let keychain = keychain.clone();
        crate::background::fill("keychain-lookup", &answer, move || look_up(&keychain));
        StartupKey {
            answer,
            left: AtomicU8::new(FIRST_QUESTIONS),
        }
    }

    /// Called before the key changes: from then on every question asks the keychain.
    pub fn forget(&self) {
        self.left.store(0, Ordering::Release);
    }

    /// Whether a key is stored: the start-up answer for the first questions (waiting for it if
    /// it is still being looked up), the keychain's current one after.
    pub fn has_key(&self, keychain: &Keychain) -> Answer {
        let first = self
            .left
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok();
        if first {
            self.answer.get_or_init(|| look_up(keychain)).clone()
        } else {
            look_up(keychain)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As if the start-up lookup had found a key; the keychain itself is never reached for it.
    fn found_at_start() -> StartupKey {
        StartupKey {
            answer: Arc::new(OnceLock::from(Ok(true))),
            left: AtomicU8::new(FIRST_QUESTIONS),
        }
    }

    #[test]
    fn only_the_first_questions_get_the_start_up_answer() {
        // A keychain service of its own, so no real key is touched.
        let keychain = Keychain::with_service("castwright-test-startup-key");
        let startup = found_at_start();
        assert_eq!(startup.has_key(&keychain), Ok(true));
        assert_eq!(startup.has_key(&keychain), Ok(true));
        // The third question asks the keychain, which has no such key (or, without a keychain
        // session, says it cannot be reached): either way not the start-up answer.
        assert_ne!(startup.has_key(&keychain), Ok(true));
    }

    #[test]
    fn a_changed_key_ends_the_start_up_answer() {
        let keychain = Keychain::with_service("castwright-test-startup-key");
        let startup = found_at_start();
        startup.forget();
        assert_ne!(startup.has_key(&keychain), Ok(true));
    }
}
