//! `make bench`: whole episodes on the local OpenRouter with the demo's realistic latencies
//! (each model's own time to first token and token rate), through the same pipeline the app
//! runs: 10-, 30- and 60-minute episodes, each with its script parts written at the same time
//! (as the app does when the budget holds them all) and again one part at a time. Wall time is
//! set against the time covered by the calls themselves (the union of every attempt's interval,
//! from the request log) — the difference is what our own orchestration costs: planning, the
//! estimate, prompt building, the database, waiting between stages — and against the episode's
//! longest single call, the least any schedule could take. Prints Markdown and writes it to
//! the file named by `CASTWRIGHT_BENCH_OUT`.

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

#[path = "support/research_notes.rs"]
mod research_notes;

/// Episode lengths, in minutes.
const MINUTES: [u32; 3] = [10, 30, 60];

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
    minutes: u32,
    together: bool,
    script_calls: usize,
    research_calls: usize,
    notes_words: usize,
    wall: Duration,
    research_ms: i128,
    synthesis_ms: i128,
    script_wall_ms: i128,
    quality_ms: i128,
    calls_ms: i128,
    serial_ms: i128,
    longest_ms: i128,
    attempts: i64,
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
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: false,
        limit_off: false,
    };
    let mut rows = Vec::new();
    let mut n = 0;
    for minutes in MINUTES {
        for together in [true, false] {
            n += 1;
            // The app's own policy: its timeouts, retries and fallback widths.
            let router = Router::new(
                Client::new(&sim.api_base(), Some(Sensitive::new(sim.key()))).unwrap(),
                profile.clone(),
                store.clone(),
                RetryPolicy::default(),
            );
            let runner = Runner::new(router, store.clone(), None).parts_together(together);
            rows.push(one_episode(&runner, &store, n, minutes, together).await);
        }
    }

    let mut md = String::new();
    md.push_str(
        "One episode per row, two hosts, the \"Current models\" preset, streamed, on the demo \
         scenario: each model's own latency, time to first token and token rate from the \
         emulator's catalog at `latency_scale` 1.0, and the first token also waits for the prompt \
         to be read (its uncached tokens at 100 times the endpoint's token rate). The models: \
         research DeepSeek V4.1 Flash on its cheapest endpoint (`:floor`), up to six batches at \
         once; synthesis DeepSeek V4 Pro, a reasoning model; the script Claude Opus 5.5 (380-460 \
         ms latency, 1.5-1.7 s more to the first token, then 42-48 tokens/s, by provider); the \
         check Gemini 3.8 Flash on its fastest endpoint (`:nitro`: 180-200 ms, 0.4-0.45 s, \
         210-240 tokens/s); the app's retry policy. The notes are generated for each episode, \
         150 words for each minute of it in files of about 550 words, sentences of names, years, \
         figures and places that agree with one another (the demo tells each fact once, so with \
         less material its script would fall short of the target). \"Parts\" is how the script \
         was written: together (the app's way when the budget holds every part at once) or one \
         at a time (as before); a 10-minute script is one part. A stage's time runs from its \
         first attempt's start to its last attempt's end. \"Calls\" is the time at least one \
         attempt was in flight (the union of every attempt's interval in the request log, \
         millisecond stamps); \"serial\" the sum of the attempts' latencies; \"longest call\" \
         the longest single attempt, the least any schedule could take. Target: a 60-minute \
         episode within 1.5x of its longest call.\n\n",
    );
    md.push_str("| minutes | notes (words) | parts | research calls | script calls | attempts | wall (s) | research (s) | synthesis (s) | script stage (s) | quality check (s) | calls (s) | serial (s) | orchestration share | longest call (s) | wall / longest call |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in &rows {
        let calls = Duration::from_millis(r.calls_ms as u64);
        let orchestration = r.wall.saturating_sub(calls);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} % | {} | {:.2}x |\n",
            r.minutes,
            r.notes_words,
            if r.together {
                "together"
            } else {
                "one at a time"
            },
            r.research_calls,
            r.script_calls,
            r.attempts,
            secs(r.wall),
            secs(Duration::from_millis(r.research_ms as u64)),
            secs(Duration::from_millis(r.synthesis_ms as u64)),
            secs(Duration::from_millis(r.script_wall_ms as u64)),
            secs(Duration::from_millis(r.quality_ms as u64)),
            secs(calls),
            secs(Duration::from_millis(r.serial_ms as u64)),
            orchestration.as_secs_f64() / r.wall.as_secs_f64() * 100.0,
            secs(Duration::from_millis(r.longest_ms as u64)),
            r.wall.as_secs_f64() * 1000.0 / r.longest_ms.max(1) as f64,
        ));
    }
    for m in MINUTES {
        let wall = |together: bool| {
            rows.iter()
                .find(|r| r.minutes == m && r.together == together)
                .map(|r| r.wall.as_secs_f64())
                .unwrap_or(0.0)
        };
        md.push_str(&format!(
            "\n{m} minutes: together {:.2} s against one at a time {:.2} s ({:.0} % of the time).",
            wall(true),
            wall(false),
            wall(true) / wall(false).max(f64::EPSILON) * 100.0
        ));
    }
    md.push('\n');
    print!("{md}");
    if let Ok(path) = std::env::var("CASTWRIGHT_BENCH_OUT") {
        std::fs::write(path, &md).unwrap();
    }
}

/// Runs one fresh episode of `minutes` and reads its attempts back from the request log.
async fn one_episode(
    runner: &Runner,
    store: &Arc<Mutex<Store>>,
    n: usize,
    minutes: u32,
    together: bool,
) -> Row {
    let mut notes_words = 0;
    let id = {
        let guard = store.lock().unwrap();
        let brief = EpisodeBrief {
            title: format!("Voyager's golden record, take {n}"),
            brief: "How the Voyager golden record was made, for curious listeners.".into(),
            minutes,
            budget_usd: Decimal::from(20),
            ..EpisodeBrief::default()
        };
        let ep = episode::create(guard.conn(), &brief, "demo", &current_models(&[])).unwrap();
        // Fresh notes each time, so no episode reuses another's answers.
        for (i, (name, text)) in research_notes::for_episode(minutes, n)
            .into_iter()
            .enumerate()
        {
            notes_words += text.split_whitespace().count();
            notes_store::add(
                guard.conn(),
                &ep.id,
                &NoteInput {
                    source_name: name,
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
    runner
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
        .prepare("SELECT at, latency_ms, stage FROM requests WHERE episode_id = ?1")
        .unwrap();
    let attempts: Vec<(i128, i128, String)> = stmt
        .query_map([&id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            ))
        })
        .unwrap()
        .map(|r| {
            let (at, latency, stage) = r.unwrap();
            let end = millis(&at);
            (end - i128::from(latency), end, stage)
        })
        .collect();
    let spans: Vec<(i128, i128)> = attempts.iter().map(|(s, e, _)| (*s, *e)).collect();
    // Each stage's span: from its first attempt's start to its last attempt's end.
    let stage_ms = |stage: &str| {
        let spans: Vec<(i128, i128)> = attempts
            .iter()
            .filter(|a| a.2 == stage)
            .map(|(s, e, _)| (*s, *e))
            .collect();
        let span = match (
            spans.iter().map(|s| s.0).min(),
            spans.iter().map(|s| s.1).max(),
        ) {
            (Some(a), Some(b)) => b - a,
            _ => 0,
        };
        (spans.len(), span)
    };
    let (script_calls, script_wall_ms) = stage_ms("script");
    let (research_calls, research_ms) = stage_ms("research");
    let (_, synthesis_ms) = stage_ms("synthesis");
    let (_, quality_ms) = stage_ms("quality_check");
    Row {
        minutes,
        together,
        script_calls,
        research_calls,
        notes_words,
        wall,
        research_ms,
        synthesis_ms,
        script_wall_ms,
        quality_ms,
        serial_ms: spans.iter().map(|(s, e)| e - s).sum(),
        longest_ms: spans.iter().map(|(s, e)| e - s).max().unwrap_or(0),
        attempts: spans.len() as i64,
        calls_ms: union_ms(spans),
    }
}
