// Types of the commands the shell does not expose yet (see pending-commands.ts). Each mirrors
// the engine struct named beside it, or says what the command should answer, so that when the
// shell adds the command the generated binding has this same shape and the screen does not
// change. Money is a decimal string.

/** `catalog::CatalogModel`: prices are USD per token, decimal strings. */
export type CatalogModel = {
  id: string;
  name: string;
  context_length: number | null;
  prompt_price: string | null;
  completion_price: string | null;
};

/** `connections::OtherConnection`: another OpenAI-compatible service with its own key. */
export type OtherConnection = {
  id: string;
  name: string;
  base_url: string;
  has_key: boolean;
  /** The producer turned the spending limit off for it, knowingly. */
  limit_off: boolean;
  prices: ManualPrice[];
  /** It is the app's active connection. */
  in_use: boolean;
};

/** `connections::ManualPrice`: USD per million tokens sent / received, decimal strings. */
export type ManualPrice = {
  model_id: string;
  prompt_per_million: string;
  completion_per_million: string;
};

export type OtherConnectionInput = { name: string; base_url: string; key: string | null };

/** Which other service is the active connection (`ConnectionStatus.other`). */
export type OtherConnectionRef = { id: string; name: string };

/** A model of the default chains, with the stages that use it. */
export type PrivacyModel = {
  model: string;
  name: string;
  stages: ("research" | "synthesis" | "script" | "quality_check")[];
  /** Why it could not be checked, for the unknown ones. */
  reason: string | null;
};

/** What the privacy choice means for the default models: asked of each model, one word each. */
export type PrivacyCheck = {
  /** Distinct models of the default chains that were checked. */
  checked: number;
  /** No provider of theirs promises not to store or train on what it is sent. */
  ruled_out: PrivacyModel[];
  /** Could not be checked now (`reason` says why). */
  unknown: PrivacyModel[];
  /** What the check itself cost, USD ("0" on the demo). */
  cost_usd: string;
  simulated: boolean;
};

/** What a backup file holds, checked before it replaces anything. */
export type RestoreCheck = {
  path: string;
  episodes: number;
  created_at: string | null;
  problem: string | null;
};
