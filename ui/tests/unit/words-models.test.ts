import { describe, expect, it } from "vitest";
import { modelBook, nameFromId, stageLabel, VARIANTS } from "../../src/lib/models";
import {
  countWords,
  formatClock,
  formatSpokenLength,
  formatWhen,
  formatWords,
  tokensToWords,
} from "../../src/lib/words";

describe("models as the producer sees them", () => {
  it("makes a readable name from an id when the catalog does not say", () => {
    expect(nameFromId("anthropic/claude-3-opus")).toBe("Claude 3 Opus");
    expect(nameFromId("openai/gpt-4-turbo:nitro")).toBe("GPT-4 Turbo");
    expect(nameFromId("openai/gpt-3.5-turbo")).toBe("GPT-3.5 Turbo");
    expect(nameFromId("mistralai/mixtral-8x7b-instruct")).toBe("Mixtral 8x7B Instruct");
    expect(nameFromId("deepseek/deepseek-r1:free")).toBe("DeepSeek R1 (free)");
    expect(nameFromId("openai/o4-mini")).toBe("o4 mini");
    // Today's ids read as well as the retired ones above.
    expect(nameFromId("anthropic/claude-opus-5.5")).toBe("Claude Opus 5.5");
    expect(nameFromId("openai/gpt-6.1-sol:nitro")).toBe("GPT-6.1 Sol");
    expect(nameFromId("deepseek/deepseek-v4.1-flash:floor")).toBe("DeepSeek V4.1 Flash");
    expect(nameFromId("x-ai/grok-4.20")).toBe("Grok 4.20");
    expect(nameFromId("nvidia/nemotron-3-super-120b-a12b:free")).toBe(
      "Nemotron 3 Super 120B A12b (free)",
    );
  });

  it("prefers the catalog's name, without the maker, and prices 1,000 words", () => {
    const book = modelBook([
      {
        id: "anthropic/claude-opus-5.5",
        name: "Anthropic: Claude Opus 5.5",
        context_length: 1000000,
        prompt_price: "0.000004",
        completion_price: "0.00002",
      },
    ]);
    expect(book.name("anthropic/claude-opus-5.5:floor")).toBe("Claude Opus 5.5");
    expect(book.thousandWords("anthropic/claude-opus-5.5")).toBe("0.0266666667");
    expect(book.thousandWords("openai/gpt-6.1-sol")).toBeNull();
    expect(book.name("openai/gpt-6.1-sol")).toBe("GPT-6.1 Sol");
  });

  it("names routing variants and stages in plain words", () => {
    expect(VARIANTS.floor.label).toBe("Cheapest");
    expect(VARIANTS.nitro.label).toBe("Fastest");
    expect(stageLabel("quality_check")).toBe("Quality check");
    expect(stageLabel(null)).toBe("Other calls");
  });
});

describe("words and times", () => {
  it("counts words, not tokens", () => {
    expect(countWords("ALEX: It's 1977 — and the committee has six weeks.")).toBe(9);
    expect(countWords("   ")).toBe(0);
    expect(tokensToWords(1000)).toBe(750);
    expect(formatWords(1)).toBe("1 word");
    expect(formatWords(1204)).toBe("1,204 words");
  });

  it("formats durations and dates for people", () => {
    expect(formatClock(21)).toBe("0:21");
    expect(formatClock(3723)).toBe("1:02:03");
    expect(formatSpokenLength(30)).toBe("under a minute");
    expect(formatSpokenLength(612)).toBe("about 10 minutes");
    const now = new Date("2026-03-02T12:00:00Z");
    expect(formatWhen("2026-03-02T11:55:00Z", now)).toBe("5 minutes ago");
    expect(formatWhen("2026-03-01T12:00:00Z", now)).toBe("yesterday");
    expect(formatWhen(null, now)).toBe("never");
  });
});
