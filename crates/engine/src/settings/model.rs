use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::pipeline::StagePlan;

/// The app's colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// Which default model chains new episodes start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Models the connection's catalog offers today, tier for tier.
    #[default]
    Current,
    /// The product's original stage design (Mixtral, Claude Opus, GPT-4 Turbo, …).
    Original,
    /// The producer's own default models per stage (`Settings::custom_plan`).
    Custom,
}

/// Which connection the app calls: the producer's OpenRouter key, the demo (the local
/// emulator, simulated prices), or another OpenAI-compatible service the producer added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionChoice {
    #[default]
    Openrouter,
    Demo,
    /// The connection named by `Settings::other_connection_id`.
    Other,
}

/// Every setting, with its default. Money is a decimal, written as a string in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Settings {
    pub theme: Theme,
    /// Spending limit given to each new episode, in USD.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub default_budget_usd: Decimal,
    /// Optional cap on everything spent in a calendar month, in USD.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub monthly_limit_usd: Option<Decimal>,
    /// Warn when the OpenRouter credit falls below this, in USD.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub low_balance_alert_usd: Decimal,
    /// Send `provider.data_collection: "deny"` on every OpenRouter call.
    pub privacy_deny_data_collection: bool,
    /// When a free model's daily allowance is used up, the stage's paid backup models may take
    /// over (each of their answers costs money). Off: the stage stops and says so.
    #[serde(default)]
    pub paid_backups_after_free_quota: bool,
    pub default_preset: Preset,
    /// The producer's own default models per stage, used when `default_preset` is `Custom`.
    /// Kept when another preset is chosen, so switching back does not lose the work.
    #[serde(default)]
    pub custom_plan: Option<StagePlan>,
    pub connection: ConnectionChoice,
    /// Which other connection is in use when `connection` is `Other` (`conn_…`). Files from
    /// before other connections existed have no such field.
    #[serde(default)]
    pub other_connection_id: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            default_budget_usd: Decimal::new(300, 2),
            monthly_limit_usd: None,
            low_balance_alert_usd: Decimal::new(200, 2),
            privacy_deny_data_collection: false,
            paid_backups_after_free_quota: false,
            default_preset: Preset::Current,
            custom_plan: None,
            connection: ConnectionChoice::Openrouter,
            other_connection_id: None,
        }
    }
}

impl Settings {
    /// Checks values a producer could mistype; the message says what to change.
    pub fn validate(&self) -> Result<(), String> {
        let cent = Decimal::new(1, 2);
        if self.default_budget_usd < cent {
            return Err("The spending limit per episode must be at least $0.01.".into());
        }
        if self.default_budget_usd.scale() > 10 {
            return Err("The spending limit per episode has too many decimal places.".into());
        }
        if let Some(monthly) = self.monthly_limit_usd {
            if monthly < cent {
                return Err("The monthly limit must be at least $0.01, or turned off.".into());
            }
        }
        if self.low_balance_alert_usd.is_sign_negative() {
            return Err("The low-credit warning cannot be below $0.00.".into());
        }
        if self.connection == ConnectionChoice::Other
            && self
                .other_connection_id
                .as_deref()
                .is_none_or(|id| id.trim().is_empty())
        {
            return Err("Choose which of your services to use, or pick OpenRouter.".into());
        }
        match (&self.custom_plan, self.default_preset) {
            (None, Preset::Custom) => {
                return Err("Choose your own models for each step, or pick a preset.".into())
            }
            (Some(plan), _) => plan.check()?,
            (None, _) => {}
        }
        Ok(())
    }
}
