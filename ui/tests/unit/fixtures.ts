// Values shaped as the engine sends them, for component tests.

import type { Artifact, Episode, EpisodeBrief, EpisodeCard, NoteSummary, StagePlan } from "../../src/lib/api";

export const BRIEF: EpisodeBrief = {
  title: "The Golden Record",
  brief: "What we sent to the stars.",
  format: "two_hosts",
  hosts: ["Alex", "Sam"],
  guests: [],
  minutes: 10,
  tone: "warm",
  language: "English",
  segments: { cold_open: true, intro: true, main_segments: 3, ad_reads: 1, outro: true },
  budget_usd: "3.00",
};

const chain = (models: string[], variant: "none" | "floor" | "nitro") => ({
  chain: { models, variant },
  temperature: 0.5,
  max_tokens: 900,
});

export const PLAN: StagePlan = {
  research: chain(["meta-llama/llama-4-maverick", "openai/gpt-6-luna"], "floor"),
  synthesis: chain(["deepseek/deepseek-v4-pro"], "none"),
  script: chain(["anthropic/claude-opus-5.5", "openai/gpt-6.1-sol"], "none"),
  quality_check: chain(["openai/gpt-6.1-terra"], "nitro"),
};

export function episode(overrides: Partial<Episode> = {}): Episode {
  return {
    id: "ep_1",
    brief: BRIEF,
    connection_id: "demo",
    plan: PLAN,
    status: "draft",
    archived: false,
    created_at: "2026-03-01T10:00:00Z",
    updated_at: "2026-03-01T10:00:00Z",
    last_run_at: null,
    estimate_usd: null,
    ...overrides,
  };
}

export function card(overrides: Partial<EpisodeCard> = {}, ep: Partial<Episode> = {}): EpisodeCard {
  return { episode: episode(ep), spent_usd: "0", note_count: 0, running: false, ...overrides };
}

export function noteSummary(id: number, name: string): NoteSummary {
  return { id, position: id, source_name: name, word_count: 120, preview: "…", warning: null };
}

export function artifact(overrides: Partial<Artifact> = {}): Artifact {
  return {
    id: 1,
    stage: "script",
    version: 1,
    kind: "output",
    content: "## Intro\nALEX: Hello.",
    input_hash: "h",
    model: "anthropic/claude-opus-5.5",
    cost_usd: "0.04",
    calls: 1,
    cached: false,
    created_at: "2026-03-01T10:00:00Z",
    ...overrides,
  };
}

export const ESTIMATE = {
  stages: (["research", "synthesis", "script", "quality_check"] as const).map((stage) => ({
    stage,
    reused: false,
    calls: 1,
    expected_usd: "0.1",
    upper_usd: "0.35",
  })),
  expected_usd: "0.4",
  upper_usd: "1.40",
};
