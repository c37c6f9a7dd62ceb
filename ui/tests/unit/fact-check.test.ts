import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import LineFacts from "../../src/components/LineFacts.svelte";
import ScriptEditor from "../../src/screens/ScriptEditor.svelte";
import type { Fact } from "../../src/lib/api";
import { splitAtPassage } from "../../src/lib/passage";
import { fakeEngine } from "./fake-engine";
import { artifact, episode } from "./fixtures";

const images: Fact = {
  segment: 0,
  line: 1,
  text: "116 images",
  status: "disagree",
  sources: [
    { note: "murmurs.txt", label: "n2", passage: "The team chose 116 images for the record." },
    { note: "nasa.md", label: "n1", passage: "The record holds 115 images encoded in analog form." },
  ],
  cited: ["n1"],
  citation_ok: true,
};
const sagan: Fact = {
  segment: 0,
  line: 0,
  text: "Carl Sagan",
  status: "found",
  sources: [{ note: "nasa.md", label: "n1", passage: "Carl Sagan chaired the committee." }],
  cited: [],
  citation_ok: null,
};
const carter: Fact = { ...sagan, line: 1, text: "Jimmy Carter", status: "not_in_notes", sources: [] };

describe("a line's facts", () => {
  it("shows each fact's note and sentence on focus, and opens a source", async () => {
    const onopen = vi.fn();
    const user = userEvent.setup();
    render(LineFacts, { facts: [images, carter], lineKey: "0:1", onopen });
    const button = screen.getByRole("button", {
      name: "Check this line: 2 facts, 1 where your notes disagree, 1 not in your notes",
    });
    expect(button).toHaveAttribute("aria-expanded", "false");
    await user.tab();
    expect(button).toHaveFocus();
    const popover = await screen.findByTestId("facts-popover-0:1");
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(popover).toHaveTextContent("“116 images” — Your notes disagree");
    expect(popover).toHaveTextContent("“Jimmy Carter” — Not in your notes");
    // Keyboard: Tab reaches each source; Enter opens it.
    await user.tab();
    expect(document.activeElement).toHaveTextContent("murmurs.txt");
    await user.tab();
    expect(document.activeElement).toHaveTextContent("nasa.md");
    await user.keyboard("{Enter}");
    expect(onopen).toHaveBeenCalledWith(images.sources[1]);
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("facts-popover-0:1")).not.toBeInTheDocument();
  });

  it("says a found fact's sources plainly and shows them on hover", async () => {
    const user = userEvent.setup();
    render(LineFacts, { facts: [sagan], lineKey: "0:0", onopen: vi.fn() });
    const button = screen.getByRole("button", { name: "Sources for this line: 1 fact" });
    expect(button).not.toHaveClass("flagged");
    await user.hover(button);
    const popover = await screen.findByTestId("facts-popover-0:0");
    expect(within(popover).getByRole("button")).toHaveTextContent("nasa.md “Carl Sagan chaired the committee.”");
  });

  it("says when the script cites the wrong note", async () => {
    const user = userEvent.setup();
    render(LineFacts, { facts: [{ ...sagan, cited: ["n3"], citation_ok: false }], lineKey: "0:0", onopen: vi.fn() });
    await user.click(screen.getByRole("button", { name: "Sources for this line: 1 fact" }));
    expect(screen.getByTestId("facts-popover-0:0")).toHaveTextContent("The script cites n3; it comes from nasa.md.");
  });
});

describe("a passage in its note", () => {
  it("is found across the note's own line breaks and list marks", () => {
    const parts = splitAtPassage("# Notes\n\n- Carl Sagan chaired\n  the committee. Then more.", "Carl Sagan chaired the committee.");
    expect(parts).toEqual({ before: "# Notes\n\n- ", match: "Carl Sagan chaired\n  the committee.", after: " Then more." });
    expect(splitAtPassage("Other text.", "Missing (sentence).").match).toBe("");
  });
});

describe("the script editor's fact check", () => {
  it("marks the flagged line and opens a source note at its passage", async () => {
    const engine = fakeEngine({ hasKey: true });
    engine.handlers.set("get_episode", () => episode());
    engine.handlers.set("model_catalog", () => []);
    engine.handlers.set("script_view", () => ({
      artifact: artifact({ id: 3, version: 2, content: "" }),
      script: {
        title: "",
        segments: [
          {
            heading: "Intro",
            kind: "intro",
            target_seconds: null,
            lines: [
              { speaker: "ALEX", text: "Carl Sagan led it." },
              { speaker: "SAM", text: "They chose 116 images, and Jimmy Carter wrote to the stars." },
            ],
          },
        ],
      },
      words: 16,
      estimated_seconds: 7,
      verdict: null,
    }));
    engine.handlers.set("fact_check", () => ({ facts: [sagan, images, carter], found: 1, disagree: 1, not_in_notes: 1 }));
    engine.handlers.set("note_text", () => ({
      name: "nasa.md",
      text: "Voyager notes.\n\nThe record holds 115 images\nencoded in analog form. The end.",
    }));
    const user = userEvent.setup();
    render(ScriptEditor, { episodeId: "ep_1", onback: vi.fn() });
    const flagged = await screen.findByTestId("line-facts-0:1");
    expect(engine.called("fact_check")[0]?.args).toEqual({ episodeId: "ep_1", artifactId: 3 });
    expect(flagged).toHaveClass("flagged");
    expect(document.querySelector("#line-0\\:1 mark.local")).toHaveTextContent("116 images");
    expect(document.querySelector("#line-0\\:0 mark")).toBeNull();
    await user.click(flagged);
    await user.click(screen.getByRole("button", { name: /nasa\.md/ }));
    expect(engine.called("note_text")[0]?.args).toEqual({ episodeId: "ep_1", name: "nasa.md" });
    expect(await screen.findByTestId("note-passage")).toHaveTextContent("The record holds 115 images encoded in analog form.");
  });
});
