// The fake engine's episodes, notes and versions: what the library, the workspace and the
// script editor read and change. Injected as source text (see ../tauri-ipc-mock.js): it uses
// only what it is given.

/** @param {import("./data.js").Data} data */
export function fakeEpisodes(data) {
  const { state, NOW, CURRENT, ORIGINAL, STAGES, STAGE_TEXT, STAGE_COST, SCRIPT_TEXT, VERDICT, clone } = data;


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

  /** Episodes already made, for the screens that need history. @param {import("./data.js").Seed} seed */
  function addSamples(seed) {
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

  return { defaultBrief, makeEpisode, defaultPlan, find, validate, card, note, addPaths, parseScript, saveArtifact, current, scriptView, addSamples };
}

/** @typedef {ReturnType<typeof fakeEpisodes>} Episodes */
