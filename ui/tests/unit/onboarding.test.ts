import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import Onboarding from "../../src/screens/Onboarding.svelte";
import { fakeEngine } from "./fake-engine";

function setup() {
  const engine = fakeEngine();
  const onsaved = vi.fn();
  render(Onboarding, { onsaved });
  return { engine, onsaved, user: userEvent.setup() };
}

describe("first-run screen", () => {
  it("says what Castwright does, where the key is kept and where to get one", () => {
    setup();
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Welcome to Castwright");
    expect(screen.getByTestId("onboarding")).toHaveTextContent(
      "Your key is kept in your computer's keychain, never in a file",
    );
    const link = screen.getByRole("link", { name: /OpenRouter keys page/ });
    expect(link).toHaveAttribute("href", "https://openrouter.ai/keys");
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noreferrer");
    expect(screen.getByLabelText("Your OpenRouter key")).toHaveAttribute("type", "password");
  });

  it("asks for a key without calling the engine when the box is empty or blank", async () => {
    const { engine, onsaved, user } = setup();
    await user.click(screen.getByTestId("save-key"));
    expect(screen.getByTestId("key-error")).toHaveTextContent("Paste your OpenRouter key");
    expect(screen.getByTestId("key-input")).toHaveAttribute("aria-invalid", "true");

    await user.type(screen.getByTestId("key-input"), "   ");
    await user.click(screen.getByTestId("save-key"));
    expect(screen.getByTestId("key-error")).toBeInTheDocument();

    expect(engine.called("set_key")).toHaveLength(0);
    expect(onsaved).not.toHaveBeenCalled();
  });

  it("saves the trimmed key and reports success", async () => {
    const { engine, onsaved, user } = setup();
    await user.type(screen.getByTestId("key-input"), "  sk-or-v1-0123456789  ");
    await user.click(screen.getByTestId("save-key"));
    await waitFor(() => expect(onsaved).toHaveBeenCalledWith({ has_key: true }));
    expect(engine.called("set_key")).toEqual([
      { cmd: "set_key", args: { key: "sk-or-v1-0123456789" } },
    ]);
    expect(screen.queryByTestId("key-error")).not.toBeInTheDocument();
  });

  it("submits with the Enter key", async () => {
    const { onsaved, user } = setup();
    await user.type(screen.getByTestId("key-input"), "sk-or-v1-abc{Enter}");
    await waitFor(() => expect(onsaved).toHaveBeenCalledOnce());
  });

  it("shows the engine's plain message when the keychain is unavailable, and can try again", async () => {
    const { engine, onsaved, user } = setup();
    const message =
      "Castwright could not open your computer's keychain. Unlock it (or sign in again) and try again.";
    engine.failNext.set("set_key", { code: "keychain_unavailable", message });

    await user.type(screen.getByTestId("key-input"), "sk-or-v1-abc");
    await user.click(screen.getByTestId("save-key"));
    const alert = await screen.findByTestId("save-key-error");
    expect(alert).toHaveTextContent(message);
    expect(alert).toHaveAttribute("role", "alert");
    expect(onsaved).not.toHaveBeenCalled();

    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalledOnce());
    expect(engine.called("set_key")).toHaveLength(2);
    expect(screen.queryByTestId("save-key-error")).not.toBeInTheDocument();
  });

  it("shows a refused key next to the field", async () => {
    const { engine, user } = setup();
    engine.failNext.set("set_key", {
      code: "invalid_input",
      message: "That does not look like an OpenRouter key. It starts with sk-or-.",
    });
    await user.type(screen.getByTestId("key-input"), "hello");
    await user.click(screen.getByTestId("save-key"));
    expect(await screen.findByTestId("key-error")).toHaveTextContent(
      "That does not look like an OpenRouter key",
    );
    expect(screen.queryByTestId("save-key-error")).not.toBeInTheDocument();
  });
});
