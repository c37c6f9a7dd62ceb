// Saves settings one at a time, always the newest. A producer can click faster than the disk
// writes; without this an older save could land after a newer one and undo it.

import { toApiError, type Settings } from "./api";

export type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "failed"; message: string };

export type Saver = {
  /** Queue these settings to be saved; replaces anything queued and not yet sent. */
  save(settings: Settings): Promise<void>;
  /** Send the last settings that failed again. */
  retry(): Promise<void>;
};

export function createSaver(
  send: (settings: Settings) => Promise<Settings>,
  onState: (state: SaveState) => void,
): Saver {
  let queued: Settings | null = null;
  let lastFailed: Settings | null = null;
  let running: Promise<void> | null = null;

  async function drain(): Promise<void> {
    let failure: string | null = null;
    while (queued) {
      const next = queued;
      queued = null;
      onState({ kind: "saving" });
      try {
        await send(next);
        failure = null;
        lastFailed = null;
      } catch (error) {
        // A newer queued save may still succeed and supersede this one.
        failure = toApiError(error).message;
        lastFailed = next;
      }
    }
    // Cleared in the same synchronous step that saw the queue empty, so a save requested from
    // here on starts a fresh drain instead of joining one that has already finished.
    running = null;
    onState(failure === null ? { kind: "saved" } : { kind: "failed", message: failure });
  }

  function save(settings: Settings): Promise<void> {
    queued = settings;
    if (!running) {
      running = drain();
    }
    return running;
  }

  return {
    save,
    retry: () => (lastFailed ? save(lastFailed) : Promise.resolve()),
  };
}
