// Calls to commands the engine already implements but the shell does not expose yet (usage
// dashboard, alerts, model catalog, other connections, backups). They go through the same
// IPC as the generated bindings, with the argument names the shell will use, so wiring a
// command in Rust is all it takes for the screen to work. Until then a call fails with a
// plain sentence (or, where the screen can do without, returns `fallback`).

import { invoke } from "@tauri-apps/api/core";
import { ApiError, toApiError } from "./errors";

/** Shown when a screen needs a command this build of the app does not have. */
export const NOT_AVAILABLE_MESSAGE =
  "This part of Castwright is not available in this version yet. Update Castwright to use it.";

function isMissingCommand(thrown: unknown): boolean {
  return typeof thrown === "string" && /command .* not found/i.test(thrown);
}

export async function pendingCommand<T>(
  cmd: string,
  args: Record<string, unknown> = {},
  fallback?: T,
): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (thrown) {
    if (isMissingCommand(thrown)) {
      if (fallback !== undefined) return fallback;
      throw new ApiError("internal", NOT_AVAILABLE_MESSAGE);
    }
    throw toApiError(thrown);
  }
}
