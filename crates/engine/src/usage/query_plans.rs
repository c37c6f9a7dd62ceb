//! Every dashboard query that narrows the request log reaches its rows through an index.

use rusqlite::types::Value;

use super::failures::errors_sql;
use super::health::{RECENT_SQL, SEEN_SQL};
use super::request_log::{count_sql, filter_conditions, page_sql, LogFilter};
use super::savings::savings_sql;
use super::spend::{spend_sql, Grouping};
use super::test_support::{assert_searches_requests, open_store, plan};
use super::Range;

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

#[test]
fn ranged_aggregates_search_the_day_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let first = Some("2026-01-01".to_string());
    for group in [
        Grouping::Day,
        Grouping::Model,
        Grouping::Stage,
        Grouping::Episode,
    ] {
        let (sql, cond) = spend_sql(group, first.clone());
        let p = plan(conn, &sql, cond.values());
        assert_searches_requests(&format!("spend {group:?}"), &p, "requests");
        assert!(
            p.iter().any(|d| d.contains("requests_day")),
            "spend {group:?}: {p:?}"
        );
    }
    let (sql, cond) = errors_sql(first.clone());
    assert_searches_requests("errors", &plan(conn, &sql, cond.values()), "requests");
    let (sql, cond) = savings_sql(first);
    assert_searches_requests("savings", &plan(conn, &sql, cond.values()), "requests");
    // Status alone is a filter too.
    let (sql, cond) = errors_sql(None);
    assert_searches_requests(
        "errors, all days",
        &plan(conn, &sql, cond.values()),
        "requests",
    );
    let (sql, cond) = savings_sql(None);
    assert_searches_requests(
        "savings, all days",
        &plan(conn, &sql, cond.values()),
        "requests",
    );
}

#[test]
fn every_log_filter_searches_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let filters = [
        LogFilter {
            episode_id: Some("ep_1".into()),
            ..LogFilter::default()
        },
        LogFilter {
            stage: Some("script".into()),
            ..LogFilter::default()
        },
        LogFilter {
            model: Some("openai/gpt-4o".into()),
            ..LogFilter::default()
        },
        LogFilter {
            status: Some("error".into()),
            ..LogFilter::default()
        },
        LogFilter {
            range: Range::LastDays { days: 7 },
            ..LogFilter::default()
        },
        LogFilter {
            episode_id: Some("ep_1".into()),
            stage: Some("research".into()),
            model: Some("m".into()),
            status: Some("ok".into()),
            range: Range::LastDays { days: 30 },
        },
    ];
    for f in &filters {
        let mut cond = filter_conditions(f);
        let p = plan(conn, &count_sql(&cond), cond.values());
        assert_searches_requests(&format!("count {f:?}"), &p, "r");
        cond.add("r.id < ?", [Value::Integer(1000)]);
        let mut values = cond.values().to_vec();
        values.push(Value::Integer(51));
        let p = plan(conn, &page_sql(&cond), &values);
        assert_searches_requests(&format!("page {f:?}"), &p, "r");
    }
    // Stage alone: rows come out of the index newest first, with no sort.
    let cond = filter_conditions(&filters[1]);
    let mut values = cond.values().to_vec();
    values.push(Value::Integer(51));
    let p = plan(conn, &page_sql(&cond), &values);
    assert!(!p.iter().any(|d| d.contains("TEMP B-TREE")), "{p:?}");
}

#[test]
fn model_health_searches_by_model_and_day() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let p = plan(
        conn,
        RECENT_SQL,
        &[
            text("openai/gpt-4o"),
            text("openrouter"),
            Value::Integer(50),
        ],
    );
    assert_searches_requests("recent attempts", &p, "requests");
    assert!(p.iter().any(|d| d.contains("requests_requested")), "{p:?}");
    let p = plan(conn, SEEN_SQL, &[text("2026-01-01"), text("openrouter")]);
    assert_searches_requests("models seen", &p, "requests");
}
