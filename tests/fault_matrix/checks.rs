//! What a cell is checked against once it ran: the emulator's settled bill, the request
//! log row by row, open reservations and lost outputs.

use std::collections::BTreeMap;
use std::time::Duration;

use castwright_engine::money::{from_units, to_units};
use castwright_engine::pipeline::RunError;
use openrouter_sim::SimServer;

use super::{Cell, Stage};

/// The emulator's bill once every connection it served has wound down (a stream the client
/// gave up on is billed when the emulator notices it has gone): the total, and each
/// generation's cost by id.
pub(super) async fn settled_bill(sim: &SimServer) -> (i64, BTreeMap<String, i64>) {
    let mut last = (to_units(sim.billing().total), sim.billing().generations);
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = (to_units(sim.billing().total), sim.billing().generations);
        if now == last {
            break;
        }
        last = now;
    }
    let report = sim.billing();
    let each = report
        .history
        .iter()
        .map(|g| (g.id.clone(), to_units(g.cost)))
        .collect();
    (to_units(report.total), each)
}

/// Every generation the emulator billed has exactly one request-log row, at the same cost;
/// every row that cost something names a billed generation.
pub(super) fn rows_match_bill(
    conn: &rusqlite::Connection,
    billed: &BTreeMap<String, i64>,
    problems: &mut Vec<String>,
) {
    let mut stmt = conn
        .prepare("SELECT id, generation_id, cost_units FROM requests")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<(i64, Option<String>, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(|rows| rows.collect())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut seen: BTreeMap<&str, i64> = BTreeMap::new();
    for (id, generation, cost) in &rows {
        match generation.as_deref().and_then(|g| billed.get_key_value(g)) {
            Some((g, units)) => {
                *seen.entry(g.as_str()).or_default() += 1;
                if cost != units {
                    problems.push(format!(
                        "row {id} ({g}) logs {} but the emulator billed {}",
                        from_units(*cost),
                        from_units(*units)
                    ));
                }
            }
            None if *cost != 0 => problems.push(format!(
                "row {id} logs {} for a generation the emulator never billed ({generation:?})",
                from_units(*cost)
            )),
            None => {}
        }
    }
    for (g, units) in billed {
        match seen.get(g.as_str()) {
            Some(1) => {}
            Some(n) => problems.push(format!("generation {g} is logged {n} times")),
            None => problems.push(format!(
                "generation {g} ({}) is missing from the request log",
                from_units(*units)
            )),
        }
    }
}

pub(super) fn query_i64(conn: &rusqlite::Connection, sql: &str, p: &[&dyn rusqlite::ToSql]) -> i64 {
    conn.query_row(sql, p, |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Checks the database after a cell: the ledger against the bill, open reservations, lost
/// outputs. Returns (ledger units, attempts at the faulted stage).
pub(super) fn inspect(
    conn: &rusqlite::Connection,
    ep: &str,
    cell: &Cell,
    result: &Result<castwright_engine::pipeline::RunResult, RunError>,
    failed_stage: Option<Stage>,
    billed_units: i64,
    problems: &mut Vec<String>,
) -> (i64, i64) {
    let ledger_units = query_i64(
        conn,
        "SELECT COALESCE(SUM(cost_units), 0) FROM requests",
        &[],
    );
    if ledger_units != billed_units {
        problems.push(format!(
            "request log {} ≠ emulator bill {}",
            from_units(ledger_units),
            from_units(billed_units)
        ));
    }
    let estimated = query_i64(
        conn,
        "SELECT count(*) FROM requests WHERE estimated = 1",
        &[],
    );
    if estimated > 0 {
        problems.push(format!("{estimated} request rows carry an estimated cost"));
    }
    let open = query_i64(
        conn,
        "SELECT count(*) FROM budget_reservations WHERE settled_at IS NULL",
        &[],
    );
    if open > 0 {
        problems.push(format!("{open} budget reservations left open"));
    }
    // Every stage before the one that stopped (all four when the run completed) has its output.
    let must_have: Vec<Stage> = match failed_stage {
        Some(s) => Stage::ALL.into_iter().take_while(|x| *x != s).collect(),
        None if result.is_ok() => Stage::ALL.to_vec(),
        None => Vec::new(),
    };
    for s in must_have {
        let n = query_i64(
            conn,
            "SELECT count(*) FROM artifacts WHERE episode_id = ?1 AND stage = ?2 AND kind IN ('output', 'rewrite')",
            &[&ep, &s.as_str()],
        );
        if n == 0 {
            problems.push(format!("the {} output is missing", s.as_str()));
        }
    }
    let attempts = query_i64(
        conn,
        "SELECT count(*) FROM requests WHERE stage = ?1 AND status != 'cache_hit'",
        &[&cell.stage.as_str()],
    );
    (ledger_units, attempts)
}
