//! Alerts for the producer: low credit, unusual spend, an episode costing more than its
//! estimate, and a reminder to replace an old key. Each is stored once per condition and
//! period (its `dedupe_key`), shown once, and stays gone once dismissed.

mod credit_status;
mod error;
mod key_age;
mod record;
mod spend_rules;

pub use credit_status::{spendable, CreditStatus};
pub use error::AlertError;
pub use key_age::{check_key_age, KEY_MAX_AGE_DAYS};
pub use record::{dismiss, pending, Alert, AlertKind};
pub use spend_rules::{
    check_balance, check_balance_on, check_episode_over_estimate, check_unusual_spend,
    UNUSUAL_FACTOR,
};

#[cfg(test)]
mod query_plans {
    use rusqlite::types::Value;

    use super::spend_rules::{EPISODE_SPEND_SQL, FIRST_DAY_SQL, SPEND_BETWEEN_SQL};
    use crate::usage::test_support::{assert_searches_requests, open_store, plan};

    #[test]
    fn spend_rules_read_requests_through_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(dir.path());
        let conn = store.conn();
        let day = |s: &str| Value::Text(s.to_string());
        let p = plan(
            conn,
            SPEND_BETWEEN_SQL,
            &[day("2026-01-01"), day("2026-01-08")],
        );
        assert_searches_requests("spend between days", &p, "requests");
        let p = plan(conn, EPISODE_SPEND_SQL, &[day("ep_1")]);
        assert_searches_requests("episode spend", &p, "requests");
        assert!(p.iter().any(|d| d.contains("requests_episode")), "{p:?}");
        // MIN over an indexed column reads one end of the index.
        let p = plan(conn, FIRST_DAY_SQL, &[]);
        assert!(p.iter().any(|d| d.contains("requests_day")), "{p:?}");
    }
}
