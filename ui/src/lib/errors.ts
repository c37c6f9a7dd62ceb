// The error every call to the engine fails with: a code the screen acts on and a sentence it
// shows as it is.

import type { ErrorCode, IpcError } from "./bindings";

// Every code the engine can send, checked against the generated type: a code added in Rust
// fails to compile here until the UI knows it.
const KNOWN: Record<ErrorCode, true> = {
  keychain_unavailable: true,
  invalid_input: true,
  database: true,
  settings: true,
  not_found: true,
  key_missing: true,
  key_rejected: true,
  credits_exhausted: true,
  budget_refused: true,
  all_models_failed: true,
  cancelled: true,
  episode_busy: true,
  internal: true,
};
const ERROR_CODES = Object.keys(KNOWN) as readonly ErrorCode[];

/** Shown when the engine could not be reached at all, or answered with something unexpected. */
export const UNREACHABLE_MESSAGE =
  "Castwright could not reach its engine. Close the app and open it again; if this keeps happening, reinstall Castwright.";

export class ApiError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.message === "string" &&
    candidate.message.trim() !== "" &&
    typeof candidate.code === "string" &&
    (ERROR_CODES as readonly string[]).includes(candidate.code)
  );
}

/** Whether a code is one the UI knows how to act on (progress events carry codes as text). */
export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** Turns anything a command may fail with into an ApiError a screen can show as it is. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isIpcError(error)) return new ApiError(error.code, error.message);
  // Tauri's own failures (an unknown command, a denied permission) arrive as bare strings, and
  // a missing IPC bridge as a TypeError: neither is fit to show, so say what to do instead.
  if (typeof console !== "undefined") console.error("Unexpected failure from the engine:", error);
  return new ApiError("internal", UNREACHABLE_MESSAGE);
}

