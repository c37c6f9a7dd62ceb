// Dollar amounts typed by a producer. Amounts stay decimal strings end to end (the engine
// stores exact decimals), so nothing here goes through floating point: comparisons are done
// on whole cents held in a BigInt.

export type MoneyCheck = { ok: true; value: string } | { ok: false; message: string };

// Optional "$", digits, optional dot with at most two decimals. Commas are refused rather
// than guessed at, because "1,50" means $1.50 in much of the world and $150 elsewhere.
const AMOUNT = /^\$?\s*(\d{1,7})(?:\.(\d{0,2}))?$/;

/** Whole cents of an amount, or null when it is not a plain dollar amount. */
export function toCents(text: string): bigint | null {
  const match = AMOUNT.exec(text.trim());
  if (!match) return null;
  const dollars = match[1] ?? "0";
  const cents = (match[2] ?? "").padEnd(2, "0");
  return BigInt(dollars) * 100n + BigInt(cents);
}

/** "3" → "3.00", "0.5" → "0.50": the form the engine stores and the screen shows. */
export function formatCents(cents: bigint): string {
  const whole = cents / 100n;
  const rest = (cents % 100n).toString().padStart(2, "0");
  return `${whole}.${rest}`;
}

/**
 * Checks a typed amount against a minimum (in cents) and returns it normalised, or a plain
 * sentence saying what to change.
 */
export function checkAmount(text: string, minimumCents: bigint, what: string): MoneyCheck {
  if (text.trim() === "") {
    return { ok: false, message: `Enter ${what} in dollars, like 3.00.` };
  }
  const cents = toCents(text);
  if (cents === null) {
    return {
      ok: false,
      message: `Enter ${what} as a dollar amount with digits and a dot, like 3.00.`,
    };
  }
  if (cents < minimumCents) {
    return {
      ok: false,
      message: `${capitalise(what)} must be at least $${formatCents(minimumCents)}.`,
    };
  }
  return { ok: true, value: formatCents(cents) };
}

/** How an amount the engine sent is shown in a field: "$" is outside the field. */
export function displayAmount(value: string): string {
  const cents = toCents(value);
  // The engine may hold more decimals than a producer types (it stores exact decimals); show
  // such a value as it is rather than round it silently.
  return cents === null ? value : formatCents(cents);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Amounts the engine sends (decimal strings such as "0.0123456789"), held exactly as whole
// units of 1e-10 USD — the engine's own unit — in a BigInt. Only the width of a bar is ever a
// float; sums and comparisons never are.

const UNIT_DECIMALS = 10;
const UNITS_PER_DOLLAR = 10n ** BigInt(UNIT_DECIMALS);
const UNITS_PER_CENT = UNITS_PER_DOLLAR / 100n;
const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?$/;

/** Exact units of an engine amount; null when it is not a decimal number. */
export function toUnits(text: string | null | undefined): bigint | null {
  if (text === null || text === undefined) return null;
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, minus, whole = "0", fraction = ""] = match;
  // More decimals than the unit holds: round half up (the engine never sends them).
  const kept = fraction.slice(0, UNIT_DECIMALS).padEnd(UNIT_DECIMALS, "0");
  let units = BigInt(whole) * UNITS_PER_DOLLAR + BigInt(kept);
  if ((fraction.charAt(UNIT_DECIMALS) || "0") >= "5") units += 1n;
  return minus ? -units : units;
}

/** Units back to the shortest exact decimal string: 1230000000n → "0.123". */
export function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNITS_PER_DOLLAR;
  const fraction = (abs % UNITS_PER_DOLLAR).toString().padStart(UNIT_DECIMALS, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** The exact sum of engine amounts; anything unreadable counts as zero. */
export function addUsd(...values: (string | null | undefined)[]): string {
  return fromUnits(values.reduce<bigint>((sum, v) => sum + (toUnits(v) ?? 0n), 0n));
}

/** The exact difference a − b. */
export function subtractUsd(a: string, b: string): string {
  return fromUnits((toUnits(a) ?? 0n) - (toUnits(b) ?? 0n));
}

/** −1, 0 or 1 as a is less than, equal to or more than b. */
export function compareUsd(a: string, b: string): number {
  const x = toUnits(a) ?? 0n;
  const y = toUnits(b) ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * How a producer reads an amount: "$1.23", "$0.00" for nothing, "<$0.01" for a positive
 * amount below a cent (rounding it to $0.00 would say it was free). Cents round half up.
 */
export function formatUsd(value: string | null | undefined): string {
  const units = toUnits(value);
  if (units === null) return "—";
  const negative = units < 0n;
  const abs = negative ? -units : units;
  if (abs > 0n && abs < UNITS_PER_CENT) return negative ? "−<$0.01" : "<$0.01";
  const cents = (abs + UNITS_PER_CENT / 2n) / UNITS_PER_CENT;
  const whole = (cents / 100n).toLocaleString("en-US");
  const rest = (cents % 100n).toString().padStart(2, "0");
  return `${negative ? "−" : ""}$${whole}.${rest}`;
}

/** The exact amount, for the hover text: "$0.0012345678". */
export function exactUsd(value: string | null | undefined): string {
  const units = toUnits(value);
  if (units === null) return "";
  const text = fromUnits(units < 0n ? -units : units);
  const [whole = "0", fraction = ""] = text.split(".");
  return `${units < 0n ? "−" : ""}$${whole}.${fraction.padEnd(2, "0")}`;
}

/** a / b as a fraction for drawing (a bar's width); 0 when b is not positive. */
export function fractionOf(a: string, b: string): number {
  const x = toUnits(a) ?? 0n;
  const y = toUnits(b) ?? 0n;
  if (y <= 0n) return 0;
  // Four decimals of precision is more than a bar can show.
  return Number((x * 10_000n) / y) / 10_000;
}

/** Output tokens in 1,000 spoken words (0.75 words per token). */
const TOKENS_PER_THOUSAND_WORDS = { numerator: 4000n, denominator: 3n };

/** What 1,000 words of output cost at a per-token price, exactly (to the unit). */
export function costOfThousandWords(pricePerToken: string | null | undefined): string | null {
  const units = toUnits(pricePerToken);
  if (units === null) return null;
  const { numerator, denominator } = TOKENS_PER_THOUSAND_WORDS;
  return fromUnits((units * numerator + denominator - 1n) / denominator);
}

/**
 * A price small enough that cents hide it ("what 1,000 words cost" on a cheap model): two
 * significant digits below a cent ("$0.00052"), cents above.
 */
export function formatUsdPrecise(value: string | null | undefined): string {
  const units = toUnits(value);
  if (units === null) return "—";
  const abs = units < 0n ? -units : units;
  if (abs === 0n || abs >= UNITS_PER_CENT) return formatUsd(value);
  const digits = abs.toString().length; // abs < 1e8 here, so at least 3 leading zeros
  const drop = BigInt(Math.max(0, digits - 2));
  const step = 10n ** drop;
  const rounded = ((abs + step / 2n) / step) * step;
  const text = fromUnits(rounded);
  return `${units < 0n ? "−" : ""}$${text}`;
}
