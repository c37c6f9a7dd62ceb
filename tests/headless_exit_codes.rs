//! `castwright produce`'s exit codes and error codes, as the README documents them: the
//! contract outside checks rely on. A failure after spending reports what it spent; a damaged
//! database exits 6 and is left alone.

mod support;

use std::str::FromStr;
use support::headless::{fixtures, last_json, notes, produce, BRIEF};

#[test]
fn exit_codes_follow_the_contract() {
    let data = tempfile::tempdir().unwrap();
    let n = notes();
    // 2: a bad flag, a missing path, no usable notes.
    let out = produce(
        data.path(),
        "fast-demo.json",
        &[
            "--connection",
            "demo",
            "--notes",
            &n,
            "--brief",
            "x",
            "--format",
            "trio",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(last_json(&out)["error"]["code"], "bad_input");
    let out = produce(
        data.path(),
        "fast-demo.json",
        &[
            "--connection",
            "demo",
            "--notes",
            "/nonexistent/notes",
            "--brief",
            "x",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(last_json(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("does not exist"));
    let png = fixtures().join("notes/cover.png").display().to_string();
    let out = produce(
        data.path(),
        "fast-demo.json",
        &[
            "--connection",
            "demo",
            "--notes",
            &png,
            "--brief",
            "x",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        last_json(&out)["skipped_notes"].as_array().unwrap().len(),
        1
    );
    // 3: refused by the budget before spending.
    let out = produce(
        data.path(),
        "fast-demo.json",
        &[
            "--connection",
            "demo",
            "--notes",
            &n,
            "--brief",
            "x",
            "--budget",
            "0.01",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = last_json(&out);
    assert_eq!(j["error"]["code"], "budget_refused");
    assert_eq!(j["total_cost_usd"].as_f64().unwrap(), 0.0);
    // 4: no key for OpenRouter (no keychain reachable, no variable).
    let out = produce(
        data.path(),
        "fast-demo.json",
        &["--notes", &n, "--brief", "x", "--json"],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(last_json(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("CASTWRIGHT_OPENROUTER_KEY"));
    // 5: every model of a chain fails.
    let out = produce(
        data.path(),
        "all-fail.json",
        &[
            "--connection",
            "demo",
            "--notes",
            &n,
            "--brief",
            "x",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(last_json(&out)["error"]["code"], "all_models_failed");
}

#[test]
fn a_run_that_fails_after_spending_reports_what_it_spent() {
    let data = tempfile::tempdir().unwrap();
    let n = notes();
    let out = produce(
        data.path(),
        "late-fail.json",
        &[
            "--connection",
            "demo",
            "--notes",
            &n,
            "--brief",
            BRIEF,
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = last_json(&out);
    assert_eq!(j["error"]["code"], "all_models_failed", "{j}");
    let reported = rust_decimal::Decimal::from_str(&j["total_cost_usd"].to_string()).unwrap();
    assert!(reported > rust_decimal::Decimal::ZERO, "{j}");
    // Exactly what the request log holds for this episode (its first run).
    let db = rusqlite::Connection::open(data.path().join("castwright.sqlite3")).unwrap();
    let units: i64 = db
        .query_row(
            "SELECT COALESCE(SUM(cost_units), 0) FROM requests WHERE episode_id = ?1",
            [j["episode_id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        reported,
        rust_decimal::Decimal::new(units, 10).normalize(),
        "{j}"
    );
}

#[test]
fn a_damaged_database_exits_6_and_is_left_alone() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("castwright.sqlite3");
    std::fs::write(&db, vec![7u8; 8192]).unwrap();
    let n = notes();
    let out = produce(
        data.path(),
        "fast-demo.json",
        &[
            "--connection",
            "demo",
            "--notes",
            &n,
            "--brief",
            "x",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(last_json(&out)["error"]["code"], "database");
    assert_eq!(std::fs::read(&db).unwrap(), vec![7u8; 8192]);
}
