import { describe, expect, it } from "vitest";
import { checkAmount, displayAmount, formatCents, toCents } from "../../src/lib/money";

describe("money", () => {
  it("reads plain dollar amounts as whole cents", () => {
    expect(toCents("3")).toBe(300n);
    expect(toCents("3.5")).toBe(350n);
    expect(toCents(" $12.05 ")).toBe(1205n);
    expect(toCents("0.01")).toBe(1n);
    expect(toCents("3.")).toBe(300n);
  });

  it("refuses what is not a plain dollar amount", () => {
    for (const text of ["", "abc", "-1", "1,50", "1.005", "1e3", "12345678", ".5"]) {
      expect(toCents(text), text).toBeNull();
    }
  });

  it("formats cents with two decimals", () => {
    expect(formatCents(0n)).toBe("0.00");
    expect(formatCents(7n)).toBe("0.07");
    expect(formatCents(123456n)).toBe("1234.56");
  });

  it("accepts an amount at or above the minimum, normalised", () => {
    expect(checkAmount("5", 1n, "the limit")).toEqual({ ok: true, value: "5.00" });
    expect(checkAmount("0.01", 1n, "the limit")).toEqual({ ok: true, value: "0.01" });
    expect(checkAmount("0", 0n, "the warning")).toEqual({ ok: true, value: "0.00" });
  });

  it("explains what to change in plain words", () => {
    expect(checkAmount("0", 1n, "the spending limit per episode")).toEqual({
      ok: false,
      message: "The spending limit per episode must be at least $0.01.",
    });
    expect(checkAmount("", 1n, "the monthly limit")).toEqual({
      ok: false,
      message: "Enter the monthly limit in dollars, like 3.00.",
    });
    const bad = checkAmount("three", 1n, "the monthly limit");
    expect(bad.ok).toBe(false);
  });

  it("shows an engine amount with more decimals as it is rather than rounding it", () => {
    expect(displayAmount("3")).toBe("3.00");
    expect(displayAmount("0.125")).toBe("0.125");
  });
});
