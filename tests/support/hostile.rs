//! The hostile values both hostile-input tests feed in: a title with control characters and
//! right-to-left text, and a settings file with a value of the wrong type in every field.

/// Control characters (bell, escape, carriage return, newline, tab, delete), bidirectional
/// overrides and Hebrew and Arabic text.
pub const HOSTILE_TITLE: &str =
    "Voyager\u{7}\u{1b}[31m red\r\nline\tand\u{7f} \u{202e}4pm.exe\u{202c} קול הים صوت البحر";

pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

pub fn has_bidi_control(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

pub const BAD_SETTINGS: &str = r#"{
  "theme": 5,
  "default_budget_usd": true,
  "monthly_limit_usd": "lots",
  "low_balance_alert_usd": ["1"],
  "privacy_deny_data_collection": "yes",
  "default_preset": {"name": "original"},
  "connection": 42
}"#;
