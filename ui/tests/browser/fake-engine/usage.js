// The fake engine's usage dashboard, other services, plan checks and privacy check. Injected as
// source text (see ../tauri-ipc-mock.js): it uses only what it is given.

/** @param {import("./data.js").Data & import("./episodes.js").Episodes} engine */
export function fakeUsage(engine) {
  const { state, NOW, STAGES, CATALOG, defaultPlan } = engine;

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

  return { spendRows, logPage, services, service, chainIssues, privacyCheck };
}

/** @typedef {ReturnType<typeof fakeUsage>} Usage */
