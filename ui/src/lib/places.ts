// Where the producer is in the app, and where they were last time ("the app remembers the
// last one"). The memory is kept per data folder, so two installs or test runs on one
// computer never send each other to an episode that is not theirs.

export type Place =
  | { kind: "library" }
  | { kind: "episode"; id: string }
  | { kind: "script"; id: string }
  | { kind: "usage" }
  | { kind: "settings" };

const KEY = "castwright.place";

function storageKey(scope: string): string {
  return `${KEY}:${scope}`;
}

function isPlace(value: unknown): value is Place {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case "library":
    case "usage":
    case "settings":
      return true;
    case "episode":
    case "script":
      return typeof v.id === "string" && v.id !== "";
    default:
      return false;
  }
}

export function rememberPlace(scope: string, place: Place): void {
  try {
    localStorage.setItem(storageKey(scope), JSON.stringify(place));
  } catch {
    // Storage can be full or switched off; forgetting the place is harmless.
  }
}

export function recallPlace(scope: string): Place | null {
  try {
    const text = localStorage.getItem(storageKey(scope));
    if (!text) return null;
    const value: unknown = JSON.parse(text);
    return isPlace(value) ? value : null;
  } catch {
    return null;
  }
}

export function samePlace(a: Place, b: Place): boolean {
  return a.kind === b.kind && ("id" in a ? a.id : "") === ("id" in b ? b.id : "");
}
