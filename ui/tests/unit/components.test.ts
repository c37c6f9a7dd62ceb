import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import BudgetBar from "../../src/components/BudgetBar.svelte";
import Money from "../../src/components/Money.svelte";
import StageCard from "../../src/components/StageCard.svelte";
import { modelBook } from "../../src/lib/models";
import { emptyRun } from "../../src/lib/progress";
import { PLAN } from "./fixtures";

describe("money on screen", () => {
  it("shows cents and the exact amount on hover", () => {
    render(Money, { value: "0.0012345678", testid: "m" });
    expect(screen.getByTestId("m")).toHaveTextContent("<$0.01");
    expect(screen.getByTestId("m")).toHaveAttribute("title", "Exactly $0.0012345678");
  });
});

describe("budget bar", () => {
  it("shows the spend against the limit and the estimate before a run", () => {
    render(BudgetBar, { limit: "3.00", spent: "0.42", estimate: { expected: "0.4", upper: "1.4" } });
    expect(screen.getByTestId("episode-spent")).toHaveTextContent("$0.42");
    expect(screen.getByTestId("estimate")).toHaveTextContent("this run ≈ $0.40, at most $1.40");
    expect(screen.getByRole("meter")).toHaveAttribute("aria-valuenow", "14");
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("warns with words and an icon from 80% of the limit", () => {
    render(BudgetBar, { limit: "3.00", spent: "2.40", running: true });
    expect(screen.getByRole("status")).toHaveTextContent("80% of this episode's limit is spent; $0.60 left.");
    expect(screen.queryByTestId("estimate")).not.toBeInTheDocument();
  });

  it("says when a run would have nothing new to pay for", () => {
    render(BudgetBar, { limit: "3.00", spent: "0.07", estimate: { expected: "0", upper: "0" } });
    expect(screen.getByTestId("estimate")).toHaveTextContent("nothing new to pay for");
  });

  it("does not warn just below 80%", () => {
    render(BudgetBar, { limit: "3.00", spent: "2.3999" });
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });
});

describe("stage card", () => {
  const book = modelBook([
    {
      id: "anthropic/claude-opus-5.5",
      name: "Anthropic: Claude Opus 5.5",
      context_length: null,
      prompt_price: "0.000004",
      completion_price: "0.00002",
    },
  ]);

  function renderCard(live = emptyRun().stages.script, busy = false) {
    const onrerun = vi.fn();
    render(StageCard, {
      number: 3,
      stage: "script",
      label: "Script",
      blurb: "Writes the episode.",
      chain: PLAN.script.chain,
      live,
      estimate: { stage: "script", reused: false, calls: 2, expected_usd: "0.3", upper_usd: "0.9" },
      book,
      busy,
      onrerun,
    });
    return { onrerun };
  }

  it("names the models in order with what 1,000 words cost, and the estimate before running", () => {
    renderCard();
    const card = screen.getByTestId("stage-script");
    expect(card).toHaveTextContent("Claude Opus 5.5 ($0.03 per 1,000 words) → GPT-6.1 Sol");
    expect(card).toHaveTextContent("Models, in order — if one is unavailable the next takes over");
    expect(card).not.toHaveTextContent("anthropic/");
    expect(card).not.toHaveTextContent(/token/i);
    expect(screen.getByTestId("stage-cost")).toHaveTextContent("est. ≤ $0.90");
    expect(screen.getByTestId("stage-status")).toHaveTextContent("Not run yet");
  });

  it("shows live text, words, cost and the switch to a backup model", () => {
    const live = {
      ...emptyRun().stages.script,
      status: "running" as const,
      text: "ALEX: In 1977 a committee",
      words: 5,
      cost: "0.0123",
      handovers: ["Claude Opus 5.5 was unavailable — GPT-6.1 Sol took over"],
    };
    renderCard(live, true);
    expect(screen.getByTestId("stage-text")).toHaveTextContent("ALEX: In 1977 a committee");
    expect(screen.getByTestId("stage-words")).toHaveTextContent("5 words");
    expect(screen.getByTestId("stage-cost")).toHaveTextContent("$0.01");
    expect(screen.getByTestId("handover")).toHaveTextContent("Claude Opus 5.5 was unavailable — GPT-6.1 Sol took over");
    expect(screen.getByTestId("stage-status")).toHaveTextContent("Writing…");
    expect(screen.getByTestId("rerun-script")).toBeDisabled();
  });

  it("offers a re-run when nothing is running", async () => {
    const { onrerun } = renderCard({ ...emptyRun().stages.script, status: "done", text: "x", cost: "0.04" });
    await userEvent.setup().click(screen.getByTestId("rerun-script"));
    expect(onrerun).toHaveBeenCalledWith("script");
  });
});
