//! `make bench`: what Castwright's own engine path adds to a call, measured side by side with
//! a bare reqwest call to the same local OpenRouter endpoint (zero simulated latency), plus SSE
//! parse throughput and the ledger's durable insert rate beside a bare SQLite commit in the
//! same durability mode (WAL, synchronous=NORMAL). Prints a Markdown report and writes it to
//! the file named by `CASTWRIGHT_BENCH_OUT` (the Makefile points it at BENCHMARKS.md's part).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use castwright_engine::budget::ScopeLimit;
use castwright_engine::gateway::sse::SseReader;
use castwright_engine::gateway::{Client, Message};
use castwright_engine::ledger::{self, AttemptRow};
use castwright_engine::routing::{
    CallSpec, Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router, Variant,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use futures_util::StreamExt;
use openrouter_sim::{Scenario, SimConfig, SimServer};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

const MODEL: &str = "openai/gpt-6-luna";

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn body(i: usize, stream: bool, max_tokens: u32) -> serde_json::Value {
    serde_json::json!({
        "model": MODEL,
        "messages": [{"role": "user", "content": format!("<<<NOTES\nBenchmark note {i}: the committee chose 116 images.\nNOTES>>>")}],
        "max_tokens": max_tokens,
        "stream": stream,
    })
}

/// One bare call: (total latency, time to first content byte).
async fn bare(
    http: &reqwest::Client,
    base: &str,
    i: usize,
    stream: bool,
    max_tokens: u32,
) -> (Duration, Duration) {
    let t = Instant::now();
    let resp = http
        .post(format!("{base}/chat/completions"))
        .json(&body(i, stream, max_tokens))
        .send()
        .await
        .expect("bare call");
    if !stream {
        let _ = resp.bytes().await.expect("body");
        let d = t.elapsed();
        return (d, d);
    }
    let mut s = resp.bytes_stream();
    let mut first = None;
    let mut reader = SseReader::new();
    let mut events = Vec::new();
    while let Some(chunk) = s.next().await {
        let chunk = chunk.expect("chunk");
        reader.feed(&chunk, &mut events);
        if first.is_none()
            && events
                .iter()
                .any(|e| e.data.contains("\"content\":\"") && !e.data.contains("\"content\":\"\""))
        {
            first = Some(t.elapsed());
        }
        events.clear();
    }
    (t.elapsed(), first.unwrap_or_else(|| t.elapsed()))
}

fn spec(i: usize, stream: bool, max_tokens: u32) -> CallSpec {
    CallSpec {
        episode_id: Some("ep_bench".into()),
        stage: Some("research".into()),
        chain: Chain::new(&[MODEL], Variant::None),
        messages: vec![Message::user(format!(
            "<<<NOTES\nBenchmark note {i}: the committee chose 116 images.\nNOTES>>>"
        ))],
        max_tokens,
        min_tokens: 1,
        temperature: None,
        response_format: None,
        stop: None,
        stream,
        bypass_cache: false,
        limits: vec![ScopeLimit::episode("ep_bench", Decimal::from(1_000_000))],
    }
}

async fn engine(router: &Router, i: usize, stream: bool, max_tokens: u32) -> (Duration, Duration) {
    let t = Instant::now();
    let mut first = None;
    let cancel = CancellationToken::new();
    router
        .call(&spec(i, stream, max_tokens), &cancel, &mut |e| {
            if first.is_none() {
                if let castwright_engine::routing::CallEvent::Text(_) = e {
                    first = Some(t.elapsed());
                }
            }
        })
        .await
        .expect("engine call");
    (t.elapsed(), first.unwrap_or_else(|| t.elapsed()))
}

struct Row {
    name: String,
    bare_p50: Duration,
    bare_p99: Duration,
    eng_p50: Duration,
    eng_p99: Duration,
}

#[allow(clippy::too_many_arguments)]
async fn measure(
    label: &str,
    concurrency: usize,
    rounds: usize,
    stream: bool,
    max_tokens: u32,
    ttft: bool,
    http: &reqwest::Client,
    base: &str,
    router: &Router,
    offset: usize,
) -> Row {
    let mut b = Vec::new();
    let mut e = Vec::new();
    // Alternate the two so that machine noise hits both alike.
    for r in 0..rounds {
        let bare_batch = futures_util::future::join_all(
            (0..concurrency)
                .map(|k| bare(http, base, offset + r * concurrency + k, stream, max_tokens)),
        )
        .await;
        let eng_batch = futures_util::future::join_all((0..concurrency).map(|k| {
            engine(
                router,
                offset + 1_000_000 + r * concurrency + k,
                stream,
                max_tokens,
            )
        }))
        .await;
        b.extend(
            bare_batch
                .into_iter()
                .map(|(t, f)| if ttft { f } else { t }),
        );
        e.extend(eng_batch.into_iter().map(|(t, f)| if ttft { f } else { t }));
    }
    b.sort();
    e.sort();
    Row {
        name: label.into(),
        bare_p50: pct(&b, 0.5),
        bare_p99: pct(&b, 0.99),
        eng_p50: pct(&e, 0.5),
        eng_p99: pct(&e, 0.99),
    }
}

fn sse_throughput() -> (f64, usize) {
    let mut input = Vec::new();
    for i in 0..200_000 {
        if i % 50 == 0 {
            input.extend_from_slice(b": OPENROUTER PROCESSING\n\n");
        }
        input.extend_from_slice(format!("data: {{\"id\":\"gen-1\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"w{i} \"}},\"finish_reason\":null}}]}}\n\n").as_bytes());
    }
    let t = Instant::now();
    let mut reader = SseReader::new();
    let mut events = Vec::with_capacity(1024);
    let mut n = 0usize;
    for chunk in input.chunks(1400) {
        reader.feed(chunk, &mut events);
        n += events.len();
        events.clear();
    }
    reader.finish(&mut events);
    n += events.len();
    (n as f64 / t.elapsed().as_secs_f64(), n)
}

fn sqlite_rates() -> (f64, f64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_in(dir.path()).expect("store");
    let n = 5_000;
    // Bare: one small row per committed transaction, same pragmas.
    store
        .conn()
        .execute_batch("CREATE TABLE bare (id INTEGER PRIMARY KEY, v TEXT)")
        .expect("table");
    let t = Instant::now();
    for i in 0..n {
        store
            .conn()
            .execute("INSERT INTO bare (v) VALUES (?1)", [format!("row {i}")])
            .expect("insert");
    }
    let bare = n as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    for i in 0..n {
        let mut row = AttemptRow::new(&format!("call_{i}"), "demo", MODEL);
        row.cost_units = 12345;
        ledger::insert(store.conn(), &row).expect("ledger insert");
    }
    let ours = n as f64 / t.elapsed().as_secs_f64();
    (bare, ours)
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`: measure only
    // under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("gateway benchmark: run it with `make bench`");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let report = rt.block_on(async {
        let sim = SimServer::start(SimConfig { seed: 1, scenario: Scenario::instant(), ..SimConfig::default() }).await.expect("sim");
        let base = sim.api_base();
        // Bare calls send the emulator's own key, as the engine's client does.
        let mut auth = reqwest::header::HeaderMap::new();
        auth.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {}", sim.key()).parse().expect("header"),
        );
        let http = reqwest::Client::builder().default_headers(auth).build().expect("http");
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(Mutex::new(Store::open_in(dir.path()).expect("store")));
        let client = Client::new(&base, Some(Sensitive::new(sim.key()))).expect("client");
        let profile = ConnectionProfile { id: "bench".into(), kind: ConnectionKind::Demo, deny_data_collection: false, limit_off: false };
        let router = Router::new(client, profile, store, RetryPolicy::fast());
        // Warm both paths (connections, catalog, prices).
        for i in 0..20 {
            bare(&http, &base, 9_000_000 + i, false, 16).await;
            engine(&router, 9_100_000 + i, false, 16).await;
        }
        let rows = vec![
            measure("plain, concurrency 1", 1, 300, false, 16, false, &http, &base, &router, 0).await,
            measure("plain, concurrency 64", 64, 8, false, 16, false, &http, &base, &router, 10_000).await,
            measure("streaming TTFT, concurrency 1", 1, 300, true, 16, true, &http, &base, &router, 20_000).await,
            measure("streaming TTFT, concurrency 64", 64, 8, true, 16, true, &http, &base, &router, 30_000).await,
            measure("2,000-token stream, total", 1, 30, true, 2000, false, &http, &base, &router, 40_000).await,
        ];
        // The request-log rows and settlements are written just after each call returns: how
        // far behind the last measured call they were.
        let t = Instant::now();
        router.flush().await.expect("bookkeeping flush");
        let lag = t.elapsed();
        let (eps, n) = sse_throughput();
        let (bare_rate, ledger_rate) = sqlite_rates();
        sim.stop().await;
        let mut out = String::new();
        out.push_str("| measure | bare reqwest p50 (ms) | engine p50 (ms) | added p50 (ms) | bare p99 (ms) | engine p99 (ms) | added p99 (ms) |\n|---|---|---|---|---|---|---|\n");
        for r in &rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                r.name,
                ms(r.bare_p50),
                ms(r.eng_p50),
                ms(r.eng_p50.saturating_sub(r.bare_p50)),
                ms(r.bare_p99),
                ms(r.eng_p99),
                ms(r.eng_p99.saturating_sub(r.bare_p99)),
            ));
        }
        if let Some(long) = rows.last() {
            out.push_str(&format!(
                "\nPer-token cost on the 2,000-token stream: {:.2} µs added per token at p50.\n",
                long.eng_p50.saturating_sub(long.bare_p50).as_secs_f64() * 1e6 / 2000.0
            ));
        }
        out.push_str(&format!(
            "\nBookkeeping behind the last call: the request log and budget had caught up {} ms after it returned (flush).\n",
            ms(lag)
        ));
        out.push_str(&format!("\nSSE parsing: {:.0} events per second ({} events, 1,400-byte reads).\n", eps, n));
        out.push_str(&format!(
            "\nDurable commits (WAL, synchronous=NORMAL, one row per transaction): bare SQLite {:.0} rows/s; request-log insert {:.0} rows/s.\n",
            bare_rate, ledger_rate
        ));
        out
    });
    println!("{report}");
    if let Some(path) = std::env::var_os("CASTWRIGHT_BENCH_OUT") {
        if let Err(e) = std::fs::write(&path, &report) {
            eprintln!(
                "could not write {}: {e}",
                std::path::Path::new(&path).display()
            );
        }
    }
}
