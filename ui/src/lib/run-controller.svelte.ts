// The open episode and its run, as the workspace shows them: the episode, what it has spent,
// the estimate before Run, the four stages' live progress, and Run, Cancel, Resume, Re-run
// and "use the cheapest providers". The workspace's components only read this and call it.

import {
  api,
  channel,
  toApiError,
  type Chain,
  type Episode,
  type Estimate,
  type Presets,
  type RunSummary,
  type Stage,
} from "./api";
import { compareUsd, subtractUsd } from "./money";
import { STAGES } from "./models";
import {
  applyNotes,
  applyStageCosts,
  beginRun,
  emptyRun,
  endRun,
  fromOutputs,
  progressPerFrame,
} from "./progress";

/** "This run could cost up to $upper; this episode has $left left." */
export type Refusal = { upper: string; left: string };
/** What the episode has cost, and how much less than the all-premium baseline. */
export type Savings = { total: string; saved: string; baseline: string };

/** How long the estimate waits for edits (brief, notes) to settle before it is asked again. */
const ESTIMATE_DELAY_MS = 400;

export class RunController {
  episode = $state<Episode | null>(null);
  loadError = $state<string | null>(null);
  /** What the episode had spent when last read (the run's own figure is live while it runs). */
  spent = $state("0");
  estimate = $state<Estimate | null>(null);
  estimateError = $state<string | null>(null);
  run = $state(emptyRun());
  /** The last run was cut short (a crash, a quit or a cancel): Resume is offered. */
  interrupted = $state(false);
  refusal = $state<Refusal | null>(null);
  savings = $state<Savings | null>(null);
  presets = $state<Presets | null>(null);

  readonly hasScript = $derived(this.run.stages.script.text !== "" || this.run.stages.script.status === "done");
  readonly liveSpent = $derived(this.run.spent ?? this.spent);
  readonly limit = $derived(this.episode?.brief.budget_usd ?? "0");

  private readonly episodeId: string;
  /** Something the library shows changed (title, status, spend). */
  private readonly changed: () => void;
  private estimateTimer: ReturnType<typeof setTimeout> | undefined;
  private alive = true;

  constructor(episodeId: string, changed: () => void) {
    this.episodeId = episodeId;
    this.changed = changed;
  }

  /** The episode itself; false when it could not be read (`loadError` says why). */
  async loadEpisode(onmissing: () => void): Promise<boolean> {
    this.loadError = null;
    try {
      this.episode = await api.getEpisode(this.episodeId);
      return true;
    } catch (thrown) {
      const error = toApiError(thrown);
      if (error.code === "not_found") onmissing();
      else this.loadError = error.message;
      return false;
    }
  }

  async loadSpent(): Promise<void> {
    try {
      const cards = await api.listEpisodes(null, true);
      const card = cards.find((c) => c.episode.id === this.episodeId);
      if (card) this.spent = card.spent_usd;
    } catch (error) {
      console.warn("The episode's spend could not be read:", error);
    }
  }

  async loadOutputs(): Promise<void> {
    try {
      fromOutputs(this.run, await api.latestOutputs(this.episodeId));
    } catch (error) {
      console.warn("The stage outputs could not be read:", error);
    }
    await this.loadStageCosts();
  }

  /** Each card's cost from the request log, so the cards add up to the episode's total. */
  async loadStageCosts(): Promise<void> {
    try {
      applyStageCosts(this.run, (await api.costReport(this.episodeId)).stages ?? []);
    } catch (error) {
      console.warn("The stages' costs could not be read:", error);
    }
  }

  /** Whether a run is going on (elsewhere too) or was cut short. */
  async loadRunState(): Promise<void> {
    try {
      const state = await api.runState(this.episodeId);
      this.interrupted = state.interrupted;
      if (state.running) this.run.running = true;
    } catch (error) {
      console.warn("The run state could not be read:", error);
    }
  }

  /** The presets, for the models a re-run may choose from; without them it offers fewer. */
  loadPresets(): void {
    void api.stagePresets().then(
      (p) => (this.presets = p),
      () => {},
    );
  }

  async loadEstimate(): Promise<void> {
    try {
      this.estimate = await api.estimateRun(this.episodeId);
      this.estimateError = null;
    } catch (thrown) {
      this.estimate = null;
      this.estimateError = toApiError(thrown).message;
    }
  }

  scheduleEstimate(): void {
    clearTimeout(this.estimateTimer);
    this.estimateTimer = setTimeout(() => void this.loadEstimate(), ESTIMATE_DELAY_MS);
  }

  /** The screen is gone: nothing more is read for it. */
  dispose(): void {
    this.alive = false;
    clearTimeout(this.estimateTimer);
  }

  private wouldOverrun(): Refusal | null {
    if (!this.estimate) return null;
    const left = subtractUsd(this.limit, this.spent);
    return compareUsd(this.estimate.upper_usd, left) > 0 ? { upper: this.estimate.upper_usd, left } : null;
  }

  /** Runs the episode (or re-runs one stage, optionally on other models). */
  async start(options: { rerun?: Stage; chain?: Chain } = {}): Promise<void> {
    const run = this.run;
    if (run.running) return;
    this.refusal = null;
    this.savings = null;
    if (!options.rerun) {
      const over = this.wouldOverrun();
      if (over) {
        this.refusal = over;
        return;
      }
    }
    this.interrupted = false;
    beginRun(run, options.rerun ?? null);
    this.changed();
    const progress = progressPerFrame(run);
    let summary: RunSummary | null = null;
    try {
      summary = await api.runEpisode(this.episodeId, options.rerun ?? null, options.chain ?? null, channel(progress.push));
    } catch (thrown) {
      const error = toApiError(thrown);
      if (!run.error) run.error = { stage: null, code: error.code, message: error.message };
    } finally {
      progress.flush();
      endRun(run);
    }
    if (summary) applyNotes(run, summary.stages);
    if (!this.alive) return;
    // A cancelled stage shows the draft it kept, with what it cost so far.
    if (run.error?.code === "cancelled") await this.loadOutputs();
    await this.loadSpent();
    run.spent = null;
    try {
      this.episode = await api.getEpisode(this.episodeId);
      this.interrupted = (await api.runState(this.episodeId)).interrupted;
    } catch (error) {
      console.warn("The episode could not be read after the run:", error);
    }
    const failed = run.error !== null;
    void api.costReport(this.episodeId).then(
      (report) => {
        applyStageCosts(run, report.stages ?? []);
        if (!failed)
          this.savings = {
            total: report.total_usd,
            saved: report.savings_usd,
            baseline: report.baseline_model,
          };
      },
      () => {},
    );
    void this.loadEstimate();
    this.changed();
  }

  async cancel(): Promise<void> {
    try {
      await api.cancelRun(this.episodeId);
    } catch (thrown) {
      this.run.error = { stage: null, code: "internal", message: toApiError(thrown).message };
    }
  }

  /** Every stage on its cheapest providers, then a fresh estimate. */
  async cheapest(): Promise<void> {
    if (!this.episode) return;
    const plan = structuredClone($state.snapshot(this.episode.plan));
    for (const { stage } of STAGES) plan[stage].chain.variant = "floor";
    try {
      this.episode = await api.setStagePlan(this.episodeId, plan);
      this.refusal = null;
      await this.loadEstimate();
    } catch (thrown) {
      this.run.error = { stage: null, code: "internal", message: toApiError(thrown).message };
    }
  }

  /** The models a re-run of `stage` may choose from. */
  candidates(stage: Stage): string[] {
    if (!this.presets) return [];
    return [...this.presets.current[stage].chain.models, ...this.presets.original[stage].chain.models];
  }
}
