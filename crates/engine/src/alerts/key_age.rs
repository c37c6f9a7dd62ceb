//! The reminder to replace a key that has been in use for a long time.

use rusqlite::{Connection, OptionalExtension};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::record::{dedupe_key, raise, Alert, AlertKind};
use super::AlertError;

/// A key set longer ago than this is due for replacing.
pub const KEY_MAX_AGE_DAYS: i64 = 90;

/// A reminder when the connection's key was set more than 90 days before `now`: once per key
/// (setting a new key, through the usual set-key step, starts the clock again).
pub fn check_key_age(
    conn: &Connection,
    connection_id: &str,
    now: OffsetDateTime,
) -> Result<Option<Alert>, AlertError> {
    let row: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT name, key_set_at FROM connections WHERE id = ?1",
            [connection_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((name, Some(set_at))) = row else {
        return Ok(None);
    };
    let Ok(set) = OffsetDateTime::parse(&set_at, &Rfc3339) else {
        tracing::warn!(connection_id, "key date unreadable; no rotation reminder");
        return Ok(None);
    };
    let age = now - set;
    if age <= time::Duration::days(KEY_MAX_AGE_DAYS) {
        return Ok(None);
    }
    let days = age.whole_days();
    // OpenRouter keys come from "Connect with OpenRouter", so replacing one is one click.
    let message = if connection_id == crate::connections::OPENROUTER {
        format!(
            "Your {name} key was added {days} days ago. Replacing a key every few months keeps \
             your account safe: press Reconnect in Settings — Castwright gets a new key from \
             {name} and replaces the old one once the new one works."
        )
    } else {
        format!(
            "Your {name} key was added {days} days ago. Replacing a key every few months keeps \
             your account safe: create a new key at {name}, then paste it in Settings — it \
             replaces the old one."
        )
    };
    let key = dedupe_key(AlertKind::RotateKey, &[connection_id, &set_at]);
    raise(conn, AlertKind::RotateKey, &message, &key)
}
