//! Alerts about money: low credit, a day of unusual spend, an episode past its estimate.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use time::Date;

use super::record::{dedupe_key, raise, Alert, AlertKind};
use super::AlertError;
use crate::money::{display_usd, from_units};
use crate::usage::day_text;

/// Today's spend above this many times the usual daily spend is unusual.
pub const UNUSUAL_FACTOR: i64 = 3;

/// Days of history the usual daily spend is averaged over.
const TRAILING_DAYS: i64 = 7;

/// A low-credit alert when `balance` is under `threshold`: at most once per UTC day for each
/// warning level.
pub fn check_balance(
    conn: &Connection,
    balance: Decimal,
    threshold: Decimal,
) -> Result<Option<Alert>, AlertError> {
    check_balance_on(conn, balance, threshold, crate::clock::now().date())
}

/// [`check_balance`] for a given UTC day.
pub fn check_balance_on(
    conn: &Connection,
    balance: Decimal,
    threshold: Decimal,
    today: Date,
) -> Result<Option<Alert>, AlertError> {
    if balance >= threshold {
        return Ok(None);
    }
    let message = format!(
        "Your OpenRouter credit is down to {}, below the {} you asked to be warned at. \
         Add credits on OpenRouter so your next run does not pause.",
        display_usd(balance.max(Decimal::ZERO)),
        display_usd(threshold)
    );
    let key = dedupe_key(
        AlertKind::LowBalance,
        &[&day_text(today), &threshold.normalize().to_string()],
    );
    raise(conn, AlertKind::LowBalance, &message, &key)
}

/// Spend over a span of days, through the day index.
pub(crate) const SPEND_BETWEEN_SQL: &str =
    "SELECT COALESCE(SUM(cost_units), 0) FROM requests WHERE day >= ?1 AND day < ?2";

/// The first day anything was logged (read off the day index).
pub(crate) const FIRST_DAY_SQL: &str = "SELECT MIN(day) FROM requests";

/// An episode's recorded spend, through the episode index.
pub(crate) const EPISODE_SPEND_SQL: &str =
    "SELECT COALESCE(SUM(cost_units), 0) FROM requests WHERE episode_id = ?1";

fn units_between(conn: &Connection, from: &str, to_excl: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(SPEND_BETWEEN_SQL)?
        .query_row(params![from, to_excl], |r| r.get(0))
}

/// An alert when today's spend is more than three times the usual daily spend: the average
/// over the last 7 days before today — or over the days since Castwright was first used, when
/// that is more recent, so a new install is not compared against days it did not exist.
/// Nothing without earlier spend to compare with. At most once per day.
pub fn check_unusual_spend(conn: &Connection, today: Date) -> Result<Option<Alert>, AlertError> {
    let day = |offset: i64| {
        day_text(
            today
                .checked_add(time::Duration::days(offset))
                .unwrap_or(today),
        )
    };
    let today_units = units_between(conn, &day(0), &day(1))?;
    if today_units <= 0 {
        return Ok(None);
    }
    // MIN over no rows is one NULL row.
    let first_used: Option<String> = conn.query_row(FIRST_DAY_SQL, [], |r| r.get(0))?;
    let Some(first_used) = first_used else {
        return Ok(None);
    };
    let start = day(-TRAILING_DAYS).max(first_used);
    let days = days_before(&start, today);
    if days <= 0 {
        return Ok(None);
    }
    let trailing_units = units_between(conn, &start, &day(0))?;
    if trailing_units <= 0 {
        return Ok(None);
    }
    // today > 3 × (trailing ÷ days), in integers so exactly three times is not unusual.
    if i128::from(today_units) * i128::from(days)
        <= i128::from(UNUSUAL_FACTOR) * i128::from(trailing_units)
    {
        return Ok(None);
    }
    let usual = from_units(trailing_units) / Decimal::from(days);
    let basis = if days == 1 {
        "what you spent yesterday".to_string()
    } else {
        format!("the average of the last {days} days")
    };
    let message = format!(
        "You have spent {} today, more than three times your usual {} a day ({basis}). \
         The Usage page shows where it went.",
        display_usd(from_units(today_units)),
        display_usd(usual)
    );
    let key = dedupe_key(AlertKind::UnusualSpend, &[&day(0)]);
    raise(conn, AlertKind::UnusualSpend, &message, &key)
}

/// Whole days from `start` (YYYY-MM-DD) up to, not including, `today`.
fn days_before(start: &str, today: Date) -> i64 {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(start, format)
        .map(|s| (today - s).whole_days())
        .unwrap_or(0)
}

/// An alert when the episode's recorded spend passes the estimate it was last given: once per
/// estimate, so a new estimate that is passed again alerts again.
pub fn check_episode_over_estimate(
    conn: &Connection,
    episode_id: &str,
) -> Result<Option<Alert>, AlertError> {
    let episode: Option<(String, Option<i64>)> = conn
        .query_row(
            "SELECT title, estimate_units FROM episodes WHERE id = ?1",
            [episode_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((title, Some(estimate))) = episode else {
        return Ok(None);
    };
    let spent: i64 = conn
        .prepare_cached(EPISODE_SPEND_SQL)?
        .query_row([episode_id], |r| r.get(0))?;
    if spent <= estimate {
        return Ok(None);
    }
    let message = format!(
        "“{title}” has cost {} so far, more than the {} estimated before it ran. Its spending \
         limit still applies; the Usage page shows which steps cost more.",
        display_usd(from_units(spent)),
        display_usd(from_units(estimate))
    );
    let key = dedupe_key(
        AlertKind::OverEstimate,
        &[episode_id, &estimate.to_string()],
    );
    raise(conn, AlertKind::OverEstimate, &message, &key)
}
