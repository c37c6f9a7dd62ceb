// Applies the colour scheme. "system" removes the attribute so the stylesheet follows the
// operating system through prefers-color-scheme; light and dark pin it.

import type { Theme } from "./api";

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === "system") {
    delete root.dataset.theme;
  } else {
    root.dataset.theme = theme;
  }
}
