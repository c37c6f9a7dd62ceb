//! `make bench`: the usage dashboard's queries over a request log of one million rows, in a
//! real database file in the app's durability mode. Each query runs many times; p50 and p95
//! are reported beside the 50 ms target. Prints Markdown and writes it to the file named by
//! `CASTWRIGHT_BENCH_OUT`. With `CASTWRIGHT_BENCH_DB` naming a folder, the database is kept
//! there and reused by the next run (opening it applies any newer migration to its rows).
//!
//! The history is shaped the way the app writes it (support/history.rs):
//! - 365 days up to now, about 5,000 episodes, 40 models. More episodes lately than a year
//!   ago. Each episode runs as a session of minutes to two days (most are short): research
//!   calls first, then synthesis, script and quality check, each stage with its own model
//!   and a backup; three in ten are run again one to sixty days later, when about half the
//!   calls are answered from the cache. Episode sizes vary threefold either way.
//! - A call has one to three attempts sharing its `call_id`: a failure of a kind worth
//!   retrying is retried once on the same model, otherwise (or after that) the backup model
//!   is tried. Call ids are random, as the app's are.
//! - A few models do most of the work (the most used about a quarter of all attempts, the
//!   least used half a percent); every seventh model is flaky (12% of attempts fail, 3% for
//!   the others). Overall about 91% answered, 4% failed (nine kinds, rate limits the most
//!   common), 4–5% reused from the cache, 0.6% cancelled by the producer; 0.25% of calls
//!   belong to no episode; 2% of episodes were deleted since, their spend kept.
//! - Rows are inserted oldest first, so ids grow with time; `at` is the attempt's own time
//!   and `day` its UTC day. Tokens, latencies and prices differ by stage and model; money is
//!   integer 1e-10 USD. No `ANALYZE` is run: the app never runs it, so the planner sees what
//!   it sees in the app.

use std::time::{Duration, Instant};

use castwright_engine::ledger::{self, AttemptRow, CostSource, Status};
use castwright_engine::routing::Cooldowns;
use castwright_engine::store::Store;
use castwright_engine::usage::{self, LogFilter, Page, Range};
use rand::SeedableRng;
use rusqlite::params;

#[path = "support/history.rs"]
mod history;

use history::{History, CONNECTION, STAGES};

const ROWS: usize = 1_000_000;
const DAYS: i64 = 365;
const EPISODES: usize = 5_000;
const RUNS: usize = 40;
const INSERTS: usize = 200;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn stamp(ms: i64) -> (String, String) {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
    let day = usage::day_text(t.date());
    let at = format!(
        "{day}T{:02}:{:02}:{:02}.{:03}Z",
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    );
    (at, day)
}

/// Writes the history directly in one large transaction: this is setup, not what is
/// measured.
fn fill(store: &mut Store, h: &History) {
    let tx = store.conn_mut().transaction().unwrap();
    {
        let mut ep = tx
            .prepare(
                "INSERT INTO episodes (id, title, budget_units, created_at, updated_at)
                 VALUES (?1, ?2, 30000000000, ?3, ?3)",
            )
            .unwrap();
        let mut art = tx
            .prepare(
                "INSERT INTO artifacts (episode_id, stage, version, kind, content, input_hash, model, created_at)
                 VALUES (?1, 'script', 1, 'output', 'ALEX: Hello.', 'h', ?2, ?3)",
            )
            .unwrap();
        let mut qc = tx
            .prepare(
                "INSERT INTO qc_verdicts (episode_id, script_artifact_id, script_model, checker_model,
                    score, passed, verdict, script_cost_units, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, '{}', ?7, ?8)",
            )
            .unwrap();
        for (n, e) in h.episodes.iter().enumerate().filter(|(_, e)| !e.deleted) {
            let (at, _) = stamp(e.created_ms);
            ep.execute(params![e.id, format!("Episode {n}"), at])
                .unwrap();
            let model = &h.models[e.script_model as usize].name;
            art.execute(params![e.id, model, at]).unwrap();
            let artifact = tx.last_insert_rowid();
            let score = 40 + (n * 37 % 60) as i64;
            qc.execute(params![
                e.id,
                artifact,
                model,
                &h.models[0].name,
                score,
                score >= 70,
                1_000_000 + (n as i64 * 7_919 % 5_000) * 1_000_000,
                at
            ])
            .unwrap();
        }
        let mut req = tx
            .prepare(
                "INSERT INTO requests (at, day, call_id, episode_id, stage, connection_id, attempt,
                    fallback_index, retry_index, model_requested, model_served, provider,
                    prompt_tokens, completion_tokens, cost_units, cost_source, estimated,
                    saved_units, latency_ms, ttft_ms, status, error_kind, error_message, streamed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22, ?23, 1)",
            )
            .unwrap();
        for a in &h.attempts {
            let (at, day) = stamp(a.ms);
            req.execute(params![
                at,
                day,
                format!("call_{:016x}", a.call),
                a.episode.map(|e| &h.episodes[e as usize].id),
                a.stage.map(|s| STAGES[s as usize]),
                CONNECTION,
                a.attempt,
                a.fallback,
                a.retry,
                h.models[a.requested as usize].name,
                a.served.map(|m| &h.models[m as usize].name),
                a.provider.map(history::provider),
                a.prompt,
                a.completion,
                a.cost,
                a.source,
                a.source == "estimate",
                a.saved,
                a.latency,
                a.ttft,
                a.status,
                a.kind,
                a.message,
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn time_it(name: &str, rows: &mut Vec<(String, Duration, Duration)>, mut f: impl FnMut()) {
    f(); // warm the page cache and the prepared statement, as a dashboard that is open would
    let mut t: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    rows.push((name.to_string(), pct(&t, 0.5), pct(&t, 0.95)));
}

/// The database to measure: kept in `CASTWRIGHT_BENCH_DB` when set, else a temporary folder.
fn open() -> (
    Store,
    std::path::PathBuf,
    Option<tempfile::TempDir>,
    Duration,
    String,
) {
    let (path, temp) = match std::env::var_os("CASTWRIGHT_BENCH_DB") {
        Some(p) => (std::path::PathBuf::from(p), None),
        None => {
            let t = tempfile::tempdir().unwrap();
            (t.path().to_path_buf(), Some(t))
        }
    };
    let started = Instant::now();
    let mut store = Store::open_in(&path).unwrap();
    let opened = started.elapsed();
    let have: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    if have > 0 {
        let note = format!(
            "reused, opened and migrated in {:.1} s",
            opened.as_secs_f64()
        );
        return (store, path, temp, opened, note);
    }
    let started = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    let h = history::build(&mut rng, now_ms, EPISODES, ROWS);
    fill(&mut store, &h);
    let filled = started.elapsed();
    let note = format!("filled in {:.0} s", filled.as_secs_f64());
    (store, path, temp, filled, note)
}

/// Single attempts written the way the ledger writes them, each in its own transaction: what
/// keeping the dashboard's figures current costs every call.
fn time_inserts(store: &mut Store, rows: &mut Vec<(String, Duration, Duration)>) {
    let mut t = Vec::with_capacity(INSERTS);
    for i in 0..INSERTS {
        let mut row = AttemptRow::new(&format!("call_bench{i:011x}"), CONNECTION, "openai/model-0");
        row.episode_id = Some("ep_bench".into());
        row.stage = Some(STAGES[i % 4].into());
        row.model_served = (i % 10 != 0).then(|| "openai/model-0".into());
        row.prompt_tokens = 4_000;
        row.completion_tokens = 900;
        row.cost_units = 1_234_567;
        row.cost_source = CostSource::Usage;
        row.status = if i % 10 == 0 {
            Status::Error
        } else {
            Status::Ok
        };
        row.error_kind = (i % 10 == 0).then(|| "rate_limited".into());
        let s = Instant::now();
        let tx = store.conn_mut().transaction().unwrap();
        ledger::insert(&tx, &row).unwrap();
        tx.commit().unwrap();
        t.push(s.elapsed());
    }
    t.sort();
    rows.push((
        "write one attempt in its own transaction".into(),
        pct(&t, 0.5),
        pct(&t, 0.95),
    ));
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`: measure only
    // under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("dashboard benchmark: run it with `make bench`");
        return;
    }
    let (mut store, path, _temp, _setup, setup_note) = open();
    let size = std::fs::metadata(path.join("castwright.sqlite3"))
        .map(|m| m.len())
        .unwrap_or(0);
    let c = store.conn();
    let mix: Vec<(String, i64)> = c
        .prepare("SELECT status, COUNT(*) FROM requests GROUP BY status ORDER BY 2 DESC")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let (total, calls): (i64, i64) = c
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT call_id) FROM requests",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Filters the log is read with: the busiest model, one of the least used, and an episode
    // from the middle of the year.
    let popular: String = c
        .query_row(
            "SELECT model_requested FROM requests WHERE id % 1000 = 0
             GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let rare = "x-ai/model-39".to_string();
    let episode: String = c
        .query_row(
            "SELECT episode_id FROM requests WHERE id >= ?1 AND episode_id IS NOT NULL LIMIT 1",
            [total / 2],
            |r| r.get(0),
        )
        .unwrap();
    let cooldowns = Cooldowns::default();
    let month = Range::LastDays { days: 30 };
    let all = Range::All;
    let mut rows = Vec::new();

    for (label, range) in [("last 30 days", month), ("all time", all)] {
        time_it(&format!("spend by day, {label}"), &mut rows, || {
            usage::spend_by_day(c, range).unwrap();
        });
        time_it(&format!("spend by model, {label}"), &mut rows, || {
            usage::spend_by_model(c, range).unwrap();
        });
        time_it(&format!("spend by stage, {label}"), &mut rows, || {
            usage::spend_by_stage(c, range).unwrap();
        });
        time_it(&format!("spend by episode, {label}"), &mut rows, || {
            usage::spend_by_episode(c, range).unwrap();
        });
        time_it(&format!("cache savings, {label}"), &mut rows, || {
            usage::cache_savings(c, range).unwrap();
        });
        time_it(
            &format!("errors by kind and model, {label}"),
            &mut rows,
            || {
                usage::errors_by_kind(c, range).unwrap();
            },
        );
    }
    let page = Page::default();
    time_it("request log, first page, no filter", &mut rows, || {
        usage::request_log(c, &LogFilter::default(), page).unwrap();
    });
    let deep = Page {
        limit: 50,
        before_id: Some((total / 100) as u32),
    };
    time_it("request log, a page 99% of the way back", &mut rows, || {
        usage::request_log(c, &LogFilter::default(), deep).unwrap();
    });
    for (label, model) in [
        ("the busiest model", &popular),
        ("a little-used model", &rare),
    ] {
        let by_model = LogFilter {
            model: Some(model.clone()),
            ..LogFilter::default()
        };
        time_it(&format!("request log, {label}"), &mut rows, || {
            usage::request_log(c, &by_model, page).unwrap();
        });
    }
    let by_episode = LogFilter {
        episode_id: Some(episode),
        ..LogFilter::default()
    };
    time_it("request log, one episode", &mut rows, || {
        usage::request_log(c, &by_episode, page).unwrap();
    });
    let errors = LogFilter {
        status: Some("error".into()),
        stage: Some("script".into()),
        range: month,
        ..LogFilter::default()
    };
    time_it(
        "request log, script errors, last 30 days",
        &mut rows,
        || {
            usage::request_log(c, &errors, page).unwrap();
        },
    );
    let cancelled = LogFilter {
        status: Some("cancelled".into()),
        model: Some(rare.clone()),
        ..LogFilter::default()
    };
    time_it(
        "request log, cancelled calls of a little-used model",
        &mut rows,
        || {
            usage::request_log(c, &cancelled, page).unwrap();
        },
    );
    time_it("quality by model", &mut rows, || {
        usage::quality_by_model(c).unwrap();
    });
    time_it("model health", &mut rows, || {
        usage::model_health(c, CONNECTION, &cooldowns).unwrap();
    });
    let mut writes = Vec::new();
    time_inserts(&mut store, &mut writes);

    let target = Duration::from_millis(50);
    let mix: Vec<String> = mix
        .iter()
        .map(|(s, n)| format!("{s} {:.1}%", *n as f64 * 100.0 / total.max(1) as f64))
        .collect();
    let mut md = String::new();
    md.push_str(&format!(
        "Request log of {total} attempts ({calls} calls: {}) over {DAYS} days ({EPISODES} \
         episodes, 40 models; database file {:.0} MB, {setup_note}). Each query runs {RUNS} \
         times after one warm-up run.\n\n",
        mix.join(", "),
        size as f64 / 1e6,
    ));
    md.push_str("| query | p50 (ms) | p95 (ms) | under 50 ms at p95? |\n|---|---|---|---|\n");
    for (name, p50, p95) in &rows {
        md.push_str(&format!(
            "| {name} | {} | {} | {} |\n",
            ms(*p50),
            ms(*p95),
            if *p95 < target { "yes" } else { "no" }
        ));
    }
    for (name, p50, p95) in &writes {
        md.push_str(&format!(
            "\n{name}, {INSERTS} times: p50 {} ms, p95 {} ms.\n",
            ms(*p50),
            ms(*p95)
        ));
    }
    print!("{md}");
    if let Ok(path) = std::env::var("CASTWRIGHT_BENCH_OUT") {
        std::fs::write(path, &md).unwrap();
    }
}
