// The interface font, narrowed once at start to the families this computer has.
//
// The stylesheet's --font names the usual interface font of each system, in order. WebKitGTK
// resolves such a list for every text size and weight the page uses, and each family the system
// lacks costs it a full fontconfig match every time: on a Linux desktop most of the list is
// missing, which cost the first screen about a tenth of a second of the web process before it
// could paint. Asking once which families exist, and keeping only those in the same order,
// gives the same font (and the same fallback for missing characters) for a fraction of that.

/** The families of a CSS font-family value, as written (quotes kept). */
export function fontFamilies(value: string): string[] {
  return (value.match(/"[^"]*"|'[^']*'|[^,\s][^,]*/g) ?? []).map((f) => f.trim()).filter((f) => f !== "");
}

/**
 * The families of `stack` that `installed` says exist, in order; the last (the generic
 * family that always exists) is kept regardless, so the list never ends empty.
 */
export function installedFamilies(stack: string[], installed: (family: string) => boolean): string[] {
  const last = stack[stack.length - 1];
  return stack.filter((family) => family === last || installed(family));
}

// Wide and narrow letters, so two different fonts almost never measure the same.
const SAMPLE = "mmmmmmmmmmlli1WQ@";
// A family that is missing falls back to the baseline and measures exactly as it does; a
// second baseline catches a font that happens to match the first's width.
const BASELINES = ["monospace", "serif"];

/** Whether a family exists, by measuring text in it; null where the page cannot measure. */
function measuringProbe(): ((family: string) => boolean) | null {
  let context: CanvasRenderingContext2D | null = null;
  try {
    context = document.createElement("canvas").getContext("2d");
  } catch {
    return null;
  }
  if (!context) return null;
  const ctx = context;
  const width = (font: string) => {
    ctx.font = `40px ${font}`;
    return ctx.measureText(SAMPLE).width;
  };
  const base = BASELINES.map(width);
  return (family) => BASELINES.some((baseline, i) => width(`${family}, ${baseline}`) !== base[i]);
}

/**
 * Replaces --font on the root with the families this computer has. Where the page cannot
 * measure text the stylesheet's list stays, which shows the same font, only more slowly.
 */
export function narrowFontStack(root: HTMLElement = document.documentElement): void {
  const stack = fontFamilies(getComputedStyle(root).getPropertyValue("--font"));
  if (stack.length < 2) return;
  const probe = measuringProbe();
  if (!probe) return;
  const kept = installedFamilies(stack, probe);
  if (kept.length < stack.length) root.style.setProperty("--font", kept.join(", "));
}
