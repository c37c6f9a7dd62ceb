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

/** Another OpenAI-compatible endpoint with its own key (kept in the keychain). */
export type OtherConnection = {
  id: string;
  name: string;
  base_url: string;
  has_key: boolean;
};

export type OtherConnectionInput = { name: string; base_url: string; key: string };

/** Which models of the default chains the privacy choice rules out. */
export type PrivacyCheck = { ruled_out: { model: string; name: string }[] };

/** What a backup file holds, checked before it replaces anything. */
export type RestoreCheck = {
  path: string;
  episodes: number;
  created_at: string | null;
  problem: string | null;
};
