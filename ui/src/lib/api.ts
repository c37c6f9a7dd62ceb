// The one door to the Rust side. Screens call these functions and get plain values back, or
// an ApiError whose `code` says which action to offer and whose `message` is ready to show.
// Nothing else in the UI imports the generated bindings.

import { Channel } from "@tauri-apps/api/core";
import { commands, type ErrorCode, type IpcError } from "./bindings";
import { ApiError, toApiError } from "./errors";

// Value types are read off the generated commands rather than named, so this file keeps
// compiling when the generator changes how it names them (for example split into
// serialise/deserialise variants).
type Commands = typeof commands;
type Outcome<K extends keyof Commands> = Awaited<ReturnType<Commands[K]>>;
type OkData<K extends keyof Commands> = Extract<Outcome<K>, { status: "ok" }>["data"];
type Result<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };
type Arg<K extends keyof Commands, N extends number> = Parameters<Commands[K]>[N];

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
type EngineSettings = OkData<"saveSettings">;
/** Which default models new episodes start from; "custom" is the producer's own plan. */
export type Preset = EngineSettings["default_preset"] | "custom";
/** The active connection; "other" is one of the producer's other services. */
export type ConnectionChoice = EngineSettings["connection"] | "other";
/**
 * Settings as the engine returns them; the same shape is what `saveSettings` takes. The
 * fields for the producer's own models and other services are spelled out here so this file
 * compiles whether or not the generated bindings carry them yet.
 */
export type Settings = Omit<
  EngineSettings,
  "default_preset" | "connection" | "custom_plan" | "other_connection_id"
> & {
  default_preset: Preset;
  connection: ConnectionChoice;
  /** The producer's own models per stage, used when `default_preset` is "custom". */
  custom_plan?: StagePlan | null;
  /** Which other service is in use when `connection` is "other". */
  other_connection_id?: string | null;
};
export type SettingsView = Omit<OkData<"getSettings">, "settings"> & { settings: Settings };
export type Theme = Settings["theme"];
export type ConnectionStatus = Omit<OkData<"connectionStatus">, "choice" | "other"> & {
  choice: ConnectionChoice;
  /** The other service in use, when `choice` is "other". */
  other?: OtherConnectionRef | null;
};
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
export type Presets = Omit<OkData<"stagePresets">, "custom"> & { custom?: StagePlan | null };
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
/** A piece of streamed text in the app benchmark. */
export type ConnectStep = Arg<"connectOpenrouter", 0> extends Channel<infer E> ? E : never;
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
function pageTimes(): Arg<"benchInteractive", 0> {
  const origin = performance.timeOrigin;
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  return {
    navigation_start: origin,
    dom_content_loaded: origin + (nav?.domContentLoadedEventEnd ?? 0),
    interactive: origin + performance.now(),
  };
}

async function unwrap<T>(call: () => Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call();
  } catch (thrown) {
    throw toApiError(thrown);
  }
  if (result.status === "ok") return result.data;
  throw toApiError(result.error);
}

export const api = {
  appInfo: (): Promise<AppInfo> => unwrap(() => commands.appInfo()),
  keyStatus: (): Promise<KeyStatus> => unwrap(() => commands.keyStatus()),
  setKey: (key: string): Promise<KeyStatus> => unwrap(() => commands.setKey(key)),
  deleteKey: (): Promise<KeyStatus> => unwrap(() => commands.deleteKey()),
  getSettings: (): Promise<SettingsView> => unwrap(() => commands.getSettings()),
  saveSettings: (settings: Settings): Promise<Settings> =>
    // The cast only bridges the spelled-out fields (see `Settings`) to older bindings.
    unwrap(() => commands.saveSettings(settings as unknown as Arg<"saveSettings", 0>)),

  // The connection: OpenRouter with the producer's key, or the demo.
  connectionStatus: (): Promise<ConnectionStatus> => unwrap(() => commands.connectionStatus()),
  useConnection: (choice: Arg<"useConnection", 0>): Promise<ConnectionStatus> =>
    unwrap(() => commands.useConnection(choice)),
  testConnection: (): Promise<ConnectionTest> => unwrap(() => commands.testConnection()),
  /**
   * "Connect with OpenRouter": opens OpenRouter's approval page in the browser and waits for
   * the producer to approve; resolves once a checked key is in the keychain.
   */
  connectOpenRouter: (onStep: (step: ConnectStep) => void): Promise<KeyStatus> => {
    const channel = new Channel<ConnectStep>(onStep);
    return unwrap(() => commands.connectOpenrouter(channel));
  },
  cancelConnect: (): Promise<boolean> => unwrap(() => commands.cancelConnect()),
  openLink: (link: ExternalLink): Promise<void> =>
    unwrap(() => commands.openLink(link)).then(() => undefined),

  // Episodes.
  listEpisodes: (search: string | null, includeArchived: boolean): Promise<EpisodeCard[]> =>
    unwrap(() => commands.listEpisodes(search, includeArchived)),
  newEpisodeBrief: (): Promise<EpisodeBrief> => unwrap(() => commands.newEpisodeBrief()),
  createEpisode: (brief: EpisodeBrief): Promise<Episode> =>
    unwrap(() => commands.createEpisode(brief)),
  getEpisode: (episodeId: string): Promise<Episode> =>
    unwrap(() => commands.getEpisode(episodeId)),
  updateEpisode: (episodeId: string, brief: EpisodeBrief): Promise<Episode> =>
    unwrap(() => commands.updateEpisode(episodeId, brief)),
  renameEpisode: (episodeId: string, title: string): Promise<Episode> =>
    unwrap(() => commands.renameEpisode(episodeId, title)),
  duplicateEpisode: (episodeId: string): Promise<Episode> =>
    unwrap(() => commands.duplicateEpisode(episodeId)),
  archiveEpisode: (episodeId: string, archived: boolean): Promise<Episode> =>
    unwrap(() => commands.archiveEpisode(episodeId, archived)),
  deleteEpisode: (episodeId: string): Promise<void> =>
    unwrap(() => commands.deleteEpisode(episodeId)).then(() => undefined),
  setStagePlan: (episodeId: string, plan: StagePlan): Promise<Episode> =>
    unwrap(() => commands.setStagePlan(episodeId, plan)),
  stagePresets: (): Promise<Presets> => unwrap(() => commands.stagePresets()),
  checkStagePlan: (plan: StagePlan): Promise<ChainIssue[]> =>
    unwrap(() => commands.checkStagePlan(plan)),

  // Research notes.
  addNotePaths: (episodeId: string, paths: string[]): Promise<AddNotesResult> =>
    unwrap(() => commands.addNotePaths(episodeId, paths)),
  pickNoteFiles: (episodeId: string): Promise<AddNotesResult | null> =>
    unwrap(() => commands.pickNoteFiles(episodeId)),
  addPastedNote: (episodeId: string, name: string, text: string): Promise<AddNotesResult> =>
    unwrap(() => commands.addPastedNote(episodeId, name, text)),
  listNotes: (episodeId: string): Promise<NoteSummary[]> =>
    unwrap(() => commands.listNotes(episodeId)),
  removeNote: (episodeId: string, noteId: number): Promise<NoteSummary[]> =>
    unwrap(() => commands.removeNote(episodeId, noteId)),
  reorderNotes: (episodeId: string, noteIds: number[]): Promise<NoteSummary[]> =>
    unwrap(() => commands.reorderNotes(episodeId, noteIds)),

  // Running.
  estimateRun: (episodeId: string): Promise<Estimate> =>
    unwrap(() => commands.estimateRun(episodeId)),
  /**
   * Runs the episode (or re-runs one stage with `rerun`, optionally on other models) and hands
   * every progress event to `onProgress` as it happens.
   */
  runEpisode: (
    episodeId: string,
    options: { rerun?: Stage | null; rerunChain?: Chain | null },
    onProgress: (event: ProgressEvent) => void,
  ): Promise<RunSummary> => {
    const channel = new Channel<ProgressEvent>(onProgress);
    return unwrap(() =>
      commands.runEpisode(episodeId, options.rerun ?? null, options.rerunChain ?? null, channel),
    );
  },
  cancelRun: (episodeId: string): Promise<boolean> =>
    unwrap(() => commands.cancelRun(episodeId)),
  runState: (episodeId: string): Promise<RunState> =>
    unwrap(() => commands.runState(episodeId)),
  costReport: (episodeId: string): Promise<CostReport> =>
    unwrap(() => commands.costReport(episodeId)),

  // Versions and the script.
  listVersions: (episodeId: string, stage: Stage): Promise<Artifact[]> =>
    unwrap(() => commands.listVersions(episodeId, stage)),
  latestOutputs: (episodeId: string): Promise<Artifact[]> =>
    unwrap(() => commands.latestOutputs(episodeId)),
  saveEdit: (episodeId: string, artifactId: number, content: string): Promise<Artifact> =>
    unwrap(() => commands.saveEdit(episodeId, artifactId, content)),
  restoreVersion: (episodeId: string, artifactId: number): Promise<Artifact> =>
    unwrap(() => commands.restoreVersion(episodeId, artifactId)),
  scriptView: (episodeId: string, artifactId: number | null): Promise<ScriptView | null> =>
    unwrap(() => commands.scriptView(episodeId, artifactId)),

  // Export.
  exportScript: (
    episodeId: string,
    artifactId: number | null,
    format: ExportFormat,
    includeShowNotes: boolean,
    pageSize: PageSize,
    includeChecks = true,
    includeSourceNotes = false,
  ): Promise<string | null> =>
    unwrap(() =>
      commands.exportScript(
        episodeId,
        artifactId,
        format,
        includeShowNotes,
        pageSize,
        includeChecks,
        includeSourceNotes,
      ),
    ),
  // The local fact check: free and instant, asked again after every saved edit.
  factCheck: (episodeId: string, artifactId: number | null): Promise<FactCheck | null> =>
    unwrap(() => commands.factCheck(episodeId, artifactId)),
  noteText: (episodeId: string, name: string): Promise<NoteView> =>
    unwrap(() => commands.noteText(episodeId, name)),
  showInFolder: (path: string): Promise<void> =>
    unwrap(() => commands.showInFolder(path)).then(() => undefined),

  // The usage dashboard: every number is aggregated (and the log paginated) in SQL.
  usageOverview: (range: DashboardRange): Promise<SpendOverview> =>
    unwrap(() => commands.usageOverview(range)),
  usageRequestLog: (filter: LogFilter, page: LogPageRequest): Promise<LogPage> =>
    unwrap(() => commands.usageRequestLog(filter, page)),
  usageErrors: (range: DashboardRange): Promise<ErrorGroup[]> =>
    unwrap(() => commands.usageErrors(range)),
  usageQuality: (): Promise<ModelQuality[]> => unwrap(() => commands.usageQuality()),
  usageModelHealth: (): Promise<ModelHealthRow[]> => unwrap(() => commands.usageModelHealth()),
  creditStatus: (): Promise<CreditStatus> => unwrap(() => commands.creditStatus()),
  alertsPending: (): Promise<Alert[]> => unwrap(() => commands.alertsPending()),
  /** Dismisses one alert; returns those still pending. */
  alertsDismiss: (alertId: number): Promise<Alert[]> =>
    unwrap(() => commands.alertsDismiss(alertId)),

  // The app benchmark only (see `benchPlan`); refused in normal use.
  /** Tells the benchmark the first screen is interactive, and when the page got there. */
  benchInteractive: (): Promise<BenchPlan> => unwrap(() => commands.benchInteractive(pageTimes())),
  /** Waits for the benchmark's signal, then streams its replies into `onText`. */
  benchStream: (onText: (delta: BenchDelta) => void): Promise<BenchStreamed> => {
    const channel = new Channel<BenchDelta>(onText);
    return unwrap(() => commands.benchStream(channel));
  },
  /** Tells the benchmark every streamed piece has arrived and been drawn. */
  benchReceived: (replies: number, chars: number): Promise<void> =>
    unwrap(() => commands.benchReceived(replies, chars)).then(() => undefined),

  modelCatalog: (): Promise<CatalogModel[]> => unwrap(() => commands.modelCatalog()),
  listOtherConnections: (): Promise<OtherConnection[]> =>
    unwrap(() => commands.listOtherConnections()),
  addOtherConnection: (connection: OtherConnectionInput): Promise<OtherConnection[]> =>
    unwrap(() => commands.addOtherConnection(connection)),
  removeOtherConnection: (connectionId: string): Promise<OtherConnection[]> =>
    unwrap(() => commands.removeOtherConnection(connectionId)),
  setOtherConnectionPrice: (connectionId: string, price: ManualPrice): Promise<OtherConnection[]> =>
    unwrap(() => commands.setOtherConnectionPrice(connectionId, price)),
  removeOtherConnectionPrice: (connectionId: string, modelId: string): Promise<OtherConnection[]> =>
    unwrap(() => commands.removeOtherConnectionPrice(connectionId, modelId)),
  setOtherConnectionLimitOff: (connectionId: string, limitOff: boolean): Promise<OtherConnection[]> =>
    unwrap(() => commands.setOtherConnectionLimitOff(connectionId, limitOff)),
  /** Replaces the service's key, or removes it with `null`. */
  setOtherConnectionKey: (connectionId: string, key: string | null): Promise<OtherConnection[]> =>
    unwrap(() => commands.setOtherConnectionKey(connectionId, key)),
  testOtherConnection: (connectionId: string): Promise<ConnectionTest> =>
    unwrap(() => commands.testOtherConnection(connectionId)),
  useOtherConnection: (connectionId: string): Promise<ConnectionStatus> =>
    unwrap(() => commands.useOtherConnection(connectionId)),
  /** Asks each model of the default chains for one word (a cent or less in all). */
  privacyCheck: (): Promise<PrivacyCheck> => unwrap(() => commands.privacyCheck()),
  backupDatabase: (): Promise<string | null> => unwrap(() => commands.backupDatabase()),
  checkRestore: (): Promise<RestoreCheck | null> => unwrap(() => commands.checkRestore()),
  restoreDatabase: (path: string): Promise<void> =>
    unwrap(() => commands.restoreDatabase(path)).then(() => undefined),
};

export type Api = typeof api;
