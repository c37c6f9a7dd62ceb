//! What became of the models the presets used to name. OpenRouter retires models; a chain
//! saved with one (the "Original design" preset keeps the seed's chains on purpose) needs a
//! listed model in its place. This table says which current model takes over from each
//! retired one, tier for tier, so a check before a run can tell the producer "Claude Instant
//! is no longer offered: Research will use Claude Haiku 4.5".
//!
//! The same replacements are written beside the emulator's catalog
//! (`crates/openrouter-sim/src/catalog/models.json`, late 2026).

/// Retired id → its suggested current replacement (ids without routing suffixes).
pub const RETIRED_REPLACEMENTS: &[(&str, &str)] = &[
    // The product's original stage design.
    (
        "mistralai/mixtral-8x7b-instruct",
        "mistralai/mistral-small-3.2-24b-instruct",
    ),
    ("anthropic/claude-instant-1", "anthropic/claude-haiku-4.5"),
    ("openai/gpt-3.5-turbo", "openai/gpt-6-luna"),
    ("deepseek/deepseek-r1", "deepseek/deepseek-v4-pro"),
    ("anthropic/claude-3-sonnet", "anthropic/claude-sonnet-5.5"),
    ("anthropic/claude-3-opus", "anthropic/claude-opus-5.5"),
    ("openai/gpt-4", "openai/gpt-6.1-sol"),
    ("openai/gpt-4-turbo", "openai/gpt-6.1-terra"),
    ("google/gemini-pro", "google/gemini-3.8-flash"),
    // The 2025 "Current models" preset.
    (
        "meta-llama/llama-3.3-70b-instruct",
        "meta-llama/llama-4-maverick",
    ),
    (
        "mistralai/mistral-small-3.1-24b-instruct",
        "mistralai/mistral-small-3.2-24b-instruct",
    ),
    ("openai/gpt-4o-mini", "openai/gpt-6-luna"),
    ("google/gemini-2.0-flash-001", "google/gemini-3.8-flash"),
    ("openai/o4-mini", "openai/gpt-6.1-terra"),
    ("openai/o3-mini", "openai/gpt-6.1-terra"),
    ("anthropic/claude-opus-4", "anthropic/claude-opus-5.5"),
    ("anthropic/claude-sonnet-4", "anthropic/claude-sonnet-5.5"),
    ("openai/gpt-4.1", "openai/gpt-6.1-sol"),
    ("anthropic/claude-3.7-sonnet", "anthropic/claude-sonnet-5.5"),
    ("openai/gpt-4.1-mini", "openai/gpt-6.1-terra"),
    ("google/gemini-2.5-flash-preview", "google/gemini-3.8-flash"),
    ("anthropic/claude-3.5-haiku", "anthropic/claude-haiku-4.5"),
    // Other models of 2023–2025 a producer may have chosen by hand.
    ("anthropic/claude-instant-1.1", "anthropic/claude-haiku-4.5"),
    ("anthropic/claude-instant-1.2", "anthropic/claude-haiku-4.5"),
    ("anthropic/claude-1", "anthropic/claude-haiku-4.5"),
    ("anthropic/claude-1.2", "anthropic/claude-haiku-4.5"),
    ("anthropic/claude-3-haiku", "anthropic/claude-haiku-4.5"),
    ("anthropic/claude-3.5-sonnet", "anthropic/claude-sonnet-5.5"),
    ("openai/gpt-4o", "openai/gpt-6.1-terra"),
    ("openai/gpt-4.1-nano", "openai/gpt-6-luna"),
    ("openai/gpt-4-32k-0613", "openai/gpt-6.1-sol"),
    ("openai/gpt-4-vision-preview", "openai/gpt-6.1-sol"),
    ("google/gemini-pro-vision", "google/gemini-3.8-flash"),
    ("google/palm-2-chat-bison", "google/gemini-3.8-flash"),
    ("google/palm-2-codechat-bison", "google/gemini-3.8-flash"),
    ("google/gemini-flash-1.5", "google/gemini-3.5-flash-lite"),
    ("google/gemini-flash-1.5-8b", "google/gemini-3.5-flash-lite"),
    (
        "google/gemini-2.5-pro-preview",
        "google/gemini-3.1-pro-preview",
    ),
    (
        "google/gemini-2.0-flash-exp:free",
        "google/gemma-4-31b-it:free",
    ),
    (
        "deepseek/deepseek-r1:free",
        "nvidia/nemotron-3-super-120b-a12b:free",
    ),
    (
        "deepseek/deepseek-chat-v3-0324",
        "deepseek/deepseek-v4.1-flash",
    ),
    (
        "deepseek/deepseek-chat-v3-0324:free",
        "nvidia/nemotron-3-super-120b-a12b:free",
    ),
    (
        "meta-llama/llama-3.3-70b-instruct:free",
        "google/gemma-4-31b-it:free",
    ),
    (
        "meta-llama/llama-3.1-8b-instruct",
        "meta-llama/llama-4-scout",
    ),
    (
        "meta-llama/llama-3.2-1b-instruct",
        "meta-llama/llama-4-scout",
    ),
    (
        "mistralai/mixtral-8x22b-instruct",
        "mistralai/mistral-medium-3.1",
    ),
    (
        "mistralai/mistral-nemo:free",
        "google/gemma-4-26b-a4b-it:free",
    ),
    ("qwen/qwen3-235b-a22b", "qwen/qwen3.8-max"),
    ("x-ai/grok-3-beta", "x-ai/grok-4.20"),
    ("cohere/command-r7b-12-2024", "mistralai/mistral-nemo"),
    ("liquid/lfm-7b", "meta-llama/llama-4-scout"),
];

/// The current model suggested in place of a retired one, or `None` for an id this table
/// does not know (a current model, or one retired after it was written). A routing suffix
/// (`:floor`, `:nitro`) on the id is ignored, and the answer carries none: the chain's variant
/// applies to the replacement as it did to the model it replaces.
pub fn current_replacement(model_id: &str) -> Option<&'static str> {
    // `:free` stays: a free variant is a model of its own, retired on its own.
    let base = model_id
        .strip_suffix(":floor")
        .or_else(|| model_id.strip_suffix(":nitro"))
        .unwrap_or(model_id);
    RETIRED_REPLACEMENTS
        .iter()
        .find(|(old, _)| *old == base)
        .map(|(_, new)| *new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{current_models, original_design, Stage};

    #[test]
    fn every_model_of_the_original_design_has_a_replacement_in_the_current_preset_tier() {
        let original = original_design();
        let current = current_models(&[]);
        for stage in Stage::ALL {
            for m in &original.get(stage).chain.models {
                let new = current_replacement(m).unwrap_or_else(|| panic!("{m}"));
                assert_ne!(new, m.as_str());
                assert!(!new.contains(":floor") && !new.contains(":nitro"));
                // The replacement is itself current: no chain of retirements.
                assert_eq!(current_replacement(new), None, "{new}");
            }
            // The current preset names no retired model.
            for m in &current.get(stage).chain.models {
                assert_eq!(current_replacement(m), None, "{m}");
            }
        }
    }

    #[test]
    fn suffixes_are_ignored() {
        assert_eq!(
            current_replacement("anthropic/claude-instant-1:floor"),
            Some("anthropic/claude-haiku-4.5")
        );
        assert_eq!(
            current_replacement("google/gemini-pro:nitro"),
            Some("google/gemini-3.8-flash")
        );
        assert_eq!(current_replacement("anthropic/claude-opus-5.5"), None);
        assert_eq!(current_replacement("nobody/nothing"), None);
        // Free variants are models of their own.
        assert_eq!(
            current_replacement("deepseek/deepseek-r1:free"),
            Some("nvidia/nemotron-3-super-120b-a12b:free")
        );
    }
}
