// A stand-in for the Rust side, answering the commands through Tauri's own IPC mock. It is
// a test double because the real engine cannot run inside jsdom; the end-to-end test runs
// the real one.

import { mockIPC } from "@tauri-apps/api/mocks";
import type { IpcError, Settings } from "../../src/lib/api";
import { PLAN } from "./fixtures";

export type Call = { cmd: string; args: Record<string, unknown> };

export type FakeEngine = {
  calls: Call[];
  hasKey: boolean;
  settings: Settings;
  notice: string | null;
  startupProblem: IpcError | null;
  /** Errors to answer the next call of a command with, used once each, in order. */
  failNext: Map<string, IpcError>;
  /** Answers for other commands, set by each test. */
  handlers: Map<string, (args: Record<string, unknown>) => unknown>;
  called(cmd: string): Call[];
};

export const DEFAULT_SETTINGS: Settings = {
  theme: "system",
  default_budget_usd: "3.00",
  monthly_limit_usd: null,
  low_balance_alert_usd: "2.00",
  privacy_deny_data_collection: false,
  paid_backups_after_free_quota: false,
  default_preset: "current",
  custom_plan: null,
  connection: "openrouter",
  other_connection_id: null,
};

export function fakeEngine(start: Partial<Pick<FakeEngine, "hasKey" | "notice">> = {}): FakeEngine {
  const engine: FakeEngine = {
    calls: [],
    hasKey: start.hasKey ?? false,
    settings: { ...DEFAULT_SETTINGS },
    notice: start.notice ?? null,
    startupProblem: null,
    failNext: new Map(),
    handlers: new Map(),
    called: (cmd) => engine.calls.filter((call) => call.cmd === cmd),
  };

  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      engine.calls.push({ cmd, args });
      const failure = engine.failNext.get(cmd);
      if (failure) {
        engine.failNext.delete(cmd);
        throw failure;
      }
      const handler = engine.handlers.get(cmd);
      if (handler) return handler(args);
      switch (cmd) {
        case "app_info":
          return {
            version: "0.1.0",
            data_dir: "/home/producer/.local/share/com.castwright.desktop",
            log_dir: "/home/producer/.local/share/com.castwright.desktop/logs",
            startup_problem: engine.startupProblem,
          };
        case "key_status":
          return { has_key: engine.hasKey };
        case "set_key":
          engine.hasKey = true;
          return { has_key: true };
        case "delete_key":
          engine.hasKey = false;
          return { has_key: false };
        case "get_settings":
          return { settings: engine.settings, notice: engine.notice };
        // Quiet defaults for what every screen around the tested one asks.
        case "stage_presets":
          return { original: PLAN, current: PLAN, custom: null };
        case "model_catalog":
        case "list_other_connections":
        case "alerts_pending":
        case "check_stage_plan":
          return [];
        case "save_settings":
          engine.settings = args.settings as Settings;
          return engine.settings;
        default:
          // What Tauri itself answers for a command it does not know: a bare string.
          throw `Command ${cmd} not found`;
      }
    },
    // Webview events (file drops) go through Tauri's own event mock.
    { shouldMockEvents: true },
  );

  return engine;
}
