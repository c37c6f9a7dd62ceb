// Saves one thing at a time (settings, an episode's brief, a script edit), always the newest.
// A producer can type or click faster than the disk writes; without this an older save could
// land after a newer one and undo it.

import { toApiError, type Settings } from "./api";

export type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "failed"; message: string };

export type Saver<T = Settings> = {
  /** Queue this value to be saved; replaces anything queued and not yet sent. */
  save(value: T): Promise<void>;
  /** Send the last value that failed again. */
  retry(): Promise<void>;
};

export function createSaver<T = Settings>(
  send: (value: T) => Promise<unknown>,
  onState: (state: SaveState) => void,
): Saver<T> {
  let queued: T | null = null;
  let lastFailed: T | null = null;
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

  function save(value: T): Promise<void> {
    queued = value;
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
