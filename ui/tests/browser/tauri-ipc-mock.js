// Stands in for the Tauri runtime inside a plain browser page: the built UI calls
// window.__TAURI_INTERNALS__.invoke exactly as it does in the app, and this answers from an
// in-memory state. It is injected before the page loads, so it must not close over anything
// from the test runner: everything it needs arrives in `seed`.

/**
 * @typedef {{ code: string, message: string }} IpcError
 * @typedef {{ hasKey?: boolean, settings?: Record<string, unknown>, notice?: string | null }} Seed
 */

/** @param {Seed} seed */
export function installTauriMock(seed) {
  const state = {
    hasKey: seed.hasKey ?? false,
    settings: {
      theme: "system",
      default_budget_usd: "3.00",
      monthly_limit_usd: null,
      low_balance_alert_usd: "2.00",
      privacy_deny_data_collection: false,
      default_preset: "current",
      ...seed.settings,
    },
    notice: seed.notice ?? null,
  };
  /** @type {{ cmd: string, args: unknown }[]} */
  const calls = [];
  /** @type {Map<string, IpcError>} */
  const failNext = new Map();

  /** @param {string} cmd @param {Record<string, unknown>} args */
  function answer(cmd, args) {
    switch (cmd) {
      case "app_info":
        return {
          version: "0.1.0",
          data_dir: "/home/producer/.local/share/com.castwright.desktop",
          log_dir: "/home/producer/.local/share/com.castwright.desktop/logs",
          startup_problem: null,
        };
      case "key_status":
        return { has_key: state.hasKey };
      case "set_key":
        state.hasKey = true;
        return { has_key: true };
      case "delete_key":
        state.hasKey = false;
        return { has_key: false };
      case "get_settings":
        return { settings: state.settings, notice: state.notice };
      case "save_settings":
        state.settings = /** @type {typeof state.settings} */ (args.settings);
        return state.settings;
      default:
        throw `Command ${cmd} not found`;
    }
  }

  let nextCallback = 1;
  /** @type {Map<number, (data: unknown) => void>} */
  const callbacks = new Map();

  /** @type {any} */ (window).__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { label: "main" } },
    /** @param {string} cmd @param {Record<string, unknown>} [args] */
    invoke(cmd, args = {}) {
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
        try {
          resolve(JSON.parse(JSON.stringify(answer(cmd, sent))));
        } catch (error) {
          reject(error);
        }
      });
    },
    /** @param {(data: unknown) => void} callback */
    transformCallback(callback) {
      const id = nextCallback++;
      callbacks.set(id, callback);
      return id;
    },
    /** @param {number} id */
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    /** @param {string} path */
    convertFileSrc(path) {
      return path;
    },
  };

  // The test runner's handle on the fake engine.
  /** @type {any} */ (window).__castwrightTest = {
    state,
    calls,
    /** @param {string} cmd @param {IpcError} error */
    failNext(cmd, error) {
      failNext.set(cmd, error);
    },
  };
}
