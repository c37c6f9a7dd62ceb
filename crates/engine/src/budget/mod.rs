//! Spending limits that cannot be overshot.
//!
//! Before a call, its worst case is reserved inside one `BEGIN IMMEDIATE` transaction: the
//! limit check and the reservation are one atomic step, so no number of concurrent calls —
//! in this process or another one sharing the database — can reserve past a limit. After the
//! call the reservation is settled to the real cost in the same transaction that writes the
//! request-log row. Until that settlement commits, the reservation keeps counting against
//! the limits. (The router hands both steps to the bookkeeping writer, which may put several
//! reservations, or several settlements, in one transaction: `reserve_in` and `settle_in` are
//! the steps without the transaction around them.)

mod worst_case;

pub use worst_case::{prompt_token_bound, WorstCase, PER_MESSAGE_ALLOWANCE};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use rust_decimal::Decimal;

use crate::ledger::{self, AttemptRow};
use crate::money::from_units;
use crate::ErrorCode;

/// One limit a call counts against. `limit_units: None` tracks spend without a cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeLimit {
    pub scope: String,
    pub limit_units: Option<i64>,
}

impl ScopeLimit {
    pub fn episode(episode_id: &str, limit: Decimal) -> Self {
        ScopeLimit {
            scope: format!("episode:{episode_id}"),
            limit_units: Some(crate::money::to_units(limit)),
        }
    }
    pub fn month(month: &str, limit: Option<Decimal>) -> Self {
        ScopeLimit {
            scope: format!("month:{month}"),
            limit_units: limit.map(crate::money::to_units),
        }
    }
}

/// A reservation held while a call is in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub id: i64,
    pub amount_units: i64,
    pub scopes: Vec<String>,
    /// The output length the reservation pays for (lowered to fit if needed).
    pub max_tokens: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    #[error(
        "This step could cost up to {needed}; {what} has {left} left. Raise the limit, choose \
         cheaper models, or make the episode shorter. Nothing was spent."
    )]
    Refused {
        needed: String,
        left: String,
        what: String,
        needed_units: i64,
        left_units: i64,
    },
    #[error("The spending records could not be updated. {}", crate::store::plain_words(.0))]
    Store(#[from] rusqlite::Error),
}

impl BudgetError {
    pub fn code(&self) -> ErrorCode {
        match self {
            BudgetError::Refused { .. } => ErrorCode::BudgetRefused,
            BudgetError::Store(_) => ErrorCode::Database,
        }
    }
}

fn scope_label(scope: &str) -> String {
    if scope.starts_with("episode:") {
        "this episode".into()
    } else if scope.starts_with("month:") {
        "this month's limit".into()
    } else {
        "the limit".into()
    }
}

/// Reserves the worst case of a call against every scope, lowering `max_tokens` to what fits
/// (never below `wc.min_tokens`), or refuses with $0 spent.
pub fn reserve(
    conn: &mut Connection,
    call_id: &str,
    scopes: &[ScopeLimit],
    wc: &WorstCase,
) -> Result<Reservation, BudgetError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let r = reserve_in(&tx, call_id, scopes, wc)?;
    tx.commit()?;
    Ok(r)
}

/// `reserve` inside a write transaction the caller opened (and commits) — the limit check
/// is only safe there.
pub fn reserve_in(
    tx: &Connection,
    call_id: &str,
    scopes: &[ScopeLimit],
    wc: &WorstCase,
) -> Result<Reservation, BudgetError> {
    // The tightest remaining room across the scopes.
    let mut left: Option<(i64, &str)> = None;
    for s in scopes {
        let (spent, reserved): (i64, i64) = tx
            .prepare_cached(
                "SELECT spent_units, reserved_units FROM budget_totals WHERE scope = ?1",
            )?
            .query_row([&s.scope], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, 0));
        if let Some(limit) = s.limit_units {
            let room = limit.saturating_sub(spent).saturating_sub(reserved).max(0);
            if left.is_none_or(|(l, _)| room < l) {
                left = Some((room, s.scope.as_str()));
            }
        }
    }
    let full = wc.total_units(wc.max_tokens);
    let (amount, max_tokens) = match left {
        None => (full, wc.max_tokens),
        Some((room, _)) if full <= room => (full, wc.max_tokens),
        Some((room, scope)) => {
            let fits = wc.tokens_affordable(room);
            if fits >= wc.min_tokens && fits > 0 {
                (wc.total_units(fits), fits)
            } else {
                let needed = wc.total_units(wc.min_tokens.min(wc.max_tokens).max(1));
                return Err(BudgetError::Refused {
                    needed: crate::money::display_usd(from_units(needed)),
                    left: crate::money::display_usd(from_units(room)),
                    what: scope_label(scope),
                    needed_units: needed,
                    left_units: room,
                });
            }
        }
    };
    let names: Vec<String> = scopes.iter().map(|s| s.scope.clone()).collect();
    for s in &names {
        tx.prepare_cached(
            "INSERT INTO budget_totals (scope, reserved_units) VALUES (?1, ?2)
             ON CONFLICT (scope) DO UPDATE SET reserved_units = reserved_units + excluded.reserved_units",
        )?
        .execute(params![s, amount])?;
    }
    tx.prepare_cached(
        "INSERT INTO budget_reservations (call_id, scopes, amount_units, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        call_id,
        serde_json::to_string(&names).unwrap_or_else(|_| "[]".into()),
        amount,
        crate::clock::stamp(crate::clock::now())
    ])?;
    let id = tx.last_insert_rowid();
    Ok(Reservation {
        id,
        amount_units: amount,
        scopes: names,
        max_tokens,
    })
}

/// Settles a reservation to what the call really cost and writes its request-log row, in
/// one transaction.
pub fn settle(
    conn: &mut Connection,
    reservation: &Reservation,
    row: &AttemptRow,
) -> Result<(), BudgetError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    settle_in(&tx, reservation, row)?;
    tx.commit()?;
    Ok(())
}

/// `settle` inside a write transaction the caller opened (and commits). A reservation that
/// `release_stale` already let go is not released twice: the spend and the row still count.
pub fn settle_in(
    tx: &Connection,
    reservation: &Reservation,
    row: &AttemptRow,
) -> Result<(), BudgetError> {
    if row.cost_units > reservation.amount_units {
        tracing::warn!(
            reserved = reservation.amount_units,
            actual = row.cost_units,
            model = %row.model_served.as_deref().unwrap_or(&row.model_requested),
            "a call cost more than its reservation"
        );
    }
    let open = tx
        .prepare_cached(
            "UPDATE budget_reservations SET settled_at = ?2, generation_id = ?3
             WHERE id = ?1 AND settled_at IS NULL",
        )?
        .execute(params![
            reservation.id,
            crate::clock::stamp(crate::clock::now()),
            row.generation_id
        ])?;
    let held = if open == 1 {
        reservation.amount_units
    } else {
        0
    };
    for s in &reservation.scopes {
        tx.prepare_cached(
            "UPDATE budget_totals SET reserved_units = reserved_units - ?2, spent_units = spent_units + ?3 WHERE scope = ?1",
        )?
        .execute(params![s, held, row.cost_units])?;
    }
    ledger::insert(tx, row)?;
    Ok(())
}

/// Writes a row that spent nothing against the budget (a refusal or a cache hit).
pub fn record_unbilled(conn: &Connection, row: &AttemptRow) -> Result<(), BudgetError> {
    ledger::insert(conn, row)?;
    Ok(())
}

/// Settled spend and open reservations of a scope, in units.
pub fn totals(conn: &Connection, scope: &str) -> rusqlite::Result<(i64, i64)> {
    Ok(conn
        .query_row(
            "SELECT spent_units, reserved_units FROM budget_totals WHERE scope = ?1",
            [scope],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, 0)))
}

/// The least room left under the limits of `scopes` (limit − spent − reserved, never below
/// zero), or `None` when none of them has a limit. A read, not a reservation: what it allows
/// may be taken by another call before this one reserves (the reservation still refuses).
pub fn room(conn: &Connection, scopes: &[ScopeLimit]) -> rusqlite::Result<Option<i64>> {
    let mut least: Option<i64> = None;
    for s in scopes {
        if let Some(limit) = s.limit_units {
            let (spent, reserved) = totals(conn, &s.scope)?;
            let room = limit.saturating_sub(spent).saturating_sub(reserved).max(0);
            least = Some(least.map_or(room, |l| l.min(room)));
        }
    }
    Ok(least)
}

/// Spend recorded for a scope, as dollars.
pub fn spent(conn: &Connection, scope: &str) -> rusqlite::Result<Decimal> {
    Ok(from_units(totals(conn, scope)?.0))
}

/// After a crash or a kill, reservations left open by a call that is gone still hold money
/// back. `release_stale` releases every open reservation; call it only when no call is in
/// flight. `release_stale_for` releases those counting against one scope — a run of an episode
/// calls it for its own episode when it starts, since one episode runs once at a time.
pub fn release_stale(conn: &mut Connection) -> rusqlite::Result<usize> {
    release_matching(conn, None)
}

/// Releases the open reservations that count against `scope` (e.g. `episode:<id>`).
pub fn release_stale_for(conn: &mut Connection, scope: &str) -> rusqlite::Result<usize> {
    release_matching(conn, Some(scope))
}

fn release_matching(conn: &mut Connection, scope: Option<&str>) -> rusqlite::Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let open: Vec<(i64, String, i64)> = {
        let mut stmt = tx.prepare(
            "SELECT id, scopes, amount_units FROM budget_reservations WHERE settled_at IS NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let all: Vec<(i64, String, i64)> = rows.collect::<Result<_, _>>()?;
        all.into_iter()
            .filter(|(_, scopes, _)| {
                scope.is_none_or(|s| {
                    serde_json::from_str::<Vec<String>>(scopes)
                        .is_ok_and(|v| v.iter().any(|x| x == s))
                })
            })
            .collect()
    };
    for (id, scopes, amount) in &open {
        let scopes: Vec<String> = serde_json::from_str(scopes).unwrap_or_default();
        for s in scopes {
            tx.execute(
                "UPDATE budget_totals SET reserved_units = MAX(reserved_units - ?2, 0) WHERE scope = ?1",
                params![s, amount],
            )?;
        }
        tx.execute(
            "UPDATE budget_reservations SET settled_at = ?2 WHERE id = ?1",
            params![id, crate::clock::stamp(crate::clock::now())],
        )?;
    }
    tx.commit()?;
    Ok(open.len())
}
