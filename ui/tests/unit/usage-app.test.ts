import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import App from "../../src/App.svelte";
import { rememberPlace } from "../../src/lib/places";
import Usage from "../../src/screens/Usage.svelte";
import { fakeEngine } from "./fake-engine";
import { card, ESTIMATE } from "./fixtures";

vi.mock("chart.js", () => {
  class Chart {
    static register() {}
    destroy() {}
  }
  const part = class {};
  return { Chart, ArcElement: part, BarController: part, BarElement: part, CategoryScale: part, DoughnutController: part, Legend: part, LinearScale: part, Tooltip: part };
});

const row = (key: string, label: string, cost: string) => ({
  key,
  label,
  cost,
  calls: 1,
  attempts: 1,
  prompt_tokens: 100,
  completion_tokens: 100,
});

describe("usage dashboard", () => {
  function setup() {
    const engine = fakeEngine({ hasKey: true });
    engine.handlers.set("usage_overview", () => ({
      by_day: [row("2026-03-01", "2026-03-01", "0.1"), row("2026-03-02", "2026-03-02", "0.2")],
      by_model: [row("openai/gpt-6.1-sol", "GPT-6.1 Sol", "0.3")],
      by_stage: [row("script", "Script", "0.3")],
      by_episode: [row("ep_1", "The Golden Record", "0.3")],
      cache: { hits: 2, saved: "0.015" },
    }));
    engine.handlers.set("usage_errors", () => []);
    engine.handlers.set("usage_quality", () => []);
    engine.handlers.set("usage_model_health", () => []);
    engine.handlers.set("credit_status", () => ({
      label: "laptop",
      balance: "1.5",
      limit: null,
      limit_remaining: null,
      usage: "3",
      low: true,
    }));
    engine.handlers.set("alerts_pending", () => [
      { id: 9, kind: "unusual_spend", message: "Today's spend is five times the usual.", subject: null, created_at: "2026-03-02T10:00:00Z", new: true },
    ]);
    engine.handlers.set("alerts_dismiss", () => []);
    engine.handlers.set("list_episodes", () => [card()]);
    engine.handlers.set("model_catalog", () => []);
    engine.handlers.set("usage_request_log", (args) => ({
      rows: [],
      total: 0,
      next_before_id: null,
      echo: args,
    }));
    render(Usage, { lowBalanceAlert: "2.00", simulated: false, onopensettings: vi.fn() });
    return { engine, user: userEvent.setup() };
  }

  it("adds up the period exactly and lists each chart's numbers", async () => {
    const { engine } = setup();
    await waitFor(() => expect(screen.getByTestId("usage-total")).toHaveTextContent("$0.30"));
    expect(screen.getByTestId("chart-model")).toHaveTextContent("GPT-6.1 Sol");
    expect(screen.getByTestId("cache-savings")).toHaveTextContent("$0.02");
    expect(screen.getByTestId("credit")).toHaveTextContent("$1.50");
    expect(screen.getByTestId("credit")).toHaveTextContent("Warning below $2.00");
    expect(engine.called("usage_overview")[0]?.args).toEqual({ range: { kind: "last_days", days: 30 } });
    expect(await screen.findByTestId("log-empty")).toBeInTheDocument();
  });

  it("asks the engine again for another period, and filters the log there", async () => {
    const { engine, user } = setup();
    await screen.findByTestId("usage-total");
    await user.selectOptions(screen.getByTestId("usage-range"), "all");
    await waitFor(() => expect(engine.called("usage_overview").at(-1)?.args).toEqual({ range: { kind: "all" } }));
    await user.selectOptions(screen.getByTestId("log-stage"), "script");
    await waitFor(() =>
      expect(engine.called("usage_request_log").at(-1)?.args).toEqual({
        filter: { episode_id: null, stage: "script", model: null, status: null, range: { kind: "all" } },
        page: { limit: 50, before_id: null },
      }),
    );
  });

  it("shows alerts and dismisses them", async () => {
    const { engine, user } = setup();
    const alert = await screen.findByTestId("alert");
    expect(alert).toHaveTextContent("five times the usual");
    await user.click(within(alert).getByRole("button", { name: /^Dismiss/ }));
    await waitFor(() => expect(screen.queryByTestId("alert")).not.toBeInTheDocument());
    expect(engine.called("alerts_dismiss")[0]?.args).toEqual({ alertId: 9 });
  });
});

describe("the app around the screens", () => {
  function demoEngine() {
    const engine = fakeEngine({ hasKey: false });
    engine.handlers.set("connection_status", () => ({
      choice: "demo",
      simulated: true,
      label: "Simulated — prices are examples; nothing is charged",
      has_key: false,
    }));
    engine.handlers.set("list_episodes", () => [card()]);
    engine.handlers.set("alerts_pending", () => []);
    engine.handlers.set("model_catalog", () => []);
    return engine;
  }

  it("opens on the demo without a key, labelled as simulated, on the episodes", async () => {
    demoEngine();
    render(App);
    expect(await screen.findByTestId("library")).toBeInTheDocument();
    expect(screen.getByTestId("demo-label")).toHaveTextContent(
      "Simulated — prices are examples; nothing is charged",
    );
    expect(screen.queryByTestId("onboarding")).not.toBeInTheDocument();
  });

  it("opens where the producer left off", async () => {
    const engine = demoEngine();
    engine.handlers.set("get_episode", () => card().episode);
    engine.handlers.set("list_notes", () => []);
    engine.handlers.set("latest_outputs", () => []);
    engine.handlers.set("run_state", () => ({ running: false, interrupted: false }));
    engine.handlers.set("estimate_run", () => ESTIMATE);
    engine.handlers.set("stage_presets", () => ({ original: card().episode.plan, current: card().episode.plan }));
    rememberPlace("/home/producer/.local/share/com.castwright.desktop", { kind: "episode", id: "ep_1" });
    render(App);
    expect(await screen.findByTestId("workspace")).toBeInTheDocument();
    localStorage.clear();
  });

  it("forgets a remembered episode that no longer exists", async () => {
    demoEngine();
    rememberPlace("/home/producer/.local/share/com.castwright.desktop", { kind: "episode", id: "ep_gone" });
    render(App);
    expect(await screen.findByTestId("library")).toBeInTheDocument();
    localStorage.clear();
  });
});
