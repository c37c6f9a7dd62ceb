// The runtime's side of the fake: window.__TAURI_INTERNALS__ (invoke, callbacks), the event
// plugin (listen, unlisten, and emitting webview events such as file drops), and the test
// runner's handle on the engine. Injected as source text (see ../tauri-ipc-mock.js): it uses
// only what it is given.

/**
 * @param {import("./data.js").Data & import("./episodes.js").Episodes & import("./channels.js").Channels
 *   & { runEpisode: (args: any) => Promise<unknown>, answer: (cmd: string, args: Record<string, any>) => unknown }} engine
 * @param {import("./data.js").Seed} seed
 */
export function fakeRuntime(engine, seed) {
  const { state, callbacks, channelSender, sleep, transformCallback, unregisterCallback, runEpisode, answer, addSamples } = engine;

  /** @typedef {import("./data.js").IpcError} IpcError */

  /** @type {Map<string, number[]>} */
  const listeners = new Map();
  let nextEventId = 1;
  /** @type {Map<number, number>} event id → callback id */
  const eventHandlers = new Map();

  /** @param {string} cmd @param {Record<string, any>} args */
  function eventPlugin(cmd, args) {
    if (cmd === "plugin:event|listen") {
      const eventId = nextEventId++;
      eventHandlers.set(eventId, args.handler);
      listeners.set(args.event, [...(listeners.get(args.event) ?? []), eventId]);
      return eventId;
    }
    if (cmd === "plugin:event|unlisten") {
      listeners.set(args.event, (listeners.get(args.event) ?? []).filter((id) => id !== args.eventId));
      eventHandlers.delete(args.eventId);
      return null;
    }
    return null;
  }

  /** @param {string} event @param {unknown} payload */
  function emit(event, payload) {
    for (const eventId of listeners.get(event) ?? []) {
      const handler = eventHandlers.get(eventId);
      const cb = handler === undefined ? undefined : callbacks.get(handler);
      if (cb) cb({ event, id: eventId, payload });
    }
  }

  /** @type {{ cmd: string, args: unknown }[]} */
  const calls = [];
  /** @type {Map<string, IpcError>} */
  const failNext = new Map();

  /** @type {any} */ (window).__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    /** @param {string} _event @param {number} eventId */
    unregisterListener(_event, eventId) {
      eventHandlers.delete(eventId);
    },
  };

  /** @type {any} */ (window).__TAURI_INTERNALS__ = {
    metadata: {
      currentWindow: { label: "main" },
      currentWebview: { windowLabel: "main", label: "main" },
    },
    /** @param {string} cmd @param {Record<string, unknown>} [args] */
    invoke(cmd, args = {}) {
      if (cmd.startsWith("plugin:event|")) return Promise.resolve(eventPlugin(cmd, args));
      // Copies, as the real IPC serialises: the page must not share objects with the state.
      const sent = JSON.parse(JSON.stringify(args));
      calls.push({ cmd, args: sent });
      return new Promise((resolve, reject) => {
        const failure = failNext.get(cmd);
        if (failure) {
          failNext.delete(cmd);
          reject(failure);
          return;
        }
        if (cmd === "connect_openrouter") {
          // OpenRouter's approval, as the app sees it: a wait, then a checked key.
          const out = channelSender(sent.onProgress);
          out.send("waiting_for_approval");
          sleep(seed.stepMs ?? 50).then(() => {
            out.send("checking");
            out.end();
            state.hasKey = true;
            state.settings.connection = "openrouter";
            resolve({ has_key: true });
          });
          return;
        }
        if (cmd === "run_episode") {
          runEpisode(sent).then(
            (summary) => resolve(JSON.parse(JSON.stringify(summary))),
            (error) => reject(error),
          );
          return;
        }
        try {
          resolve(JSON.parse(JSON.stringify(answer(cmd, sent))));
        } catch (error) {
          reject(error);
        }
      });
    },
    transformCallback,
    unregisterCallback,
    /** @param {string} path */
    convertFileSrc(path) {
      return path;
    },
  };

  if (seed.episodes === "sample") addSamples(seed);

  // The test runner's handle on the fake engine.
  /** @type {any} */ (window).__castwrightTest = {
    state,
    calls,
    /** @param {string} cmd @param {IpcError} error */
    failNext(cmd, error) {
      failNext.set(cmd, error);
    },
    emit,
    /** Files dragged over the window, then dropped, as the runtime reports them. */
    /** @param {string[]} paths */
    dragEnter(paths) {
      emit("tauri://drag-enter", { paths, position: { x: 200, y: 200 } });
    },
    /** @param {string[]} paths */
    drop(paths) {
      emit("tauri://drag-drop", { paths, position: { x: 200, y: 200 } });
    },
  };
}
