// What the four stage cards show, built from the run's progress events as they arrive (and,
// when nothing is running, from each stage's latest saved output). Mutates in place so a
// Svelte $state proxy re-renders only what changed while text streams in.

import type { Artifact, ProgressEvent, Stage } from "./api";
import type { StageCost } from "./bindings";
import { perFrame, type FrameBatch } from "./frame-batch";
import { addUsd } from "./money";
import { STAGES } from "./models";
import { countWords } from "./words";

export type StageStatus =
  | "idle" // nothing yet
  | "waiting" // part of the run, not started
  | "running"
  | "done"
  | "reused" // finished output taken as it is, at no cost
  | "stopped" // cancelled; the text so far is kept as a draft
  | "failed";

export type StageLive = {
  status: StageStatus;
  models: string[];
  /** The tail of the text as it streams (the whole output is saved as a version). */
  text: string;
  words: number;
  /** USD so far, decimal string. */
  cost: string;
  /** The Quality check's cost includes the rewrite of the script it asked for. */
  includesRewrite: boolean;
  model: string | null;
  cached: boolean;
  /** "<Model> was unavailable — <Model> took over", one per switch. */
  handovers: string[];
  /** What happened on the way, in plain words, as the finished run reports it. */
  note: string | null;
  /** Told before the run: a retired model left out or replaced, a paid backup's cost. */
  changes: string[];
  error: string | null;
};

export type RunError = { stage: Stage | null; code: string; message: string };

export type RunView = {
  running: boolean;
  stages: Record<Stage, StageLive>;
  /** What the episode has spent, as the engine last said (live while running). */
  spent: string | null;
  warning: { spent: string; limit: string } | null;
  error: RunError | null;
};

/** Enough text to fill a card's scroll area many times over; older text stays in the version. */
export const TEXT_TAIL = 12_000;

function blankStage(): StageLive {
  return {
    status: "idle",
    models: [],
    text: "",
    words: 0,
    cost: "0",
    includesRewrite: false,
    model: null,
    cached: false,
    handovers: [],
    note: null,
    changes: [],
    error: null,
  };
}

export function emptyRun(): RunView {
  return {
    running: false,
    stages: {
      research: blankStage(),
      synthesis: blankStage(),
      script: blankStage(),
      quality_check: blankStage(),
    },
    spent: null,
    warning: null,
    error: null,
  };
}

/** The cards before a run: each stage's latest output, or nothing. */
export function fromOutputs(view: RunView, outputs: Artifact[]): void {
  for (const { stage } of STAGES) {
    const artifact = outputs.find((a) => a.stage === stage);
    const card = view.stages[stage];
    Object.assign(card, blankStage());
    if (!artifact) continue;
    card.status = artifact.kind === "draft" ? "stopped" : "done";
    card.text = tail(artifact.content);
    card.words = countWords(artifact.content);
    card.cost = artifact.cost_usd;
    card.model = artifact.model ?? null;
    card.cached = artifact.cached;
  }
}

/**
 * The cards' costs as the request log holds them (the cost report's `stages`): every stage
 * counted once — a rewrite in the Quality check that ran it — so the cards add up to the
 * episode's total exactly.
 */
export function applyStageCosts(view: RunView, stages: StageCost[]): void {
  for (const { stage, cost_usd, includes_rewrite } of stages) {
    const card = view.stages[stage];
    card.cost = cost_usd;
    card.includesRewrite = includes_rewrite;
  }
}

/** A run begins: the stages it will touch wait, the others keep what they show. */
export function beginRun(view: RunView, only: Stage | null = null): void {
  view.running = true;
  view.error = null;
  view.warning = null;
  for (const { stage } of STAGES) {
    if (only === null || only === stage) {
      const card = view.stages[stage];
      // A full run may reuse finished stages: they keep their text until the engine says.
      card.status = "waiting";
      card.error = null;
      card.handovers = [];
      card.note = null;
      card.changes = [];
    }
  }
}

/**
 * The finished run's word on each stage ("… stopped at its length limit; it continued and
 * finished"): shown on the stage's card after the run, cleared when the stage runs again.
 */
export function applyNotes(view: RunView, stages: { stage: Stage; note?: string | null }[]): void {
  for (const { stage, note } of stages) {
    if (note) view.stages[stage].note = note;
  }
}

function tail(text: string): string {
  return text.length > TEXT_TAIL ? text.slice(text.length - TEXT_TAIL) : text;
}

export function applyEvent(view: RunView, event: ProgressEvent): void {
  switch (event.type) {
    case "stage_started": {
      const card = view.stages[event.stage];
      card.models = event.models;
      card.handovers = [];
      card.error = null;
      if (event.reused) {
        card.status = "reused";
        card.cost = "0";
      } else {
        card.status = "running";
        card.text = "";
        card.words = 0;
        card.cost = "0";
        card.includesRewrite = false;
        card.model = null;
        card.cached = false;
      }
      break;
    }
    case "text_delta": {
      const card = view.stages[event.stage];
      card.text = tail(card.text + event.text);
      card.words += countWords(event.text);
      break;
    }
    case "text_reset": {
      const card = view.stages[event.stage];
      card.text = "";
      card.words = 0;
      break;
    }
    case "attempt_failed":
      view.stages[event.stage].handovers.push(event.message);
      break;
    case "models_changed":
      view.stages[event.stage].changes.push(event.message);
      break;
    case "request_cost": {
      const card = view.stages[event.stage];
      card.cost = addUsd(card.cost, event.cost_usd);
      view.spent = event.episode_spent_usd;
      break;
    }
    case "stage_finished": {
      const card = view.stages[event.stage];
      if (card.status !== "reused") card.status = "done";
      card.cost = event.cost_usd;
      card.model = event.model ?? card.model;
      card.cached = event.cached;
      if (event.words > 0) card.words = event.words;
      break;
    }
    case "budget_warning":
      view.warning = { spent: event.spent_usd, limit: event.limit_usd };
      view.spent = event.spent_usd;
      break;
    case "error": {
      const stage = event.stage ?? null;
      view.error = { stage, code: event.code, message: event.message };
      const cancelled = event.code === "cancelled";
      for (const { stage: s } of STAGES) {
        const card = view.stages[s];
        if (card.status === "running" || (stage === s && card.status === "waiting")) {
          card.status = cancelled ? "stopped" : "failed";
          if (!cancelled && stage === s) card.error = event.message;
        }
      }
      break;
    }
  }
}

/** A run's progress as the page draws it: streamed text joined per frame (see frame-batch). */
export function progressPerFrame(view: RunView): FrameBatch<ProgressEvent> {
  return perFrame<ProgressEvent>(
    (event) => applyEvent(view, event),
    (event) => event.type === "text_delta",
    (held, next) =>
      held.type === "text_delta" && next.type === "text_delta" && held.stage === next.stage
        ? { ...held, text: held.text + next.text }
        : null,
  );
}

/** The run is over (finished, failed or stopped): stages it never reached wait no more. */
export function endRun(view: RunView): void {
  view.running = false;
  for (const { stage } of STAGES) {
    const card = view.stages[stage];
    if (card.status === "waiting") card.status = card.text ? "done" : "idle";
    if (card.status === "running") card.status = "stopped";
  }
}

/** Whether every stage finished (done or reused). */
export function allDone(view: RunView): boolean {
  return STAGES.every(({ stage }) => {
    const s = view.stages[stage].status;
    return s === "done" || s === "reused";
  });
}

/**
 * What a finished stage's card shows. The Quality check answers in JSON (for the engine to
 * read); the producer reads its verdict in words instead.
 */
export function readableOutput(stage: Stage, text: string): string {
  if (stage !== "quality_check") return text;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v.score !== "number") return text;
    const claims = Array.isArray(v.unsupported_claims) ? v.unsupported_claims.length : 0;
    const lines = [
      `Score ${v.score}/100 — ${v.passed === false ? "needs review" : "passes"}.`,
      claims === 0
        ? "Every claim was found in your notes."
        : `${claims} ${claims === 1 ? "claim is" : "claims are"} not supported by your notes.`,
    ];
    if (typeof v.structure === "string" && v.structure) lines.push(v.structure);
    return lines.join("\n");
  } catch {
    return text;
  }
}
