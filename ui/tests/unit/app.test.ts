import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import App from "../../src/App.svelte";
import { fakeEngine } from "./fake-engine";

describe("app", () => {
  it("opens on the first-run screen when no key is set", async () => {
    fakeEngine({ hasKey: false });
    render(App);
    expect(await screen.findByTestId("onboarding")).toBeInTheDocument();
    expect(screen.queryByTestId("settings")).not.toBeInTheDocument();
  });

  it("opens on settings, with the sidebar, when a key is set", async () => {
    fakeEngine({ hasKey: true });
    render(App);
    expect(await screen.findByTestId("settings")).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Settings" })).toHaveAttribute(
      "aria-current",
      "page",
    );
  });

  it("goes from first run to settings and back when the key is saved and removed", async () => {
    const engine = fakeEngine({ hasKey: false });
    const user = userEvent.setup();
    render(App);
    await user.type(await screen.findByTestId("key-input"), "sk-or-v1-abc");
    await user.click(screen.getByTestId("save-key"));
    expect(await screen.findByTestId("key-status")).toHaveTextContent("A key is set");

    await user.click(screen.getByTestId("remove-key"));
    await user.click(screen.getByTestId("confirm-remove-key"));
    expect(await screen.findByTestId("onboarding")).toBeInTheDocument();
    expect(engine.hasKey).toBe(false);
  });

  it("applies the saved theme on start", async () => {
    const engine = fakeEngine({ hasKey: true });
    engine.settings = { ...engine.settings, theme: "dark" };
    render(App);
    await screen.findByTestId("settings");
    expect(document.documentElement.dataset.theme).toBe("dark");
  });

  it("says what happened when the key status cannot be read, and can try again", async () => {
    const engine = fakeEngine({ hasKey: true });
    engine.failNext.set("key_status", {
      code: "internal",
      message: "Castwright could not check for a key.",
    });
    const user = userEvent.setup();
    render(App);
    expect(await screen.findByRole("alert")).toHaveTextContent("could not check for a key");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("settings")).toBeInTheDocument();
  });

  it("without a keychain it explains why and still offers the demo", async () => {
    const engine = fakeEngine({ hasKey: false });
    engine.failNext.set("key_status", {
      code: "keychain_unavailable",
      message: "Castwright could not open your computer's keychain.",
    });
    render(App);
    expect(await screen.findByTestId("keychain-problem")).toHaveTextContent(
      "could not open your computer's keychain",
    );
    expect(screen.getByTestId("onboarding")).toBeInTheDocument();
    expect(screen.getByTestId("try-demo")).toBeInTheDocument();
  });

  it("still opens when the app's facts cannot be read", async () => {
    const engine = fakeEngine({ hasKey: true });
    const message = "Your Castwright data was written by a newer version. Update Castwright.";
    engine.failNext.set("app_info", { code: "database", message });
    // app_info failing is logged and tolerated; a reported startup_problem is shown.
    vi.spyOn(console, "error").mockImplementation(() => {});
    render(App);
    expect(await screen.findByTestId("settings")).toHaveTextContent(
      "Castwright could not tell where its data folder is",
    );
  });

  it("shows a start-up problem reported with the app's facts", async () => {
    const engine = fakeEngine({ hasKey: true });
    engine.startupProblem = {
      code: "database",
      message: "Your episodes could not be opened: the database is damaged.",
    };
    render(App);
    await screen.findByTestId("settings");
    expect(screen.getByText(/the database is damaged/)).toBeInTheDocument();
  });
});
