//! Which days a dashboard figure covers.

use serde::{Deserialize, Serialize};
use time::Date;

/// The last N UTC days (today included) or everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Range {
    LastDays {
        days: u32,
    },
    #[default]
    All,
}

impl Range {
    /// The first day inside the range, as stored in `requests.day`, or `None` for all days.
    /// "Last 7 days" on the 24th is the 18th to the 24th; zero days is read as today alone.
    pub fn first_day(self, today: Date) -> Option<String> {
        match self {
            Range::All => None,
            Range::LastDays { days } => {
                let back = i64::from(days.max(1) - 1);
                let first = today
                    .checked_sub(time::Duration::days(back))
                    .unwrap_or(Date::MIN);
                Some(day_text(first))
            }
        }
    }

    /// `first_day` for the current UTC day.
    pub(crate) fn first_day_now(self) -> Option<String> {
        self.first_day(crate::clock::now().date())
    }
}

/// `2026-11-24`, the format of `requests.day`.
pub fn day_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn last_days_counts_today_as_the_first() {
        let today = date!(2026 - 03 - 02);
        assert_eq!(
            Range::LastDays { days: 7 }.first_day(today).as_deref(),
            Some("2026-02-24")
        );
        assert_eq!(
            Range::LastDays { days: 1 }.first_day(today).as_deref(),
            Some("2026-03-02")
        );
        assert_eq!(
            Range::LastDays { days: 0 }.first_day(today).as_deref(),
            Some("2026-03-02")
        );
        assert_eq!(Range::All.first_day(today), None);
    }

    #[test]
    fn ranges_cross_the_wire_tagged() {
        let r: Range = serde_json::from_str(r#"{"kind":"last_days","days":30}"#).unwrap();
        assert_eq!(r, Range::LastDays { days: 30 });
        let r: Range = serde_json::from_str(r#"{"kind":"all"}"#).unwrap();
        assert_eq!(r, Range::All);
    }
}
