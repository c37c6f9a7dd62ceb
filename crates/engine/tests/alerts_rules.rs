//! Each alert fires exactly when its rule says, once per condition and period; alerts are
//! shown once and stay dismissed.

use std::str::FromStr;

use castwright_engine::alerts::{self, AlertKind, CreditStatus};
use castwright_engine::gateway::catalog_types::{Credits, KeyInfo};
use castwright_engine::store::Store;
use castwright_engine::usage::day_text;
use castwright_engine::ErrorCode;
use rust_decimal::Decimal;
use time::macros::{date, datetime};
use time::Date;

fn open_store(dir: &std::path::Path) -> Store {
    Store::open_in(dir).unwrap()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// One logged attempt costing `units` (1e-10 USD) on `day`.
fn spend(store: &Store, day: Date, episode: Option<&str>, units: i64) {
    let day = day_text(day);
    store
        .conn()
        .execute(
            "INSERT INTO requests (at, day, call_id, episode_id, connection_id, attempt,
                fallback_index, retry_index, model_requested, cost_units, cost_source, status)
             VALUES (?1, ?2, 'c', ?3, 'openrouter', 0, 0, 0, 'm', ?4, 'usage', 'ok')",
            rusqlite::params![format!("{day}T10:00:00.000Z"), day, episode, units],
        )
        .unwrap();
}

fn count_alerts(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT COUNT(*) FROM alerts", [], |r| r.get(0))
        .unwrap()
}

const DOLLAR: i64 = 10_000_000_000;

#[test]
fn low_balance_fires_below_the_threshold_once_a_day_per_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let day = date!(2026 - 03 - 10);
    // At the threshold is not below it.
    assert!(alerts::check_balance_on(conn, d("1.00"), d("1"), day)
        .unwrap()
        .is_none());
    assert!(alerts::check_balance_on(conn, d("5"), d("1"), day)
        .unwrap()
        .is_none());
    let a = alerts::check_balance_on(conn, d("0.4199"), d("1"), day)
        .unwrap()
        .unwrap();
    assert_eq!(a.kind, AlertKind::LowBalance);
    assert!(a.new);
    assert_eq!(a.subject, None);
    assert!(a.message.contains("$0.42"), "{}", a.message);
    assert!(a.message.contains("$1.00"), "{}", a.message);
    assert!(
        a.message.contains("Add credits on OpenRouter"),
        "{}",
        a.message
    );
    // Same day, same threshold (however written): nothing new, even lower.
    assert!(alerts::check_balance_on(conn, d("0.10"), d("1.00"), day)
        .unwrap()
        .is_none());
    // Another threshold the same day, or the next day: a new alert.
    assert!(alerts::check_balance_on(conn, d("0.10"), d("0.5"), day)
        .unwrap()
        .is_some());
    assert!(
        alerts::check_balance_on(conn, d("0.10"), d("1"), day.next_day().unwrap())
            .unwrap()
            .is_some()
    );
    assert_eq!(count_alerts(&store), 3);
    // A balance below zero reads as nothing left, not a negative amount.
    let a = alerts::check_balance_on(conn, d("-0.25"), d("1"), date!(2026 - 04 - 01))
        .unwrap()
        .unwrap();
    assert!(a.message.contains("down to $0.00"), "{}", a.message);
    // The undated form uses today.
    assert!(alerts::check_balance(conn, d("0"), d("2"))
        .unwrap()
        .is_some());
    assert!(alerts::check_balance(conn, d("0"), d("2"))
        .unwrap()
        .is_none());
}

#[test]
fn unusual_spend_is_more_than_three_times_the_usual_day() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let today = date!(2026 - 05 - 20);
    let ago = |n: i64| today - time::Duration::days(n);

    // No history at all: nothing, however much today.
    spend(&store, today, None, 50 * DOLLAR);
    assert!(alerts::check_unusual_spend(conn, today).unwrap().is_none());

    // Seven days at $1 (one of them split in two), and an old day that is outside the window.
    let dir2 = tempfile::tempdir().unwrap();
    let store = open_store(dir2.path());
    let conn = store.conn();
    spend(&store, ago(30), None, 1_000 * DOLLAR);
    for n in 1..=7 {
        spend(&store, ago(n), None, DOLLAR / 2);
        spend(&store, ago(n), None, DOLLAR / 2);
    }
    // Nothing today: nothing.
    assert!(alerts::check_unusual_spend(conn, today).unwrap().is_none());
    // Exactly three times: not unusual.
    spend(&store, today, None, 3 * DOLLAR);
    assert!(alerts::check_unusual_spend(conn, today).unwrap().is_none());
    // One ten-billionth of a dollar more: unusual.
    spend(&store, today, None, 1);
    let a = alerts::check_unusual_spend(conn, today).unwrap().unwrap();
    assert_eq!(a.kind, AlertKind::UnusualSpend);
    assert!(a.message.contains("$3.00 today"), "{}", a.message);
    assert!(a.message.contains("usual $1.00 a day"), "{}", a.message);
    assert!(a.message.contains("last 7 days"), "{}", a.message);
    // Once a day.
    spend(&store, today, None, 10 * DOLLAR);
    assert!(alerts::check_unusual_spend(conn, today).unwrap().is_none());
    assert_eq!(count_alerts(&store), 1);
}

#[test]
fn unusual_spend_averages_over_the_days_in_use_and_needs_spend_to_compare() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let today = date!(2026 - 05 - 20);
    let ago = |n: i64| today - time::Duration::days(n);
    // History that cost nothing (reused answers, refusals) is no basis for comparison.
    spend(&store, ago(3), None, 0);
    spend(&store, today, None, DOLLAR);
    assert!(alerts::check_unusual_spend(conn, today).unwrap().is_none());

    // Used for two days only: $2 yesterday, nothing the day before → usual is $1 a day.
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    spend(&store, ago(2), None, 0);
    spend(&store, ago(1), None, 2 * DOLLAR);
    spend(&store, today, None, 3 * DOLLAR);
    assert!(alerts::check_unusual_spend(conn, today).unwrap().is_none());
    spend(&store, today, None, 1);
    let a = alerts::check_unusual_spend(conn, today).unwrap().unwrap();
    assert!(a.message.contains("usual $1.00 a day"), "{}", a.message);
    assert!(a.message.contains("last 2 days"), "{}", a.message);
    // Spend after `today` (another day's check) is not today's.
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    spend(&store, ago(1), None, DOLLAR);
    spend(&store, today, None, DOLLAR);
    spend(&store, today.next_day().unwrap(), None, 100 * DOLLAR);
    assert!(alerts::check_unusual_spend(conn, today).unwrap().is_none());
    // One day of history: compared with that day.
    spend(&store, today, None, 2 * DOLLAR + 1);
    let a = alerts::check_unusual_spend(conn, today).unwrap().unwrap();
    assert!(a.message.contains("$3.00 today"), "{}", a.message);
    assert!(
        a.message
            .contains("usual $1.00 a day (what you spent yesterday)"),
        "{}",
        a.message
    );
}

fn episode(store: &Store, id: &str, title: &str, estimate: Option<i64>) {
    store
        .conn()
        .execute(
            "INSERT INTO episodes (id, title, budget_units, estimate_units, created_at, updated_at)
             VALUES (?1, ?2, 30000000000, ?3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            rusqlite::params![id, title, estimate],
        )
        .unwrap();
}

#[test]
fn an_episode_past_its_estimate_alerts_once_per_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let day = date!(2026 - 05 - 20);
    episode(&store, "ep_v", "Voyager", Some(9 * DOLLAR / 10));
    episode(&store, "ep_n", "No estimate", None);
    spend(&store, day, Some("ep_v"), DOLLAR / 2);
    // Another episode's spend does not count.
    spend(&store, day, Some("ep_n"), 50 * DOLLAR);
    assert!(alerts::check_episode_over_estimate(conn, "ep_v")
        .unwrap()
        .is_none());
    // Exactly at the estimate: not past it.
    spend(&store, day, Some("ep_v"), 4 * DOLLAR / 10);
    assert!(alerts::check_episode_over_estimate(conn, "ep_v")
        .unwrap()
        .is_none());
    spend(&store, day, Some("ep_v"), 3 * DOLLAR / 10);
    let a = alerts::check_episode_over_estimate(conn, "ep_v")
        .unwrap()
        .unwrap();
    assert_eq!(a.kind, AlertKind::OverEstimate);
    assert_eq!(a.subject.as_deref(), Some("ep_v"));
    assert!(
        a.message.contains("“Voyager” has cost $1.20"),
        "{}",
        a.message
    );
    assert!(a.message.contains("$0.90 estimated"), "{}", a.message);
    assert!(alerts::check_episode_over_estimate(conn, "ep_v")
        .unwrap()
        .is_none());
    // A new estimate, passed again: a new alert.
    conn.execute(
        "UPDATE episodes SET estimate_units = ?1 WHERE id = 'ep_v'",
        [DOLLAR],
    )
    .unwrap();
    assert!(alerts::check_episode_over_estimate(conn, "ep_v")
        .unwrap()
        .is_some());
    // No estimate, or no such episode: nothing.
    assert!(alerts::check_episode_over_estimate(conn, "ep_n")
        .unwrap()
        .is_none());
    assert!(alerts::check_episode_over_estimate(conn, "ep_missing")
        .unwrap()
        .is_none());
    assert_eq!(count_alerts(&store), 2);
}

#[test]
fn a_key_older_than_ninety_days_gets_one_reminder_per_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let set_key = |at: &str| {
        conn.execute(
            "UPDATE connections SET key_set_at = ?1 WHERE id = 'openrouter'",
            [at],
        )
        .unwrap();
    };
    // No key: nothing.
    let now = datetime!(2026-06-01 12:00:00 UTC);
    assert!(alerts::check_key_age(conn, "openrouter", now)
        .unwrap()
        .is_none());

    set_key("2026-03-03T12:00:00.000Z");
    // Exactly 90 days: not older.
    assert!(alerts::check_key_age(conn, "openrouter", now)
        .unwrap()
        .is_none());
    let later = now + time::Duration::milliseconds(1);
    let a = alerts::check_key_age(conn, "openrouter", later)
        .unwrap()
        .unwrap();
    assert_eq!(a.kind, AlertKind::RotateKey);
    assert_eq!(a.subject.as_deref(), Some("openrouter"));
    assert!(a.message.contains("90 days ago"), "{}", a.message);
    assert!(
        a.message.contains("press Reconnect in Settings"),
        "{}",
        a.message
    );
    // Once per key, however long it stays.
    let much_later = now + time::Duration::days(200);
    assert!(alerts::check_key_age(conn, "openrouter", much_later)
        .unwrap()
        .is_none());
    // A new key starts again; when it too grows old, a new reminder.
    set_key("2026-12-10T09:00:00.000Z");
    assert!(alerts::check_key_age(conn, "openrouter", much_later)
        .unwrap()
        .is_none());
    assert!(
        alerts::check_key_age(conn, "openrouter", much_later + time::Duration::days(100))
            .unwrap()
            .is_some()
    );
    // Unknown connection: nothing.
    assert!(alerts::check_key_age(conn, "conn_none", much_later)
        .unwrap()
        .is_none());
    assert_eq!(count_alerts(&store), 2);
}

#[test]
fn alerts_are_shown_once_and_stay_dismissed() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    let day = date!(2026 - 05 - 20);
    assert!(alerts::pending(conn).unwrap().is_empty());
    let low = alerts::check_balance_on(conn, d("0.1"), d("1"), day)
        .unwrap()
        .unwrap();
    episode(&store, "ep_v", "Voyager", Some(1));
    spend(&store, day, Some("ep_v"), 2);
    let over = alerts::check_episode_over_estimate(conn, "ep_v")
        .unwrap()
        .unwrap();

    let first = alerts::pending(conn).unwrap();
    assert_eq!(
        first.iter().map(|a| (a.id, a.new)).collect::<Vec<_>>(),
        vec![(low.id, true), (over.id, true)]
    );
    // Still visible, no longer new.
    let second = alerts::pending(conn).unwrap();
    assert_eq!(
        second.iter().map(|a| (a.id, a.new)).collect::<Vec<_>>(),
        vec![(low.id, false), (over.id, false)]
    );
    assert_eq!(second[1].subject.as_deref(), Some("ep_v"));
    assert_eq!(second[0].message, low.message);

    alerts::dismiss(conn, low.id).unwrap();
    // Dismissing twice is fine; the condition holding again does not bring it back.
    alerts::dismiss(conn, low.id).unwrap();
    assert!(alerts::check_balance_on(conn, d("0.05"), d("1"), day)
        .unwrap()
        .is_none());
    let third = alerts::pending(conn).unwrap();
    assert_eq!(
        third.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![over.id]
    );

    // A new alert among old ones is the only new one.
    let next = alerts::check_balance_on(conn, d("0.05"), d("1"), day.next_day().unwrap())
        .unwrap()
        .unwrap();
    let fourth = alerts::pending(conn).unwrap();
    assert_eq!(
        fourth.iter().map(|a| (a.id, a.new)).collect::<Vec<_>>(),
        vec![(over.id, false), (next.id, true)]
    );

    let err = alerts::dismiss(conn, 9_999).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(err.to_string().contains("no longer exists"));

    // Reopening the database keeps all of it.
    drop(store);
    let store = open_store(dir.path());
    let fifth = alerts::pending(store.conn()).unwrap();
    assert_eq!(
        fifth.iter().map(|a| (a.id, a.new)).collect::<Vec<_>>(),
        vec![(over.id, false), (next.id, false)]
    );
}

fn key(json: &str) -> KeyInfo {
    serde_json::from_str(json).unwrap()
}

fn credits(json: &str) -> Credits {
    serde_json::from_str(json).unwrap()
}

#[test]
fn credit_status_reads_key_and_account_exactly() {
    let limited = key(
        r#"{"label": "sk-or-v1-abc...123", "limit": 5, "usage": 0.1015644762,
            "limit_remaining": 4.8984355238, "is_free_tier": false}"#,
    );
    let account = credits(r#"{"total_credits": 50.0, "total_usage": 42.125}"#);

    let s = CreditStatus::new(&limited, Some(&account), d("5"));
    assert_eq!(s.label, "sk-or-v1-abc...123");
    assert_eq!(s.balance.as_deref(), Some("7.875"));
    assert_eq!(s.limit.as_deref(), Some("5"));
    assert_eq!(s.limit_remaining.as_deref(), Some("4.8984355238"));
    assert_eq!(s.usage.as_deref(), Some("0.1015644762"));
    // The key's limit is what runs out first.
    assert_eq!(
        alerts::spendable(&limited, Some(&account)),
        Some(d("4.8984355238"))
    );
    assert!(s.low);
    assert!(!CreditStatus::new(&limited, Some(&account), d("4.8984355238")).low);
    assert!(CreditStatus::new(&limited, Some(&account), d("4.8984355239")).low);

    // No limit on the key: the account balance decides.
    let open = key(r#"{"label": "k", "limit": null, "usage": 3, "limit_remaining": null}"#);
    assert_eq!(alerts::spendable(&open, Some(&account)), Some(d("7.875")));
    assert!(!CreditStatus::new(&open, Some(&account), d("7.875")).low);
    assert!(CreditStatus::new(&open, Some(&account), d("7.88")).low);
    let s = CreditStatus::new(&open, Some(&account), d("1"));
    assert_eq!((s.limit, s.limit_remaining), (None, None));

    // The account could not be read: the key's limit alone; with neither, never "low".
    let s = CreditStatus::new(&limited, None, d("5"));
    assert_eq!(s.balance, None);
    assert!(s.low);
    let s = CreditStatus::new(&open, None, d("5"));
    assert!(!s.low);
    assert_eq!(alerts::spendable(&open, None), None);

    // Crossing the wire: decimal strings.
    let json = serde_json::to_value(CreditStatus::new(&limited, Some(&account), d("1"))).unwrap();
    assert_eq!(json["balance"], "7.875");
    assert_eq!(json["low"], false);
}
