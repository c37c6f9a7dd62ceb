//! settings.json: defaults, round trips, and wrong types falling back with a notice.

use castwright_engine::settings::{self, ConnectionChoice, Preset, Settings, Theme};
use rust_decimal::Decimal;
use std::str::FromStr;

#[test]
fn a_missing_file_gives_defaults_without_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = settings::load(dir.path()).unwrap();
    assert_eq!(loaded.settings, Settings::default());
    assert_eq!(
        loaded.settings.default_budget_usd,
        Decimal::from_str("3.00").unwrap()
    );
    assert!(loaded.notice.is_none());
}

#[test]
fn saved_settings_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let chosen = Settings {
        theme: Theme::Dark,
        default_budget_usd: Decimal::from_str("4.25").unwrap(),
        monthly_limit_usd: Some(Decimal::from_str("40").unwrap()),
        low_balance_alert_usd: Decimal::from_str("1.50").unwrap(),
        privacy_deny_data_collection: true,
        paid_backups_after_free_quota: true,
        default_preset: Preset::Custom,
        custom_plan: Some(own_plan()),
        connection: ConnectionChoice::Demo,
        ..Settings::default()
    };
    settings::save_to(&path, &chosen).unwrap();
    let loaded = settings::load_from(&path).unwrap();
    assert_eq!(loaded.settings, chosen);
    assert!(loaded.notice.is_none());
    // Money is written as strings, as the store plugin keeps it.
    let raw: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(raw["default_budget_usd"], "4.25");
}

#[test]
fn the_store_plugins_file_shape_is_read() {
    // tauri-plugin-store writes a flat object, key order not stable, possibly with keys we do
    // not know (other parts of the UI): those are ignored.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.json"),
        r#"{ "privacy_deny_data_collection": true, "zz_window": {"w": 1200}, "theme": "light", "default_budget_usd": "2.5" }"#,
    )
    .unwrap();
    let loaded = settings::load(dir.path()).unwrap();
    assert_eq!(loaded.settings.theme, Theme::Light);
    assert!(loaded.settings.privacy_deny_data_collection);
    assert_eq!(
        loaded.settings.default_budget_usd,
        Decimal::from_str("2.5").unwrap()
    );
    assert!(loaded.notice.is_none());
}

#[test]
fn wrong_types_fall_back_per_field_and_say_which() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.json"),
        r#"{ "theme": 42, "default_budget_usd": "lots", "privacy_deny_data_collection": true, "monthly_limit_usd": 12.5 }"#,
    )
    .unwrap();
    let loaded = settings::load(dir.path()).unwrap();
    assert_eq!(loaded.settings.theme, Theme::System);
    assert_eq!(
        loaded.settings.default_budget_usd,
        Decimal::from_str("3.00").unwrap()
    );
    // Good values next to bad ones are kept.
    assert!(loaded.settings.privacy_deny_data_collection);
    assert_eq!(
        loaded.settings.monthly_limit_usd,
        Some(Decimal::from_str("12.5").unwrap())
    );
    let notice = loaded.notice.expect("a notice");
    assert!(notice.contains("theme"), "{notice}");
    assert!(notice.contains("spending limit per episode"), "{notice}");
    assert!(!notice.contains("privacy"), "{notice}");
}

#[test]
fn a_file_that_is_not_json_gives_defaults_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.json"), b"\x00\xffnot json at all").unwrap();
    let loaded = settings::load(dir.path()).unwrap();
    assert_eq!(loaded.settings, Settings::default());
    assert!(loaded.notice.unwrap().contains("could not be read"));
}

#[test]
fn an_out_of_range_limit_is_refused_on_save_and_ignored_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let bad = Settings {
        default_budget_usd: Decimal::ZERO,
        ..Settings::default()
    };
    let err = settings::save_to(&path, &bad).unwrap_err();
    assert!(err.to_string().contains("at least $0.01"), "{err}");
    assert!(!path.exists(), "nothing is written when validation fails");

    std::fs::write(&path, r#"{ "default_budget_usd": "-5" }"#).unwrap();
    let loaded = settings::load_from(&path).unwrap();
    assert_eq!(
        loaded.settings.default_budget_usd,
        Decimal::from_str("3.00").unwrap()
    );
    assert!(loaded.notice.is_some());
}

/// A plan a producer could make: the original design with the script on one other model.
fn own_plan() -> castwright_engine::pipeline::StagePlan {
    let mut plan = castwright_engine::pipeline::original_design();
    plan.script.chain.models = vec!["mistralai/mistral-large".into()];
    plan.script.max_tokens = 3_000;
    plan
}

#[test]
fn my_own_models_need_a_plan_and_a_broken_one_falls_back_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");

    // Saving "my own models" without any is refused, and nothing is written.
    let without = Settings {
        default_preset: Preset::Custom,
        ..Settings::default()
    };
    let err = settings::save_to(&path, &without).unwrap_err();
    assert!(err.to_string().contains("own models"), "{err}");
    assert!(!path.exists());

    // A plan with an empty stage is refused with the stage named.
    let mut empty_stage = own_plan();
    empty_stage.quality_check.chain.models.clear();
    let err = settings::save_to(
        &path,
        &Settings {
            default_preset: Preset::Custom,
            custom_plan: Some(empty_stage),
            ..Settings::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("Quality check"), "{err}");

    // A hand-edited file whose plan is broken: the preset falls back, the producer is told.
    std::fs::write(
        &path,
        r#"{ "default_preset": "custom", "custom_plan": {"research": 7}, "theme": "dark" }"#,
    )
    .unwrap();
    let loaded = settings::load_from(&path).unwrap();
    assert_eq!(loaded.settings.default_preset, Preset::Current);
    assert_eq!(loaded.settings.custom_plan, None);
    assert_eq!(loaded.settings.theme, Theme::Dark);
    let notice = loaded.notice.expect("a notice");
    assert!(notice.contains("default models"), "{notice}");

    // A kept plan survives choosing another preset.
    let kept = Settings {
        default_preset: Preset::Original,
        custom_plan: Some(own_plan()),
        ..Settings::default()
    };
    settings::save_to(&path, &kept).unwrap();
    let loaded = settings::load_from(&path).unwrap();
    assert_eq!(loaded.settings, kept);
    assert!(loaded.notice.is_none());
}

#[test]
fn paid_backups_after_the_free_quota_are_off_unless_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    // Files from before the choice existed: off, without a notice.
    std::fs::write(&path, r#"{ "theme": "dark" }"#).unwrap();
    let loaded = settings::load(dir.path()).unwrap();
    assert!(!loaded.settings.paid_backups_after_free_quota);
    assert!(loaded.notice.is_none());
    std::fs::write(&path, r#"{ "paid_backups_after_free_quota": true }"#).unwrap();
    assert!(
        settings::load(dir.path())
            .unwrap()
            .settings
            .paid_backups_after_free_quota
    );
    // A wrong type falls back to off and says which setting.
    std::fs::write(&path, r#"{ "paid_backups_after_free_quota": "yes" }"#).unwrap();
    let loaded = settings::load(dir.path()).unwrap();
    assert!(!loaded.settings.paid_backups_after_free_quota);
    let notice = loaded.notice.expect("a notice");
    assert!(notice.contains("paid backups for free models"), "{notice}");
}
