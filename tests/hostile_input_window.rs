//! Hostile input to the window app, through Tauri's mock runtime on the demo connection (no
//! keychain needed): export names that try to leave their folder or carry control
//! characters, and a settings file with values of the wrong type.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use support::files::root;
use support::hostile::{has_bidi_control, has_control, BAD_SETTINGS, HOSTILE_TITLE};
use support::mock_app::{invoke, ok, serial, App};

fn app(data_dir: &Path, export_dir: &Path) -> App {
    std::env::set_var("CASTWRIGHT_DATA_DIR", data_dir);
    std::env::set_var("CASTWRIGHT_EXPORT_DIR", export_dir);
    std::env::set_var(
        "CASTWRIGHT_DEMO_SCENARIO",
        root().join("tests/fixtures/fast-demo.json"),
    );
    std::env::set_var(
        "CASTWRIGHT_KEYCHAIN_SERVICE",
        format!("castwright-hostile-{}", std::process::id()),
    );
    support::mock_app::start()
}

fn everything_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(everything_under(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn export_names_cannot_leave_the_export_folder_or_carry_control_characters() {
    let _g = serial();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Exports go two folders deep, so a name that climbs out would land in a folder we watch.
    let base = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let exports = base.path().join("a/b/exports");
    std::fs::create_dir_all(&exports).unwrap_or_else(|e| panic!("{e}"));
    let app = app(data.path(), &exports);
    ok(&app, "use_connection", json!({"choice": "demo"}));
    let mut brief = ok(&app, "new_episode_brief", json!({}));
    brief["title"] = json!("Start");
    brief["brief"] = json!("The golden record");
    brief["minutes"] = json!(1);
    let ep = ok(&app, "create_episode", json!({ "brief": brief }));
    let id = ep["id"].as_str().unwrap_or_default().to_string();
    ok(
        &app,
        "add_pasted_note",
        json!({"episodeId": id, "name": "Notes", "text": "Voyager 2 launched on August 20, 1977. The record holds greetings in 55 languages."}),
    );
    ok(
        &app,
        "run_episode",
        json!({"episodeId": id, "rerun": null, "rerunChain": null, "onProgress": "__CHANNEL__:3"}),
    );

    let deep = format!(
        "../../../../../../../../../..{}/evil-{}",
        std::env::temp_dir().display(),
        std::process::id()
    );
    let titles = [
        "../../evil",
        "..\\..\\evil",
        deep.as_str(),
        "/etc/passwd",
        "C:\\Windows\\System32\\evil",
        "a/../../b",
        "CON",
        ".bashrc",
        "..",
        "evil\u{0}.md\u{0}",
        HOSTILE_TITLE,
        "\u{202e}fdp.exe",
    ];
    for (i, title) in titles.iter().enumerate() {
        let renamed = invoke(
            &app,
            "rename_episode",
            json!({"episodeId": id, "title": title}),
        );
        let Ok(renamed) = renamed else {
            // Refusing a title outright is fine too, with a message.
            let e = renamed.err().unwrap_or_default();
            assert_eq!(e["code"], "invalid_input", "{title:?}: {e}");
            continue;
        };
        let stored = renamed["brief"]["title"].as_str().unwrap_or_default();
        assert!(!has_control(stored), "{title:?} stored as {stored:?}");
        for (format, ext) in [("markdown", "md"), ("pdf", "pdf")] {
            let written = ok(
                &app,
                "export_script",
                json!({"episodeId": id, "artifactId": null, "format": format, "includeShowNotes": false, "pageSize": "a4"}),
            );
            let path = PathBuf::from(written.as_str().unwrap_or_default());
            assert_eq!(
                path.parent(),
                Some(exports.as_path()),
                "{title:?} was written to {}",
                path.display()
            );
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            assert!(
                path.is_file() && name.ends_with(&format!(".{ext}")),
                "{title:?} → {name:?}"
            );
            assert!(
                !name.starts_with('.')
                    && !name.contains(['/', '\\', ':'])
                    && !has_control(&name)
                    && !has_bidi_control(&name),
                "{title:?} → unsafe name {name:?} ({i})"
            );
        }
    }
    // Nothing anywhere but inside the export folder.
    let stray: Vec<PathBuf> = everything_under(base.path())
        .into_iter()
        .filter(|p| !p.starts_with(&exports) && !exports.starts_with(p))
        .collect();
    assert!(
        stray.is_empty(),
        "files outside the export folder: {stray:?}"
    );
    let climbed = std::env::temp_dir().join(format!("evil-{}.md", std::process::id()));
    assert!(
        !climbed.exists(),
        "a name climbed out to {}",
        climbed.display()
    );
}

#[test]
fn the_window_app_reports_wrong_settings_types_and_uses_defaults() {
    let _g = serial();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let exports = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(data.path().join("settings.json"), BAD_SETTINGS)
        .unwrap_or_else(|e| panic!("{e}"));
    let app = app(data.path(), exports.path());
    let view = ok(&app, "get_settings", json!({}));
    let s = &view["settings"];
    assert_eq!(s["theme"], "system");
    assert_eq!(s["default_budget_usd"], "3.00");
    assert_eq!(s["monthly_limit_usd"], Value::Null);
    assert_eq!(s["privacy_deny_data_collection"], false);
    assert_eq!(s["default_preset"], "current");
    assert_eq!(s["connection"], "openrouter");
    let notice = view["notice"].as_str().unwrap_or_default();
    for field in [
        "theme",
        "spending limit per episode",
        "monthly limit",
        "low-credit warning",
        "privacy",
        "default models",
        "connection",
    ] {
        assert!(notice.contains(field), "the notice names {field}: {notice}");
    }
    // A new episode starts from the defaults, not from the unreadable values.
    let brief = ok(&app, "new_episode_brief", json!({}));
    assert_eq!(brief["budget_usd"], "3.00");
}
