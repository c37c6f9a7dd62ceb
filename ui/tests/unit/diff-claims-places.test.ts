import { beforeEach, describe, expect, it } from "vitest";
import type { Script, Verdict } from "../../src/lib/api";
import { locateClaims, refKey } from "../../src/lib/claims";
import { changedCount, sideBySide } from "../../src/lib/diff-view";
import { recallPlace, rememberPlace } from "../../src/lib/places";

describe("side-by-side diff", () => {
  it("pairs changed lines and shows added and removed ones alone", () => {
    const rows = sideBySide("a\nb\nc\n", "a\nB\nc\nd\n");
    expect(rows).toEqual([
      { kind: "same", left: "a", right: "a" },
      { kind: "changed", left: "b", right: "B" },
      { kind: "same", left: "c", right: "c" },
      { kind: "added", left: null, right: "d" },
    ]);
    expect(changedCount(rows)).toBe(2);
    expect(sideBySide("x\ny", "x")).toEqual([
      { kind: "same", left: "x", right: "x" },
      { kind: "removed", left: "y", right: null },
    ]);
  });
});

describe("unsupported claims in the script", () => {
  const script: Script = {
    title: "",
    segments: [
      {
        heading: "Intro",
        kind: "intro",
        target_seconds: 60,
        lines: [
          { speaker: "ALEX", text: "Welcome back." },
          { speaker: "SAM", text: "Carl Sagan said it was the most important thing he ever did." },
        ],
      },
      {
        heading: "Main",
        kind: "main",
        target_seconds: null,
        lines: [{ speaker: "ALEX", text: "They chose Chuck Berry over the Beatles for copyright reasons." }],
      },
    ],
  };
  const verdict = (claims: string[]): Verdict => ({
    score: 70,
    passed: true,
    unsupported_claims: claims.map((claim) => ({ claim, reason: "Not in the notes." })),
    timing: { target_words: 100, actual_words: 100, deviation_percent: 0, estimated_seconds: 40 },
    structure: "",
    tone: "",
    fixes: [],
    checked_version: null,
  });

  it("finds a quoted claim and a paraphrased one, and not an unrelated one", () => {
    const found = locateClaims(
      script,
      verdict([
        "Carl Sagan said it was the most important thing he ever did",
        "The Beatles were left out over copyright",
        "The probe carries a map of pulsars",
      ]),
    );
    expect(found.get(0)).toEqual({ segment: 0, line: 1 });
    expect(found.get(1)).toEqual({ segment: 1, line: 0 });
    expect(found.has(2)).toBe(false);
    expect(refKey({ segment: 1, line: 0 })).toBe("1:0");
    expect(locateClaims(script, null).size).toBe(0);
  });
});

describe("remembering where the producer was", () => {
  beforeEach(() => localStorage.clear());

  it("recalls the last place per data folder, and ignores anything unreadable", () => {
    rememberPlace("/data/a", { kind: "episode", id: "ep_1" });
    rememberPlace("/data/b", { kind: "usage" });
    expect(recallPlace("/data/a")).toEqual({ kind: "episode", id: "ep_1" });
    expect(recallPlace("/data/b")).toEqual({ kind: "usage" });
    expect(recallPlace("/data/c")).toBeNull();
    localStorage.setItem("castwright.place:/data/d", "{not json");
    expect(recallPlace("/data/d")).toBeNull();
    localStorage.setItem("castwright.place:/data/e", JSON.stringify({ kind: "episode" }));
    expect(recallPlace("/data/e")).toBeNull();
  });
});
