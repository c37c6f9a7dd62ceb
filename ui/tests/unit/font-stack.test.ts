import { describe, expect, it } from "vitest";
import { fontFamilies, installedFamilies } from "../../src/lib/font-stack";

describe("the interface font stack", () => {
  it("reads the families of a font-family value, quotes kept", () => {
    expect(fontFamilies(` system-ui, -apple-system, "Segoe UI", Roboto,\n    "Noto Sans", 'Helvetica Neue', sans-serif`)).toEqual([
      "system-ui",
      "-apple-system",
      '"Segoe UI"',
      "Roboto",
      '"Noto Sans"',
      "'Helvetica Neue'",
      "sans-serif",
    ]);
    expect(fontFamilies("")).toEqual([]);
  });

  it("keeps the installed families in their order, and always the generic family last", () => {
    const stack = ["system-ui", '"Segoe UI"', "Ubuntu", "Cantarell", "Arial", "sans-serif"];
    const have = new Set(["Cantarell", "Ubuntu"]);
    expect(installedFamilies(stack, (f) => have.has(f))).toEqual(["Ubuntu", "Cantarell", "sans-serif"]);
    expect(installedFamilies(stack, () => false)).toEqual(["sans-serif"]);
    expect(installedFamilies(stack, () => true)).toEqual(stack);
  });
});
