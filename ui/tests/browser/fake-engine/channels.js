// The runtime's callbacks, through which a command's Channel delivers its messages to the page.
// Injected as source text (see ../tauri-ipc-mock.js): it uses only what it is given.

export function fakeChannels() {
  let nextCallback = 1;
  /** @type {Map<number, (data: any) => void>} */
  const callbacks = new Map();

  /** @param {string} channel */
  function channelSender(channel) {
    const id = Number(String(channel).replace("__CHANNEL__:", ""));
    let index = 0;
    return {
      /** @param {unknown} message */
      send(message) {
        const cb = callbacks.get(id);
        if (cb) cb({ message, index: index++ });
      },
      end() {
        const cb = callbacks.get(id);
        if (cb) cb({ end: true, index: index++ });
      },
    };
  }

  const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

  /** @param {(data: unknown) => void} callback @param {boolean} [once] */
  function transformCallback(callback, once = false) {
    const id = nextCallback++;
    callbacks.set(id, (data) => {
      if (once) callbacks.delete(id);
      callback(data);
    });
    return id;
  }

  /** @param {number} id */
  function unregisterCallback(id) {
    callbacks.delete(id);
  }

  return { callbacks, channelSender, sleep, transformCallback, unregisterCallback };
}

/** @typedef {ReturnType<typeof fakeChannels>} Channels */
