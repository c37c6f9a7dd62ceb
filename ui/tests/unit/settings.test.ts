import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { AppInfo, Settings } from "../../src/lib/api";
import SettingsScreen from "../../src/screens/Settings.svelte";
import { DEFAULT_SETTINGS, fakeEngine } from "./fake-engine";

const APP_INFO: AppInfo = {
  version: "0.1.0",
  data_dir: "/home/producer/.local/share/com.castwright.desktop",
  log_dir: "/home/producer/.local/share/com.castwright.desktop/logs",
  startup_problem: null,
};

function setup(options: { settings?: Partial<Settings>; notice?: string | null } = {}) {
  const engine = fakeEngine({ hasKey: true });
  const props = {
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    appInfo: APP_INFO,
    notice: options.notice ?? null,
    ondismissnotice: vi.fn(),
    onsettingschange: vi.fn(),
    onkeyremoved: vi.fn(),
  };
  render(SettingsScreen, props);
  return { engine, props, user: userEvent.setup() };
}

describe("settings screen", () => {
  it("shows the key as set and where the data lives", () => {
    setup();
    expect(screen.getByTestId("key-status")).toHaveTextContent("OpenRouter key: set");
    expect(screen.getByTestId("key-status")).toHaveTextContent("A key is set");
    expect(screen.getByTestId("data-dir")).toHaveTextContent(APP_INFO.data_dir);
  });

  it("applies a theme at once and saves it", async () => {
    const { engine, props, user } = setup();
    await user.click(screen.getByLabelText("Dark"));
    expect(document.documentElement.dataset.theme).toBe("dark");
    await waitFor(() => expect(engine.settings.theme).toBe("dark"));
    expect(props.onsettingschange).toHaveBeenLastCalledWith(
      expect.objectContaining({ theme: "dark" }),
    );
    expect(await screen.findByTestId("save-state")).toHaveTextContent("Saved");

    await user.click(screen.getByLabelText(/Match my computer/));
    expect(document.documentElement.dataset.theme).toBeUndefined();
    await waitFor(() => expect(engine.settings.theme).toBe("system"));
  });

  it("asks before removing the key, and keeps it when told to", async () => {
    const { engine, props, user } = setup();
    expect(screen.queryByTestId("confirm-remove-key")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("remove-key"));
    expect(screen.getByTestId("confirm-remove-key")).toBeInTheDocument();
    // The safe choice has the focus.
    expect(screen.getByRole("button", { name: "Keep key" })).toHaveFocus();
    await user.click(screen.getByRole("button", { name: "Keep key" }));

    expect(screen.queryByTestId("confirm-remove-key")).not.toBeInTheDocument();
    expect(screen.getByTestId("remove-key")).toHaveFocus();
    expect(engine.called("delete_key")).toHaveLength(0);
    expect(props.onkeyremoved).not.toHaveBeenCalled();
  });

  it("removes the key after confirmation", async () => {
    const { engine, props, user } = setup();
    await user.click(screen.getByTestId("remove-key"));
    await user.click(screen.getByTestId("confirm-remove-key"));
    await waitFor(() => expect(props.onkeyremoved).toHaveBeenCalledOnce());
    expect(engine.called("delete_key")).toHaveLength(1);
    expect(engine.hasKey).toBe(false);
  });

  it("shows why the key could not be removed", async () => {
    const { engine, props, user } = setup();
    engine.failNext.set("delete_key", {
      code: "keychain_unavailable",
      message: "Your keychain is locked. Unlock it and try again.",
    });
    await user.click(screen.getByTestId("remove-key"));
    await user.click(screen.getByTestId("confirm-remove-key"));
    expect(await screen.findByRole("alert")).toHaveTextContent("Your keychain is locked.");
    expect(props.onkeyremoved).not.toHaveBeenCalled();
  });

  it("refuses a spending limit below one cent without saving it", async () => {
    const { engine, user } = setup();
    const field = screen.getByTestId("episode-limit");
    await user.clear(field);
    await user.type(field, "0");
    await fireEvent.change(field);
    expect(screen.getByRole("alert")).toHaveTextContent(
      "The spending limit per episode must be at least $0.01.",
    );
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(engine.called("save_settings")).toHaveLength(0);
  });

  it("saves a valid spending limit as a two-decimal amount", async () => {
    const { engine, user } = setup();
    const field = screen.getByTestId("episode-limit");
    await user.clear(field);
    await user.type(field, "5");
    await user.tab();
    await waitFor(() => expect(engine.settings.default_budget_usd).toBe("5.00"));
    expect(field).toHaveValue("5.00");
  });

  it("turns the monthly limit on and off", async () => {
    const { engine, user } = setup();
    expect(screen.queryByTestId("monthly-limit")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("monthly-on"));
    const field = await screen.findByTestId("monthly-limit");
    expect(field).toHaveFocus();
    await waitFor(() => expect(engine.settings.monthly_limit_usd).toBe("30.00"));

    await user.clear(field);
    await user.type(field, "75.5");
    await user.tab();
    await waitFor(() => expect(engine.settings.monthly_limit_usd).toBe("75.50"));

    await user.click(screen.getByTestId("monthly-on"));
    await waitFor(() => expect(engine.settings.monthly_limit_usd).toBeNull());
  });

  it("saves the privacy choice", async () => {
    const { engine, user } = setup();
    await user.click(
      screen.getByLabelText("Only use providers that do not store or train on my material"),
    );
    await waitFor(() => expect(engine.settings.privacy_deny_data_collection).toBe(true));
  });

  it("saves whether paid backups may take over from a free model, off by default", async () => {
    const { engine, user } = setup();
    const box = screen.getByLabelText(
      "When a free model's daily allowance runs out, let the paid backup models take over",
    );
    expect(box).not.toBeChecked();
    await user.click(box);
    await waitFor(() => expect(engine.settings.paid_backups_after_free_quota).toBe(true));
  });

  it("shows a failed save in plain words with a way to try again", async () => {
    const { engine, user } = setup();
    engine.failNext.set("save_settings", {
      code: "settings",
      message: "Castwright could not save your settings. Check that the disk is not full.",
    });
    await user.click(screen.getByLabelText("Light"));
    expect(await screen.findByTestId("save-error")).toHaveTextContent(
      "could not save your settings",
    );
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(screen.queryByTestId("save-error")).not.toBeInTheDocument());
    expect(engine.settings.theme).toBe("light");
  });

  it("shows the settings notice calmly with a way to dismiss it", async () => {
    const { props, user } = setup({
      notice: "Some settings could not be read, so their defaults are used.",
    });
    const notice = screen.getByTestId("settings-notice");
    expect(notice).toHaveTextContent("Some settings could not be read");
    // Calm: a status, not an alert that interrupts a screen reader.
    expect(notice).toHaveAttribute("role", "status");
    await user.click(screen.getByRole("button", { name: "OK" }));
    expect(props.ondismissnotice).toHaveBeenCalledOnce();
  });
});
