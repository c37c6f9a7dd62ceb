// What the first screen needs from the Rust side, asked for the moment the page starts.
//
// The page's own code (the components, Svelte) takes tens of milliseconds to load and run,
// and while the window is opening the answers to these calls take about as long to come back.
// Asked from the small entry module before the rest loads, they are answered while it loads,
// instead of after it.

import { api, type AppInfo, type ConnectionStatus, type EpisodeCard, type KeyStatus, type SettingsView } from "./api";

export type StartupCalls = {
  keyStatus: Promise<KeyStatus>;
  connectionStatus: Promise<ConnectionStatus>;
  settings: Promise<SettingsView>;
  appInfo: Promise<AppInfo>;
  episodes: Promise<EpisodeCard[]>;
};

let early: StartupCalls | null = null;

function ask(): StartupCalls {
  const calls: StartupCalls = {
    keyStatus: api.keyStatus(),
    connectionStatus: api.connectionStatus(),
    settings: api.getSettings(),
    appInfo: api.appInfo(),
    episodes: api.listEpisodes(null, true),
  };
  // A failure is handled where the answer is used, which may be after it arrives: marked
  // handled here so it is not reported as unhandled in between.
  for (const call of Object.values(calls) as Promise<unknown>[]) call.catch(() => {});
  return calls;
}

/** Sends the start-up calls now; `startupCalls` hands their answers to the first start. */
export function beginStartup(): void {
  early ??= ask();
}

/**
 * The start-up calls: those sent by `beginStartup` the first time (each answer used once),
 * fresh ones after that (trying again after a failed start must ask again).
 */
export function startupCalls(): StartupCalls {
  const calls = early ?? ask();
  early = null;
  return calls;
}
