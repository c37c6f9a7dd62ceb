import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { Channel } from "@tauri-apps/api/core";
import { describe, expect, it, vi } from "vitest";
import type { ProgressEvent } from "../../src/lib/api";
import { dropped, dropState } from "../../src/lib/drops.svelte";
import Workspace from "../../src/screens/Workspace.svelte";
import { fakeEngine } from "./fake-engine";
import { card, episode, ESTIMATE, noteSummary } from "./fixtures";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

function setup(options: { notes?: number; spent?: string; budget?: string } = {}) {
  const engine = fakeEngine({ hasKey: true });
  const ep = episode({ brief: { ...episode().brief, budget_usd: options.budget ?? "3.00" } });
  let notes = Array.from({ length: options.notes ?? 1 }, (_, i) => noteSummary(i + 1, `note-${i + 1}.md`));
  engine.handlers.set("get_episode", () => ep);
  engine.handlers.set("list_notes", () => notes);
  engine.handlers.set("latest_outputs", () => []);
  engine.handlers.set("list_episodes", () => [card({ spent_usd: options.spent ?? "0" })]);
  engine.handlers.set("run_state", () => ({ running: false, interrupted: false }));
  engine.handlers.set("estimate_run", () => ESTIMATE);
  engine.handlers.set("stage_presets", () => ({ original: ep.plan, current: ep.plan }));
  engine.handlers.set("model_catalog", () => []);
  engine.handlers.set("set_stage_plan", (args) => ({ ...ep, plan: args.plan }));
  engine.handlers.set("cost_report", () => ({
    lines: [],
    total_usd: "0.05",
    saved_by_cache_usd: "0",
    baseline_model: "anthropic/claude-opus-5.5",
    baseline_usd: "0.5",
    savings_usd: "0.45",
  }));
  engine.handlers.set("add_note_paths", (args) => {
    const added = (args.paths as string[])
      .filter((p) => !p.endsWith(".png"))
      .map((p, i) => noteSummary(100 + i, p.split("/").pop() ?? p));
    notes = [...notes, ...added];
    return {
      added,
      duplicates: [],
      skipped: (args.paths as string[])
        .filter((p) => p.endsWith(".png"))
        .map((p) => ({ name: p.split("/").pop(), reason: "Castwright reads text, PDF and Word files." })),
      notes,
    };
  });
  const props = {
    episodeId: "ep_1",
    onopenscript: vi.fn(),
    onopensettings: vi.fn(),
    onchanged: vi.fn(),
    onmissing: vi.fn(),
  };
  render(Workspace, props);
  return { engine, props, user: userEvent.setup() };
}

describe("episode workspace", () => {
  it("opens with the brief, the notes and the four stages, and the estimate in the budget bar", async () => {
    setup();
    expect(await screen.findByTestId("workspace")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("The Golden Record");
    expect(await screen.findByTestId("estimate")).toHaveTextContent("at most $1.40");
    for (const stage of ["research", "synthesis", "script", "quality_check"]) {
      expect(screen.getByTestId(`stage-${stage}`)).toBeInTheDocument();
    }
    expect(screen.getByTestId("stage-research")).toHaveTextContent("Cheapest");
    expect(screen.getByTestId("stage-quality_check")).toHaveTextContent("Fastest");
    expect(screen.getAllByTestId("note")).toHaveLength(1);
  });

  it("takes files dropped on the window while it is open, and explains the ones it skips", async () => {
    const { engine } = setup();
    await screen.findByTestId("workspace");
    await waitFor(() => expect(dropState.targetName).toBe("The Golden Record"));
    expect(dropped(["/r/facts.pdf", "/r/photo.png"])).toBe(true);
    expect(await screen.findByTestId("notes-result")).toHaveTextContent("Added 1 note.");
    expect(screen.getByTestId("notes-skipped")).toHaveTextContent("photo.png — Castwright reads text, PDF and Word files.");
    expect(engine.called("add_note_paths")[0]?.args).toEqual({
      episodeId: "ep_1",
      paths: ["/r/facts.pdf", "/r/photo.png"],
    });
    expect(screen.getAllByTestId("note")).toHaveLength(2);
  });

  it("stops taking drops when it closes", async () => {
    setup();
    await screen.findByTestId("workspace");
    await waitFor(() => expect(dropState.targetName).not.toBeNull());
    cleanup();
    expect(dropState.targetName).toBeNull();
    expect(dropped(["/r/late.pdf"])).toBe(false);
  });

  it("runs: streams each stage's text and cost into its card, then says what it cost", async () => {
    const { engine } = setup();
    const finish = deferred<unknown>();
    let channel: Channel<ProgressEvent> | null = null;
    engine.handlers.set("run_episode", (args) => {
      channel = args.onProgress as Channel<ProgressEvent>;
      return finish.promise;
    });
    await screen.findByTestId("estimate");
    await userEvent.setup().click(screen.getByTestId("run"));
    await waitFor(() => expect(channel).not.toBeNull());
    expect(engine.called("run_episode")[0]?.args).toMatchObject({ episodeId: "ep_1", rerun: null, rerunChain: null });
    expect(screen.getByTestId("cancel-run")).toBeInTheDocument();
    const send = (e: ProgressEvent) => channel?.onmessage(e);
    send({ type: "stage_started", stage: "research", models: ["meta-llama/llama-4-maverick"], reused: false });
    send({ type: "text_delta", stage: "research", text: "- Six weeks [n1]" });
    expect(await screen.findByText("- Six weeks [n1]")).toBeInTheDocument();
    send({ type: "request_cost", stage: "research", cost_usd: "0.012", episode_spent_usd: "0.012" });
    send({ type: "stage_finished", stage: "research", cost_usd: "0.012", model: "meta-llama/llama-4-maverick", cached: false, words: 3 });
    await waitFor(() => expect(screen.getByTestId("stage-research")).toHaveAttribute("data-status", "done"));
    expect(screen.getByTestId("stage-research").querySelector("[data-testid=stage-cost]")).toHaveTextContent("$0.01");
    expect(screen.getByTestId("episode-spent")).toHaveTextContent("$0.01");
    finish.resolve({ stages: [], total_usd: "0.012", qc_score: null, qc_passed: null });
    expect(await screen.findByTestId("run-summary")).toHaveTextContent("$0.45 less than sending everything to Claude Opus 5.5");
    expect(screen.getByTestId("run")).toBeInTheDocument();
  });

  it("shows on a stage's card what the finished run says happened in it, until its next run", async () => {
    const { engine, user } = setup();
    const note = "Claude Opus 4 stopped at its length limit; it continued and finished.";
    let runs = 0;
    engine.handlers.set("run_episode", () => {
      runs++;
      return Promise.resolve({
        stages: [
          { stage: "research", model: "meta-llama/llama-4-maverick", calls: 1, cost_usd: "0.01", cached: false, note: null },
          { stage: "script", model: "anthropic/claude-opus-4", calls: 2, cost_usd: "0.2", cached: false, note: runs === 1 ? note : null },
        ],
        total_usd: "0.21",
        qc_score: null,
        qc_passed: null,
      });
    });
    await screen.findByTestId("estimate");
    await user.click(screen.getByTestId("run"));
    const card = screen.getByTestId("stage-script");
    await waitFor(() => expect(card.querySelector("[data-testid=stage-note]")).toHaveTextContent(note));
    expect(screen.getByTestId("stage-research").querySelector("[data-testid=stage-note]")).toBeNull();

    await user.click(await screen.findByTestId("run"));
    await waitFor(() => expect(runs).toBe(2));
    await waitFor(() => expect(card.querySelector("[data-testid=stage-note]")).toBeNull());
  });

  it("cancels a run and keeps calm about it", async () => {
    const { engine, user } = setup();
    let channel: Channel<ProgressEvent> | null = null;
    engine.handlers.set("run_episode", (args) => {
      channel = args.onProgress as Channel<ProgressEvent>;
      return new Promise((_, reject) =>
        engine.handlers.set("cancel_run", () => {
          engine.handlers.set("run_state", () => ({ running: false, interrupted: true }));
          // What the engine kept: the research text so far, as a draft, with its cost.
          engine.handlers.set("latest_outputs", () => [
            {
              id: 7, stage: "research", version: 1, kind: "draft",
              content: "- The committee had six weeks [n1]", input_hash: "h", model: "m/one",
              cost_usd: "0.042", calls: 1, cached: false, created_at: "2026-12-02T10:00:00Z",
            },
          ]);
          channel?.onmessage({ type: "error", stage: "research", code: "cancelled", message: "You stopped the run." });
          reject({ code: "cancelled", message: "You stopped the run." });
          return true;
        }),
      );
    });
    await screen.findByTestId("estimate");
    await user.click(screen.getByTestId("run"));
    await user.click(await screen.findByTestId("cancel-run"));
    const notice = await screen.findByTestId("run-error");
    expect(notice).toHaveTextContent("You stopped the run.");
    expect(notice).toHaveAttribute("role", "status");
    // The stopped stage shows its draft and what it cost so far.
    const card = screen.getByTestId("stage-research");
    await waitFor(() =>
      expect(card.querySelector("[data-testid=stage-text]")).toHaveTextContent("The committee had six weeks"),
    );
    expect(card.querySelector("[data-testid=stage-cost]")).toHaveTextContent("$0.04");
    // One message and one Resume: the header's.
    expect(screen.queryByTestId("resume-notice")).toBeNull();
    expect(screen.getAllByRole("button", { name: /Resume/ })).toHaveLength(1);
  });

  it("refuses before running when the estimate cannot fit, and says what to change", async () => {
    const { engine, user } = setup({ spent: "2.10" });
    await screen.findByTestId("estimate");
    await user.click(screen.getByTestId("run"));
    expect(await screen.findByTestId("refusal")).toHaveTextContent(
      "This run could cost up to $1.40; this episode has $0.90 left.",
    );
    expect(engine.called("run_episode")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Use cheapest providers" }));
    await waitFor(() => expect(engine.called("set_stage_plan")).toHaveLength(1));
  });

  it("waits for notes before offering Run", async () => {
    setup({ notes: 0 });
    expect(await screen.findByTestId("notes-empty")).toBeInTheDocument();
    expect(screen.getByTestId("run")).toBeDisabled();
  });

  it("shows a run that ran out of credit with the action that fixes it", async () => {
    const { engine, user } = setup();
    engine.handlers.set("run_episode", () =>
      Promise.reject({ code: "credits_exhausted", message: "Your OpenRouter credit ran out." }),
    );
    engine.handlers.set("open_link", () => null);
    await screen.findByTestId("estimate");
    await user.click(screen.getByTestId("run"));
    expect(await screen.findByTestId("run-error")).toHaveTextContent("The run is paused and nothing is lost.");
    await user.click(screen.getByRole("button", { name: "Add credits on OpenRouter" }));
    expect(engine.called("open_link")[0]?.args).toEqual({ link: "add_credits" });
  });

  it("says calmly that another window or a command is producing the episode", async () => {
    const { engine, user } = setup();
    const busy =
      "This episode is being produced in another window or by a command (started 14:02). Wait for it, or stop it there.";
    engine.handlers.set("run_episode", () => Promise.reject({ code: "episode_busy", message: busy }));
    await screen.findByTestId("estimate");
    await user.click(screen.getByTestId("run"));
    expect(await screen.findByTestId("run-error")).toHaveTextContent(busy);
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(engine.called("run_episode")).toHaveLength(2));
  });

  it("offers Resume after a run was cut short", async () => {
    const { engine } = setup();
    engine.handlers.set("run_state", () => ({ running: false, interrupted: true }));
    expect(await screen.findByTestId("resume-notice")).toBeInTheDocument();
    expect(screen.getByTestId("resume-run")).toBeInTheDocument();
  });
});
