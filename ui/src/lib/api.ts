// The one door to the Rust side. Screens call these functions and get plain values back, or
// an ApiError whose `code` says which action to offer and whose `message` is ready to show.
// Nothing else in the UI imports the generated bindings.

import { commands, type ErrorCode, type IpcError } from "./bindings";

// Value types are read off the generated commands rather than named, so this file keeps
// compiling when the generator changes how it names them (for example split into
// serialise/deserialise variants).
type Commands = typeof commands;
type Outcome<K extends keyof Commands> = Awaited<ReturnType<Commands[K]>>;
type OkData<K extends keyof Commands> = Extract<Outcome<K>, { status: "ok" }>["data"];
type Result<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

export type { ErrorCode, IpcError };
export type AppInfo = OkData<"appInfo">;
export type KeyStatus = OkData<"keyStatus">;
export type SettingsView = OkData<"getSettings">;
/** Settings as the engine returns them; the same shape is what `saveSettings` takes. */
export type Settings = OkData<"saveSettings">;
export type Theme = Settings["theme"];

const ERROR_CODES: readonly ErrorCode[] = [
  "keychain_unavailable",
  "invalid_input",
  "database",
  "settings",
  "not_found",
  "internal",
];

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

/** Turns anything a command may fail with into an ApiError a screen can show as it is. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isIpcError(error)) return new ApiError(error.code, error.message);
  // Tauri's own failures (an unknown command, a denied permission) arrive as bare strings, and
  // a missing IPC bridge as a TypeError: neither is fit to show, so say what to do instead.
  if (typeof console !== "undefined") console.error("Unexpected failure from the engine:", error);
  return new ApiError("internal", UNREACHABLE_MESSAGE);
}

async function unwrap<T>(call: () => Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call();
  } catch (thrown) {
    throw toApiError(thrown);
  }
  if (result.status === "ok") return result.data;
  throw toApiError(result.error);
}

export const api = {
  appInfo: (): Promise<AppInfo> => unwrap(() => commands.appInfo()),
  keyStatus: (): Promise<KeyStatus> => unwrap(() => commands.keyStatus()),
  setKey: (key: string): Promise<KeyStatus> => unwrap(() => commands.setKey(key)),
  deleteKey: (): Promise<KeyStatus> => unwrap(() => commands.deleteKey()),
  getSettings: (): Promise<SettingsView> => unwrap(() => commands.getSettings()),
  saveSettings: (settings: Settings): Promise<Settings> =>
    unwrap(() => commands.saveSettings(settings)),
};
