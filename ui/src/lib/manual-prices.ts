// Prices a producer types for another service, per million tokens sent and received, as
// providers list them. They stay decimal strings end to end (the engine converts them exactly);
// nothing here goes through floating point.

import type { ManualPrice } from "./api";

/** The dearest price the engine accepts, in dollars per million tokens. */
const MAX_WHOLE_DOLLARS = 10_000n;
const MAX_DECIMALS = 6;
// Optional "$", digits, optional dot and up to six decimals (".5" is read as 0.5). Commas are
// refused rather than guessed at, as for every amount a producer types.
const PRICE = /^\$?\s*(\d*)(?:\.(\d*))?$/;

export type PriceCheck = { ok: true; value: string } | { ok: false; message: string };

/** "3.00" → "3", "$0.150" → "0.15", ".5" → "0.5": the plain form sent to the engine. */
function normalise(whole: string, fraction: string): string {
  const w = whole.replace(/^0+(?=\d)/, "") || "0";
  const f = fraction.replace(/0+$/, "");
  return f ? `${w}.${f}` : w;
}

/** Checks one typed price ("sent" or "received") and returns it normalised, or what to fix. */
export function checkPerMillion(text: string, what: "sent" | "received"): PriceCheck {
  const trimmed = text.trim();
  const name = `The price per million tokens ${what}`;
  if (trimmed === "") {
    return { ok: false, message: `Enter the price per million tokens ${what}, like 0.15 (0 if it is free).` };
  }
  const match = PRICE.exec(trimmed);
  const whole = match?.[1] ?? "";
  const fraction = match?.[2] ?? "";
  if (!match || (whole === "" && fraction === "")) {
    if (trimmed.startsWith("-")) return { ok: false, message: `${name} cannot be below $0.` };
    return {
      ok: false,
      message: `${name} must be a plain dollar amount, like 0.15 or 3 — no commas or letters.`,
    };
  }
  if (fraction.length > MAX_DECIMALS) {
    return { ok: false, message: `${name} can have at most ${MAX_DECIMALS} digits after the point.` };
  }
  const value = normalise(whole, fraction);
  const [w = "0", f = ""] = value.split(".");
  if (BigInt(w) > MAX_WHOLE_DOLLARS || (BigInt(w) === MAX_WHOLE_DOLLARS && f !== "")) {
    return { ok: false, message: `${name} can be at most $10,000.` };
  }
  return { ok: true, value };
}

export type PriceRowErrors = { model?: string; prompt?: string; completion?: string };
export type PriceRowCheck = { ok: true; price: ManualPrice } | { ok: false; errors: PriceRowErrors };

/**
 * Checks a whole row before it is sent. `existing` are the service's prices; a new row may not
 * repeat a model already priced (editing that row is the way to change it).
 */
export function checkPriceRow(
  row: { modelId: string; prompt: string; completion: string },
  existing: ManualPrice[],
  isNew: boolean,
): PriceRowCheck {
  const errors: PriceRowErrors = {};
  const modelId = row.modelId.trim();
  if (modelId === "") {
    errors.model = "Enter the model's name exactly as the service lists it.";
  } else if (/\s/.test(modelId)) {
    errors.model = "A model's name as the service lists it has no spaces; check it for typing mistakes.";
  } else if (isNew && existing.some((p) => p.model_id === modelId)) {
    errors.model = `${modelId} already has a price. Use Edit on its row to change it.`;
  }
  const prompt = checkPerMillion(row.prompt, "sent");
  if (!prompt.ok) errors.prompt = prompt.message;
  const completion = checkPerMillion(row.completion, "received");
  if (!completion.ok) errors.completion = completion.message;
  if (!prompt.ok || !completion.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    price: { model_id: modelId, prompt_per_million: prompt.value, completion_per_million: completion.value },
  };
}

/** "3" → "$3.00", "0.075" → "$0.075": cents at least, every decimal the provider gave. */
export function formatPerMillion(value: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const whole = BigInt(match[1] ?? "0").toLocaleString("en-US");
  const fraction = (match[2] ?? "").replace(/0+$/, "").padEnd(2, "0");
  return `$${whole}.${fraction}`;
}
