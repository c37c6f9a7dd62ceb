import { describe, expect, it } from "vitest";
import type { Artifact, ProgressEvent } from "../../src/lib/api";
import {
  allDone,
  applyEvent,
  beginRun,
  emptyRun,
  endRun,
  fromOutputs,
  readableOutput,
  TEXT_TAIL,
} from "../../src/lib/progress";

function play(events: ProgressEvent[]) {
  const view = emptyRun();
  beginRun(view);
  for (const e of events) applyEvent(view, e);
  return view;
}

describe("the run's progress on the stage cards", () => {
  it("streams text and words into the running stage, and sums its cost exactly", () => {
    const view = play([
      { type: "stage_started", stage: "research", models: ["a/m1", "a/m2"], reused: false },
      { type: "text_delta", stage: "research", text: "- Six weeks to choose " },
      { type: "text_delta", stage: "research", text: "116 images [n1]" },
      { type: "request_cost", stage: "research", cost_usd: "0.1", episode_spent_usd: "0.1" },
      { type: "request_cost", stage: "research", cost_usd: "0.2", episode_spent_usd: "0.3" },
    ]);
    const card = view.stages.research;
    expect(card.status).toBe("running");
    expect(card.text).toBe("- Six weeks to choose 116 images [n1]");
    expect(card.words).toBe(7);
    expect(card.cost).toBe("0.3");
    expect(view.spent).toBe("0.3");
    expect(card.models).toEqual(["a/m1", "a/m2"]);
    expect(view.stages.synthesis.status).toBe("waiting");
  });

  it("keeps what the producer was told before the run when the stage starts", () => {
    const line = "Claude Instant 1 is no longer offered: Research will use Mixtral 8x7B Instruct, then GPT-3.5 Turbo";
    const view = play([
      { type: "models_changed", stage: "research", model: "anthropic/claude-instant-1", message: line },
      { type: "stage_started", stage: "research", models: ["a/m1"], reused: false },
    ]);
    expect(view.stages.research.changes).toEqual([line]);
    expect(view.stages.research.handovers).toEqual([]);
    beginRun(view);
    expect(view.stages.research.changes).toEqual([]);
  });

  it("starts over after a failed attempt and keeps the one calm line", () => {
    const view = play([
      { type: "stage_started", stage: "script", models: ["x", "y"], reused: false },
      { type: "text_delta", stage: "script", text: "half a line" },
      { type: "text_reset", stage: "script" },
      {
        type: "attempt_failed",
        stage: "script",
        model: "x",
        message: "Claude Opus was unavailable — GPT-6.1 Sol took over",
      },
      { type: "text_delta", stage: "script", text: "ALEX: Hello." },
      { type: "stage_finished", stage: "script", cost_usd: "0.04", model: "y", cached: false, words: 2 },
    ]);
    const card = view.stages.script;
    expect(card.text).toBe("ALEX: Hello.");
    expect(card.handovers).toEqual(["Claude Opus was unavailable — GPT-6.1 Sol took over"]);
    expect(card.status).toBe("done");
    expect(card.model).toBe("y");
    expect(card.cost).toBe("0.04");
  });

  it("marks a reused stage as costing nothing", () => {
    const view = play([
      { type: "stage_started", stage: "research", models: ["x"], reused: true },
      { type: "stage_finished", stage: "research", cost_usd: "0", model: "x", cached: true, words: 10 },
    ]);
    expect(view.stages.research.status).toBe("reused");
    expect(view.stages.research.cost).toBe("0");
  });

  it("stops calmly on a cancel and says why on a failure", () => {
    const cancelled = play([
      { type: "stage_started", stage: "synthesis", models: ["x"], reused: false },
      { type: "error", stage: "synthesis", code: "cancelled", message: "You stopped the run." },
    ]);
    expect(cancelled.stages.synthesis.status).toBe("stopped");
    expect(cancelled.stages.synthesis.error).toBeNull();
    expect(cancelled.error?.code).toBe("cancelled");

    const failed = play([
      { type: "stage_started", stage: "script", models: ["x"], reused: false },
      { type: "error", stage: "script", code: "all_models_failed", message: "Every model was unavailable." },
    ]);
    expect(failed.stages.script.status).toBe("failed");
    expect(failed.stages.script.error).toBe("Every model was unavailable.");
    endRun(failed);
    expect(failed.running).toBe(false);
    expect(failed.stages.quality_check.status).toBe("idle");
  });

  it("records the 80% warning", () => {
    const view = play([{ type: "budget_warning", spent_usd: "2.45", limit_usd: "3.00" }]);
    expect(view.warning).toEqual({ spent: "2.45", limit: "3.00" });
  });

  it("keeps only the tail of a very long stream", () => {
    const view = play([{ type: "stage_started", stage: "script", models: ["x"], reused: false }]);
    for (let i = 0; i < 100; i++) applyEvent(view, { type: "text_delta", stage: "script", text: "word ".repeat(100) });
    expect(view.stages.script.text.length).toBe(TEXT_TAIL);
    expect(view.stages.script.words).toBe(10_000);
  });

  it("shows saved outputs when nothing runs, a cancelled draft as stopped", () => {
    const artifact = (stage: Artifact["stage"], kind: Artifact["kind"]): Artifact => ({
      id: 1,
      stage,
      version: 1,
      kind,
      content: "two words",
      input_hash: "h",
      model: "m",
      cost_usd: "0.01",
      calls: 1,
      cached: false,
      created_at: "2026-03-02T10:00:00Z",
    });
    const view = emptyRun();
    fromOutputs(view, [
      artifact("research", "output"),
      artifact("synthesis", "output"),
      artifact("script", "draft"),
    ]);
    expect(view.stages.research.status).toBe("done");
    expect(view.stages.research.words).toBe(2);
    expect(view.stages.script.status).toBe("stopped");
    expect(view.stages.quality_check.status).toBe("idle");
    expect(allDone(view)).toBe(false);
  });

  it("reads the Quality check's JSON as words", () => {
    const text = JSON.stringify({ score: 64, passed: false, unsupported_claims: [{ claim: "x" }], structure: "Fine." });
    expect(readableOutput("quality_check", text)).toBe(
      "Score 64/100 — needs review.\n1 claim is not supported by your notes.\nFine.",
    );
    expect(readableOutput("quality_check", "{not json")).toBe("{not json");
    expect(readableOutput("script", text)).toBe(text);
  });
});
