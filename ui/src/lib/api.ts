// The one door to the Rust side. Screens call `api.<command>(…)` — every command the Rust side
// exports, with its generated argument types — and get the plain value back, or an ApiError
// whose `code` says which action to offer and whose `message` is ready to show. Nothing else
// in the UI imports the generated bindings.

import { Channel } from "@tauri-apps/api/core";
import { commands, type ErrorCode, type IpcError } from "./bindings";
import { toApiError } from "./errors";

// Value types are read off the generated commands rather than named, so this file keeps
// compiling when the generator changes how it names them (for example split into
// serialise/deserialise variants).
type Commands = typeof commands;
export type CommandName = keyof Commands;
type Outcome<K extends CommandName> = Awaited<ReturnType<Commands[K]>>;
type OkData<K extends CommandName> = Extract<Outcome<K>, { status: "ok" }>["data"];
type Arg<K extends CommandName, N extends number> = Parameters<Commands[K]>[N];
type Result<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

export type { ErrorCode, IpcError };
export { ApiError, isErrorCode, toApiError, UNREACHABLE_MESSAGE } from "./errors";
export type CatalogModel = OkData<"modelCatalog">[number];
export type OtherConnection = OkData<"listOtherConnections">[number];
export type OtherConnectionInput = Arg<"addOtherConnection", 0>;
export type ManualPrice = OtherConnection["prices"][number];
export type OtherConnectionRef = NonNullable<OkData<"connectionStatus">["other"]>;
export type PrivacyCheck = OkData<"privacyCheck">;
export type PrivacyModel = PrivacyCheck["ruled_out"][number];
export type RestoreCheck = NonNullable<OkData<"checkRestore">>;
export type AppInfo = OkData<"appInfo">;
export type KeyStatus = OkData<"keyStatus">;
/** Settings as the engine returns them; the same shape is what `saveSettings` takes. */
export type Settings = OkData<"saveSettings">;
/** Which default models new episodes start from; "custom" is the producer's own plan. */
export type Preset = Settings["default_preset"];
/** The active connection; "other" is one of the producer's other services. */
export type ConnectionChoice = Settings["connection"];
export type SettingsView = OkData<"getSettings">;
export type Theme = Settings["theme"];
export type ConnectionStatus = OkData<"connectionStatus">;
export type ConnectionTest = OkData<"testConnection">;
export type ExternalLink = Arg<"openLink", 0>;
export type EpisodeCard = OkData<"listEpisodes">[number];
export type Episode = OkData<"getEpisode">;
export type EpisodeBrief = OkData<"newEpisodeBrief">;
export type ShowFormat = EpisodeBrief["format"];
export type StagePlan = Episode["plan"];
export type StageSettings = StagePlan["research"];
export type Chain = StageSettings["chain"];
export type Variant = Chain["variant"];
export type EpisodeStatus = Episode["status"];
/** The presets, and the producer's own plan once they have made one. */
export type Presets = OkData<"stagePresets">;
export type ChainIssue = OkData<"checkStagePlan">[number];
export type AddNotesResult = OkData<"addNotePaths">;
export type NoteSummary = OkData<"listNotes">[number];
export type Estimate = OkData<"estimateRun">;
export type StageEstimate = Estimate["stages"][number];
export type RunSummary = OkData<"runEpisode">;
export type RunState = OkData<"runState">;
export type CostReport = OkData<"costReport">;
export type Artifact = OkData<"listVersions">[number];
export type Stage = Artifact["stage"];
export type ScriptView = NonNullable<OkData<"scriptView">>;
export type Script = ScriptView["script"];
export type Segment = Script["segments"][number];
export type ScriptLine = Segment["lines"][number];
export type Verdict = NonNullable<ScriptView["verdict"]>;
export type ExportFormat = Arg<"exportScript", 2>;
export type PageSize = Arg<"exportScript", 4>;
export type FactCheck = NonNullable<OkData<"factCheck">>;
export type Fact = FactCheck["facts"][number];
export type FactSource = Fact["sources"][number];
export type NoteView = OkData<"noteText">;
export type DashboardRange = Arg<"usageOverview", 0>;
export type SpendOverview = OkData<"usageOverview">;
export type SpendRow = SpendOverview["by_day"][number];
export type CacheSavings = SpendOverview["cache"];
export type LogFilter = Arg<"usageRequestLog", 0>;
export type LogPageRequest = Arg<"usageRequestLog", 1>;
export type LogPage = OkData<"usageRequestLog">;
export type LogRow = LogPage["rows"][number];
export type ErrorGroup = OkData<"usageErrors">[number];
export type ModelQuality = OkData<"usageQuality">[number];
export type ModelHealthRow = OkData<"usageModelHealth">[number];
export type CreditStatus = OkData<"creditStatus">;
export type Alert = OkData<"alertsPending">[number];
/** What the run's channel carries. */
export type ProgressEvent = Arg<"runEpisode", 3> extends Channel<infer E> ? E : never;
/** What "Connect with OpenRouter" reports while it waits for the producer. */
export type ConnectStep = Arg<"connectOpenrouter", 0> extends Channel<infer E> ? E : never;
/** A piece of streamed text in the app benchmark. */
export type BenchDelta = Arg<"benchStream", 0> extends Channel<infer E> ? E : never;
export type BenchPlan = OkData<"benchInteractive">;
export type BenchStreamed = OkData<"benchStream">;

/**
 * What the app benchmark asks of the page, or null in normal use: the app sets this only when
 * started for a benchmark (scripts/bench-app.sh), before the page's own code runs.
 */
export function benchPlan(): BenchPlan | null {
  return (window as { __CASTWRIGHT_BENCH__?: BenchPlan }).__CASTWRIGHT_BENCH__ ?? null;
}

/** Wall-clock times of the page's start, for the benchmark to split launch time into parts. */
export function pageTimes(): Arg<"benchInteractive", 0> {
  const origin = performance.timeOrigin;
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  return {
    navigation_start: origin,
    dom_content_loaded: origin + (nav?.domContentLoadedEventEnd ?? 0),
    interactive: origin + performance.now(),
  };
}

/**
 * A channel for the commands that report as they go (a run's progress, the sign-in's steps,
 * the benchmark's text): `onMessage` gets each message as it arrives.
 */
export function channel<T>(onMessage: (message: T) => void): Channel<T> {
  return new Channel<T>(onMessage);
}

/** Every command: its value, or a thrown ApiError (never specta's `{ status }` wrapper). */
export type Api = {
  [K in CommandName]: (...args: Parameters<Commands[K]>) => Promise<OkData<K>>;
};

async function unwrap<T>(call: () => Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call();
  } catch (thrown) {
    // The IPC bridge itself failed (no bridge, an unknown command): specta rethrows those.
    throw toApiError(thrown);
  }
  if (result.status === "ok") return result.data;
  throw toApiError(result.error);
}

type AnyCommand = (...args: unknown[]) => Promise<Result<unknown>>;

export const api: Api = Object.fromEntries(
  Object.entries(commands as Record<string, AnyCommand>).map(([name, command]) => [
    name,
    (...args: unknown[]) => unwrap(() => command(...args)),
  ]),
) as Api;
