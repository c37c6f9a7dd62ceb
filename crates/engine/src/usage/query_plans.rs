//! Every dashboard query reaches its rows through an index: totals through the running
//! totals' keys, never the request log itself, and the log's pages by row id.

use rusqlite::types::Value;

use super::failures::errors_sql;
use super::health::{RECENT_SQL, SEEN_SQL};
use super::log_pages::{groups_sql, total_sql};
use super::request_log::totals_conditions;
use super::request_log::{count_sql, filter_conditions, page_sql, page_sql_by_id, LogFilter};
use super::savings::savings_sql;
use super::spend::{spend_sql, Grouping};
use super::test_support::{assert_searches_requests, open_store, plan};
use super::Range;

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The plan reads neither `table` nor any index of it.
fn assert_avoids(what: &str, plan: &[String], table: &str) {
    assert!(
        !plan
            .iter()
            .any(|d| d.split_whitespace().nth(1) == Some(table)),
        "{what} reads {table}: {plan:?}"
    );
}

#[test]
fn aggregates_read_the_running_totals_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    for first in [Some("2026-01-01".to_string()), None] {
        for group in [
            Grouping::Day,
            Grouping::Model,
            Grouping::Stage,
            Grouping::Episode,
        ] {
            let (sql, cond) = spend_sql(group, first.clone());
            let p = plan(conn, &sql, cond.values());
            let what = format!("spend {group:?} from {first:?}");
            assert_searches_requests(&what, &p, "usage_spend");
            assert!(p.iter().any(|d| d.contains("PRIMARY KEY")), "{what}: {p:?}");
            assert_avoids(&what, &p, "requests");
        }
        let (sql, cond) = errors_sql(first.clone());
        let p = plan(conn, &sql, cond.values());
        assert_searches_requests("errors", &p, "usage_log");
        // The one row per group its latest message is read from.
        assert_searches_requests("errors", &p, "r");
        let (sql, cond) = savings_sql(first.clone());
        let p = plan(conn, &sql, cond.values());
        assert_searches_requests("savings", &p, "usage_log");
        assert_avoids("savings", &p, "requests");
    }
}

fn log_filters() -> Vec<LogFilter> {
    vec![
        LogFilter::default(),
        LogFilter {
            episode_id: Some("ep_1".into()),
            ..LogFilter::default()
        },
        LogFilter {
            stage: Some("script".into()),
            ..LogFilter::default()
        },
        LogFilter {
            model: Some("openai/gpt-6.1-terra".into()),
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
            stage: Some("research".into()),
            model: Some("m".into()),
            status: Some("ok".into()),
            range: Range::LastDays { days: 30 },
            ..LogFilter::default()
        },
        LogFilter {
            episode_id: Some("ep_1".into()),
            stage: Some("research".into()),
            model: Some("m".into()),
            status: Some("ok".into()),
            range: Range::LastDays { days: 30 },
        },
    ]
}

#[test]
fn every_log_filter_reads_the_log_by_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let first_day = Some("2026-01-01".to_string());
    for f in &log_filters() {
        let what = format!("{f:?}");
        let mut cond = filter_conditions(f, first_day.clone());
        match totals_conditions(f, first_day.clone()) {
            // One episode: counted and paged through its index.
            None => {
                let p = plan(conn, &count_sql(&cond), cond.values());
                assert_searches_requests(&format!("count {what}"), &p, "r");
                cond.add("r.id < ?", [Value::Integer(1000)]);
                let mut values = cond.values().to_vec();
                values.push(Value::Integer(51));
                let p = plan(conn, &page_sql(&cond), &values);
                assert_searches_requests(&format!("page {what}"), &p, "r");
            }
            Some(totals) => {
                let p = plan(conn, &total_sql(&totals), totals.values());
                assert_avoids(&format!("total {what}"), &p, "requests");
                let p = plan(conn, &groups_sql(&totals), totals.values());
                assert!(
                    p.iter()
                        .any(|d| d.contains("COVERING INDEX usage_log_last")),
                    "groups {what}: {p:?}"
                );
                assert!(!p.iter().any(|d| d.contains("TEMP B-TREE")), "{p:?}");
                if totals.is_empty() {
                    let mut values = cond.values().to_vec();
                    values.push(Value::Integer(51));
                    let p = plan(conn, &page_sql(&cond), &values);
                    assert_searches_requests(&format!("page {what}"), &p, "r");
                    assert!(!p.iter().any(|d| d.contains("TEMP B-TREE")), "{p:?}");
                }
                let base = cond.values().to_vec();
                cond.add("r.id BETWEEN ? AND ?", []);
                let mut values = base;
                values.extend([
                    Value::Integer(900),
                    Value::Integer(1000),
                    Value::Integer(51),
                ]);
                let p = plan(conn, &page_sql_by_id(&cond), &values);
                assert_searches_requests(&format!("page by id {what}"), &p, "r");
                assert!(
                    p.iter()
                        .any(|d| d.contains("INTEGER PRIMARY KEY (rowid>? AND rowid<?)")),
                    "page by id {what}: {p:?}"
                );
                assert!(!p.iter().any(|d| d.contains("TEMP B-TREE")), "{p:?}");
            }
        }
    }
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
            text("openai/gpt-6.1-terra"),
            text("openrouter"),
            Value::Integer(50),
        ],
    );
    assert_searches_requests("recent attempts", &p, "requests");
    assert!(p.iter().any(|d| d.contains("requests_requested")), "{p:?}");
    let p = plan(conn, SEEN_SQL, &[text("2026-01-01"), text("openrouter")]);
    assert_searches_requests("models seen", &p, "usage_log");
    assert_avoids("models seen", &p, "requests");
}
