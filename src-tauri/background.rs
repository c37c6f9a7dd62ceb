//! Start-up work moved off the main thread so the window can paint without waiting for it.

use std::sync::{Arc, OnceLock};

/// Fills `slot` with `work()` on a thread named `name`. Should the thread not start, nothing is
/// lost: the first caller that needs the value fills the slot itself (`get_or_init`), with the
/// same result.
pub fn fill<T, F>(name: &str, slot: &Arc<OnceLock<T>>, work: F)
where
    T: Send + Sync + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let slot = slot.clone();
    let spawned = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            slot.get_or_init(work);
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, task = name, "could not start a background task; it runs when first needed");
    }
}
