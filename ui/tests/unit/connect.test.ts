import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import type { Channel } from "@tauri-apps/api/core";
import { describe, expect, it, vi } from "vitest";
import ConnectOpenRouter from "../../src/components/ConnectOpenRouter.svelte";
import Onboarding from "../../src/screens/Onboarding.svelte";
import type { ConnectStep } from "../../src/lib/api";
import { fakeEngine } from "./fake-engine";

function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const TEST = {
  simulated: false,
  label: "sk-or-v1-0e6...c96",
  credit_balance: "25",
  limit: "10",
  limit_remaining: "10",
  models: 40,
};

describe("Connect with OpenRouter", () => {
  it("is the main action on the first-run screen, with pasting a key and the demo still there", () => {
    fakeEngine();
    render(Onboarding, { onsaved: vi.fn() });
    const button = screen.getByTestId("connect-button");
    expect(button).toHaveTextContent("Connect with OpenRouter");
    expect(button).toHaveClass("primary");
    expect(screen.getByTestId("save-key")).not.toHaveClass("primary");
    expect(screen.getByTestId("try-demo")).toBeInTheDocument();
  });

  it("waits for approval with Cancel, then shows the credit and the key's limit", async () => {
    const engine = fakeEngine();
    const done = pending<unknown>();
    let channel: Channel<ConnectStep> | null = null;
    engine.handlers.set("connect_openrouter", (args) => {
      channel = args.onProgress as Channel<ConnectStep>;
      return done.promise;
    });
    engine.handlers.set("test_connection", () => TEST);
    engine.handlers.set("open_link", () => null);
    const onconnected = vi.fn();
    render(ConnectOpenRouter, { onconnected });
    const user = userEvent.setup();
    await user.click(screen.getByTestId("connect-button"));
    await waitFor(() => expect(channel).not.toBeNull());
    channel!.onmessage("waiting_for_approval");
    expect(await screen.findByTestId("connect-waiting")).toHaveTextContent(
      "Waiting for you to approve in your browser…",
    );
    expect(screen.getByTestId("connect-cancel")).toBeInTheDocument();
    // Nothing secret is asked for or passed: only the progress channel.
    expect(Object.keys(engine.called("connect_openrouter")[0]!.args)).toEqual(["onProgress"]);

    done.resolve({ has_key: true });
    expect(await screen.findByTestId("connect-credit")).toHaveTextContent("$25.00");
    expect(screen.getByTestId("connect-limit")).toHaveTextContent("$10.00");
    expect(onconnected).toHaveBeenCalledOnce();
    await user.click(screen.getByTestId("add-credit"));
    expect(engine.called("open_link")[0]?.args).toEqual({ link: "add_credits" });
  });

  it("cancels, and says so calmly", async () => {
    const engine = fakeEngine();
    const done = pending<unknown>();
    engine.handlers.set("connect_openrouter", () => done.promise);
    engine.handlers.set("cancel_connect", () => {
      done.reject({ code: "cancelled", message: "Connecting was cancelled. Nothing was saved." });
      return true;
    });
    const onconnected = vi.fn();
    render(ConnectOpenRouter, { onconnected });
    const user = userEvent.setup();
    await user.click(screen.getByTestId("connect-button"));
    await user.click(await screen.findByTestId("connect-cancel"));
    const notice = await screen.findByTestId("connect-error");
    expect(notice).toHaveTextContent("Connecting was cancelled. Nothing was saved.");
    expect(notice).toHaveAttribute("role", "status");
    expect(onconnected).not.toHaveBeenCalled();
    expect(screen.getByTestId("connect-button")).toBeInTheDocument();
  });

  it("shows a refusal in plain words with a way to try again", async () => {
    const engine = fakeEngine();
    const message =
      'Castwright was not approved on OpenRouter, so nothing was saved. Press "Connect with OpenRouter" to try again, or paste a key instead.';
    engine.failNext.set("connect_openrouter", { code: "key_rejected", message });
    engine.handlers.set("connect_openrouter", () => ({ has_key: true }));
    engine.handlers.set("test_connection", () => TEST);
    render(ConnectOpenRouter, {});
    const user = userEvent.setup();
    await user.click(screen.getByTestId("connect-button"));
    const alert = await screen.findByTestId("connect-error");
    expect(alert).toHaveTextContent(message);
    expect(alert).toHaveAttribute("role", "alert");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("connect-done")).toBeInTheDocument();
    expect(screen.queryByTestId("connect-error")).not.toBeInTheDocument();
  });
});
