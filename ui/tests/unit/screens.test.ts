import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { emit } from "@tauri-apps/api/event";
import { mockWindows } from "@tauri-apps/api/mocks";
import { describe, expect, it, vi } from "vitest";
import ExportDialog from "../../src/components/ExportDialog.svelte";
import { listenForDrops } from "../../src/lib/drag-drop";
import Library from "../../src/screens/Library.svelte";
import Onboarding from "../../src/screens/Onboarding.svelte";
import ScriptEditor from "../../src/screens/ScriptEditor.svelte";
import { fakeEngine } from "./fake-engine";
import { artifact, card, episode } from "./fixtures";

vi.mock("chart.js", () => {
  // jsdom has no canvas; the dashboard's numbers are listed beside each chart anyway.
  class Chart {
    static register() {}
    destroy() {}
  }
  const part = class {};
  return {
    Chart,
    ArcElement: part,
    BarController: part,
    BarElement: part,
    CategoryScale: part,
    DoughnutController: part,
    Legend: part,
    LinearScale: part,
    Tooltip: part,
  };
});

describe("first run: the demo", () => {
  it("offers trying without a key, and switches to the demo connection", async () => {
    const engine = fakeEngine();
    engine.handlers.set("use_connection", (args) => ({
      choice: args.choice,
      simulated: true,
      label: "Simulated — prices are examples; nothing is charged",
      has_key: false,
    }));
    const ondemo = vi.fn();
    render(Onboarding, { onsaved: vi.fn(), ondemo });
    await userEvent.setup().click(screen.getByTestId("try-demo"));
    await waitFor(() => expect(ondemo).toHaveBeenCalledWith(expect.objectContaining({ simulated: true })));
    expect(engine.called("use_connection")[0]?.args).toEqual({ choice: "demo" });
  });

  it("says in plain words when the demo cannot start", async () => {
    const engine = fakeEngine();
    engine.failNext.set("use_connection", {
      code: "internal",
      message: "The demo could not start. Restart Castwright and try again.",
    });
    render(Onboarding, { onsaved: vi.fn() });
    await userEvent.setup().click(screen.getByTestId("try-demo"));
    expect(await screen.findByTestId("demo-error")).toHaveTextContent("The demo could not start.");
  });
});

describe("episode library", () => {
  function setup(cards = [card({ spent_usd: "0.4211", note_count: 2 }, { status: "done", last_run_at: "2026-03-01T10:00:00Z" })]) {
    const engine = fakeEngine({ hasKey: true });
    let list = cards;
    engine.handlers.set("list_episodes", (args) =>
      list.filter((c) => !args.search || c.episode.brief.title.toLowerCase().includes(String(args.search).toLowerCase())),
    );
    engine.handlers.set("delete_episode", (args) => {
      list = list.filter((c) => c.episode.id !== args.episodeId);
      return null;
    });
    const props = { onopen: vi.fn(), onnew: vi.fn(), onchanged: vi.fn(), version: 0 };
    render(Library, props);
    return { engine, props, user: userEvent.setup() };
  }

  it("shows each episode's status, last run and spend against its limit", async () => {
    setup();
    const item = await screen.findByTestId("episode-card");
    expect(item).toHaveTextContent("The Golden Record");
    expect(item).toHaveTextContent("Done");
    expect(item).toHaveTextContent("2 notes");
    expect(item).toHaveTextContent("$0.42 of $3.00");
  });

  it("says what to do when there are no episodes yet", async () => {
    const { props, user } = setup([]);
    const empty = await screen.findByTestId("library-empty");
    expect(empty).toHaveTextContent("No episodes yet");
    await user.click(within(empty).getByRole("button", { name: "Create your first episode" }));
    expect(props.onnew).toHaveBeenCalledOnce();
  });

  it("searches through the engine", async () => {
    const { engine, user } = setup();
    await screen.findByTestId("episode-card");
    await user.type(screen.getByTestId("episode-search"), "voyager");
    await waitFor(() => expect(screen.getByTestId("library-empty")).toHaveTextContent("No episode matches “voyager”"));
    expect(engine.called("list_episodes").at(-1)?.args).toEqual({ search: "voyager", includeArchived: false });
  });

  it("asks before deleting, with the safe choice focused", async () => {
    const { engine, props, user } = setup();
    await user.click(await screen.findByRole("button", { name: "Delete The Golden Record" }));
    const dialog = screen.getByRole("dialog", { name: "Delete this episode?" });
    expect(within(dialog).getByRole("button", { name: "Keep it" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(engine.called("delete_episode")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Delete The Golden Record" }));
    await user.click(screen.getByTestId("confirm-delete-episode"));
    await waitFor(() => expect(engine.called("delete_episode")).toHaveLength(1));
    expect(await screen.findByTestId("library-empty")).toBeInTheDocument();
    expect(props.onchanged).toHaveBeenCalled();
  });
});

describe("export dialog", () => {
  it("exports in the chosen format and offers Show in folder", async () => {
    const engine = fakeEngine({ hasKey: true });
    engine.handlers.set("export_script", (args) => `/home/producer/Documents/The Golden Record.${args.format === "pdf" ? "pdf" : "docx"}`);
    engine.handlers.set("show_in_folder", () => null);
    const user = userEvent.setup();
    render(ExportDialog, { episodeId: "ep_1", artifactId: 7, onclose: vi.fn() });
    await user.click(screen.getByTestId("format-pdf"));
    await user.click(screen.getByTestId("include-show-notes"));
    await user.click(screen.getByTestId("export-now"));
    expect(await screen.findByTestId("export-done")).toHaveTextContent("The Golden Record.pdf");
    expect(engine.called("export_script")[0]?.args).toEqual({
      episodeId: "ep_1",
      artifactId: 7,
      format: "pdf",
      includeShowNotes: false,
      pageSize: "letter",
      includeChecks: true,
      includeSourceNotes: false,
    });
    await user.click(screen.getByTestId("show-in-folder"));
    expect(engine.called("show_in_folder")[0]?.args).toEqual({
      path: "/home/producer/Documents/The Golden Record.pdf",
    });
  });

  it("turns the check section off and source notes on", async () => {
    const engine = fakeEngine({ hasKey: true });
    engine.handlers.set("export_script", () => "/home/producer/Documents/The Golden Record.md");
    const user = userEvent.setup();
    render(ExportDialog, { episodeId: "ep_1", artifactId: 7, onclose: vi.fn() });
    await user.click(screen.getByTestId("format-markdown"));
    expect(screen.getByTestId("include-checks")).toBeChecked();
    expect(screen.getByTestId("include-source-notes")).not.toBeChecked();
    await user.click(screen.getByTestId("include-checks"));
    await user.click(screen.getByTestId("include-source-notes"));
    await user.click(screen.getByTestId("export-now"));
    await screen.findByTestId("export-done");
    expect(engine.called("export_script")[0]?.args).toMatchObject({
      format: "markdown",
      includeChecks: false,
      includeSourceNotes: true,
    });
  });

  it("says nothing was saved when the save dialog is closed", async () => {
    const engine = fakeEngine({ hasKey: true });
    engine.handlers.set("export_script", () => null);
    render(ExportDialog, { episodeId: "ep_1", artifactId: null, onclose: vi.fn() });
    await userEvent.setup().click(screen.getByTestId("export-now"));
    expect(await screen.findByText("Nothing was saved.")).toBeInTheDocument();
  });
});

describe("script editor", () => {
  const content = "## Intro (1:00)\nALEX: Welcome back.\nSAM: Carl Sagan called it his finest work.";
  function setup() {
    const engine = fakeEngine({ hasKey: true });
    const current = artifact({ id: 3, version: 2, content });
    engine.handlers.set("get_episode", () => episode());
    engine.handlers.set("model_catalog", () => []);
    engine.handlers.set("script_view", () => ({
      artifact: current,
      script: {
        title: "",
        segments: [
          {
            heading: "Intro",
            kind: "intro",
            target_seconds: 60,
            lines: [
              { speaker: "ALEX", text: "Welcome back." },
              { speaker: "SAM", text: "Carl Sagan called it his finest work." },
            ],
          },
        ],
      },
      words: 9,
      estimated_seconds: 4,
      verdict: {
        score: 64,
        passed: false,
        unsupported_claims: [{ claim: "Carl Sagan called it his finest work", reason: "No note says so." }],
        timing: { target_words: 1500, actual_words: 9, deviation_percent: -99, estimated_seconds: 4 },
        structure: "Short.",
        tone: "Warm.",
        fixes: ["Add the main segments."],
      },
    }));
    engine.handlers.set("save_edit", (args) => artifact({ id: 4, version: 3, kind: "edit", content: args.content as string }));
    render(ScriptEditor, { episodeId: "ep_1", onback: vi.fn() });
    return { engine, user: userEvent.setup() };
  }

  it("shows speakers, segments with time targets, and the verdict with the claim marked", async () => {
    setup();
    expect(await screen.findByRole("heading", { name: "Intro" })).toBeInTheDocument();
    expect(screen.getByText("1:00")).toBeInTheDocument();
    expect(screen.getByText("ALEX:").tagName).toBe("STRONG");
    expect(screen.getByTestId("verdict-score")).toHaveTextContent("64/100");
    expect(screen.getByTestId("verdict-score")).toHaveTextContent("Needs review");
    const mark = document.querySelector("article mark");
    expect(mark).toHaveTextContent("Carl Sagan called it his finest work.");
    expect(screen.getByTestId("script-stats")).toHaveTextContent("9 words · under a minute · version 2");
  });

  it("saves an edit as a new version after a pause", async () => {
    const { engine, user } = setup();
    await user.click(await screen.findByTestId("edit-script"));
    const editor = screen.getByTestId("script-text");
    expect(editor).toHaveValue(content);
    await user.type(editor, "\nALEX: Bye.");
    await waitFor(() => expect(engine.called("save_edit")).toHaveLength(1), { timeout: 4000 });
    expect(engine.called("save_edit")[0]?.args).toEqual({
      episodeId: "ep_1",
      artifactId: 3,
      content: `${content}\nALEX: Bye.`,
    });
    expect(await screen.findByText(/Saved as version 3/)).toBeInTheDocument();
  });
});

describe("dropping files on the window", () => {
  it("reports enter, drop and leave from the webview's own events", async () => {
    fakeEngine({ hasKey: true });
    mockWindows("main");
    const onenter = vi.fn();
    const onleave = vi.fn();
    const ondrop = vi.fn();
    const stop = await listenForDrops({ onenter, onleave, ondrop });
    await emit("tauri://drag-enter", { paths: ["/a.pdf", "/b"], position: { x: 1, y: 2 } });
    expect(onenter).toHaveBeenCalledWith(["/a.pdf", "/b"]);
    await emit("tauri://drag-drop", { paths: ["/a.pdf", "/b"], position: { x: 1, y: 2 } });
    expect(ondrop).toHaveBeenCalledWith(["/a.pdf", "/b"]);
    expect(onleave).toHaveBeenCalledTimes(1);
    await emit("tauri://drag-leave", {});
    expect(onleave).toHaveBeenCalledTimes(2);
    stop();
  });
});
