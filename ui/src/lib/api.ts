// The one door to the Rust side. Screens call these functions and get plain values back, or
// an ApiError whose `code` says which action to offer and whose `message` is ready to show.
// Nothing else in the UI imports the generated bindings.

import { Channel } from "@tauri-apps/api/core";
import { commands, type ErrorCode, type IpcError } from "./bindings";
import { ApiError, toApiError } from "./errors";
import { pendingCommand } from "./pending-commands";
import type {
  CatalogModel,
  OtherConnection,
  OtherConnectionInput,
  PrivacyCheck,
  RestoreCheck,
} from "./pending-types";

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
export type { CatalogModel, OtherConnection, OtherConnectionInput, PrivacyCheck, RestoreCheck };
export type AppInfo = OkData<"appInfo">;
export type KeyStatus = OkData<"keyStatus">;
export type SettingsView = OkData<"getSettings">;
/** Settings as the engine returns them; the same shape is what `saveSettings` takes. */
export type Settings = OkData<"saveSettings">;
export type Theme = Settings["theme"];
export type ConnectionChoice = Settings["connection"];
export type Preset = Settings["default_preset"];
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
    unwrap(() => commands.saveSettings(settings)),

  // The connection: OpenRouter with the producer's key, or the demo.
  connectionStatus: (): Promise<ConnectionStatus> => unwrap(() => commands.connectionStatus()),
  useConnection: (choice: ConnectionChoice): Promise<ConnectionStatus> =>
    unwrap(() => commands.useConnection(choice)),
  testConnection: (): Promise<ConnectionTest> => unwrap(() => commands.testConnection()),
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
  ): Promise<string | null> =>
    unwrap(() =>
      commands.exportScript(episodeId, artifactId, format, includeShowNotes, pageSize),
    ),
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

  // Commands the shell does not expose yet: their names and argument names are the contract
  // it is to be wired to (see lib/pending-commands.ts and lib/pending-types.ts).
  modelCatalog: (): Promise<CatalogModel[]> => pendingCommand("model_catalog", {}, []),
  listOtherConnections: (): Promise<OtherConnection[]> =>
    pendingCommand("list_other_connections", {}, []),
  addOtherConnection: (connection: OtherConnectionInput): Promise<OtherConnection[]> =>
    pendingCommand("add_other_connection", { connection }),
  removeOtherConnection: (connectionId: string): Promise<OtherConnection[]> =>
    pendingCommand("remove_other_connection", { connectionId }),
  testOtherConnection: (connectionId: string): Promise<ConnectionTest> =>
    pendingCommand("test_other_connection", { connectionId }),
  privacyCheck: (): Promise<PrivacyCheck> => pendingCommand("privacy_check"),
  backupDatabase: (): Promise<string | null> => pendingCommand("backup_database"),
  checkRestore: (): Promise<RestoreCheck | null> => pendingCommand("check_restore"),
  restoreDatabase: (path: string): Promise<void> =>
    pendingCommand<null>("restore_database", { path }).then(() => undefined),
};

export type Api = typeof api;
