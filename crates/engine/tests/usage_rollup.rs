//! The dashboard's running totals against the request log itself: after inserts of every
//! kind (through the ledger's writer, with days out of order, from several connections at
//! once), after an episode is deleted, and when filled from rows written before they existed.
//! Each time every total is recomputed from `requests` directly and compared, and the log's
//! pages are compared with a plain `ORDER BY id DESC` over the same filter.

mod usage_fixtures;

use std::collections::BTreeMap;

use castwright_engine::ledger::{self, AttemptRow, CostSource, Status};
use castwright_engine::store::{Store, MIGRATIONS};
use castwright_engine::usage::{self, day_text, LogFilter, Page, Range, DELETED_EPISODE};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};
use usage_fixtures::{episode, open_store};

const MODELS: [&str; 4] = [
    "openai/gpt-6.1-terra",
    "openai/gpt-6-luna",
    "deepseek/r1",
    "m",
];
const STAGES: [Option<&str>; 3] = [Some("research"), Some("script"), None];
const EPISODES: [Option<&str>; 4] = [Some("ep_a"), Some("ep_b"), Some("ep_gone"), None];
const STATUSES: [&str; 5] = ["ok", "error", "cache_hit", "cancelled", "refused"];

type Totals = BTreeMap<Option<String>, [i64; 5]>;

fn days_back(n: i64) -> String {
    day_text(castwright_engine::clock::now().date() - time::Duration::days(n))
}

/// Rows with days, groupings and calls mixed at random: a call's attempts may fall on
/// different days (earlier days after later ones too), change stage, episode and model, and
/// ids may be given out of order.
fn insert_random(conn: &Connection, rng: &mut StdRng, n: usize, calls: usize, explicit_ids: bool) {
    let mut stmt = conn
        .prepare(
            "INSERT INTO requests (id, at, day, call_id, episode_id, stage, connection_id,
                attempt, fallback_index, retry_index, model_requested, model_served,
                prompt_tokens, completion_tokens, cost_units, cost_source, saved_units, status,
                error_kind, error_message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, 0, ?8, ?9, ?10, ?11, ?12, 'usage', ?13,
                ?14, ?15, ?16)",
        )
        .unwrap();
    let base: i64 = conn
        .query_row("SELECT COALESCE(MAX(id), 0) FROM requests", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut ids: Vec<i64> = (base + 1..=base + n as i64).collect();
    if explicit_ids {
        // Shuffled: ids need not follow days.
        for i in (1..ids.len()).rev() {
            ids.swap(i, rng.gen_range(0..=i));
        }
    }
    for id in ids {
        let day = days_back(rng.gen_range(0..12));
        let status = STATUSES[rng.gen_range(0..STATUSES.len())];
        let requested = MODELS[rng.gen_range(0..MODELS.len())];
        let served = match rng.gen_range(0..3) {
            0 => None,
            1 => Some(requested),
            _ => Some(MODELS[rng.gen_range(0..MODELS.len())]),
        };
        let kind = match (status, rng.gen_range(0..4)) {
            ("error", 0) => None,
            ("error", 1) => Some("rate_limited"),
            ("error", _) => Some("provider_error"),
            _ => None,
        };
        stmt.execute(params![
            explicit_ids.then_some(id),
            format!("{day}T10:00:00.000Z"),
            day,
            format!("call_{}", rng.gen_range(0..calls)),
            EPISODES[rng.gen_range(0..EPISODES.len())],
            STAGES[rng.gen_range(0..STAGES.len())],
            if rng.gen_bool(0.8) {
                "openrouter"
            } else {
                "local"
            },
            requested,
            served,
            rng.gen_range(0..5_000),
            rng.gen_range(0..900),
            rng.gen_range(0..3_000_000_000_i64),
            if status == "cache_hit" {
                rng.gen_range(1..900_000_000_i64)
            } else {
                0
            },
            status,
            kind,
            kind.map(|k| format!("{k} at {id}")),
        ])
        .unwrap();
    }
}

/// Per grouping value: cost, calls, attempts, prompt and completion tokens.
fn read_totals(conn: &Connection, sql: &str, values: &[&dyn rusqlite::ToSql]) -> Totals {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map(values, |r| {
        Ok((
            r.get(0)?,
            [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Every grouping over every "since day X" range, and the log's groups, recomputed from the
/// request log and compared with the running totals.
fn assert_totals_match(conn: &Connection, what: &str) {
    let mut days: Vec<Option<String>> = conn
        .prepare("SELECT DISTINCT day FROM requests")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    days.push(None);
    days.push(Some("9999-01-01".into()));
    for (dimension, key) in [
        ("day", "day"),
        ("model", "COALESCE(model_served, model_requested)"),
        ("stage", "stage"),
        ("episode", "episode_id"),
    ] {
        for since in &days {
            let since = since.clone().unwrap_or_default();
            let direct = read_totals(
                conn,
                &format!(
                    "SELECT {key}, SUM(cost_units), COUNT(DISTINCT call_id), COUNT(*),
                            SUM(prompt_tokens), SUM(completion_tokens)
                     FROM requests WHERE day >= ?1 GROUP BY {key}"
                ),
                &[&since],
            );
            let rolled = read_totals(
                conn,
                "SELECT CASE WHEN key_null THEN NULL ELSE key END, SUM(cost_units), SUM(calls),
                        SUM(attempts), SUM(prompt_tokens), SUM(completion_tokens)
                 FROM usage_spend WHERE dimension = ?1 AND day >= ?2 GROUP BY key_null, key",
                &[&dimension, &since],
            );
            assert_eq!(rolled, direct, "{what}: {dimension} since {since:?}");
        }
    }
    let groups = |sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let direct = groups(
        "SELECT day, status, stage, model_requested, model_served, error_kind, connection_id,
                COUNT(*), SUM(saved_units), MIN(id), MAX(id)
         FROM requests GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7",
    );
    let rolled = groups(
        "SELECT day, status, CASE WHEN stage_null THEN NULL ELSE stage END AS s, model_requested,
                CASE WHEN served_null THEN NULL ELSE model_served END AS m,
                CASE WHEN kind_null THEN NULL ELSE error_kind END AS k, connection_id,
                attempts, saved_units, first_id, last_id
         FROM usage_log ORDER BY 1, 2, 3, 4, 5, 6, 7",
    );
    assert_eq!(rolled, direct, "{what}: log groups");
}

fn log_filters() -> Vec<LogFilter> {
    let mut out = vec![LogFilter::default()];
    for days in [None, Some(1), Some(5)] {
        let range = days.map_or(Range::All, |days| Range::LastDays { days });
        for model in [
            None,
            Some("m"),
            Some("openai/gpt-6.1-terra"),
            Some("nobody"),
        ] {
            for status in [None, Some("error"), Some("cancelled")] {
                for stage in [None, Some("script")] {
                    out.push(LogFilter {
                        episode_id: None,
                        stage: stage.map(str::to_string),
                        model: model.map(str::to_string),
                        status: status.map(str::to_string),
                        range,
                    });
                }
            }
        }
    }
    out.push(LogFilter {
        episode_id: Some("ep_a".into()),
        status: Some("ok".into()),
        ..LogFilter::default()
    });
    out
}

/// Every page of every filter, against the same filter in plain SQL.
fn assert_pages_match(conn: &Connection, what: &str) {
    for f in log_filters() {
        let first = f.range.first_day(castwright_engine::clock::now().date());
        let expected: Vec<u32> = conn
            .prepare(
                "SELECT id FROM requests
                 WHERE (?1 IS NULL OR episode_id = ?1) AND (?2 IS NULL OR stage = ?2)
                   AND (?3 IS NULL OR model_requested = ?3 OR model_served = ?3)
                   AND (?4 IS NULL OR status = ?4) AND (?5 IS NULL OR day >= ?5)
                 ORDER BY id DESC",
            )
            .unwrap()
            .query_map(
                params![f.episode_id, f.stage, f.model, f.status, first],
                |r| r.get(0),
            )
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut got = Vec::new();
        let mut page = Page {
            limit: 7,
            before_id: None,
        };
        loop {
            let p = usage::request_log(conn, &f, page).unwrap();
            assert_eq!(p.total as usize, expected.len(), "{what}: total of {f:?}");
            assert!(p.rows.len() <= 7);
            got.extend(p.rows.iter().map(|r| r.id));
            match p.next_before_id {
                Some(id) => page.before_id = Some(id),
                None => break,
            }
        }
        assert_eq!(got, expected, "{what}: pages of {f:?}");
        // A page starting anywhere, not only where the previous one ended.
        if let Some(&middle) = expected.get(expected.len() / 2) {
            let p = usage::request_log(
                conn,
                &f,
                Page {
                    limit: 5,
                    before_id: Some(middle),
                },
            )
            .unwrap();
            let want: Vec<u32> = expected
                .iter()
                .copied()
                .filter(|id| *id < middle)
                .take(5)
                .collect();
            assert_eq!(p.rows.iter().map(|r| r.id).collect::<Vec<_>>(), want);
        }
    }
}

fn ledger_row(call: &str, model: &str, stage: Option<&str>, ep: Option<&str>) -> AttemptRow {
    let mut row = AttemptRow::new(call, "openrouter", model);
    row.stage = stage.map(str::to_string);
    row.episode_id = ep.map(str::to_string);
    row.prompt_tokens = 1_000;
    row.completion_tokens = 250;
    row
}

#[test]
fn totals_follow_every_kind_of_insert() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    assert_totals_match(conn, "empty");
    assert_pages_match(conn, "empty");

    // Through the ledger's writer: a failure retried, then a backup model answering through
    // a different model than asked, a cache hit, a cancellation, a call with no stage or
    // episode.
    let mut row = ledger_row("call_x", MODELS[0], Some("script"), Some("ep_a"));
    row.status = Status::Error;
    row.error_kind = Some("rate_limited".into());
    ledger::insert(conn, &row).unwrap();
    ledger::insert(conn, &row).unwrap();
    let mut row = ledger_row("call_x", MODELS[1], Some("script"), Some("ep_a"));
    row.model_served = Some(MODELS[2].into());
    row.cost_units = 123_456_789;
    row.cost_source = CostSource::Usage;
    ledger::insert(conn, &row).unwrap();
    let mut row = ledger_row("call_y", MODELS[1], Some("research"), Some("ep_b"));
    row.status = Status::CacheHit;
    row.saved_units = 98_765;
    row.model_served = Some(MODELS[1].into());
    ledger::insert(conn, &row).unwrap();
    let mut row = ledger_row("call_z", MODELS[3], None, None);
    row.status = Status::Cancelled;
    row.error_kind = Some("cancelled".into());
    row.cost_units = 7;
    ledger::insert(conn, &row).unwrap();
    assert_totals_match(conn, "ledger rows");
    assert_pages_match(conn, "ledger rows");

    let mut rng = StdRng::seed_from_u64(8);
    insert_random(conn, &mut rng, 3_000, 900, false);
    assert_totals_match(conn, "random rows");
    insert_random(conn, &mut rng, 1_500, 1_200, true);
    assert_totals_match(conn, "random rows with ids out of order");
    assert_pages_match(conn, "random rows with ids out of order");

    // In one transaction that is rolled back, nothing of it stays in the totals either.
    let before: i64 = conn
        .query_row("SELECT SUM(attempts) FROM usage_log", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch("BEGIN").unwrap();
    insert_random(conn, &mut rng, 50, 40, false);
    conn.execute_batch("ROLLBACK").unwrap();
    let after: i64 = conn
        .query_row("SELECT SUM(attempts) FROM usage_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before);
    assert_totals_match(conn, "after a rollback");
}

#[test]
fn totals_stay_exact_with_several_writers_at_once() {
    let dir = tempfile::tempdir().unwrap();
    drop(open_store(dir.path()));
    // Four connections write attempts of the same calls, interleaved.
    let writers: Vec<_> = (0..4u64)
        .map(|w| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let store = Store::open_in(&path).unwrap();
                let mut rng = StdRng::seed_from_u64(100 + w);
                for _ in 0..10 {
                    // Immediate, as the ledger's writes are: a deferred transaction that has
                    // read cannot wait for another writer.
                    let tx = rusqlite::Transaction::new_unchecked(
                        store.conn(),
                        rusqlite::TransactionBehavior::Immediate,
                    )
                    .unwrap();
                    insert_random(&tx, &mut rng, 40, 60, false);
                    tx.commit().unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let store = Store::open_in(dir.path()).unwrap();
    let n: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4 * 10 * 40);
    assert_totals_match(store.conn(), "four writers");
    assert_pages_match(store.conn(), "four writers");
}

#[test]
fn deleting_an_episode_keeps_its_spend_and_the_log_refuses_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let conn = store.conn();
    episode(&store, "ep_a", "Voyager");
    let mut row = ledger_row("call_1", MODELS[0], Some("script"), Some("ep_a"));
    row.cost_units = 5_000;
    row.generation_id = Some("gen-1".into());
    ledger::insert(conn, &row).unwrap();
    let before = usage::spend_by_episode(conn, Range::All).unwrap();
    assert_eq!(before[0].label, "Voyager");

    castwright_engine::pipeline::episode::delete(conn, "ep_a").unwrap();
    let after = usage::spend_by_episode(conn, Range::All).unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].label, DELETED_EPISODE);
    assert_eq!(
        (after[0].cost.as_str(), after[0].calls, after[0].attempts),
        (before[0].cost.as_str(), 1, 1)
    );
    assert_totals_match(conn, "after deleting an episode");

    // Rows stay, and what the totals are made of cannot change under them.
    let err = conn.execute("DELETE FROM requests", []).unwrap_err();
    assert!(err.to_string().contains("cannot be deleted"), "{err}");
    for change in [
        "UPDATE requests SET cost_units = 1",
        "UPDATE requests SET day = '2020-01-01'",
        "UPDATE requests SET episode_id = NULL",
        "UPDATE requests SET status = 'ok', error_kind = NULL",
    ] {
        let err = conn.execute(change, []).unwrap_err();
        assert!(
            err.to_string().contains("cannot be changed"),
            "{change}: {err}"
        );
    }
    // What they do not use may still be filled in later.
    conn.execute(
        "UPDATE requests SET generation_id = 'gen-2', latency_ms = 10",
        [],
    )
    .unwrap();
    assert_totals_match(conn, "after refused changes");
}

#[test]
fn rows_written_before_the_totals_existed_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(castwright_engine::paths::DATABASE_FILE);
    let before: Vec<_> = MIGRATIONS
        .iter()
        .take_while(|m| !m.sql.contains("CREATE TABLE usage_spend"))
        .collect();
    assert!(before.len() < MIGRATIONS.len());
    {
        // The database as the release before the totals left it, with a history in it.
        let conn = Connection::open(&path).unwrap();
        for m in &before {
            conn.execute_batch(m.sql).unwrap();
            conn.pragma_update(None, "user_version", m.version).unwrap();
        }
        let mut rng = StdRng::seed_from_u64(77);
        insert_random(&conn, &mut rng, 2_500, 800, false);
        insert_random(&conn, &mut rng, 500, 300, true);
        let none: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'usage_spend'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(none, 0);
    }
    let store = Store::open(&path).unwrap();
    let conn = store.conn();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, castwright_engine::store::schema_version());
    assert_totals_match(conn, "filled from earlier rows");
    assert_pages_match(conn, "filled from earlier rows");
    // And kept from there on, calls begun before the upgrade included.
    let mut rng = StdRng::seed_from_u64(78);
    insert_random(conn, &mut rng, 800, 800, false);
    assert_totals_match(conn, "earlier rows, then new ones");
}
