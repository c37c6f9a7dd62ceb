import { mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { api, ApiError, UNREACHABLE_MESSAGE, toApiError } from "../../src/lib/api";
import { DEFAULT_SETTINGS, fakeEngine } from "./fake-engine";

describe("api", () => {
  let consoleError: MockInstance<typeof console.error>;
  beforeEach(() => {
    // Unexpected failures are logged for whoever debugs them; keep them out of the test output.
    consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => consoleError.mockRestore());

  it("returns the command's data when it succeeds", async () => {
    fakeEngine({ hasKey: true });
    await expect(api.keyStatus()).resolves.toEqual({ has_key: true });
  });

  it("sends the key under the argument name the Rust command expects", async () => {
    const engine = fakeEngine();
    await api.setKey("sk-or-v1-abc");
    expect(engine.called("set_key")).toEqual([
      { cmd: "set_key", args: { key: "sk-or-v1-abc" } },
    ]);
  });

  it("sends settings under `settings` and returns what the engine kept", async () => {
    const engine = fakeEngine();
    const next = { ...DEFAULT_SETTINGS, theme: "dark" as const };
    await expect(api.saveSettings(next)).resolves.toEqual(next);
    expect(engine.called("save_settings")[0]?.args).toEqual({ settings: next });
  });

  it("turns an engine error into an ApiError with its code and plain message", async () => {
    const engine = fakeEngine();
    engine.failNext.set("set_key", {
      code: "keychain_unavailable",
      message: "Your computer's keychain is locked. Unlock it and try again.",
    });
    const error = await api.setKey("sk-or-v1-abc").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: "keychain_unavailable",
      message: "Your computer's keychain is locked. Unlock it and try again.",
    });
  });

  it("replaces a bare Tauri failure with a plain sentence", async () => {
    mockIPC(() => {
      throw "Command key_status not found";
    });
    const error = await api.keyStatus().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "internal", message: UNREACHABLE_MESSAGE });
    expect(consoleError).toHaveBeenCalled();
  });

  it("replaces a missing IPC bridge with a plain sentence", async () => {
    // No mockIPC: there is no __TAURI_INTERNALS__ to call, as in a plain browser tab.
    const error = await api.appInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "internal", message: UNREACHABLE_MESSAGE });
  });

  it("does not trust an error with an unknown code or an empty message", () => {
    expect(toApiError({ code: "teapot", message: "I am a teapot" }).message).toBe(
      UNREACHABLE_MESSAGE,
    );
    expect(toApiError({ code: "database", message: "  " }).message).toBe(UNREACHABLE_MESSAGE);
    expect(toApiError({ code: "database", message: "The database is damaged." })).toMatchObject({
      code: "database",
      message: "The database is damaged.",
    });
  });
});
