import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "./fake-engine";
import type { Settings } from "../../src/lib/api";
import { createSaver, type SaveState } from "../../src/lib/settings-saver";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("settings saver", () => {
  it("sends only the newest settings after one in flight, in order", async () => {
    const sent: string[] = [];
    const pending: ReturnType<typeof deferred<Settings>>[] = [];
    const states: SaveState["kind"][] = [];
    const saver = createSaver(
      (settings) => {
        sent.push(settings.default_budget_usd);
        const next = deferred<Settings>();
        pending.push(next);
        return next.promise;
      },
      (state) => states.push(state.kind),
    );

    const first = saver.save({ ...DEFAULT_SETTINGS, default_budget_usd: "1.00" });
    void saver.save({ ...DEFAULT_SETTINGS, default_budget_usd: "2.00" });
    void saver.save({ ...DEFAULT_SETTINGS, default_budget_usd: "3.00" });
    pending[0]?.resolve(DEFAULT_SETTINGS);
    await Promise.resolve();
    await Promise.resolve();
    pending[1]?.resolve(DEFAULT_SETTINGS);
    await first;

    expect(sent).toEqual(["1.00", "3.00"]);
    expect(states.at(-1)).toBe("saved");
  });

  it("reports a failure in plain words and can send the same settings again", async () => {
    let fail = true;
    const sent: string[] = [];
    let last: SaveState = { kind: "idle" };
    const saver = createSaver(
      async (settings) => {
        sent.push(settings.theme);
        if (fail) throw { code: "settings", message: "The settings file could not be saved." };
        return settings;
      },
      (state) => (last = state),
    );

    await saver.save({ ...DEFAULT_SETTINGS, theme: "dark" });
    expect(last).toEqual({ kind: "failed", message: "The settings file could not be saved." });

    fail = false;
    await saver.retry();
    expect(sent).toEqual(["dark", "dark"]);
    expect(last).toEqual({ kind: "saved" });
  });

  it("starts a new save after the previous one has finished", async () => {
    const sent: string[] = [];
    const saver = createSaver(
      async (settings) => {
        sent.push(settings.theme);
        return settings;
      },
      () => {},
    );
    await saver.save({ ...DEFAULT_SETTINGS, theme: "light" });
    await saver.save({ ...DEFAULT_SETTINGS, theme: "dark" });
    expect(sent).toEqual(["light", "dark"]);
  });
});
