//! Where a page of the filtered request log lies, from the running totals.
//!
//! Every row of a `usage_log` group shares the group's day, status, stage, models, failure
//! kind and connection, so a filter on those columns matches a group's rows all or none, and
//! the group's lowest and highest row ids bound where they are. Walking the matching groups
//! newest first until they hold a page's worth of rows gives the id ranges the page must lie
//! in; only those ranges of the log itself are read, by row id, whatever the filter. Without
//! this, a filter that keeps few rows (one model among forty, a rare failure) makes SQLite
//! either count and sort all of a large index or walk far back through the log.

use rusqlite::{params_from_iter, Connection};

use super::conditions::Conditions;
use super::UsageError;

pub(crate) fn total_sql(cond: &Conditions) -> String {
    format!(
        "SELECT COALESCE(SUM(attempts), 0) FROM usage_log {}",
        cond.clause()
    )
}

/// Matching groups, highest row id first, read from the index alone.
pub(crate) fn groups_sql(cond: &Conditions) -> String {
    format!(
        "SELECT first_id, last_id, attempts FROM usage_log INDEXED BY usage_log_last {}
         ORDER BY last_id DESC",
        cond.clause()
    )
}

/// Inclusive id ranges, highest first and disjoint, that hold the newest `need` matching rows
/// below `before` (or all of them, when fewer match).
///
/// Groups are taken by highest id. Once those lying wholly below `before` hold `need` rows,
/// the lowest first id among them, `floor`, bounds the page: at least `need` matching rows
/// have an id at or above it. Every group with rows at or above `floor` has its highest id
/// there too, so it has been met by the time the walk reaches groups ending below `floor`.
pub(crate) fn page_ranges(
    conn: &Connection,
    cond: &Conditions,
    before: Option<i64>,
    need: i64,
) -> Result<Vec<(i64, i64)>, UsageError> {
    let top = before.map_or(i64::MAX, |b| b.saturating_sub(1));
    let mut stmt = conn.prepare_cached(&groups_sql(cond))?;
    let mut rows = stmt.query(params_from_iter(cond.values()))?;
    let mut ranges = Vec::new();
    let mut below = 0i64;
    let mut lowest_first = i64::MAX;
    let mut floor: Option<i64> = None;
    while let Some(r) = rows.next()? {
        let (first, last, attempts): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if floor.is_some_and(|f| last < f) {
            break;
        }
        if first > top {
            continue;
        }
        ranges.push((first, last.min(top)));
        if last <= top && floor.is_none() {
            below += attempts;
            lowest_first = lowest_first.min(first);
            if below >= need {
                floor = Some(lowest_first);
            }
        }
    }
    let floor = floor.unwrap_or(i64::MIN);
    let mut clipped: Vec<(i64, i64)> = ranges
        .into_iter()
        .filter(|(_, last)| *last >= floor)
        .map(|(first, last)| (first.max(floor), last))
        .collect();
    Ok(merge(&mut clipped))
}

/// Sorts and joins overlapping or touching ranges, highest first.
fn merge(ranges: &mut [(i64, i64)]) -> Vec<(i64, i64)> {
    ranges.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(ranges.len());
    for &(first, last) in ranges.iter() {
        match out.last_mut() {
            Some(prev) if last >= prev.0.saturating_sub(1) => prev.0 = prev.0.min(first),
            _ => out.push((first, last)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn ranges_merge_highest_first() {
        let mut r = vec![(1, 3), (10, 12), (2, 6), (7, 8), (20, 20)];
        assert_eq!(merge(&mut r), vec![(20, 20), (10, 12), (1, 8)]);
        let mut r = vec![(9, 9), (10, 12), (7, 8)];
        assert_eq!(merge(&mut r), vec![(7, 12)]);
        let mut r = vec![(5, 5), (1, 2)];
        assert_eq!(merge(&mut r), vec![(5, 5), (1, 2)]);
        assert_eq!(merge(&mut []), Vec::<(i64, i64)>::new());
    }
}
