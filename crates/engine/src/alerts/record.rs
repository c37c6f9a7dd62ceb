//! The `alerts` table: storing an alert once per condition, showing it once, dismissing it.

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::AlertError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Credit below the producer's warning level → "Add credits on OpenRouter".
    LowBalance,
    /// Today's spend far above the usual → the usage page.
    UnusualSpend,
    /// An episode cost more than its estimate → that episode (`subject`).
    OverEstimate,
    /// A key set long ago → Settings, where pasting a new key replaces it (`subject` is the
    /// connection).
    RotateKey,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::LowBalance => "low_balance",
            AlertKind::UnusualSpend => "unusual_spend",
            AlertKind::OverEstimate => "over_estimate",
            AlertKind::RotateKey => "rotate_key",
        }
    }

    pub fn parse(s: &str) -> Option<AlertKind> {
        [
            AlertKind::LowBalance,
            AlertKind::UnusualSpend,
            AlertKind::OverEstimate,
            AlertKind::RotateKey,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Whether the second part of the dedupe key names what the alert is about.
    fn has_subject(self) -> bool {
        matches!(self, AlertKind::OverEstimate | AlertKind::RotateKey)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Alert {
    pub id: u32,
    pub kind: AlertKind,
    /// The plain sentence the producer reads.
    pub message: String,
    /// The episode (over estimate) or connection (rotate key) it is about.
    pub subject: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Not shown before this time.
    pub new: bool,
}

/// `<kind>:<subject or period>:<detail>`; subjects (episode and connection ids) hold no `:`.
pub(crate) fn dedupe_key(kind: AlertKind, parts: &[&str]) -> String {
    let mut key = kind.as_str().to_string();
    for p in parts {
        key.push(':');
        key.push_str(p);
    }
    key
}

fn subject(kind: AlertKind, dedupe_key: &str) -> Option<String> {
    kind.has_subject()
        .then(|| dedupe_key.split(':').nth(1).map(str::to_string))
        .flatten()
}

/// Stores the alert unless one with the same dedupe key exists (shown, dismissed or not).
/// Returns it only when it is new.
pub(crate) fn raise(
    conn: &Connection,
    kind: AlertKind,
    message: &str,
    dedupe_key: &str,
) -> Result<Option<Alert>, AlertError> {
    let created_at = crate::clock::stamp(crate::clock::now());
    let added = conn.execute(
        "INSERT INTO alerts (kind, message, dedupe_key, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (dedupe_key) DO NOTHING",
        params![kind.as_str(), message, dedupe_key, created_at],
    )?;
    if added == 0 {
        return Ok(None);
    }
    tracing::info!(kind = kind.as_str(), "alert raised");
    Ok(Some(Alert {
        id: u32::try_from(conn.last_insert_rowid()).unwrap_or(u32::MAX),
        kind,
        message: message.to_string(),
        subject: subject(kind, dedupe_key),
        created_at,
        new: true,
    }))
}

/// The alerts to show: every one not dismissed, oldest first, with `new` set on those shown
/// for the first time now. They are marked shown in the same transaction, so a second call
/// returns them again (still visible) but no longer as new. The write lock is taken first so
/// two windows asking at once cannot both see an alert as new.
pub fn pending(conn: &Connection) -> Result<Vec<Alert>, AlertError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let alerts = {
        let mut stmt = tx.prepare_cached(
            "SELECT id, kind, message, dedupe_key, created_at, shown_at IS NULL FROM alerts
             WHERE dismissed_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?;
        let mut alerts = Vec::new();
        for row in rows {
            let (id, kind, message, key, created_at, new) = row?;
            let Some(kind) = AlertKind::parse(&kind) else {
                // Written by a newer Castwright: leave it for that version to show.
                tracing::warn!(%kind, "skipping an alert of an unknown kind");
                continue;
            };
            alerts.push(Alert {
                id: u32::try_from(id).unwrap_or(u32::MAX),
                kind,
                message,
                subject: subject(kind, &key),
                created_at,
                new,
            });
        }
        alerts
    };
    {
        let shown_at = crate::clock::stamp(crate::clock::now());
        let mut mark = tx.prepare_cached("UPDATE alerts SET shown_at = ?1 WHERE id = ?2")?;
        for a in alerts.iter().filter(|a| a.new) {
            mark.execute(params![shown_at, a.id])?;
        }
    }
    tx.commit()?;
    Ok(alerts)
}

/// Hides an alert for good. Dismissing one already dismissed keeps its first dismissal.
pub fn dismiss(conn: &Connection, id: u32) -> Result<(), AlertError> {
    let found: Option<i64> = conn
        .query_row("SELECT id FROM alerts WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    if found.is_none() {
        return Err(AlertError::NotFound { id });
    }
    conn.execute(
        "UPDATE alerts SET dismissed_at = ?1 WHERE id = ?2 AND dismissed_at IS NULL",
        params![crate::clock::stamp(crate::clock::now()), id],
    )?;
    Ok(())
}
