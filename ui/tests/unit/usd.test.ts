import { describe, expect, it } from "vitest";
import {
  addUsd,
  compareUsd,
  costOfThousandWords,
  exactUsd,
  formatUsd,
  formatUsdPrecise,
  fractionOf,
  fromUnits,
  subtractUsd,
  toUnits,
} from "../../src/lib/money";

describe("engine amounts", () => {
  it("reads decimal strings exactly, to the engine's 1e-10 unit", () => {
    expect(toUnits("0.0000000001")).toBe(1n);
    expect(toUnits("1")).toBe(10_000_000_000n);
    expect(toUnits("-0.5")).toBe(-5_000_000_000n);
    expect(toUnits("0.00000000015")).toBe(2n);
    expect(toUnits("abc")).toBeNull();
    expect(toUnits(null)).toBeNull();
  });

  it("adds without floating point error", () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004.
    expect(addUsd("0.1", "0.2")).toBe("0.3");
    expect(addUsd("0.0000000001", "0.0000000002", "1")).toBe("1.0000000003");
    expect(addUsd()).toBe("0");
    expect(subtractUsd("3.00", "0.4211")).toBe("2.5789");
    expect(fromUnits(-15n)).toBe("-0.0000000015");
  });

  it("compares and measures against a limit", () => {
    expect(compareUsd("1.40", "0.90")).toBe(1);
    expect(compareUsd("0.9", "0.90")).toBe(0);
    expect(compareUsd("0.0000000001", "0")).toBe(1);
    expect(fractionOf("2.4", "3")).toBeCloseTo(0.8, 4);
    expect(fractionOf("1", "0")).toBe(0);
  });

  it("shows dollars and cents, and <$0.01 for a positive amount below a cent", () => {
    expect(formatUsd("0")).toBe("$0.00");
    expect(formatUsd("0.0061")).toBe("<$0.01");
    expect(formatUsd("0.01")).toBe("$0.01");
    expect(formatUsd("0.425")).toBe("$0.43");
    expect(formatUsd("0.4249999999")).toBe("$0.42");
    expect(formatUsd("1234.5")).toBe("$1,234.50");
    expect(formatUsd("not money")).toBe("—");
  });

  it("gives the exact amount for the hover text", () => {
    expect(exactUsd("0.0012345678")).toBe("$0.0012345678");
    expect(exactUsd("3")).toBe("$3.00");
    expect(exactUsd("0.5")).toBe("$0.50");
  });

  it("prices 1,000 words of output at 0.75 words per token, exactly", () => {
    // 1,000 words = 1,333⅓ tokens; at $0.000015 a token that is $0.02.
    expect(costOfThousandWords("0.000015")).toBe("0.02");
    expect(costOfThousandWords("0.0000003")).toBe("0.0004");
    expect(costOfThousandWords(null)).toBeNull();
    expect(formatUsdPrecise("0.0004")).toBe("$0.0004");
    expect(formatUsdPrecise("0.00052631")).toBe("$0.00053");
    expect(formatUsdPrecise("0.02")).toBe("$0.02");
  });
});
