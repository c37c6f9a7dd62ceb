// Stands in for the Tauri runtime inside a plain browser page: the built UI calls
// window.__TAURI_INTERNALS__.invoke exactly as it does in the app, and this answers from an
// in-memory engine — episodes, notes, a scripted run streamed through the run's Channel,
// versions, exports, the usage dashboard, other services and the privacy check — and delivers
// webview events (file drops) the way the runtime does.
//
// It is injected before the page loads, as source text: each part under fake-engine/ is one
// self-contained function (it must not close over anything from the test runner) that takes
// what the parts before it made and gives back its own; everything else arrives in `seed`.

import { fakeChannels } from "./fake-engine/channels.js";
import { fakeCommands } from "./fake-engine/commands.js";
import { fakeData } from "./fake-engine/data.js";
import { fakeEpisodes } from "./fake-engine/episodes.js";
import { fakeRun } from "./fake-engine/run.js";
import { fakeRuntime } from "./fake-engine/runtime.js";
import { fakeUsage } from "./fake-engine/usage.js";

/** @typedef {import("./fake-engine/data.js").Seed} Seed */

/**
 * The script that installs the fake runtime in a page, for `context.addInitScript`.
 * @param {Seed} seed
 * @returns {{ content: string }}
 */
export function tauriMockScript(seed) {
  const content = `(() => {
  const seed = ${JSON.stringify(seed)};
  const data = (${fakeData})(seed);
  const episodes = (${fakeEpisodes})(data);
  const channels = (${fakeChannels})();
  const engine = { ...data, ...episodes, ...channels };
  const usage = (${fakeUsage})(engine);
  const { runEpisode } = (${fakeRun})(engine);
  const { answer } = (${fakeCommands})({ ...engine, ...usage });
  (${fakeRuntime})({ ...engine, runEpisode, answer }, seed);
})();`;
  return { content };
}
