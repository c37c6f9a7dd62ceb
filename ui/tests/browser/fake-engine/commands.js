// The fake engine's answer to each command, by name, as the Rust side answers it (the run and
// the sign-in, which report through a Channel, are the runtime's). Injected as source text (see
// ../tauri-ipc-mock.js): it uses only what it is given.

/** @param {import("./data.js").Data & import("./episodes.js").Episodes & import("./usage.js").Usage} engine */
export function fakeCommands(engine) {
  const {
    state,
    DEMO_LABEL,
    CATALOG,
    CURRENT,
    ORIGINAL,
    STAGES,
    STAGE_COST,
    NOW,
    clone,
    add,
    defaultBrief,
    validate,
    makeEpisode,
    find,
    card,
    note,
    addPaths,
    saveArtifact,
    scriptView,
    spendRows,
    logPage,
    services,
    service,
    chainIssues,
    privacyCheck,
  } = engine;

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

  return { answer };
}
