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
