//! `make bench`: whole episodes on the local OpenRouter with the demo's realistic latencies
//! (each model's own time to first token and token rate), through the same pipeline the app
//! runs. Wall time is set against the time covered by the calls themselves (the union of every
//! attempt's interval, from the request log); the difference is what our own orchestration
//! costs: planning, the estimate, prompt building, the database, waiting between stages.
//! Prints Markdown and writes it to the file named by `CASTWRIGHT_BENCH_OUT`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use castwright_engine::gateway::Client;
use castwright_engine::pipeline::notes_store::{self, NoteInput};
use castwright_engine::pipeline::{current_models, episode, EpisodeBrief, RunOptions, Runner};
use castwright_engine::routing::{ConnectionKind, ConnectionProfile, RetryPolicy, Router};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{Scenario, SimConfig, SimServer};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

const EPISODES: usize = 3;

const NOTES: [(&str, &str); 3] = [
    ("golden-record.md", "# The Golden Record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired the committee. The record holds greetings in 55 languages and 90 minutes of music."),
    ("launch.txt", "Voyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later, on September 5. Both flew past Jupiter and Saturn."),
    ("interstellar.txt", "Voyager 1 crossed the heliopause in August 2012, the first human-made object in interstellar space. Its plutonium power source weakens by about four watts a year."),
];

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

/// Milliseconds since the epoch of an RFC 3339 stamp from the request log.
fn millis(stamp: &str) -> i128 {
    let t = time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339)
        .expect("request log stamps are RFC 3339");
    t.unix_timestamp_nanos() / 1_000_000
}

/// Total length of the union of `[start, end)` intervals, in ms.
fn union_ms(mut spans: Vec<(i128, i128)>) -> i128 {
    spans.sort();
    let mut total = 0;
    let mut current: Option<(i128, i128)> = None;
    for (s, e) in spans {
        match current {
            Some((cs, ce)) if s <= ce => current = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                current = Some((s, e));
            }
            None => current = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = current {
        total += ce - cs;
    }
    total
}

struct Row {
    wall: Duration,
    calls_ms: i128,
    serial_ms: i128,
    attempts: i64,
    stages: usize,
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`: measure only
    // under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("episode benchmark: run it with `make bench`");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(measure());
}

async fn measure() {
    let sim = SimServer::start(SimConfig {
        seed: 5,
        scenario: Scenario::demo(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
    let client = Client::new(&sim.api_base(), Some(Sensitive::new(sim.key()))).unwrap();
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: false,
        limit_off: false,
    };
    // The app's own policy: its timeouts, retries and fallback widths.
    let router = Router::new(client, profile, store.clone(), RetryPolicy::default());
    let runner = Runner::new(router, store.clone(), None);

    let mut rows = Vec::new();
    for n in 0..EPISODES {
        let id = {
            let guard = store.lock().unwrap();
            let brief = EpisodeBrief {
                title: format!("Voyager's golden record, take {n}"),
                brief: "How the Voyager golden record was made, for curious listeners.".into(),
                budget_usd: Decimal::from(3),
                ..EpisodeBrief::default()
            };
            let ep = episode::create(guard.conn(), &brief, "demo", &current_models(&[])).unwrap();
            for (i, (name, text)) in NOTES.iter().enumerate() {
                // A different note each time, so no episode reuses another's answers.
                let text = format!("{text}\nTake {n}.");
                notes_store::add(
                    guard.conn(),
                    &ep.id,
                    &NoteInput {
                        source_name: name.to_string(),
                        path: None,
                        hash: format!("hash-{n}-{i}"),
                        word_count: text.split_whitespace().count() as u32,
                        preview: text.chars().take(50).collect(),
                        text,
                        warning: None,
                    },
                )
                .unwrap();
            }
            ep.id
        };
        let cancel = CancellationToken::new();
        let started = Instant::now();
        let result = runner
            .run(
                &id,
                &RunOptions {
                    stream: true,
                    ..RunOptions::default()
                },
                &cancel,
                &mut |_| {},
            )
            .await
            .expect("the episode runs to the end");
        let wall = started.elapsed();
        let guard = store.lock().unwrap();
        let mut stmt = guard
            .conn()
            .prepare("SELECT at, latency_ms FROM requests WHERE episode_id = ?1")
            .unwrap();
        let spans: Vec<(i128, i128)> = stmt
            .query_map([&id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .unwrap()
            .map(|r| {
                let (at, latency) = r.unwrap();
                let end = millis(&at);
                (end - i128::from(latency), end)
            })
            .collect();
        rows.push(Row {
            wall,
            serial_ms: spans.iter().map(|(s, e)| e - s).sum(),
            attempts: spans.len() as i64,
            calls_ms: union_ms(spans),
            stages: result.stages.len(),
        });
    }

    let mut md = String::new();
    md.push_str(&format!(
        "{EPISODES} episodes of the original stage design (10 minutes, two hosts, three short notes), \
         streamed, on the demo scenario (the catalog's real latencies and token rates), with the \
         app's retry policy. \"Calls\" is the time at least one attempt was in flight (the union of \
         every attempt's interval in the request log, millisecond stamps); \"serial\" is the sum of \
         the attempts' latencies, which concurrency within a stage brings down.\n\n"
    ));
    md.push_str("| episode | stages | attempts | wall (s) | calls (s) | serial (s) | orchestration (s) | orchestration share |\n|---|---|---|---|---|---|---|---|\n");
    for (i, r) in rows.iter().enumerate() {
        let calls = Duration::from_millis(r.calls_ms as u64);
        let orchestration = r.wall.saturating_sub(calls);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.1} % |\n",
            i + 1,
            r.stages,
            r.attempts,
            secs(r.wall),
            secs(calls),
            secs(Duration::from_millis(r.serial_ms as u64)),
            secs(orchestration),
            orchestration.as_secs_f64() / r.wall.as_secs_f64() * 100.0
        ));
    }
    print!("{md}");
    if let Ok(path) = std::env::var("CASTWRIGHT_BENCH_OUT") {
        std::fs::write(path, &md).unwrap();
    }
}
