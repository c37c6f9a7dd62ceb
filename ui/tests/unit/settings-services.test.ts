import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { AppInfo, ConnectionStatus, OtherConnection, PrivacyCheck, Settings } from "../../src/lib/api";
import SettingsScreen from "../../src/screens/Settings.svelte";
import { DEFAULT_SETTINGS, fakeEngine, type FakeEngine } from "./fake-engine";
import { PLAN } from "./fixtures";

const APP_INFO: AppInfo = {
  version: "0.1.0",
  data_dir: "/home/producer/.local/share/com.castwright.desktop",
  log_dir: "/home/producer/.local/share/com.castwright.desktop/logs",
  startup_problem: null,
};

/** The other-service commands, answered from a list kept in memory as the engine keeps it. */
function withServices(engine: FakeEngine, start: OtherConnection[] = []) {
  let list = start.map((s) => structuredClone(s));
  let next = 1;
  const find = (id: unknown) => {
    const found = list.find((s) => s.id === id);
    if (!found) throw { code: "not_found", message: "That service is no longer in your list." };
    return found;
  };
  const h = engine.handlers;
  h.set("list_other_connections", () => list);
  h.set("add_other_connection", (args) => {
    const input = args.connection as { name: string; base_url: string; key: string | null };
    list.push({
      id: `conn_${next++}`,
      name: input.name,
      base_url: input.base_url,
      has_key: input.key !== null,
      limit_off: false,
      prices: [],
      in_use: false,
    });
    return list;
  });
  h.set("set_other_connection_price", (args) => {
    const s = find(args.connectionId);
    const price = args.price as OtherConnection["prices"][number];
    s.prices = [...s.prices.filter((p) => p.model_id !== price.model_id), price];
    return list;
  });
  h.set("remove_other_connection_price", (args) => {
    const s = find(args.connectionId);
    s.prices = s.prices.filter((p) => p.model_id !== args.modelId);
    return list;
  });
  h.set("set_other_connection_limit_off", (args) => {
    find(args.connectionId).limit_off = args.limitOff as boolean;
    return list;
  });
  h.set("set_other_connection_key", (args) => {
    find(args.connectionId).has_key = args.key !== null;
    return list;
  });
  h.set("remove_other_connection", (args) => {
    if (find(args.connectionId).in_use) {
      throw { code: "invalid_input", message: "This service is in use. Switch to another connection first." };
    }
    list = list.filter((s) => s.id !== args.connectionId);
    return list;
  });
  h.set("test_other_connection", (args) => ({
    simulated: false,
    label: find(args.connectionId).name,
    credit_balance: null,
    limit: null,
    limit_remaining: null,
    models: 12,
  }));
  h.set("use_other_connection", (args): ConnectionStatus => {
    const s = find(args.connectionId);
    for (const other of list) other.in_use = other.id === s.id;
    return { choice: "other", simulated: false, label: null, has_key: true, keychain_problem: null, other: { id: s.id, name: s.name } };
  });
  return { list: () => list };
}

const LOCAL: OtherConnection = {
  id: "conn_local",
  name: "Local server",
  base_url: "http://127.0.0.1:11434/v1",
  has_key: false,
  limit_off: false,
  prices: [],
  in_use: false,
};

function setup(options: { settings?: Partial<Settings>; services?: OtherConnection[]; connection?: ConnectionStatus | null } = {}) {
  const engine = fakeEngine({ hasKey: true });
  const services = withServices(engine, options.services ?? []);
  const props = {
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    appInfo: APP_INFO,
    notice: null,
    ondismissnotice: vi.fn(),
    onsettingschange: vi.fn(),
    onkeyremoved: vi.fn(),
    connection: options.connection ?? null,
    onconnectionchange: vi.fn(),
  };
  const view = render(SettingsScreen, props);
  return { engine, services, props, view, user: userEvent.setup() };
}

describe("other services", () => {
  it("says what is wrong with a new service before sending it, then adds it without a key", async () => {
    const { engine, services, user } = setup();
    await user.click(await screen.findByTestId("add-service"));
    expect(screen.getByLabelText("Name")).toHaveFocus();
    await user.type(screen.getByLabelText("API address"), "localhost:11434");
    await user.click(screen.getByTestId("other-add-save"));
    expect(screen.getByText(/Give the service a name/)).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Name")).toHaveFocus();

    await user.type(screen.getByLabelText("Name"), "Ollama");
    await user.click(screen.getByTestId("other-add-save"));
    expect(screen.getByRole("alert")).toHaveTextContent("The address starts with http:// or https://");
    expect(engine.called("add_other_connection")).toHaveLength(0);

    await user.clear(screen.getByLabelText("API address"));
    await user.type(screen.getByLabelText("API address"), "http://localhost:11434/v1");
    await user.click(screen.getByTestId("other-add-save"));
    await waitFor(() => expect(services.list()).toHaveLength(1));
    expect(engine.called("add_other_connection")[0]?.args).toEqual({
      connection: { name: "Ollama", base_url: "http://localhost:11434/v1", key: null },
    });
    const item = await screen.findByTestId("other-service");
    expect(item).toHaveTextContent("Ollama");
    expect(item).toHaveTextContent("no key");
    // No prices and the limit on: said plainly.
    expect(within(item).getByTestId("service-refused")).toHaveTextContent(
      "Runs on Ollama will be refused until you enter its prices below or turn off its spending limit.",
    );
    expect(screen.getByTestId("add-service")).toHaveFocus();
  });

  it("adds, edits and removes a price, checking it first", async () => {
    const { engine, user } = setup({ services: [LOCAL] });
    const item = await screen.findByTestId("other-service");
    expect(within(item).getByText(/Price per million tokens sent \/ received, in US dollars/)).toBeInTheDocument();

    await user.type(within(item).getByTestId("price-model"), "llama3.1:8b");
    await user.type(within(item).getByTestId("price-prompt"), "1,5");
    await user.click(within(item).getByTestId("price-add"));
    expect(within(item).getByText(/no commas/)).toHaveAttribute("role", "alert");
    expect(within(item).getByText(/Enter the price per million tokens received/)).toBeInTheDocument();
    expect(engine.called("set_other_connection_price")).toHaveLength(0);

    await user.clear(within(item).getByTestId("price-prompt"));
    await user.type(within(item).getByTestId("price-prompt"), "0.05");
    await user.type(within(item).getByTestId("price-completion"), "$0.10");
    await user.click(within(item).getByTestId("price-add"));
    await waitFor(() => expect(within(item).getAllByTestId("price-row")).toHaveLength(1));
    expect(engine.called("set_other_connection_price")[0]?.args).toEqual({
      connectionId: "conn_local",
      price: { model_id: "llama3.1:8b", prompt_per_million: "0.05", completion_per_million: "0.1" },
    });
    const row = within(item).getByTestId("price-row");
    expect(row).toHaveTextContent("$0.05");
    expect(row).toHaveTextContent("$0.10");
    expect(within(item).queryByTestId("service-refused")).not.toBeInTheDocument();

    await user.click(within(row).getByRole("button", { name: "Edit the price of llama3.1:8b" }));
    const sent = within(item).getByLabelText(/Price per million tokens sent for llama3.1:8b/);
    expect(sent).toHaveFocus();
    await user.clear(sent);
    await user.type(sent, "0.2");
    await user.click(within(item).getByTestId("price-save"));
    await waitFor(() => expect(within(item).getByTestId("price-row")).toHaveTextContent("$0.20"));
    expect(within(item).getByRole("button", { name: "Edit the price of llama3.1:8b" })).toHaveFocus();

    await user.click(within(item).getByRole("button", { name: "Remove the price of llama3.1:8b" }));
    await waitFor(() => expect(within(item).queryByTestId("price-row")).not.toBeInTheDocument());
    expect(engine.called("remove_other_connection_price")[0]?.args).toEqual({
      connectionId: "conn_local",
      modelId: "llama3.1:8b",
    });
    expect(within(item).getByTestId("service-refused")).toBeInTheDocument();
  });

  it("turns the spending limit off only after an explicit confirmation", async () => {
    const { engine, user } = setup({ services: [LOCAL] });
    const toggle = await screen.findByRole("switch", { name: "No spending limit for this service" });
    await user.click(toggle);
    const dialog = screen.getByTestId("limit-off-dialog");
    expect(dialog).toHaveTextContent("Castwright then cannot stop spending on this service");
    expect(within(dialog).getByRole("button", { name: "Keep the limit" })).toHaveFocus();
    expect(toggle).not.toBeChecked();
    await user.click(within(dialog).getByRole("button", { name: "Keep the limit" }));
    expect(screen.queryByTestId("limit-off-dialog")).not.toBeInTheDocument();
    expect(engine.called("set_other_connection_limit_off")).toHaveLength(0);

    await user.click(toggle);
    await user.click(screen.getByTestId("limit-off-confirm"));
    await waitFor(() => expect(screen.queryByTestId("limit-off-dialog")).not.toBeInTheDocument());
    expect(engine.called("set_other_connection_limit_off")[0]?.args).toEqual({
      connectionId: "conn_local",
      limitOff: true,
    });
    expect(screen.getByRole("switch", { name: "No spending limit for this service" })).toBeChecked();
    expect(screen.getByTestId("limit-off-on")).toHaveTextContent("No spending limit.");
    // Runs are no longer refused for lack of prices.
    expect(screen.queryByTestId("service-refused")).not.toBeInTheDocument();

    // Back on needs no confirmation.
    await user.click(screen.getByRole("switch", { name: "No spending limit for this service" }));
    await waitFor(() => expect(engine.called("set_other_connection_limit_off")).toHaveLength(2));
    expect(engine.called("set_other_connection_limit_off")[1]?.args).toEqual({
      connectionId: "conn_local",
      limitOff: false,
    });
    expect(screen.queryByTestId("limit-off-dialog")).not.toBeInTheDocument();
  });

  it("uses a service, tests it, replaces its key, and refuses to remove it while in use", async () => {
    const { engine, props, user } = setup({ services: [LOCAL] });
    await user.click(await screen.findByTestId("use-service"));
    await waitFor(() => expect(props.onconnectionchange).toHaveBeenCalledOnce());
    expect(props.onconnectionchange.mock.calls[0]?.[0]).toMatchObject({ choice: "other", other: { id: "conn_local" } });
    expect(await screen.findByTestId("in-use")).toHaveTextContent("In use");
    expect(screen.queryByTestId("use-service")).not.toBeInTheDocument();
    // The next settings save keeps the service in use.
    await user.click(screen.getByLabelText("Dark"));
    await waitFor(() => expect(engine.settings.theme).toBe("dark"));
    expect(engine.settings).toMatchObject({ connection: "other", other_connection_id: "conn_local" });

    await user.click(screen.getByTestId("test-service"));
    expect(await screen.findByTestId("service-test")).toHaveTextContent("Connected to Local server · 12 models available");

    await user.click(screen.getByRole("button", { name: "Add a key" }));
    const field = screen.getByLabelText("Key for Local server");
    expect(field).toHaveFocus();
    await user.click(screen.getByRole("button", { name: "Save key" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Paste the key for Local server into the box first.");
    await user.type(field, "sk-local-123");
    await user.click(screen.getByRole("button", { name: "Save key" }));
    await waitFor(() => expect(screen.getByTestId("other-service")).toHaveTextContent("key set"));
    expect(engine.called("set_other_connection_key")[0]?.args).toEqual({ connectionId: "conn_local", key: "sk-local-123" });
    // The key is not kept on screen.
    expect(document.body.innerHTML).not.toContain("sk-local-123");

    await user.click(screen.getByTestId("remove-service"));
    const dialog = screen.getByTestId("remove-service-dialog");
    expect(within(dialog).getByRole("button", { name: "Keep it" })).toHaveFocus();
    await user.click(screen.getByTestId("confirm-remove-service"));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Switch to another connection first.");
    expect(screen.getAllByTestId("other-service")).toHaveLength(1);
  });

  it("removes a service only after asking", async () => {
    const { engine, services, user } = setup({ services: [LOCAL] });
    await user.click(await screen.findByTestId("remove-service"));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("remove-service-dialog")).not.toBeInTheDocument();
    expect(engine.called("remove_other_connection")).toHaveLength(0);

    await user.click(screen.getByTestId("remove-service"));
    await user.click(screen.getByTestId("confirm-remove-service"));
    await waitFor(() => expect(screen.queryByTestId("other-service")).not.toBeInTheDocument());
    expect(services.list()).toHaveLength(0);
    expect(screen.getByTestId("other-empty")).toBeInTheDocument();
  });

  it("shows the service in use on the connection card", () => {
    setup({
      connection: { choice: "other", simulated: false, label: null, has_key: true, keychain_problem: null, other: { id: "conn_local", name: "Local server" } },
    });
    expect(screen.getByTestId("other-status")).toHaveTextContent("Using Local server.");
    expect(screen.getByTestId("use-openrouter")).toBeInTheDocument();
  });
});

describe("privacy check", () => {
  const RESULT: PrivacyCheck = {
    checked: 5,
    ruled_out: [{ model: "deepseek/deepseek-v4-pro", name: "DeepSeek V4 Pro", stages: ["synthesis", "quality_check"], reason: null }],
    unknown: [{ model: "openai/gpt-6.1-sol", name: "", stages: ["script"], reason: "GPT-6.1 Sol did not answer in time." }],
    cost_usd: "0.00042",
    simulated: false,
  };

  it("runs only when asked, after saying what it costs, and shows what it found", async () => {
    const { engine, user } = setup();
    engine.handlers.set("privacy_check", () => RESULT);
    expect(screen.getByText(/asks each of them for one\s+word: under a cent in all, and nothing on the demo/)).toBeInTheDocument();
    expect(engine.called("privacy_check")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Check my models" }));
    const result = await screen.findByTestId("privacy-check");
    expect(result).toHaveTextContent("Turning this on would rule out one of your default models:");
    expect(within(result).getByTestId("privacy-ruled-out")).toHaveTextContent("DeepSeek V4 Pro, used for Synthesis and Quality check");
    expect(result).toHaveTextContent("choose them under Models for new episodes");
    expect(within(result).getByTestId("privacy-unknown")).toHaveTextContent(
      "GPT-6.1 Sol, used for Script — GPT-6.1 Sol did not answer in time.",
    );
    expect(within(result).getByTestId("privacy-check-cost")).toHaveTextContent("Checked 5 models; the check cost $0.00042.");

    await user.click(screen.getByTestId("privacy"));
    expect(result).toHaveTextContent("This setting rules out one of your default models:");

    await user.click(within(result).getByRole("button", { name: "Choose other models" }));
    expect(screen.getByTestId("preset-custom")).toHaveFocus();
  });

  it("says when nothing is ruled out, and a failure in plain words", async () => {
    const { engine, user } = setup();
    engine.failNext.set("privacy_check", {
      code: "internal",
      message: "Castwright could not reach OpenRouter. Check your internet connection and try again.",
    });
    engine.handlers.set("privacy_check", () => ({ ...RESULT, ruled_out: [], unknown: [], cost_usd: "0", simulated: true }));
    await user.click(screen.getByRole("button", { name: "Check my models" }));
    expect(await screen.findByTestId("privacy-check-error")).toHaveTextContent("could not reach OpenRouter");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    const result = await screen.findByTestId("privacy-check");
    expect(result).toHaveTextContent("None of your default models is ruled out.");
    expect(result).toHaveTextContent("the check cost $0.00 (simulated)");
    expect(screen.queryByTestId("privacy-check-error")).not.toBeInTheDocument();
  });
});

describe("my own models", () => {
  it("starts from the preset chosen before, and saves every change", async () => {
    const { engine, user } = setup();
    engine.handlers.set("model_catalog", () => [
      { id: "openai/gpt-6.1-terra", name: "OpenAI: GPT-6.1 Terra", context_length: 128000, prompt_price: "0.0000011", completion_price: "0.0000044" },
      { id: "deepseek/deepseek-v4-pro", name: "DeepSeek: DeepSeek V4 Pro", context_length: 128000, prompt_price: "0.00000055", completion_price: "0.00000219" },
    ]);
    const issues = [{ stage: "synthesis", model: "openai/gpt-6.1-terra", message: "GPT-6.1 Terra is retired or unknown on this connection; Synthesis will skip it and use the next model." }];
    engine.handlers.set("check_stage_plan", (args) => {
      const plan = args.plan as typeof PLAN;
      return plan.synthesis.chain.models.includes("openai/gpt-6.1-terra") ? issues : [];
    });
    await waitFor(() => expect(engine.called("stage_presets")).toHaveLength(1));
    await user.click(screen.getByTestId("preset-custom"));
    await waitFor(() => expect(engine.settings.default_preset).toBe("custom"));
    expect(engine.settings.custom_plan).toEqual(PLAN);

    const synthesis = await screen.findByTestId("custom-synthesis");
    expect(within(synthesis).getAllByTestId("custom-model").map((li) => li.textContent)).toEqual([
      expect.stringContaining("DeepSeek V4 Pro"),
    ]);
    // The only model cannot be removed.
    expect(within(synthesis).getByRole("button", { name: "Remove DeepSeek V4 Pro from Synthesis" })).toBeDisabled();

    await user.click(within(synthesis).getByTestId("custom-synthesis-add"));
    expect(within(synthesis).getByRole("alert")).toHaveTextContent("Choose a model to add to Synthesis first.");
    await user.selectOptions(within(synthesis).getByTestId("custom-synthesis-pick"), "openai/gpt-6.1-terra");
    await user.click(within(synthesis).getByTestId("custom-synthesis-add"));
    await waitFor(() =>
      expect(engine.settings.custom_plan?.synthesis.chain.models).toEqual(["deepseek/deepseek-v4-pro", "openai/gpt-6.1-terra"]),
    );
    expect(await within(synthesis).findByTestId("custom-synthesis-issues")).toHaveTextContent(
      "GPT-6.1 Terra is retired or unknown on this connection",
    );

    await user.click(within(synthesis).getByRole("button", { name: "Move GPT-6.1 Terra up in Synthesis" }));
    await waitFor(() =>
      expect(engine.settings.custom_plan?.synthesis.chain.models).toEqual(["openai/gpt-6.1-terra", "deepseek/deepseek-v4-pro"]),
    );
    // The focus follows the model; at the top, the arrow left is "down".
    expect(within(synthesis).getByRole("button", { name: "Move GPT-6.1 Terra down in Synthesis" })).toHaveFocus();

    await user.selectOptions(within(synthesis).getByTestId("custom-synthesis-variant"), "Cheapest");
    await waitFor(() => expect(engine.settings.custom_plan?.synthesis.chain.variant).toBe("floor"));
    expect(synthesis).toHaveTextContent("Each model is asked through its cheapest provider first.");

    await user.click(within(synthesis).getByRole("button", { name: "Remove GPT-6.1 Terra from Synthesis" }));
    await waitFor(() => expect(engine.settings.custom_plan?.synthesis.chain.models).toEqual(["deepseek/deepseek-v4-pro"]));
    await waitFor(() => expect(within(synthesis).queryByTestId("custom-synthesis-issues")).not.toBeInTheDocument());
    // Other stages were left alone.
    expect(engine.settings.custom_plan?.script).toEqual(PLAN.script);

    // Back to a preset keeps the producer's own models for later.
    await user.click(screen.getByTestId("preset-original"));
    await waitFor(() => expect(engine.settings.default_preset).toBe("original"));
    expect(engine.settings.custom_plan?.synthesis.chain.variant).toBe("floor");
    expect(screen.queryByTestId("custom-plan")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("preset-custom"));
    expect((await screen.findByTestId("custom-synthesis-variant")) as HTMLSelectElement).toHaveValue("floor");
  });
});
