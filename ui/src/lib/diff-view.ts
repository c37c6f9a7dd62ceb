// Two versions side by side, line by line, from a maintained diff library (jsdiff). A removed
// run followed by an added run is shown as changed lines facing each other.

import { diffLines } from "diff";

export type DiffRow =
  | { kind: "same"; left: string; right: string }
  | { kind: "changed"; left: string; right: string }
  | { kind: "removed"; left: string; right: null }
  | { kind: "added"; left: null; right: string };

function lines(value: string): string[] {
  const out = value.split("\n");
  if (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** One line ending everywhere, and a final one, so a missing last newline is not a change. */
function normalise(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/\n*$/, "\n");
}

export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  const changes = diffLines(normalise(before), normalise(after));
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    if (!change) continue;
    if (change.removed) {
      const next = changes[i + 1];
      const removed = lines(change.value);
      if (next?.added) {
        const added = lines(next.value);
        const n = Math.max(removed.length, added.length);
        for (let k = 0; k < n; k++) {
          const left = removed[k];
          const right = added[k];
          if (left !== undefined && right !== undefined) rows.push({ kind: "changed", left, right });
          else if (left !== undefined) rows.push({ kind: "removed", left, right: null });
          else if (right !== undefined) rows.push({ kind: "added", left: null, right });
        }
        i++;
      } else {
        for (const left of removed) rows.push({ kind: "removed", left, right: null });
      }
    } else if (change.added) {
      for (const right of lines(change.value)) rows.push({ kind: "added", left: null, right });
    } else {
      for (const line of lines(change.value)) rows.push({ kind: "same", left: line, right: line });
    }
  }
  return rows;
}

/** How many lines differ, for a one-line summary above the diff. */
export function changedCount(rows: DiffRow[]): number {
  return rows.filter((r) => r.kind !== "same").length;
}
