import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../../src/App.svelte";
import { beginStartup, startupCalls } from "../../src/lib/startup";
import { fakeEngine } from "./fake-engine";

const STARTUP = ["key_status", "connection_status", "get_settings", "app_info", "list_episodes"];

function counts(engine: ReturnType<typeof fakeEngine>): number[] {
  return STARTUP.map((cmd) => engine.called(cmd).length);
}

describe("start-up calls", () => {
  it("are sent once as the page starts, their answers used by the first start only", async () => {
    const engine = fakeEngine({ hasKey: true });
    beginStartup();
    beginStartup();
    expect(counts(engine)).toEqual([1, 1, 1, 1, 1]);

    const first = startupCalls();
    expect(counts(engine)).toEqual([1, 1, 1, 1, 1]);
    expect(await first.keyStatus).toEqual({ has_key: true });

    // Trying again asks again.
    const again = startupCalls();
    expect(again.keyStatus).not.toBe(first.keyStatus);
    expect(counts(engine)).toEqual([2, 2, 2, 2, 2]);
    await again.keyStatus;
  });

  it("open the app without it asking a second time", async () => {
    const engine = fakeEngine({ hasKey: true });
    beginStartup();
    render(App);
    expect(await screen.findByTestId("settings")).toBeInTheDocument();
    expect(counts(engine)).toEqual([1, 1, 1, 1, 1]);
  });

  it("keep a failure for the start that reads it, which says what happened", async () => {
    const engine = fakeEngine({ hasKey: true });
    engine.failNext.set("key_status", { code: "internal", message: "Castwright could not check for a key." });
    beginStartup();
    // Nothing reads the failed answer for a moment: it must not be lost, nor reported as unhandled.
    await new Promise((done) => setTimeout(done, 10));
    render(App);
    expect(await screen.findByRole("alert")).toHaveTextContent("could not check for a key");
  });
});
