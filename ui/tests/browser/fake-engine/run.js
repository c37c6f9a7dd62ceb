// The fake engine's run: the four stages streamed through the run's Channel, with the faults a
// test asks for (a model that hands over, credit that runs out) and Cancel. Injected as source
// text (see ../tauri-ipc-mock.js): it uses only what it is given.

/**
 * @param {import("./data.js").Data & import("./episodes.js").Episodes & import("./channels.js").Channels} engine
 */
export function fakeRun(engine) {
  const { state, STAGES, CATALOG, STAGE_TEXT, STAGE_COST, NOW, VERDICT, add, find, current, saveArtifact, channelSender, sleep } = engine;

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

  return { runEpisode };
}
