// Models as the producer sees them: a name instead of an id, and the routing variant in
// plain words. Names come from the connection's catalog when it is known; otherwise they are
// made from the id so a card never shows "anthropic/claude-opus-5.5".

import type { CatalogModel, Stage, Variant } from "./api";
import { costOfThousandWords } from "./money";

const WORDS: Record<string, string> = {
  gpt: "GPT",
  claude: "Claude",
  llama: "Llama",
  mixtral: "Mixtral",
  mistral: "Mistral",
  gemini: "Gemini",
  gemma: "Gemma",
  grok: "Grok",
  nemotron: "Nemotron",
  deepseek: "DeepSeek",
  qwen: "Qwen",
  qwen3: "Qwen3",
  instruct: "Instruct",
  turbo: "Turbo",
  mini: "mini",
  nano: "nano",
  sonnet: "Sonnet",
  opus: "Opus",
  haiku: "Haiku",
  instant: "Instant",
  flash: "Flash",
  pro: "Pro",
  preview: "Preview",
  small: "Small",
  chat: "Chat",
  free: "(free)",
};

/** "anthropic/claude-opus-5.5:floor" → "Claude Opus 5.5" when the catalog does not say. */
export function nameFromId(id: string): string {
  const base = id.split(":")[0] ?? id;
  const slug = base.includes("/") ? base.slice(base.indexOf("/") + 1) : base;
  const parts = slug.split("-").filter((p) => p !== "");
  const out: string[] = [];
  for (const part of parts) {
    const lower = part.toLowerCase();
    const previous = out[out.length - 1];
    // GPT-4, GPT-3.5: the version belongs to the name.
    if (previous === "GPT" && /^\d/.test(part)) {
      out[out.length - 1] = `GPT-${part}`;
    } else if (/^o\d/.test(lower)) {
      out.push(lower);
    } else if (/^r\d$/.test(lower)) {
      out.push(lower.toUpperCase());
    } else if (/^\d+x\d+b$/.test(lower) || /^\d+(\.\d+)?b$/.test(lower)) {
      out.push(lower.toUpperCase().replace("X", "x"));
    } else {
      out.push(WORDS[lower] ?? part.charAt(0).toUpperCase() + part.slice(1));
    }
  }
  if (id.includes(":free")) out.push("(free)");
  return out.join(" ") || id;
}

/** A catalog's names strip the maker ("Anthropic: Claude 3 Opus" → "Claude 3 Opus"). */
function catalogName(name: string): string {
  const at = name.indexOf(": ");
  return at >= 0 ? name.slice(at + 2) : name;
}

export type ModelBook = {
  name(id: string): string;
  /** What 1,000 words of output cost on this model, when its price is known. */
  thousandWords(id: string): string | null;
};

export function modelBook(catalog: CatalogModel[] = []): ModelBook {
  const byId = new Map(catalog.map((m) => [m.id, m]));
  const find = (id: string) => byId.get(id.split(":")[0] ?? id) ?? byId.get(id);
  return {
    name: (id) => {
      const found = find(id);
      return found ? catalogName(found.name) : nameFromId(id);
    },
    thousandWords: (id) => costOfThousandWords(find(id)?.completion_price ?? null),
  };
}

export const VARIANTS: Record<Variant, { label: string; hint: string }> = {
  none: {
    label: "Standard",
    hint: "OpenRouter picks a provider for each model, balancing price and speed.",
  },
  floor: {
    label: "Cheapest",
    hint: "Each model is asked through its cheapest provider first.",
  },
  nitro: {
    label: "Fastest",
    hint: "Each model is asked through its fastest provider first.",
  },
};

export const STAGES: { stage: Stage; label: string; blurb: string }[] = [
  { stage: "research", label: "Research", blurb: "Reads your notes and pulls out the facts." },
  { stage: "synthesis", label: "Synthesis", blurb: "Turns the facts into an outline." },
  { stage: "script", label: "Script", blurb: "Writes the episode, segment by segment." },
  {
    stage: "quality_check",
    label: "Quality check",
    blurb: "Checks the script against your notes and its length.",
  },
];

export function stageLabel(stage: Stage | string | null | undefined): string {
  return STAGES.find((s) => s.stage === stage)?.label ?? "Other calls";
}
