// Words, durations and dates as a producer reads them. Tokens are shown only in the request
// log; everywhere else output is counted in words (0.75 words per token).

export const WORDS_PER_TOKEN = 0.75;
/** Speaking rate the engine plans scripts with. */
export const WORDS_PER_MINUTE = 150;

export function tokensToWords(tokens: number): number {
  return Math.round(tokens * WORDS_PER_TOKEN);
}

export function wordsToTokens(words: number): number {
  return Math.round(words / WORDS_PER_TOKEN);
}

/** Words in a text as a person would count them. */
export function countWords(text: string): number {
  const matches = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu);
  return matches ? matches.length : 0;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 word", "1,204 words". */
export function formatWords(n: number): string {
  return `${formatCount(n)} ${n === 1 ? "word" : "words"}`;
}

/** A stopwatch reading: 0:21, 12:05, 1:02:03. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = (s % 60).toString().padStart(2, "0");
  return hours > 0
    ? `${hours}:${minutes.toString().padStart(2, "0")}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** A spoken length in words a producer uses: "about 12 minutes", "under a minute". */
export function formatSpokenLength(seconds: number): string {
  if (seconds < 60) return "under a minute";
  const minutes = Math.round(seconds / 60);
  return `about ${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}

const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "5 minutes ago", "yesterday", or a date for anything older than a week. */
export function formatWhen(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "never";
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return iso;
  const seconds = Math.round((then.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < 3600) return RELATIVE.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return RELATIVE.format(Math.round(seconds / 3600), "hour");
  if (abs < 7 * 86_400) return RELATIVE.format(Math.round(seconds / 86_400), "day");
  return then.toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric" });
}

/** A time of day and date for tables: "Mar 2, 14:05". */
export function formatTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString("en-US", {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return "—";
  return `${Math.round(fraction * 100)}%`;
}

/** "Research", "Research and Script", "Research, Script and Quality check". */
export function listInWords(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
