//! The four stages, their settings and the product's designed defaults.

use serde::{Deserialize, Serialize};

use crate::routing::{Chain, Variant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Research,
    Synthesis,
    Script,
    QualityCheck,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Research,
        Stage::Synthesis,
        Stage::Script,
        Stage::QualityCheck,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Research => "research",
            Stage::Synthesis => "synthesis",
            Stage::Script => "script",
            Stage::QualityCheck => "quality_check",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Research => "Research",
            Stage::Synthesis => "Synthesis",
            Stage::Script => "Script",
            Stage::QualityCheck => "Quality check",
        }
    }

    /// The least output worth paying for; below it a call is refused rather than cut short.
    pub fn min_tokens(self) -> u32 {
        match self {
            Stage::Research => 150,
            Stage::Synthesis => 300,
            Stage::Script => 600,
            Stage::QualityCheck => 250,
        }
    }
}

/// How one stage runs: its models in order, the routing variant, temperature, output length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageSettings {
    pub chain: Chain,
    pub temperature: f32,
    /// Output length per call, in tokens (the UI shows words: 0.75 words per token).
    pub max_tokens: u32,
}

/// All four stages' settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StagePlan {
    pub research: StageSettings,
    pub synthesis: StageSettings,
    pub script: StageSettings,
    pub quality_check: StageSettings,
}

impl StagePlan {
    pub fn get(&self, stage: Stage) -> &StageSettings {
        match stage {
            Stage::Research => &self.research,
            Stage::Synthesis => &self.synthesis,
            Stage::Script => &self.script,
            Stage::QualityCheck => &self.quality_check,
        }
    }

    pub fn get_mut(&mut self, stage: Stage) -> &mut StageSettings {
        match stage {
            Stage::Research => &mut self.research,
            Stage::Synthesis => &mut self.synthesis,
            Stage::Script => &mut self.script,
            Stage::QualityCheck => &mut self.quality_check,
        }
    }

    /// Checks what a producer could set wrong; the message names the stage and the fix.
    /// (Whether the models exist on the connection is `validate` below, which needs the catalog.)
    pub fn check(&self) -> Result<(), String> {
        for stage in Stage::ALL {
            let s = self.get(stage);
            if s.chain.models.is_empty() || s.chain.models.iter().any(|m| m.trim().is_empty()) {
                return Err(format!("{} needs at least one model.", stage.label()));
            }
            if !(0.0..=2.0).contains(&s.temperature) {
                return Err("Creativity (temperature) must be between 0 and 2.".into());
            }
            if !(stage.min_tokens()..=32_000).contains(&s.max_tokens) {
                return Err(format!(
                    "{}'s output length must be between {} and 32,000 tokens.",
                    stage.label(),
                    stage.min_tokens()
                ));
            }
        }
        Ok(())
    }
}

fn settings(models: &[&str], variant: Variant, temperature: f32, max_tokens: u32) -> StageSettings {
    StageSettings {
        chain: Chain::new(models, variant),
        temperature,
        max_tokens,
    }
}

/// The product's original stage design: cheap models for research (cheapest endpoints), a
/// reasoning model for synthesis, premium creative models for the script, fast evaluators
/// (fastest endpoints) for the quality check.
pub fn original_design() -> StagePlan {
    StagePlan {
        research: settings(
            &[
                "mistralai/mixtral-8x7b-instruct",
                "anthropic/claude-instant-1",
                "openai/gpt-3.5-turbo",
            ],
            Variant::Floor,
            0.3,
            900,
        ),
        synthesis: settings(
            &["deepseek/deepseek-r1", "anthropic/claude-3-sonnet"],
            Variant::None,
            0.4,
            1600,
        ),
        script: settings(
            &[
                "anthropic/claude-3-opus",
                "openai/gpt-4",
                "anthropic/claude-3-sonnet",
            ],
            Variant::None,
            0.8,
            3000,
        ),
        quality_check: settings(
            &[
                "openai/gpt-4-turbo",
                "anthropic/claude-3-sonnet",
                "google/gemini-pro",
            ],
            Variant::Nitro,
            0.0,
            900,
        ),
    }
}

/// Each tier's candidates today (late 2026), best first; the preset takes those the catalog
/// offers. Research fans out over many notes, so cheap models on their cheapest endpoints
/// (`:floor`, the stage's variant); synthesis a reasoning model on its fastest endpoints
/// (`:nitro`: it is one call that every later stage waits for, and the fastest provider costs
/// a fraction of a cent more an episode); the script the premium
/// writers; the quality check fast evaluators on their fastest endpoints (`:nitro`). Each
/// chain has backups from other makers, so one provider's outage does not stop a stage.
pub const CURRENT_TIERS: [(Stage, &[&str]); 4] = [
    (
        Stage::Research,
        &[
            "deepseek/deepseek-v4.1-flash",
            "mistralai/mistral-small-3.2-24b-instruct",
            "openai/gpt-6-luna",
            "google/gemini-3.5-flash-lite",
        ],
    ),
    (
        Stage::Synthesis,
        &[
            "deepseek/deepseek-v4-pro",
            "openai/gpt-6.1-terra",
            "google/gemini-3.1-pro-preview",
        ],
    ),
    (
        Stage::Script,
        &[
            "anthropic/claude-opus-5.5",
            "openai/gpt-6.1-sol",
            "anthropic/claude-sonnet-5.5",
            "google/gemini-3.1-pro-preview",
        ],
    ),
    (
        Stage::QualityCheck,
        &[
            "google/gemini-3.8-flash",
            "anthropic/claude-haiku-4.5",
            "openai/gpt-6.1-terra",
        ],
    ),
];

/// The "Current models" preset: each tier mapped to models the catalog offers now (up to
/// three per stage). With no catalog (`available` empty) the candidates are taken as they are.
pub fn current_models(available: &[String]) -> StagePlan {
    let mut plan = original_design();
    for (stage, candidates) in CURRENT_TIERS {
        let picked: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|m| available.is_empty() || available.iter().any(|a| a == m))
            .take(3)
            .collect();
        if !picked.is_empty() {
            plan.get_mut(stage).chain.models = picked.iter().map(|m| m.to_string()).collect();
        }
    }
    plan.synthesis.chain.variant = Variant::Nitro;
    plan
}

/// A plain-words problem with a chain, found by checking it against the catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChainIssue {
    pub stage: Stage,
    pub model: String,
    pub message: String,
}

/// Checks every model of every chain against the catalog's model ids and the ids it knows to
/// be retired. An empty catalog checks nothing.
pub fn validate(
    plan: &StagePlan,
    available: &[String],
    display: &dyn Fn(&str) -> String,
) -> Vec<ChainIssue> {
    let mut out = Vec::new();
    if available.is_empty() {
        return out;
    }
    for stage in Stage::ALL {
        let chain = &plan.get(stage).chain;
        if chain.models.is_empty() {
            out.push(ChainIssue {
                stage,
                model: String::new(),
                message: format!("{} has no models. Choose at least one.", stage.label()),
            });
        }
        for m in &chain.models {
            let base = crate::catalog::base_id(m);
            if !available.iter().any(|a| a == base) {
                out.push(ChainIssue {
                    stage,
                    model: m.clone(),
                    message: format!(
                        "{} is retired or unknown on this connection; {} will skip it and use the next model.",
                        display(m),
                        stage.label()
                    ),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_design_is_kept() {
        let p = original_design();
        assert_eq!(p.research.chain.variant, Variant::Floor);
        assert_eq!(
            p.research.chain.models[0],
            "mistralai/mixtral-8x7b-instruct"
        );
        assert_eq!(
            p.script.chain.models,
            vec![
                "anthropic/claude-3-opus",
                "openai/gpt-4",
                "anthropic/claude-3-sonnet"
            ]
        );
        assert_eq!(p.quality_check.chain.variant, Variant::Nitro);
    }

    #[test]
    fn current_models_follow_the_catalog_and_retired_ones_are_named() {
        let available: Vec<String> = [
            "deepseek/deepseek-v4-pro",
            "openai/gpt-6.1-sol",
            "openai/gpt-6.1-terra",
            "openai/gpt-6-luna",
            "google/gemini-3.8-flash",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let p = current_models(&available);
        assert_eq!(p.script.chain.models, vec!["openai/gpt-6.1-sol"]);
        assert_eq!(p.research.chain.models, vec!["openai/gpt-6-luna"]);
        assert_eq!(p.research.chain.variant, Variant::Floor);
        assert_eq!(p.synthesis.chain.variant, Variant::Nitro);
        assert_eq!(
            p.quality_check.chain.models,
            vec!["google/gemini-3.8-flash", "openai/gpt-6.1-terra"]
        );
        assert_eq!(p.quality_check.chain.variant, Variant::Nitro);
        let issues = validate(&original_design(), &available, &|m| m.to_string());
        assert!(issues
            .iter()
            .any(|i| i.model == "anthropic/claude-instant-1"
                && i.message.contains("retired or unknown")));
        assert!(validate(&p, &available, &|m| m.to_string()).is_empty());
    }

    #[test]
    fn without_a_catalog_the_current_preset_takes_three_per_stage() {
        let p = current_models(&[]);
        assert_eq!(
            p.script.chain.models,
            vec![
                "anthropic/claude-opus-5.5",
                "openai/gpt-6.1-sol",
                "anthropic/claude-sonnet-5.5"
            ]
        );
        assert_eq!(
            p.research.chain.models,
            vec![
                "deepseek/deepseek-v4.1-flash",
                "mistralai/mistral-small-3.2-24b-instruct",
                "openai/gpt-6-luna"
            ]
        );
    }
}
