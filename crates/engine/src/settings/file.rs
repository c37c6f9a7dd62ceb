use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{ConnectionChoice, Preset, Settings};
use crate::paths::SETTINGS_FILE;
use crate::pipeline::StagePlan;
use crate::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("Castwright could not read its settings file {path}: {detail}.")]
    Read { path: PathBuf, detail: String },
    #[error("Castwright could not save its settings to {path}: {detail}. Check that you can write there.")]
    Write { path: PathBuf, detail: String },
    #[error("{0}")]
    Invalid(String),
}

impl SettingsError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SettingsError::Invalid(_) => ErrorCode::InvalidInput,
            _ => ErrorCode::Settings,
        }
    }
}

/// Settings as read, with a plain sentence when some values had to fall back to defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub settings: Settings,
    pub notice: Option<String>,
}

/// Reads `settings.json` from `data_dir`.
pub fn load(data_dir: &Path) -> Result<Loaded, SettingsError> {
    load_from(&data_dir.join(SETTINGS_FILE))
}

/// Reads a settings file. A missing file gives the defaults silently; unreadable JSON or a
/// value of the wrong type gives the defaults for what could not be read, with a notice.
pub fn load_from(path: &Path) -> Result<Loaded, SettingsError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Loaded {
                settings: Settings::default(),
                notice: None,
            })
        }
        Err(e) => {
            return Err(SettingsError::Read {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })
        }
    };
    let map = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => map,
        _ => {
            tracing::warn!(path = %path.display(), "settings file is not a JSON object; using defaults");
            return Ok(Loaded {
                settings: Settings::default(),
                notice: Some(
                    "Your settings file could not be read, so the default settings are in use. \
                     Choose your settings again to save them."
                        .into(),
                ),
            });
        }
    };
    Ok(from_map(&map))
}

/// Takes each field on its own, so one bad value costs only that value.
fn from_map(map: &Map<String, Value>) -> Loaded {
    let defaults = Settings::default();
    let mut bad: Vec<&'static str> = Vec::new();
    let settings = Settings {
        theme: field(map, "theme", defaults.theme, &mut bad),
        default_budget_usd: money(
            map,
            "default_budget_usd",
            defaults.default_budget_usd,
            &mut bad,
        ),
        monthly_limit_usd: match map.get("monthly_limit_usd") {
            None | Some(Value::Null) => None,
            Some(v) => match parse_money(v) {
                Some(d) => Some(d),
                None => {
                    bad.push("monthly_limit_usd");
                    defaults.monthly_limit_usd
                }
            },
        },
        low_balance_alert_usd: money(
            map,
            "low_balance_alert_usd",
            defaults.low_balance_alert_usd,
            &mut bad,
        ),
        privacy_deny_data_collection: field(
            map,
            "privacy_deny_data_collection",
            defaults.privacy_deny_data_collection,
            &mut bad,
        ),
        paid_backups_after_free_quota: field(
            map,
            "paid_backups_after_free_quota",
            defaults.paid_backups_after_free_quota,
            &mut bad,
        ),
        default_preset: field(map, "default_preset", defaults.default_preset, &mut bad),
        custom_plan: match map.get("custom_plan") {
            None | Some(Value::Null) => None,
            Some(v) => match serde_json::from_value::<StagePlan>(v.clone()) {
                Ok(plan) if plan.check().is_ok() => Some(plan),
                _ => {
                    bad.push("custom_plan");
                    None
                }
            },
        },
        connection: field(map, "connection", defaults.connection, &mut bad),
        other_connection_id: field(map, "other_connection_id", None, &mut bad),
    };
    // "Another service" without saying which cannot be used: back to the default connection.
    let settings = if settings.connection == ConnectionChoice::Other
        && settings
            .other_connection_id
            .as_deref()
            .is_none_or(|id| id.trim().is_empty())
    {
        bad.push("connection");
        Settings {
            connection: defaults.connection,
            ..settings
        }
    } else {
        settings
    };
    // "My own models" without a usable plan falls back to the default preset.
    let settings = if settings.default_preset == Preset::Custom && settings.custom_plan.is_none() {
        if !bad.contains(&"custom_plan") {
            bad.push("default_preset");
        }
        Settings {
            default_preset: defaults.default_preset,
            ..settings
        }
    } else {
        settings
    };
    // A value that parses but is out of range is as unusable as one of the wrong type.
    let settings = if settings.validate().is_err() {
        bad.push("limits");
        Settings {
            default_budget_usd: defaults.default_budget_usd,
            monthly_limit_usd: defaults.monthly_limit_usd,
            low_balance_alert_usd: defaults.low_balance_alert_usd,
            ..settings
        }
    } else {
        settings
    };
    let notice = (!bad.is_empty()).then(|| {
        tracing::warn!(fields = ?bad, "settings had unusable values; defaults used for them");
        format!(
            "Some settings could not be read ({}), so their defaults are in use. \
             Check them in Settings.",
            bad.iter().map(|f| label(f)).collect::<Vec<_>>().join(", ")
        )
    });
    Loaded { settings, notice }
}

fn field<T: DeserializeOwned>(
    map: &Map<String, Value>,
    key: &'static str,
    default: T,
    bad: &mut Vec<&'static str>,
) -> T {
    match map.get(key) {
        None => default,
        Some(v) => serde_json::from_value(v.clone()).unwrap_or_else(|_| {
            bad.push(key);
            default
        }),
    }
}

fn money(
    map: &Map<String, Value>,
    key: &'static str,
    default: rust_decimal::Decimal,
    bad: &mut Vec<&'static str>,
) -> rust_decimal::Decimal {
    match map.get(key) {
        None => default,
        Some(v) => parse_money(v).unwrap_or_else(|| {
            bad.push(key);
            default
        }),
    }
}

/// Money is stored as a decimal string; a bare JSON number is accepted too (a hand edit),
/// read through its literal text so no float rounding creeps in.
fn parse_money(v: &Value) -> Option<rust_decimal::Decimal> {
    use std::str::FromStr;
    match v {
        Value::String(s) => rust_decimal::Decimal::from_str(s.trim()).ok(),
        Value::Number(n) => rust_decimal::Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

fn label(field: &str) -> &'static str {
    match field {
        "theme" => "theme",
        "default_budget_usd" => "spending limit per episode",
        "monthly_limit_usd" => "monthly limit",
        "low_balance_alert_usd" => "low-credit warning",
        "privacy_deny_data_collection" => "privacy",
        "paid_backups_after_free_quota" => "paid backups for free models",
        "default_preset" | "custom_plan" => "default models",
        "connection" | "other_connection_id" => "connection",
        _ => "limits",
    }
}

/// Writes the settings as the flat JSON object tauri-plugin-store uses, atomically (a
/// temporary file, then a rename), so a crash never leaves half a file. The window app saves
/// through the store plugin instead; this is for the engine's own callers and tests.
pub fn save_to(path: &Path, settings: &Settings) -> Result<(), SettingsError> {
    settings.validate().map_err(SettingsError::Invalid)?;
    let write_err = |e: &dyn std::fmt::Display| SettingsError::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let text = serde_json::to_string_pretty(settings).map_err(|e| write_err(&e))?;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| write_err(&e))?;
    let tmp = dir.join(format!(".{SETTINGS_FILE}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| write_err(&e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        write_err(&e)
    })
}
