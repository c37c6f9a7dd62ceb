// The figures a producer reads after a run with a cancel and a rewrite: the stage cards show
// the engine's per-stage costs (the rewrite once, in the Quality check, which says so), they
// add up to the episode's total, and the verdict names the version it judged.
import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import StageCard from "../../src/components/StageCard.svelte";
import VerdictPanel from "../../src/components/VerdictPanel.svelte";
import type { Verdict } from "../../src/lib/api";
import type { CostReport } from "../../src/lib/bindings";
import { addUsd } from "../../src/lib/money";
import { STAGES, modelBook } from "../../src/lib/models";
import { applyStageCosts, emptyRun } from "../../src/lib/progress";
import { PLAN } from "./fixtures";

// As the engine reports it from the request log: $0.2165 first draft (with what the
// cancelled attempt cost), $0.0513 rewrite + 2 × $0.0016 checks in the Quality check.
const report: CostReport = {
  lines: [],
  stages: [
    { stage: "research", cost_usd: "0.0031", includes_rewrite: false },
    { stage: "synthesis", cost_usd: "0.0042", includes_rewrite: false },
    { stage: "script", cost_usd: "0.2165", includes_rewrite: false },
    { stage: "quality_check", cost_usd: "0.0545", includes_rewrite: true },
  ],
  total_usd: "0.2783",
  saved_by_cache_usd: "0",
  baseline_model: "anthropic/claude-opus-5.5",
  baseline_usd: "1",
  savings_usd: "0.7217",
};

describe("one set of numbers", () => {
  it("shows each stage's cost once, the rewrite in the Quality check, adding up to the total", () => {
    const run = emptyRun();
    for (const { stage } of STAGES) run.stages[stage].status = "done";
    applyStageCosts(run, report.stages);
    const shown = STAGES.map(({ stage }) => run.stages[stage].cost);
    expect(addUsd(...shown)).toBe(report.total_usd);

    for (const { stage, label, blurb } of STAGES) {
      render(StageCard, {
        number: 1,
        stage,
        label,
        blurb,
        chain: PLAN[stage].chain,
        live: run.stages[stage],
        estimate: null,
        book: modelBook([]),
        busy: false,
        onrerun: () => {},
      });
    }
    const card = (stage: string) => screen.getByTestId(`stage-${stage}`);
    const cost = (stage: string) => card(stage).querySelector('[data-testid="stage-cost"]');
    expect(cost("script")).toHaveTextContent("$0.22");
    expect(cost("script")).not.toHaveTextContent("rewrite");
    expect(cost("quality_check")).toHaveTextContent("$0.05 incl. rewrite");
    expect(screen.getAllByTestId("stage-cost-rewrite")).toHaveLength(1);
  });

  it("says which version the verdict judged", () => {
    const verdict: Verdict = {
      score: 86,
      passed: true,
      unsupported_claims: [],
      timing: { target_words: 750, actual_words: 604, deviation_percent: -19, estimated_seconds: 242 },
      structure: "",
      tone: "",
      fixes: [],
      checked_version: 2,
    };
    render(VerdictPanel, { verdict, located: new Map(), onshow: () => {} });
    expect(screen.getByTestId("verdict-version")).toHaveTextContent("Checked version 2");
    expect(screen.getByTestId("verdict")).toHaveTextContent("604 words for a target of 750");
  });

  it("names no version for a verdict saved before versions were named", () => {
    const verdict: Verdict = {
      score: 86,
      passed: true,
      unsupported_claims: [],
      timing: { target_words: 750, actual_words: 604, deviation_percent: -19, estimated_seconds: 242 },
      structure: "",
      tone: "",
      fixes: [],
      checked_version: null,
    };
    render(VerdictPanel, { verdict, located: new Map(), onshow: () => {} });
    expect(screen.queryByTestId("verdict-version")).not.toBeInTheDocument();
  });
});
