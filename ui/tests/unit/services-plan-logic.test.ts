import { describe, expect, it } from "vitest";
import type { ConnectionStatus, OtherConnection } from "../../src/lib/api";
import { checkPerMillion, checkPriceRow, formatPerMillion } from "../../src/lib/manual-prices";
import { checkNewService, isInUse, spendingState } from "../../src/lib/other-services";
import { addModel, moveModel, removeModel, setVariant } from "../../src/lib/plan-edit";
import { listInWords } from "../../src/lib/words";
import { PLAN } from "./fixtures";

function service(overrides: Partial<OtherConnection> = {}): OtherConnection {
  return {
    id: "conn_a",
    name: "Local server",
    base_url: "http://127.0.0.1:11434/v1",
    has_key: false,
    limit_off: false,
    prices: [],
    in_use: false,
    ...overrides,
  };
}

describe("prices typed for another service", () => {
  it("takes plain dollar amounts and sends them in a plain form", () => {
    expect(checkPerMillion("3", "sent")).toEqual({ ok: true, value: "3" });
    expect(checkPerMillion(" $0.150 ", "sent")).toEqual({ ok: true, value: "0.15" });
    expect(checkPerMillion("3.00", "received")).toEqual({ ok: true, value: "3" });
    expect(checkPerMillion(".5", "received")).toEqual({ ok: true, value: "0.5" });
    expect(checkPerMillion("0", "sent")).toEqual({ ok: true, value: "0" });
    expect(checkPerMillion("007.0750", "sent")).toEqual({ ok: true, value: "7.075" });
    expect(checkPerMillion("10000", "sent")).toEqual({ ok: true, value: "10000" });
  });

  it("says in plain words what is wrong with a price", () => {
    expect(checkPerMillion("", "sent")).toEqual({
      ok: false,
      message: "Enter the price per million tokens sent, like 0.15 (0 if it is free).",
    });
    expect(checkPerMillion("-1", "received")).toEqual({
      ok: false,
      message: "The price per million tokens received cannot be below $0.",
    });
    expect(checkPerMillion("1,50", "sent")).toMatchObject({ ok: false, message: expect.stringMatching(/no commas/) });
    expect(checkPerMillion("abc", "sent")).toMatchObject({ ok: false });
    expect(checkPerMillion(".", "sent")).toMatchObject({ ok: false });
    expect(checkPerMillion("0.0000001", "sent")).toEqual({
      ok: false,
      message: "The price per million tokens sent can have at most 6 digits after the point.",
    });
    expect(checkPerMillion("10000.01", "sent")).toEqual({
      ok: false,
      message: "The price per million tokens sent can be at most $10,000.",
    });
  });

  it("checks a whole row, refusing a model that already has a price", () => {
    const existing = [{ model_id: "llama3", prompt_per_million: "0", completion_per_million: "0" }];
    expect(checkPriceRow({ modelId: " qwen2.5 ", prompt: "0.1", completion: "0.30" }, existing, true)).toEqual({
      ok: true,
      price: { model_id: "qwen2.5", prompt_per_million: "0.1", completion_per_million: "0.3" },
    });
    const repeat = checkPriceRow({ modelId: "llama3", prompt: "x", completion: "" }, existing, true);
    expect(repeat.ok).toBe(false);
    if (!repeat.ok) {
      expect(repeat.errors.model).toBe("llama3 already has a price. Use Edit on its row to change it.");
      expect(repeat.errors.prompt).toMatch(/plain dollar amount/);
      expect(repeat.errors.completion).toMatch(/Enter the price per million tokens received/);
    }
    // Editing the same row is allowed.
    expect(checkPriceRow({ modelId: "llama3", prompt: "1", completion: "2" }, existing, false).ok).toBe(true);
    const spaced = checkPriceRow({ modelId: "my model", prompt: "1", completion: "2" }, existing, true);
    expect(spaced.ok ? null : spaced.errors.model).toMatch(/no spaces/);
  });

  it("shows prices with cents at least and every decimal given", () => {
    expect(formatPerMillion("3")).toBe("$3.00");
    expect(formatPerMillion("0.075")).toBe("$0.075");
    expect(formatPerMillion("0.1")).toBe("$0.10");
    expect(formatPerMillion("1200")).toBe("$1,200.00");
  });
});

describe("another service", () => {
  it("checks the name and the address before adding", () => {
    expect(checkNewService("", "", [])).toEqual({
      name: "Give the service a name you will recognise, like “My local server”.",
      baseUrl: "Enter the address of the service's API, like https://api.example.com/v1.",
    });
    expect(checkNewService("x".repeat(81), "https://a.example/v1", []).name).toMatch(/under 80 characters/);
    expect(checkNewService("A", "api.example.com", []).baseUrl).toMatch(/starts with http:\/\/ or https:\/\//);
    expect(checkNewService("A", "ftp://example.com", []).baseUrl).toMatch(/starts with http/);
    expect(checkNewService("A", "https://me:secret@example.com/v1", []).baseUrl).toMatch(/Leave the name and password out/);
    expect(checkNewService("A", "http://127.0.0.1:11434/v1/", [service()]).baseUrl).toBe(
      "That address is already in your list.",
    );
    expect(checkNewService("Groq", "https://api.groq.com/openai/v1", [service()])).toEqual({});
  });

  it("knows which service is in use from the newest connection status", () => {
    const status = (over: Partial<ConnectionStatus>): ConnectionStatus => ({
      choice: "other",
      simulated: false,
      label: null,
      has_key: true,
      keychain_problem: null,
      other: { id: "conn_a", name: "Local server" },
      ...over,
    });
    expect(isInUse(service({ in_use: true }), null)).toBe(true);
    expect(isInUse(service(), status({}))).toBe(true);
    expect(isInUse(service({ id: "conn_b" }), status({}))).toBe(false);
    expect(isInUse(service({ in_use: true }), status({ choice: "openrouter", other: null }))).toBe(false);
    expect(isInUse(service({ in_use: true }), status({ other: null }))).toBe(true);
  });

  it("says when runs on a service would be refused", () => {
    expect(spendingState(service())).toBe("refused");
    expect(spendingState(service({ limit_off: true }))).toBe("unlimited");
    const priced = { model_id: "m", prompt_per_million: "1", completion_per_million: "2" };
    expect(spendingState(service({ prices: [priced] }))).toBe("limited");
  });
});

describe("the producer's own models", () => {
  it("adds, moves and removes models without touching the plan it was given", () => {
    const before = JSON.stringify(PLAN);
    const added = addModel(PLAN, "synthesis", "openai/gpt-6.1-terra");
    expect(added.synthesis.chain.models).toEqual(["deepseek/deepseek-v4-pro", "openai/gpt-6.1-terra"]);
    expect(addModel(added, "synthesis", "openai/gpt-6.1-terra")).toBe(added);

    const moved = moveModel(added, "synthesis", 1, -1);
    expect(moved.synthesis.chain.models).toEqual(["openai/gpt-6.1-terra", "deepseek/deepseek-v4-pro"]);
    expect(moveModel(moved, "synthesis", 0, -1)).toBe(moved);
    expect(moveModel(moved, "synthesis", 1, 1)).toBe(moved);

    const removed = removeModel(moved, "synthesis", 0);
    expect(removed.synthesis.chain.models).toEqual(["deepseek/deepseek-v4-pro"]);
    // The last model stays: a stage always has one.
    expect(removeModel(removed, "synthesis", 0)).toBe(removed);

    const routed = setVariant(removed, "script", "nitro");
    expect(routed.script.chain.variant).toBe("nitro");
    expect(routed.research).toEqual(PLAN.research);
    expect(JSON.stringify(PLAN)).toBe(before);
  });

  it("lists stages in words", () => {
    expect(listInWords([])).toBe("");
    expect(listInWords(["Research"])).toBe("Research");
    expect(listInWords(["Research", "Script"])).toBe("Research and Script");
    expect(listInWords(["Research", "Script", "Quality check"])).toBe("Research, Script and Quality check");
  });
});
