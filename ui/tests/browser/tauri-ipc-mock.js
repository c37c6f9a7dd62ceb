// Stands in for the Tauri runtime inside a plain browser page: the built UI calls
// window.__TAURI_INTERNALS__.invoke exactly as it does in the app, and this answers from an
// in-memory engine — episodes, notes, a scripted run streamed through the run's Channel,
// versions, exports, the usage dashboard, other services and the privacy check — and delivers
// webview events (file drops) the way
// the runtime does. It is injected before the page loads, so it must not close over anything
// from the test runner: everything it needs arrives in `seed`.

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
export function installTauriMock(seed) {
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

  // ---- episodes ---------------------------------------------------------------------------

  function defaultBrief() {
    return {
      title: "Untitled episode",
      brief: "",
      format: "two_hosts",
      hosts: ["Alex", "Sam"],
      guests: [],
      minutes: 10,
      tone: "warm, curious, clear",
      language: "English",
      segments: { cold_open: true, intro: true, main_segments: 3, ad_reads: 1, outro: true },
      budget_usd: state.settings.default_budget_usd,
    };
  }

  /** @param {any} brief */
  function makeEpisode(brief) {
    const id = `ep_${state.nextId++}`;
    const ep = {
      episode: {
        id,
        brief: clone(brief),
        connection_id:
          state.settings.connection === "other" ? state.settings.other_connection_id : state.settings.connection,
        plan: clone(defaultPlan()),
        status: "draft",
        archived: false,
        created_at: NOW,
        updated_at: NOW,
        last_run_at: /** @type {string | null} */ (null),
        estimate_usd: /** @type {string | null} */ (null),
      },
      spent: "0",
      /** @type {any[]} */ notes: [],
      /** @type {any[]} */ artifacts: [],
      interrupted: false,
    };
    state.episodes.unshift(ep);
    return ep;
  }

  function defaultPlan() {
    if (state.settings.default_preset === "custom" && state.settings.custom_plan) return state.settings.custom_plan;
    return state.settings.default_preset === "original" ? ORIGINAL : CURRENT;
  }

  /** @param {string} id */
  function find(id) {
    const ep = state.episodes.find((e) => e.episode.id === id);
    if (!ep) throw { code: "not_found", message: "That episode no longer exists." };
    return ep;
  }

  /** @param {any} brief */
  function validate(brief) {
    if (!String(brief.title ?? "").trim()) throw { code: "invalid_input", message: "Give the episode a title." };
    if (!(brief.minutes >= 1 && brief.minutes <= 180))
      throw { code: "invalid_input", message: "The length must be between 1 and 180 minutes." };
  }

  /** @param {any} ep */
  function card(ep) {
    return {
      episode: ep.episode,
      spent_usd: ep.spent,
      note_count: ep.notes.length,
      running: state.running.has(ep.episode.id),
    };
  }

  /** @param {string} a @param {string} b */
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

  // ---- notes --------------------------------------------------------------------------------

  let nextNote = 1;
  /** @param {any} ep @param {string} name @param {string} text */
  function note(ep, name, text) {
    return {
      id: nextNote++,
      position: ep.notes.length,
      source_name: name,
      word_count: text.split(/\s+/).filter(Boolean).length,
      preview: text.slice(0, 120),
      warning: /** @type {string | null} */ (null),
    };
  }

  /** @param {any} ep @param {string[]} paths */
  function addPaths(ep, paths) {
    const added = [];
    const skipped = [];
    const duplicates = [];
    for (const path of paths) {
      const name = path.split(/[\\/]/).pop() ?? path;
      if (/\.(exe|zip|png|jpg)$/i.test(name)) {
        skipped.push({ name, reason: "Castwright reads text, Markdown, web pages, PDF and Word files. Choose another file." });
      } else if (ep.notes.some((/** @type {any} */ n) => n.source_name === name)) {
        duplicates.push(`${name} is already in this episode, so it was added once.`);
      } else {
        const n = note(ep, name, `Research about ${name}: the committee had six weeks to choose 116 images and 90 minutes of music.`);
        if (/scan/i.test(name)) n.warning = "Only part of this PDF had text; scanned pages were skipped.";
        ep.notes.push(n);
        added.push(n);
      }
    }
    return { added, duplicates, skipped, notes: ep.notes };
  }

  // ---- outputs and the script ----------------------------------------------------------------

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

  /** @param {string} text */
  function parseScript(text) {
    /** @type {any[]} */
    const segments = [];
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      const heading = /^#{1,6}\s+(.*?)(?:\s*\((\d+):(\d\d)\))?$/.exec(line);
      if (heading) {
        segments.push({
          heading: heading[1],
          kind: /cold/i.test(line) ? "cold_open" : /intro/i.test(line) ? "intro" : /outro/i.test(line) ? "outro" : "main",
          target_seconds: heading[2] ? Number(heading[2]) * 60 + Number(heading[3]) : null,
          lines: [],
        });
        continue;
      }
      if (segments.length === 0) segments.push({ heading: "", kind: "main", target_seconds: null, lines: [] });
      const speaker = /^([A-Z][A-Za-z ]{0,30}):\s+(.*)$/.exec(line);
      const direction = /^\[(.*)\]$/.exec(line);
      segments[segments.length - 1].lines.push(
        speaker
          ? { speaker: speaker[1], text: speaker[2] }
          : { speaker: null, text: direction ? direction[1] : line },
      );
    }
    return { title: "", segments };
  }

  /** @param {any} ep @param {string} stage @param {string} kind @param {string} content @param {string|null} model @param {string} cost */
  function saveArtifact(ep, stage, kind, content, model, cost) {
    const version = ep.artifacts.filter((/** @type {any} */ a) => a.stage === stage).length + 1;
    const artifact = {
      id: state.nextArtifact++,
      stage,
      version,
      kind,
      content,
      input_hash: "h",
      model,
      cost_usd: cost,
      calls: 1,
      cached: false,
      created_at: NOW,
    };
    ep.artifacts.push(artifact);
    return artifact;
  }

  /** @param {any} ep @param {string} stage */
  function current(ep, stage) {
    const list = ep.artifacts.filter((/** @type {any} */ a) => a.stage === stage && a.kind !== "draft");
    return list[list.length - 1] ?? null;
  }

  /** @param {any} ep */
  function scriptView(ep, /** @type {number|null} */ artifactId) {
    const artifact =
      artifactId === null ? current(ep, "script") : ep.artifacts.find((/** @type {any} */ a) => a.id === artifactId);
    if (!artifact) return null;
    const script = parseScript(artifact.content);
    const words = artifact.content.split(/\s+/).filter(Boolean).length;
    return {
      artifact,
      script,
      words,
      estimated_seconds: Math.ceil((words / 150) * 60),
      verdict: current(ep, "quality_check") ? VERDICT : null,
    };
  }

  // ---- the run --------------------------------------------------------------------------------

  const STAGE_TEXT = {
    research: "- The committee had six weeks to choose the contents [n1]\n- 116 images were encoded [n1]\n",
    synthesis: "1. The deadline shaped every choice (source: [n1])\n2. Music carried the message (source: [n2])\n",
    script: SCRIPT_TEXT,
    quality_check: JSON.stringify(VERDICT),
  };
  const STAGE_COST = { research: "0.0012", synthesis: "0.0061", script: "0.0425", quality_check: "0.0034" };

  /** @param {string} channel */
  function channelSender(channel) {
    const id = Number(String(channel).replace("__CHANNEL__:", ""));
    let index = 0;
    return {
      /** @param {unknown} message */
      send(message) {
        const cb = callbacks.get(id);
        if (cb) cb({ message, index: index++ });
      },
      end() {
        const cb = callbacks.get(id);
        if (cb) cb({ end: true, index: index++ });
      },
    };
  }

  const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

  /** @param {any} args */
  async function runEpisode(args) {
    const ep = find(args.episodeId);
    const out = channelSender(args.onProgress);
    state.running.add(ep.episode.id);
    ep.interrupted = false;
    const stages = args.rerun ? STAGES.slice(STAGES.indexOf(args.rerun)) : STAGES;
    const outcomes = [];
    let total = "0";
    try {
      for (const stage of STAGES) {
        const plan = ep.episode.plan[stage];
        const models = stage === args.rerun && args.rerunChain ? args.rerunChain.models : plan.chain.models;
        if (!stages.includes(stage) && current(ep, stage)) {
          out.send({ type: "stage_started", stage, models, reused: true });
          out.send({ type: "stage_finished", stage, cost_usd: "0", model: models[0], cached: false, words: 40 });
          outcomes.push({ stage, model: models[0], calls: 0, cost_usd: "0", cached: true });
          continue;
        }
        out.send({ type: "stage_started", stage, models, reused: false });
        await sleep(state.stepMs);
        let served = models[0];
        if (stage === "script" && state.runFault === "handover" && models.length > 1) {
          out.send({ type: "text_delta", stage, text: "## Cold open\nALEX: In 19" });
          await sleep(state.stepMs);
          out.send({ type: "text_reset", stage });
          served = models[1];
          const name = (/** @type {string} */ m) =>
            (CATALOG.find((c) => c.id === m)?.name ?? m).replace(/^.*?: /, "");
          out.send({
            type: "attempt_failed",
            stage,
            model: models[0],
            message: `${name(models[0])} was unavailable — ${name(models[1])} took over`,
          });
        }
        if (stage === "script" && state.runFault === "credits") {
          out.send({
            type: "error",
            stage,
            code: "credits_exhausted",
            message: "Your OpenRouter credit ran out.",
          });
          ep.interrupted = true;
          throw { code: "credits_exhausted", message: "Your OpenRouter credit ran out." };
        }
        const text = STAGE_TEXT[/** @type {keyof typeof STAGE_TEXT} */ (stage)];
        const pieces = text.match(/[\s\S]{1,24}/g) ?? [];
        for (const piece of pieces) {
          if (state.cancelled.has(ep.episode.id)) {
            state.cancelled.delete(ep.episode.id);
            saveArtifact(ep, stage, "draft", text.slice(0, 40), served, "0.001");
            out.send({ type: "error", stage, code: "cancelled", message: "Stopped. The text so far is kept as a draft." });
            ep.interrupted = true;
            throw { code: "cancelled", message: "Stopped. The text so far is kept as a draft." };
          }
          out.send({ type: "text_delta", stage, text: piece });
          await sleep(Math.max(1, Math.floor(state.stepMs / 5)));
        }
        const cost = STAGE_COST[/** @type {keyof typeof STAGE_COST} */ (stage)];
        ep.spent = add(ep.spent, cost);
        total = add(total, cost);
        out.send({ type: "request_cost", stage, cost_usd: cost, episode_spent_usd: ep.spent });
        saveArtifact(ep, stage, "output", text, served, cost);
        out.send({
          type: "stage_finished",
          stage,
          cost_usd: cost,
          model: served,
          cached: false,
          words: text.split(/\s+/).filter(Boolean).length,
        });
        outcomes.push({ stage, model: served, calls: 1, cost_usd: cost, cached: false });
      }
      ep.episode.status = "done";
      ep.episode.last_run_at = NOW;
      return { stages: outcomes, total_usd: total, qc_score: VERDICT.score, qc_passed: VERDICT.passed };
    } finally {
      state.running.delete(ep.episode.id);
      out.end();
    }
  }

  // ---- usage ---------------------------------------------------------------------------------

  function spendRows(/** @type {string} */ by) {
    if (by === "day") {
      return ["2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"].map(
        (day, i) => ({
          key: day,
          label: day,
          cost: ["0.12", "0", "0.4311", "0.05", "0", "0.2", "0.0532"][i],
          calls: 4,
          attempts: 5,
          prompt_tokens: 1000,
          completion_tokens: 800,
        }),
      );
    }
    const labels = {
      model: [["anthropic/claude-sonnet-4", "Claude Sonnet 4", "0.61"], ["deepseek/deepseek-r1", "R1", "0.14"], ["meta-llama/llama-3.3-70b-instruct", "Llama 3.3 70B Instruct", "0.0043"]],
      stage: [["script", "Script", "0.61"], ["synthesis", "Synthesis", "0.14"], ["quality_check", "Quality check", "0.09"], ["research", "Research", "0.0043"]],
      episode: [["ep_x", "The Golden Record", "0.51"], ["ep_y", "Apollo's last day", "0.3443"]],
    }[/** @type {"model" | "stage" | "episode"} */ (by)];
    return labels.map(([key, label, cost]) => ({
      key,
      label,
      cost,
      calls: 3,
      attempts: 3,
      prompt_tokens: 2000,
      completion_tokens: 1500,
    }));
  }

  function logPage(/** @type {any} */ filter, /** @type {any} */ page) {
    const all = [];
    for (let id = 120; id >= 1; id--) {
      const stage = STAGES[id % 4];
      const failed = id % 17 === 0;
      all.push({
        id,
        at: NOW,
        episode_id: "ep_x",
        episode_title: "The Golden Record",
        stage,
        model_requested: "anthropic/claude-sonnet-4",
        model_served: failed ? null : id % 5 === 0 ? "openai/gpt-4.1" : "anthropic/claude-sonnet-4",
        provider: failed ? null : "Anthropic",
        prompt_tokens: 1200 + id,
        completion_tokens: 800,
        cached_tokens: 0,
        reasoning_tokens: 0,
        cost: failed ? "0" : "0.0125",
        saved: "0",
        estimated: false,
        latency_ms: 2400 + id * 10,
        ttft_ms: failed ? null : 610,
        status: failed ? "error" : "ok",
        error_kind: failed ? "rate_limited" : null,
        error_message: failed ? "Too busy — asked us to slow down" : null,
        attempt: failed ? 1 : 1,
      });
    }
    const rows = all.filter(
      (r) =>
        (!filter.stage || r.stage === filter.stage) &&
        (!filter.status || r.status === filter.status) &&
        (!filter.episode_id || r.episode_id === filter.episode_id) &&
        (!filter.model || r.model_requested === filter.model || r.model_served === filter.model),
    );
    const start = page.before_id ? rows.findIndex((r) => r.id < page.before_id) : 0;
    const slice = start < 0 ? [] : rows.slice(start, start + page.limit);
    const more = start >= 0 && start + page.limit < rows.length;
    return { rows: slice, total: rows.length, next_before_id: more ? slice[slice.length - 1]?.id ?? null : null };
  }

  // ---- other services, the privacy check, plan checks -----------------------------------------

  function services() {
    return state.services.map((c) => ({
      ...c,
      in_use: state.settings.connection === "other" && state.settings.other_connection_id === c.id,
    }));
  }

  /** @param {string} id */
  function service(id) {
    const c = state.services.find((x) => x.id === id);
    if (!c) throw { code: "not_found", message: "That service is no longer in your list." };
    return c;
  }

  /** @param {string} id */
  const modelName = (id) => (CATALOG.find((c) => c.id === id)?.name ?? id).replace(/^.*?: /, "");
  const STAGE_LABEL = { research: "Research", synthesis: "Synthesis", script: "Script", quality_check: "Quality check" };

  /** Models the catalog does not list, as `check_stage_plan` reports them. @param {any} plan */
  function chainIssues(plan) {
    const issues = [];
    for (const stage of STAGES) {
      for (const model of plan[stage].chain.models) {
        if (!CATALOG.some((c) => c.id === model)) {
          const label = STAGE_LABEL[/** @type {keyof typeof STAGE_LABEL} */ (stage)];
          issues.push({
            stage,
            model,
            message: `${modelName(model)} is retired or unknown on this connection; ${label} will skip it and use the next model.`,
          });
        }
      }
    }
    return issues;
  }

  // R1 is offered only by providers that keep what they are sent; GPT-4 does not answer today.
  const RULED_OUT = ["deepseek/deepseek-r1"];
  const UNKNOWN = ["openai/gpt-4"];

  function privacyCheck() {
    const plan = defaultPlan();
    /** @type {Map<string, string[]>} */
    const stagesOf = new Map();
    for (const stage of STAGES) {
      for (const model of plan[stage].chain.models) stagesOf.set(model, [...(stagesOf.get(model) ?? []), stage]);
    }
    /** @param {string} model @param {string|null} reason */
    const entry = (model, reason) => ({ model, name: modelName(model), stages: stagesOf.get(model) ?? [], reason });
    const demo = state.settings.connection === "demo";
    return {
      checked: stagesOf.size,
      ruled_out: [...stagesOf.keys()].filter((m) => RULED_OUT.includes(m)).map((m) => entry(m, null)),
      unknown: [...stagesOf.keys()]
        .filter((m) => UNKNOWN.includes(m))
        .map((m) => entry(m, "It did not answer in time; check again later.")),
      cost_usd: demo ? "0" : "0.00042",
      simulated: demo,
    };
  }

  // ---- commands -----------------------------------------------------------------------------

  /** @param {string} cmd @param {Record<string, any>} args */
  function answer(cmd, args) {
    switch (cmd) {
      case "app_info":
        return {
          version: "0.1.0",
          data_dir: "/home/producer/.local/share/com.castwright.desktop",
          log_dir: "/home/producer/.local/share/com.castwright.desktop/logs",
          startup_problem: null,
        };
      case "key_status":
        return { has_key: state.hasKey };
      case "cancel_connect":
        return false;
      case "set_key":
        state.hasKey = true;
        return { has_key: true };
      case "delete_key":
        state.hasKey = false;
        return { has_key: false };
      case "get_settings":
        return { settings: state.settings, notice: state.notice };
      case "save_settings":
        state.settings = /** @type {typeof state.settings} */ (args.settings);
        return state.settings;
      case "connection_status": {
        const other =
          state.settings.connection === "other"
            ? state.services.find((c) => c.id === state.settings.other_connection_id) ?? null
            : null;
        return {
          choice: state.settings.connection,
          simulated: state.settings.connection === "demo",
          label: state.settings.connection === "demo" ? DEMO_LABEL : null,
          has_key: state.hasKey,
          keychain_problem: null,
          other: other ? { id: other.id, name: other.name } : null,
        };
      }
      case "use_connection":
        state.settings = { ...state.settings, connection: args.choice };
        return answer("connection_status", {});
      case "test_connection":
        return state.settings.connection === "demo"
          ? { simulated: true, label: "demo", credit_balance: "10", limit: null, limit_remaining: null, models: 42 }
          : { simulated: false, label: "Castwright laptop", credit_balance: "18.52", limit: "25", limit_remaining: "21.4", models: 318 };
      case "open_link":
      case "show_in_folder":
        return null;
      case "model_catalog":
        return CATALOG;
      case "backup_database":
        return "/home/producer/Documents/castwright-backup.sqlite3";
      case "check_restore":
        return {
          path: "/home/producer/Documents/castwright-backup.sqlite3",
          episodes: state.episodes.length,
          created_at: "2026-11-20T09:30:00.000Z",
          problem: null,
        };
      case "restore_database":
        state.restored = true;
        return null;
      case "list_episodes": {
        const q = typeof args.search === "string" ? args.search.toLowerCase() : null;
        return state.episodes
          .filter((e) => args.includeArchived || !e.episode.archived)
          .filter((e) => !q || e.episode.brief.title.toLowerCase().includes(q) || e.episode.brief.brief.toLowerCase().includes(q))
          .map(card);
      }
      case "new_episode_brief":
        return defaultBrief();
      case "create_episode":
        validate(args.brief);
        return makeEpisode(args.brief).episode;
      case "get_episode":
        return find(args.episodeId).episode;
      case "update_episode": {
        validate(args.brief);
        const ep = find(args.episodeId);
        ep.episode.brief = args.brief;
        return ep.episode;
      }
      case "rename_episode": {
        const ep = find(args.episodeId);
        ep.episode.brief.title = args.title;
        return ep.episode;
      }
      case "duplicate_episode": {
        const src = find(args.episodeId);
        const copy = makeEpisode({ ...src.episode.brief, title: `${src.episode.brief.title} (copy)` });
        copy.notes = clone(src.notes);
        return copy.episode;
      }
      case "archive_episode": {
        const ep = find(args.episodeId);
        ep.episode.archived = args.archived;
        return ep.episode;
      }
      case "delete_episode":
        find(args.episodeId);
        state.episodes = state.episodes.filter((e) => e.episode.id !== args.episodeId);
        return null;
      case "set_stage_plan": {
        const ep = find(args.episodeId);
        ep.episode.plan = args.plan;
        return ep.episode;
      }
      case "stage_presets":
        return { original: ORIGINAL, current: CURRENT, custom: state.settings.custom_plan };
      case "check_stage_plan":
        return chainIssues(args.plan);
      case "add_note_paths":
        return addPaths(find(args.episodeId), args.paths);
      case "pick_note_files":
        return addPaths(find(args.episodeId), ["/home/producer/Research/chosen-notes.md"]);
      case "add_pasted_note": {
        const ep = find(args.episodeId);
        const n = note(ep, args.name, args.text);
        ep.notes.push(n);
        return { added: [n], duplicates: [], skipped: [], notes: ep.notes };
      }
      case "list_notes":
        return find(args.episodeId).notes;
      case "remove_note": {
        const ep = find(args.episodeId);
        ep.notes = ep.notes.filter((/** @type {any} */ n) => n.id !== args.noteId);
        return ep.notes;
      }
      case "reorder_notes": {
        const ep = find(args.episodeId);
        ep.notes = args.noteIds.map((/** @type {number} */ id) => ep.notes.find((/** @type {any} */ n) => n.id === id));
        return ep.notes;
      }
      case "estimate_run": {
        const ep = find(args.episodeId);
        const stages = STAGES.map((stage) => ({
          stage,
          reused: false,
          calls: 1,
          expected_usd: STAGE_COST[/** @type {keyof typeof STAGE_COST} */ (stage)],
          upper_usd: add(STAGE_COST[/** @type {keyof typeof STAGE_COST} */ (stage)], STAGE_COST[/** @type {keyof typeof STAGE_COST} */ (stage)]),
        }));
        void ep;
        return { stages, expected_usd: "0.0532", upper_usd: "0.1064" };
      }
      case "run_state": {
        const ep = find(args.episodeId);
        return { running: state.running.has(ep.episode.id), interrupted: ep.interrupted };
      }
      case "cancel_run":
        state.cancelled.add(args.episodeId);
        return true;
      case "cost_report": {
        const ep = find(args.episodeId);
        return {
          lines: [],
          total_usd: ep.spent,
          saved_by_cache_usd: "0",
          baseline_model: "anthropic/claude-3-opus",
          baseline_usd: "0.9",
          savings_usd: "0.8468",
        };
      }
      case "list_versions":
        return find(args.episodeId).artifacts.filter((/** @type {any} */ a) => a.stage === args.stage);
      case "latest_outputs": {
        const ep = find(args.episodeId);
        return STAGES.map((s) => {
          const list = ep.artifacts.filter((/** @type {any} */ a) => a.stage === s);
          return list[list.length - 1];
        }).filter(Boolean);
      }
      case "save_edit": {
        const ep = find(args.episodeId);
        const base = ep.artifacts.find((/** @type {any} */ a) => a.id === args.artifactId);
        return saveArtifact(ep, base?.stage ?? "script", "edit", args.content, null, "0");
      }
      case "restore_version": {
        const ep = find(args.episodeId);
        const base = ep.artifacts.find((/** @type {any} */ a) => a.id === args.artifactId);
        return saveArtifact(ep, base.stage, base.kind, base.content, base.model, "0");
      }
      case "script_view":
        return scriptView(find(args.episodeId), args.artifactId ?? null);
      case "fact_check":
        // The demo's notes are not kept here: no facts to show.
        return { facts: [], found: 0, disagree: 0, not_in_notes: 0 };
      case "export_script": {
        const ep = find(args.episodeId);
        const ext = { docx: "docx", pdf: "pdf", markdown: "md", text: "txt", json: "json" }[
          /** @type {"docx"} */ (args.format)
        ];
        const path = `/home/producer/Documents/${ep.episode.brief.title}.${ext}`;
        state.exported.push(path);
        return path;
      }
      case "usage_overview":
        return {
          by_day: spendRows("day"),
          by_model: spendRows("model"),
          by_stage: spendRows("stage"),
          by_episode: spendRows("episode"),
          cache: { hits: 3, saved: "0.0412" },
        };
      case "usage_request_log":
        return logPage(args.filter, args.page);
      case "usage_errors":
        return [
          { kind: "rate_limited", label: "Too busy — asked us to slow down", model_requested: "anthropic/claude-sonnet-4", count: 7, last_at: NOW, last_message: null },
          { kind: "no_provider", label: "Unavailable", model_requested: "openai/gpt-4", count: 2, last_at: NOW, last_message: "No allowed providers are available for the selected model." },
        ];
      case "usage_quality":
        return [
          { model: "openai/gpt-4.1", scripts: 4, average_score: 78.5, pass_rate: 0.75, average_cost: "0.031", score_per_dollar: 2532.3 },
          { model: "anthropic/claude-sonnet-4", scripts: 6, average_score: 86, pass_rate: 1, average_cost: "0.052", score_per_dollar: 1653.8 },
        ];
      case "usage_model_health":
        return [
          { model: "anthropic/claude-sonnet-4", endpoints: [{ provider: "Anthropic", status: 0, state: "up", uptime: 99.6 }], recent_attempts: 50, recent_failures: 2, failure_rate: 0.04, p50_latency_ms: 2100, p95_latency_ms: 5200, cooling_down: false, cooling_seconds_left: null, failures_in_a_row: 0 },
          { model: "openai/gpt-4", endpoints: [{ provider: "OpenAI", status: -2, state: "degraded", uptime: 91.2 }], recent_attempts: 12, recent_failures: 5, failure_rate: 0.41, p50_latency_ms: 4300, p95_latency_ms: 9100, cooling_down: true, cooling_seconds_left: 42, failures_in_a_row: 3 },
        ];
      case "credit_status":
        return { label: "Castwright laptop", balance: "1.2", limit: "25", limit_remaining: "1.2", usage: "23.8", low: true };
      case "alerts_pending":
        return state.alerts;
      case "alerts_dismiss":
        state.alerts = state.alerts.filter((a) => a.id !== args.alertId);
        return state.alerts;
      case "list_other_connections":
        return services();
      case "add_other_connection": {
        const input = args.connection;
        if (state.services.some((c) => c.base_url === input.base_url))
          throw { code: "invalid_input", message: "That address is already in your list." };
        state.services.push({
          id: `conn_${state.nextService++}`,
          name: input.name,
          base_url: input.base_url,
          has_key: Boolean(input.key),
          limit_off: false,
          prices: [],
          in_use: false,
        });
        return services();
      }
      case "remove_other_connection": {
        service(args.connectionId);
        if (state.settings.connection === "other" && state.settings.other_connection_id === args.connectionId)
          throw { code: "invalid_input", message: "This service is in use. Choose another connection first, then remove it." };
        state.services = state.services.filter((c) => c.id !== args.connectionId);
        return services();
      }
      case "set_other_connection_price": {
        const c = service(args.connectionId);
        c.prices = [...c.prices.filter((/** @type {any} */ p) => p.model_id !== args.price.model_id), args.price];
        return services();
      }
      case "remove_other_connection_price": {
        const c = service(args.connectionId);
        c.prices = c.prices.filter((/** @type {any} */ p) => p.model_id !== args.modelId);
        return services();
      }
      case "set_other_connection_limit_off":
        service(args.connectionId).limit_off = args.limitOff;
        return services();
      case "set_other_connection_key":
        service(args.connectionId).has_key = Boolean(args.key);
        return services();
      case "test_other_connection": {
        const c = service(args.connectionId);
        return { simulated: false, label: c.name, credit_balance: null, limit: null, limit_remaining: null, models: 7 };
      }
      case "use_other_connection": {
        service(args.connectionId);
        state.settings = { ...state.settings, connection: "other", other_connection_id: args.connectionId };
        return answer("connection_status", {});
      }
      case "privacy_check":
        return privacyCheck();
      default:
        throw `Command ${cmd} not found`;
    }
  }

  // ---- the runtime's side: callbacks, events, invoke ------------------------------------------

  let nextCallback = 1;
  /** @type {Map<number, (data: any) => void>} */
  const callbacks = new Map();
  /** @type {Map<string, number[]>} */
  const listeners = new Map();
  let nextEventId = 1;
  /** @type {Map<number, number>} event id → callback id */
  const eventHandlers = new Map();

  /** @param {string} cmd @param {Record<string, any>} args */
  function eventPlugin(cmd, args) {
    if (cmd === "plugin:event|listen") {
      const eventId = nextEventId++;
      eventHandlers.set(eventId, args.handler);
      listeners.set(args.event, [...(listeners.get(args.event) ?? []), eventId]);
      return eventId;
    }
    if (cmd === "plugin:event|unlisten") {
      listeners.set(args.event, (listeners.get(args.event) ?? []).filter((id) => id !== args.eventId));
      eventHandlers.delete(args.eventId);
      return null;
    }
    return null;
  }

  /** @param {string} event @param {unknown} payload */
  function emit(event, payload) {
    for (const eventId of listeners.get(event) ?? []) {
      const handler = eventHandlers.get(eventId);
      const cb = handler === undefined ? undefined : callbacks.get(handler);
      if (cb) cb({ event, id: eventId, payload });
    }
  }

  /** @type {{ cmd: string, args: unknown }[]} */
  const calls = [];
  /** @type {Map<string, IpcError>} */
  const failNext = new Map();

  /** @type {any} */ (window).__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    /** @param {string} _event @param {number} eventId */
    unregisterListener(_event, eventId) {
      eventHandlers.delete(eventId);
    },
  };

  /** @type {any} */ (window).__TAURI_INTERNALS__ = {
    metadata: {
      currentWindow: { label: "main" },
      currentWebview: { windowLabel: "main", label: "main" },
    },
    /** @param {string} cmd @param {Record<string, unknown>} [args] */
    invoke(cmd, args = {}) {
      if (cmd.startsWith("plugin:event|")) return Promise.resolve(eventPlugin(cmd, args));
      // Copies, as the real IPC serialises: the page must not share objects with the state.
      const sent = JSON.parse(JSON.stringify(args));
      calls.push({ cmd, args: sent });
      return new Promise((resolve, reject) => {
        const failure = failNext.get(cmd);
        if (failure) {
          failNext.delete(cmd);
          reject(failure);
          return;
        }
        if (cmd === "connect_openrouter") {
          // OpenRouter's approval, as the app sees it: a wait, then a checked key.
          const out = channelSender(sent.onProgress);
          out.send("waiting_for_approval");
          sleep(seed.stepMs ?? 50).then(() => {
            out.send("checking");
            out.end();
            state.hasKey = true;
            state.settings.connection = "openrouter";
            resolve({ has_key: true });
          });
          return;
        }
        if (cmd === "run_episode") {
          runEpisode(sent).then(
            (summary) => resolve(JSON.parse(JSON.stringify(summary))),
            (error) => reject(error),
          );
          return;
        }
        try {
          resolve(JSON.parse(JSON.stringify(answer(cmd, sent))));
        } catch (error) {
          reject(error);
        }
      });
    },
    /** @param {(data: unknown) => void} callback @param {boolean} [once] */
    transformCallback(callback, once = false) {
      const id = nextCallback++;
      callbacks.set(id, (data) => {
        if (once) callbacks.delete(id);
        callback(data);
      });
      return id;
    },
    /** @param {number} id */
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    /** @param {string} path */
    convertFileSrc(path) {
      return path;
    },
  };

  // Episodes already made, for the screens that need history.
  if (seed.episodes === "sample") {
    const a = makeEpisode({ ...defaultBrief(), title: "Apollo's last day", brief: "The final moonwalk." });
    a.notes.push(note(a, "apollo-17-timeline.md", "Timeline of the final moonwalk in December 1972."));
    a.episode.status = "needs_review";
    a.episode.last_run_at = "2026-02-27T10:00:00Z";
    a.spent = "0.3443";
    const b = makeEpisode({ ...defaultBrief(), title: "The Golden Record", brief: "What we sent to the stars." });
    for (const name of ["voyager-facts.pdf", "committee-interview.docx"]) b.notes.push(note(b, name, "The committee had six weeks."));
    for (const stage of STAGES) {
      saveArtifact(b, stage, "output", STAGE_TEXT[/** @type {keyof typeof STAGE_TEXT} */ (stage)], CURRENT[/** @type {keyof typeof CURRENT} */ (stage)].chain.models[0], STAGE_COST[/** @type {keyof typeof STAGE_COST} */ (stage)]);
    }
    saveArtifact(b, "script", "edit", SCRIPT_TEXT.replace("Thanks for listening.", "Thanks for listening — see you next week."), null, "0");
    b.episode.status = "done";
    b.episode.last_run_at = "2026-03-01T09:00:00Z";
    b.spent = "0.0532";
    b.interrupted = seed.interrupted ?? false;
  }

  // The test runner's handle on the fake engine.
  /** @type {any} */ (window).__castwrightTest = {
    state,
    calls,
    /** @param {string} cmd @param {IpcError} error */
    failNext(cmd, error) {
      failNext.set(cmd, error);
    },
    emit,
    /** Files dragged over the window, then dropped, as the runtime reports them. */
    /** @param {string[]} paths */
    dragEnter(paths) {
      emit("tauri://drag-enter", { paths, position: { x: 200, y: 200 } });
    },
    /** @param {string[]} paths */
    drop(paths) {
      emit("tauri://drag-drop", { paths, position: { x: 200, y: 200 } });
    },
  };
}
