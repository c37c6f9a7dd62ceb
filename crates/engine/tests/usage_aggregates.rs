//! The dashboard's figures over 50,000 logged attempts, checked against sums worked out
//! independently here, row by row, with exact decimals.

mod usage_fixtures;

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use castwright_engine::money;
use castwright_engine::store::Store;
use castwright_engine::usage::{
    self, day_text, LogFilter, Page, Range, SpendRow, DELETED_EPISODE, NO_EPISODE, NO_STAGE,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use usage_fixtures::open_store;

const ROWS: usize = 50_000;
const DAYS: i64 = 60;
const MODELS: [&str; 5] = [
    "anthropic/claude-sonnet-5.5",
    "openai/gpt-6.1-terra",
    "openai/gpt-6-luna",
    "mistralai/mistral-small-3.2-24b-instruct",
    "deepseek/deepseek-v4-pro",
];
const STAGES: [Option<&str>; 5] = [
    Some("research"),
    Some("synthesis"),
    Some("script"),
    Some("quality_check"),
    None,
];

#[derive(Debug, Default, Clone)]
struct Sums {
    cost: Decimal,
    calls: BTreeSet<String>,
    attempts: u32,
    prompt: u32,
    completion: u32,
}

impl Sums {
    fn add(&mut self, r: &Row) {
        self.cost += money::from_units(r.cost_units);
        self.calls.insert(r.call_id.clone());
        self.attempts += 1;
        self.prompt += r.prompt;
        self.completion += r.completion;
    }
}

#[derive(Debug, Clone)]
struct Row {
    id: i64,
    day: String,
    call_id: String,
    episode: Option<String>,
    stage: Option<&'static str>,
    requested: &'static str,
    served: Option<&'static str>,
    prompt: u32,
    completion: u32,
    cost_units: i64,
    saved_units: i64,
    status: &'static str,
    error_kind: Option<&'static str>,
}

/// Fills the log in one transaction through one prepared statement, over the `DAYS` days up
/// to `today`.
fn fill(store: &mut Store, today: time::Date) -> Vec<Row> {
    let mut rng = StdRng::seed_from_u64(20261124);
    let mut rows = Vec::with_capacity(ROWS);
    let tx = store.conn_mut().transaction().unwrap();
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO requests (id, at, day, call_id, episode_id, stage, connection_id,
                    attempt, fallback_index, retry_index, model_requested, model_served, provider,
                    prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_units,
                    cost_source, estimated, saved_units, latency_ms, ttft_ms, status, error_kind,
                    error_message)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'openrouter', 0, 0, 0, ?7, ?8, 'Prov', ?9, ?10,
                    0, 0, ?11, 'usage', 0, ?12, ?13, NULL, ?14, ?15, ?16)",
            )
            .unwrap();
        for i in 0..ROWS {
            let offset = rng.gen_range(0..DAYS);
            let day = day_text(today - time::Duration::days(offset));
            let requested = MODELS[rng.gen_range(0..MODELS.len())];
            let roll = rng.gen_range(0..100);
            let (status, error_kind) = match roll {
                0..=79 => ("ok", None),
                80..=87 => ("error", Some("rate_limited")),
                88..=89 => ("error", Some("provider_error")),
                90..=96 => ("cache_hit", None),
                97..=98 => ("refused", None),
                _ => ("cancelled", None),
            };
            let served = match status {
                "ok" if rng.gen_bool(0.1) => Some(MODELS[rng.gen_range(0..MODELS.len())]),
                "ok" | "cache_hit" | "cancelled" => Some(requested),
                _ => None,
            };
            // Costs with every digit down to 1e-10 used; a failed attempt sometimes costs
            // something too (a stream cut after tokens were billed).
            let cost_units = match status {
                "ok" | "cancelled" => rng.gen_range(0..2_000_000_000_i64),
                "error" if rng.gen_bool(0.2) => rng.gen_range(1..50_000_000_i64),
                _ => 0,
            };
            let saved_units = if status == "cache_hit" {
                rng.gen_range(1..900_000_000_i64)
            } else {
                0
            };
            let episode = match rng.gen_range(0..12) {
                0 => None,
                // ep_9 is never created: its spend is from a deleted episode.
                n => Some(format!("ep_{}", n % 10)),
            };
            let row = Row {
                id: i as i64 + 1,
                day,
                call_id: format!("call_{}", i / 3),
                episode,
                stage: STAGES[rng.gen_range(0..STAGES.len())],
                requested,
                served,
                prompt: rng.gen_range(0..20_000),
                completion: rng.gen_range(0..4_000),
                cost_units,
                saved_units,
                status,
                error_kind,
            };
            stmt.execute(rusqlite::params![
                row.id,
                format!("{}T12:00:00.000Z", row.day),
                row.day,
                row.call_id,
                row.episode,
                row.stage,
                row.requested,
                row.served,
                row.prompt,
                row.completion,
                row.cost_units,
                row.saved_units,
                rng.gen_range(50..30_000_i64),
                row.status,
                row.error_kind,
                row.error_kind.map(|k| format!("{k} on attempt {i}")),
            ])
            .unwrap();
            rows.push(row);
        }
        for n in 0..9 {
            tx.execute(
                "INSERT INTO episodes (id, title, budget_units, created_at, updated_at)
                 VALUES (?1, ?2, 30000000000, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                rusqlite::params![format!("ep_{n}"), format!("Episode {n}")],
            )
            .unwrap();
        }
        tx.execute(
            "INSERT INTO catalog_models (connection_id, model_id, name) VALUES
             ('openrouter', 'openai/gpt-6.1-terra', 'OpenAI: GPT-4o')",
            [],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    rows
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Compares one grouping with the independent sums, row for row.
fn assert_matches(what: &str, got: &[SpendRow], expected: &BTreeMap<Option<String>, Sums>) {
    let got_map: BTreeMap<Option<String>, &SpendRow> =
        got.iter().map(|r| (r.key.clone(), r)).collect();
    assert_eq!(got_map.len(), got.len(), "{what}: a key appears twice");
    assert_eq!(
        got_map.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{what}: groups"
    );
    for (key, sums) in expected {
        let row = got_map[key];
        assert_eq!(dec(&row.cost), sums.cost, "{what} {key:?} cost");
        // The string is the exact decimal, not a rounded one.
        assert_eq!(
            row.cost,
            sums.cost.normalize().to_string(),
            "{what} {key:?}"
        );
        assert_eq!(row.calls as usize, sums.calls.len(), "{what} {key:?} calls");
        assert_eq!(row.attempts, sums.attempts, "{what} {key:?} attempts");
        assert_eq!(row.prompt_tokens, sums.prompt, "{what} {key:?} prompt");
        assert_eq!(
            row.completion_tokens, sums.completion,
            "{what} {key:?} completion"
        );
    }
}

fn group_by(rows: &[&Row], key: impl Fn(&Row) -> Option<String>) -> BTreeMap<Option<String>, Sums> {
    let mut out: BTreeMap<Option<String>, Sums> = BTreeMap::new();
    for r in rows {
        out.entry(key(r)).or_default().add(r);
    }
    out
}

/// Everything the dashboard shows for one range.
struct Figures {
    by_model: Vec<SpendRow>,
    by_stage: Vec<SpendRow>,
    by_episode: Vec<SpendRow>,
    by_day: Vec<SpendRow>,
    savings: usage::CacheSavings,
    errors: Vec<usage::ErrorGroup>,
    error_log: Vec<i64>,
    error_total: u32,
}

fn figures(conn: &rusqlite::Connection, range: Range) -> Figures {
    // Paging through every failure, 500 at a time.
    let filter = LogFilter {
        status: Some("error".into()),
        range,
        ..LogFilter::default()
    };
    let mut error_log = Vec::new();
    let mut error_total = None;
    let mut page = Page {
        limit: 500,
        before_id: None,
    };
    loop {
        let got = usage::request_log(conn, &filter, page).unwrap();
        assert!(got.rows.len() <= 500);
        assert_eq!(*error_total.get_or_insert(got.total), got.total);
        error_log.extend(got.rows.iter().map(|r| i64::from(r.id)));
        match got.next_before_id {
            Some(id) => page.before_id = Some(id),
            None => break,
        }
    }
    Figures {
        by_model: usage::spend_by_model(conn, range).unwrap(),
        by_stage: usage::spend_by_stage(conn, range).unwrap(),
        by_episode: usage::spend_by_episode(conn, range).unwrap(),
        by_day: usage::spend_by_day(conn, range).unwrap(),
        savings: usage::cache_savings(conn, range).unwrap(),
        errors: usage::errors_by_kind(conn, range).unwrap(),
        error_log,
        error_total: error_total.unwrap_or(0),
    }
}

/// The figures, read within one UTC day (read again in the rare case the day turned while
/// they were read), with that day: ranges are counted back from it.
fn figures_on_one_day(conn: &rusqlite::Connection, range: Range) -> (time::Date, Figures) {
    loop {
        let day = castwright_engine::clock::now().date();
        let f = figures(conn, range);
        if castwright_engine::clock::now().date() == day {
            return (day, f);
        }
    }
}

#[test]
fn fifty_thousand_attempts_aggregate_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_store(dir.path());
    let rows = fill(&mut store, castwright_engine::clock::now().date());
    let conn = store.conn();

    for range in [
        Range::All,
        Range::LastDays { days: 30 },
        Range::LastDays { days: 1 },
    ] {
        let what = format!("{range:?}");
        let (today, got) = figures_on_one_day(conn, range);
        let first = range.first_day(today);
        let subset: Vec<&Row> = rows
            .iter()
            .filter(|r| first.as_ref().is_none_or(|f| &r.day >= f))
            .collect();
        if let Range::LastDays { days: 30 } = range {
            // The range's first day itself is inside: a `>` for `>=` would be caught here.
            let first = first.clone().unwrap();
            assert!(subset.iter().any(|r| r.day == first), "{what}");
            assert!(subset.len() > ROWS / 3 && subset.len() < ROWS * 2 / 3);
        }

        // By model served; attempts that never reached a model count under the one asked.
        let expected = group_by(&subset, |r| {
            Some(r.served.unwrap_or(r.requested).to_string())
        });
        assert_matches(&format!("model {what}"), &got.by_model, &expected);
        let costs: Vec<Decimal> = got.by_model.iter().map(|r| dec(&r.cost)).collect();
        assert!(costs.windows(2).all(|w| w[0] >= w[1]), "dearest first");
        let label = |rows: &[SpendRow], key: Option<&str>| {
            rows.iter()
                .find(|r| r.key.as_deref() == key)
                .unwrap()
                .label
                .clone()
        };
        assert_eq!(
            label(&got.by_model, Some("openai/gpt-6.1-terra")),
            "OpenAI: GPT-4o"
        );
        assert_eq!(
            label(&got.by_model, Some("deepseek/deepseek-v4-pro")),
            "deepseek/deepseek-v4-pro"
        );

        let expected = group_by(&subset, |r| r.stage.map(str::to_string));
        assert_matches(&format!("stage {what}"), &got.by_stage, &expected);
        assert_eq!(label(&got.by_stage, Some("quality_check")), "Quality check");
        assert_eq!(label(&got.by_stage, None), NO_STAGE);

        let expected = group_by(&subset, |r| r.episode.clone());
        assert_matches(&format!("episode {what}"), &got.by_episode, &expected);
        for r in &got.by_episode {
            let want = match r.key.as_deref() {
                None => NO_EPISODE.to_string(),
                Some("ep_9") => DELETED_EPISODE.to_string(),
                Some(ep) => format!("Episode {}", &ep[3..]),
            };
            assert_eq!(r.label, want);
        }

        // By day: every day with spend exact, the days between filled with zeros, one row per
        // day from the first to today.
        let expected = group_by(&subset, |r| Some(r.day.clone()));
        let with_data: Vec<SpendRow> = got
            .by_day
            .iter()
            .filter(|r| r.attempts > 0)
            .cloned()
            .collect();
        assert_matches(&format!("day {what}"), &with_data, &expected);
        for r in got.by_day.iter().filter(|r| r.attempts == 0) {
            assert_eq!((r.cost.as_str(), r.calls), ("0", 0), "{what}");
        }
        let days: Vec<String> = got.by_day.iter().filter_map(|r| r.key.clone()).collect();
        let first_day = first.unwrap_or_else(|| expected.keys().next().unwrap().clone().unwrap());
        let want_days: Vec<String> = (0..)
            .map(|n| day_text(today - time::Duration::days(n)))
            .take_while(|d| d >= &first_day)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert_eq!(days, want_days, "{what}");

        // The groupings add up to the same exact total.
        let total: Decimal = subset.iter().map(|r| money::from_units(r.cost_units)).sum();
        for rows in [&got.by_model, &got.by_stage, &got.by_episode, &got.by_day] {
            let sum: Decimal = rows.iter().map(|r| dec(&r.cost)).sum();
            assert_eq!(sum, total, "{what}");
        }

        // Cache savings.
        let hits: Vec<&&Row> = subset.iter().filter(|r| r.status == "cache_hit").collect();
        let saved: Decimal = hits.iter().map(|r| money::from_units(r.saved_units)).sum();
        assert_eq!(got.savings.hits as usize, hits.len(), "{what}");
        assert_eq!(dec(&got.savings.saved), saved, "{what}");

        // Failures by kind and model, with the message of the latest.
        let mut expected: BTreeMap<(String, String), (u32, i64)> = BTreeMap::new();
        for r in subset.iter().filter(|r| r.status == "error") {
            let e = expected
                .entry((r.error_kind.unwrap().to_string(), r.requested.to_string()))
                .or_default();
            e.0 += 1;
            e.1 = e.1.max(r.id);
        }
        assert_eq!(got.errors.len(), expected.len(), "{what}");
        for g in &got.errors {
            let (n, last_id) = expected[&(g.kind.clone().unwrap(), g.model_requested.clone())];
            assert_eq!(g.count, n);
            let kind = g.kind.as_deref().unwrap();
            assert_eq!(
                g.last_message.as_deref(),
                Some(format!("{kind} on attempt {}", last_id - 1).as_str())
            );
        }
        assert!(got.errors.windows(2).all(|w| w[0].count >= w[1].count));
        if let Some(g) = got
            .errors
            .iter()
            .find(|g| g.kind.as_deref() == Some("rate_limited"))
        {
            assert_eq!(g.label, "Too busy — asked us to slow down");
        }

        // The log's failures, paged: all of them, newest first, each once.
        let mut expected: Vec<i64> = subset
            .iter()
            .filter(|r| r.status == "error")
            .map(|r| r.id)
            .collect();
        expected.reverse();
        assert_eq!(got.error_total as usize, expected.len(), "{what}");
        assert_eq!(got.error_log, expected, "{what}");
    }
}
