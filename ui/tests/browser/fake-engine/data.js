// The fake engine's data: the models, the presets, the catalog, the script and verdict the run
// streams, and the in-memory state every other part reads and changes. Like every part of the
// fake engine, this function is injected into the page as source text (see
// ../tauri-ipc-mock.js): it must not refer to anything outside itself.

/**
 * @typedef {{ code: string, message: string }} IpcError
 * @typedef {{
 *   hasKey?: boolean,
 *   connection?: "openrouter" | "demo",
 *   settings?: Record<string, unknown>,
 *   notice?: string | null,
 *   episodes?: "none" | "sample",
 *   stepMs?: number,
 *   runFault?: "none" | "credits" | "handover",
 *   interrupted?: boolean,
 *   services?: any[],
 * }} Seed
 */

/** @param {Seed} seed */
export function fakeData(seed) {
  const DEMO_LABEL = "Simulated — prices are examples; nothing is charged";
  const STAGES = ["research", "synthesis", "script", "quality_check"];
  const NOW = "2026-03-02T14:05:00Z";

  /** @param {string[]} models @param {string} variant @param {number} temperature @param {number} max */
  const settingsFor = (models, variant, temperature, max) => ({
    chain: { models, variant },
    temperature,
    max_tokens: max,
  });
  const CURRENT = {
    research: settingsFor(["meta-llama/llama-3.3-70b-instruct", "openai/gpt-4o-mini"], "floor", 0.3, 900),
    synthesis: settingsFor(["deepseek/deepseek-r1", "openai/o4-mini"], "none", 0.4, 1600),
    script: settingsFor(["anthropic/claude-sonnet-4", "openai/gpt-4.1"], "none", 0.8, 3000),
    quality_check: settingsFor(["openai/gpt-4.1-mini", "anthropic/claude-3.5-haiku"], "nitro", 0, 900),
  };
  const ORIGINAL = {
    research: settingsFor(["mistralai/mixtral-8x7b-instruct", "openai/gpt-3.5-turbo"], "floor", 0.3, 900),
    synthesis: settingsFor(["deepseek/deepseek-r1", "anthropic/claude-3-sonnet"], "none", 0.4, 1600),
    script: settingsFor(["anthropic/claude-3-opus", "openai/gpt-4", "anthropic/claude-3-sonnet"], "none", 0.8, 3000),
    quality_check: settingsFor(["openai/gpt-4-turbo", "anthropic/claude-3-sonnet"], "nitro", 0, 900),
  };
  const CATALOG = [
    ["meta-llama/llama-3.3-70b-instruct", "Meta: Llama 3.3 70B Instruct", "0.00000012", "0.0000003"],
    ["openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", "0.00000015", "0.0000006"],
    ["deepseek/deepseek-r1", "DeepSeek: R1", "0.00000055", "0.00000219"],
    ["openai/o4-mini", "OpenAI: o4 Mini", "0.0000011", "0.0000044"],
    ["anthropic/claude-sonnet-4", "Anthropic: Claude Sonnet 4", "0.000003", "0.000015"],
    ["openai/gpt-4.1", "OpenAI: GPT-4.1", "0.000002", "0.000008"],
    ["openai/gpt-4.1-mini", "OpenAI: GPT-4.1 Mini", "0.0000004", "0.0000016"],
    ["anthropic/claude-3.5-haiku", "Anthropic: Claude 3.5 Haiku", "0.0000008", "0.000004"],
    ["anthropic/claude-3-opus", "Anthropic: Claude 3 Opus", "0.000015", "0.000075"],
    ["openai/gpt-4", "OpenAI: GPT-4", "0.00003", "0.00006"],
  ].map(([id, name, prompt, completion]) => ({
    id,
    name,
    context_length: 128000,
    prompt_price: prompt,
    completion_price: completion,
  }));
  const clone = (/** @type {any} */ v) => JSON.parse(JSON.stringify(v));

  const state = {
    hasKey: seed.hasKey ?? false,
    settings: {
      theme: "system",
      default_budget_usd: "3.00",
      monthly_limit_usd: null,
      low_balance_alert_usd: "2.00",
      privacy_deny_data_collection: false,
      paid_backups_after_free_quota: false,
      default_preset: "current",
      /** @type {any} */
      custom_plan: null,
      connection: /** @type {"openrouter" | "demo" | "other"} */ (seed.connection ?? "openrouter"),
      /** @type {string | null} */
      other_connection_id: null,
      ...seed.settings,
    },
    /** Other OpenAI-compatible services, as `list_other_connections` answers. @type {any[]} */
    services: clone(seed.services ?? []),
    nextService: 1,
    /** A backup was restored over the data. */
    restored: false,
    notice: seed.notice ?? null,
    /** @type {any[]} */
    episodes: [],
    nextId: 1,
    nextArtifact: 1,
    /** @type {{ id: number, kind: string, message: string, subject: string|null, created_at: string, new: boolean }[]} */
    alerts: [
      {
        id: 1,
        kind: "low_balance",
        message: "Your OpenRouter credit is $1.20, below the $2.00 you asked to be warned at.",
        subject: null,
        created_at: NOW,
        new: true,
      },
    ],
    /** @type {string[]} */
    exported: [],
    running: /** @type {Set<string>} */ (new Set()),
    cancelled: /** @type {Set<string>} */ (new Set()),
    stepMs: seed.stepMs ?? 25,
    runFault: seed.runFault ?? "handover",
  };

  const SCRIPT_TEXT = [
    "## Cold open (0:30)",
    "[Music fades in]",
    "ALEX: In 1977 a committee had six weeks to choose what Earth would say to the stars.",
    "SAM: Six weeks, 116 images, and ninety minutes of music.",
    "## Intro (1:00)",
    "ALEX: Welcome back. Today: the Golden Record.",
    "SAM: Carl Sagan said it was the most important thing he ever did.",
    "## The committee (3:00)",
    "ALEX: Ann Druyan led the music selection, working from a tiny office at Cornell.",
    "SAM: They picked Chuck Berry over the Beatles because of a copyright problem.",
    "## Outro (0:45)",
    "ALEX: That's the show. Thanks for listening.",
  ].join("\n");

  const VERDICT = {
    score: 82,
    passed: true,
    unsupported_claims: [
      {
        claim: "Carl Sagan said it was the most important thing he ever did",
        reason: "None of your notes quotes Sagan saying this.",
      },
    ],
    timing: { target_words: 1500, actual_words: 1380, deviation_percent: -8, estimated_seconds: 552 },
    structure: "All planned segments are there, in order.",
    tone: "Warm and clear, as asked.",
    fixes: ["Cite a source for the Sagan quote, or cut it."],
  };

  const STAGE_TEXT = {
    research: "- The committee had six weeks to choose the contents [n1]\n- 116 images were encoded [n1]\n",
    synthesis: "1. The deadline shaped every choice (source: [n1])\n2. Music carried the message (source: [n2])\n",
    script: SCRIPT_TEXT,
    quality_check: JSON.stringify(VERDICT),
  };
  const STAGE_COST = { research: "0.0012", synthesis: "0.0061", script: "0.0425", quality_check: "0.0034" };

  /** Adds two decimal USD strings exactly, as the engine does. @param {string} a @param {string} b */
  function add(a, b) {
    const scale = 10n ** 10n;
    /** @param {string} s */
    const units = (s) => {
      const [w = "0", f = ""] = s.split(".");
      return BigInt(w) * scale + BigInt(f.padEnd(10, "0").slice(0, 10));
    };
    const t = units(a) + units(b);
    const frac = (t % scale).toString().padStart(10, "0").replace(/0+$/, "");
    return `${t / scale}${frac ? `.${frac}` : ""}`;
  }

  return { DEMO_LABEL, STAGES, NOW, CURRENT, ORIGINAL, CATALOG, clone, state, SCRIPT_TEXT, VERDICT, STAGE_TEXT, STAGE_COST, add };
}

/** @typedef {ReturnType<typeof fakeData>} Data */
