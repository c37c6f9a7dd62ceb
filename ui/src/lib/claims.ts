// Where in the script each unsupported claim of the Quality check is. The verdict quotes or
// paraphrases a line, so an exact match is tried first, then the line sharing most of the
// claim's words.

import type { Script, Verdict } from "./api";

export type LineRef = { segment: number; line: number };

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function significantWords(text: string): string[] {
  return normalise(text)
    .split(" ")
    .filter((w) => w.length > 3);
}

/** The line each claim points at (by the claim's index), when one fits well enough. */
export function locateClaims(script: Script, verdict: Verdict | null): Map<number, LineRef> {
  const found = new Map<number, LineRef>();
  if (!verdict) return found;
  const all: { ref: LineRef; text: string; words: Set<string> }[] = [];
  script.segments.forEach((segment, s) =>
    segment.lines.forEach((line, l) => {
      const text = normalise(line.text);
      all.push({ ref: { segment: s, line: l }, text, words: new Set(text.split(" ")) });
    }),
  );
  verdict.unsupported_claims.forEach((claim, index) => {
    const wanted = normalise(claim.claim);
    if (wanted === "") return;
    const exact = all.find((l) => l.text.includes(wanted) || (l.text.length > 20 && wanted.includes(l.text)));
    if (exact) {
      found.set(index, exact.ref);
      return;
    }
    const words = significantWords(claim.claim);
    if (words.length === 0) return;
    let best: { ref: LineRef; score: number } | null = null;
    for (const l of all) {
      const score = words.filter((w) => l.words.has(w)).length / words.length;
      if (!best || score > best.score) best = { ref: l.ref, score };
    }
    if (best && best.score >= 0.6) found.set(index, best.ref);
  });
  return found;
}

export function refKey(ref: LineRef): string {
  return `${ref.segment}:${ref.line}`;
}
