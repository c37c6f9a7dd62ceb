// Streamed text drawn once per animation frame, not once per message. The shell already
// joins a stream's pieces per frame, but several streams (and a busy page) can still hand
// the page more messages than it can draw; each applied piece costs reactive updates and a
// relayout. Pieces that arrive between two frames are joined and applied together just
// before the frame; any other event applies what is held first, so the order is kept.

export type FrameBatch<E> = {
  /** Hands an event in: streamed text waits for the next frame, anything else goes at once. */
  push: (event: E) => void;
  /** Applies whatever is held now (the stream ended, or the page needs it). */
  flush: () => void;
};

const nextFrame: (run: () => void) => unknown =
  typeof requestAnimationFrame === "function"
    ? (run) => requestAnimationFrame(() => run())
    : (run) => setTimeout(run, 16);

/**
 * @param apply draws one event
 * @param isText whether an event is a piece of streamed text
 * @param join `held` followed by `next` as one event, or null when they belong to different texts
 */
export function perFrame<E>(
  apply: (event: E) => void,
  isText: (event: E) => boolean,
  join: (held: E, next: E) => E | null,
): FrameBatch<E> {
  let held: E[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const events = held;
    held = [];
    for (const event of events) apply(event);
  }

  function push(event: E): void {
    if (!isText(event)) {
      flush();
      apply(event);
      return;
    }
    const last = held[held.length - 1];
    const joined = last === undefined ? null : join(last, event);
    if (joined === null) held.push(event);
    else held[held.length - 1] = joined;
    if (!scheduled) {
      scheduled = true;
      // A frame that comes after a flush finds nothing held and does nothing.
      nextFrame(() => {
        if (scheduled) flush();
      });
    }
  }

  return { push, flush };
}
