//! A long episode's script parts against the local OpenRouter over real HTTP: written at the
//! same time when the budget holds every part at once (the request log shows them in flight
//! together), joined in order and complete; one after another, never past the limit, when it
//! does not; a cancel in the middle keeps what the parts wrote.

use std::sync::{Arc, Mutex};

use castwright_engine::gateway::Client;
use castwright_engine::money::{from_units, to_units};
use castwright_engine::pipeline::notes_store::{self, NoteInput};
use castwright_engine::pipeline::{
    artifacts, call_plan, current_models, episode, prompts, EpisodeBrief, ProgressEvent, RunError,
    RunOptions, Runner, Stage,
};
use castwright_engine::routing::{
    CallError, ConnectionKind, ConnectionProfile, RetryPolicy, Router,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{Fault, FaultRule, Scenario, SimConfig, SimServer, When};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

struct Fx {
    _sim: SimServer,
    store: Arc<Mutex<Store>>,
    api_base: String,
    key: String,
    _dir: tempfile::TempDir,
}

/// The emulator with its default timing (a twentieth of the catalog's real latencies and token
/// rates): long enough for calls to be seen in flight together, short enough for a test.
async fn fx() -> Fx {
    fx_with(Scenario::default()).await
}

async fn fx_with(scenario: Scenario) -> Fx {
    let sim = SimServer::start(SimConfig {
        seed: 11,
        scenario,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
    Fx {
        api_base: sim.api_base(),
        key: sim.key(),
        _sim: sim,
        store,
        _dir: dir,
    }
}

fn runner(f: &Fx, monthly_limit: Option<Decimal>) -> Runner {
    let client = Client::new(&f.api_base, Some(Sensitive::new(f.key.clone()))).unwrap();
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: false,
        limit_off: false,
    };
    let router = Router::new(client, profile, f.store.clone(), RetryPolicy::fast());
    Runner::new(router, f.store.clone(), monthly_limit)
}

const NOTES: [(&str, &str); 3] = [
    ("golden-record.md", "# The Golden Record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired the committee. The record holds greetings in 55 languages and 90 minutes of music."),
    ("launch.txt", "Voyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later, on September 5. Both flew past Jupiter and Saturn."),
    ("interstellar.txt", "Voyager 1 crossed the heliopause in August 2012, the first human-made object in interstellar space. Its plutonium power source weakens by about four watts a year."),
];

fn new_episode(f: &Fx, minutes: u32) -> String {
    let store = f.store.lock().unwrap();
    let brief = EpisodeBrief {
        title: "Voyager's golden record".into(),
        brief: "How the Voyager golden record was made, for curious listeners.".into(),
        minutes,
        budget_usd: Decimal::from(20),
        ..EpisodeBrief::default()
    };
    let ep = episode::create(store.conn(), &brief, "demo", &current_models(&[])).unwrap();
    for (i, (name, text)) in NOTES.iter().enumerate() {
        notes_store::add(
            store.conn(),
            &ep.id,
            &NoteInput {
                source_name: name.to_string(),
                path: None,
                hash: format!("hash{i}"),
                text: text.to_string(),
                word_count: text.split_whitespace().count() as u32,
                preview: text.chars().take(50).collect(),
                warning: None,
            },
        )
        .unwrap();
    }
    ep.id
}

fn millis(stamp: &str) -> i128 {
    let t =
        time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339).unwrap();
    t.unix_timestamp_nanos() / 1_000_000
}

/// Each attempt of `stage` in the request log as `[start, end]` in ms, by start.
fn spans(f: &Fx, ep: &str, stage: &str) -> Vec<(i128, i128)> {
    let store = f.store.lock().unwrap();
    let mut stmt = store
        .conn()
        .prepare("SELECT at, latency_ms FROM requests WHERE episode_id = ?1 AND stage = ?2")
        .unwrap();
    let mut v: Vec<(i128, i128)> = stmt
        .query_map([ep, stage], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .unwrap()
        .map(|r| {
            let (at, latency) = r.unwrap();
            let end = millis(&at);
            (end - i128::from(latency), end)
        })
        .collect();
    v.sort();
    v
}

/// The headings of `script` in order, without their time targets.
fn headings(script: &str) -> Vec<String> {
    script
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.split(" (").next().unwrap_or(h).trim().to_string())
        .collect()
}

fn month_totals(f: &Fx) -> (i64, i64) {
    let month = castwright_engine::clock::month(castwright_engine::clock::now());
    castwright_engine::budget::totals(f.store.lock().unwrap().conn(), &format!("month:{month}"))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_episodes_parts_are_written_at_the_same_time_and_joined_in_order() {
    let f = fx().await;
    let runner = runner(&f, None);
    let ep = new_episode(&f, 30);
    let mut events = Vec::new();
    let r = runner
        .run(
            &ep,
            &RunOptions {
                stream: true,
                ..RunOptions::default()
            },
            &CancellationToken::new(),
            &mut |e| events.push(e),
        )
        .await
        .unwrap();
    let parts = spans(&f, &ep, "script");
    assert!(
        parts.len() >= 3,
        "a 30-minute script is written in parts: {parts:?}"
    );
    // Every part was in flight before the first one finished.
    let first_end = parts.iter().map(|p| p.1).min().unwrap();
    let last_start = parts.iter().map(|p| p.0).max().unwrap();
    assert!(last_start < first_end, "the parts overlap: {parts:?}");
    // The check starts once the last part is in.
    let last_end = parts.iter().map(|p| p.1).max().unwrap();
    let qc = spans(&f, &ep, "quality_check");
    assert!(qc[0].0 >= last_end - 1, "{qc:?} after {parts:?}");

    // Joined in order and complete: every planned segment once, in the plan's order.
    let brief = episode::get(f.store.lock().unwrap().conn(), &ep)
        .unwrap()
        .brief;
    let script = r.script.unwrap();
    let first_draft = artifacts::versions(f.store.lock().unwrap().conn(), &ep, Stage::Script)
        .unwrap()
        .into_iter()
        .find(|a| a.kind == artifacts::ArtifactKind::Output)
        .unwrap();
    assert_eq!(
        headings(&first_draft.content),
        prompts::segment_plan(&brief)
    );
    assert!(!script.content.is_empty());
    // The text went out in order, once the parts were in.
    let shown: String = events
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::TextDelta {
                stage: Stage::Script,
                text,
            } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let shown_headings = headings(&shown);
    assert_eq!(shown_headings, prompts::segment_plan(&brief));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_room_for_every_part_at_once_they_run_one_after_another_within_the_limit() {
    let f = fx().await;
    let ep = new_episode(&f, 30);
    // A first run writes the research and the outline (and a script).
    runner(&f, None)
        .run(
            &ep,
            &RunOptions::default(),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .unwrap();
    let (spent, reserved) = month_totals(&f);
    assert_eq!(reserved, 0);
    // The script again, under a monthly limit one unit short of every part's worst case at
    // once — figured exactly as the Script stage figures it.
    let (needed, calls) = {
        let store = f.store.lock().unwrap();
        let conn = store.conn();
        let e = episode::get(conn, &ep).unwrap();
        let notes = notes_store::texts(conn, &ep).unwrap();
        let outline = artifacts::current(conn, &ep, Stage::Synthesis)
            .unwrap()
            .unwrap()
            .content;
        let profile = ConnectionProfile {
            id: "demo".into(),
            kind: ConnectionKind::Demo,
            deny_data_collection: false,
            limit_off: false,
        };
        let calls = call_plan::script_calls(&e, &notes, &outline);
        let needed: i64 = calls
            .iter()
            .map(|c| call_plan::upper_units(conn, &profile, c))
            .sum();
        (needed, calls.len())
    };
    assert!(calls >= 3);
    let limit = from_units(spent + needed - 1);
    let before = spans(&f, &ep, "script").len();
    let r = runner(&f, Some(limit))
        .run(
            &ep,
            &RunOptions {
                rerun: Some(Stage::Script),
                stream: true,
                ..RunOptions::default()
            },
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await;
    // The check after the script may find the month's limit too tight; the script is done.
    if let Err(e) = &r {
        assert!(
            matches!(
                e,
                RunError::Call {
                    stage: Stage::QualityCheck,
                    error: CallError::Budget(_),
                    ..
                }
            ),
            "{e:?}"
        );
    }
    let parts: Vec<(i128, i128)> = spans(&f, &ep, "script");
    let parts = &parts[before..];
    assert_eq!(parts.len(), calls, "{parts:?}");
    for w in parts.windows(2) {
        assert!(w[1].0 >= w[0].1 - 1, "one after another: {parts:?}");
    }
    let script = artifacts::current(f.store.lock().unwrap().conn(), &ep, Stage::Script)
        .unwrap()
        .unwrap();
    let brief = episode::get(f.store.lock().unwrap().conn(), &ep)
        .unwrap()
        .brief;
    assert_eq!(headings(&script.content), prompts::segment_plan(&brief));
    // Never past the limit.
    let (spent_after, reserved_after) = month_totals(&f);
    assert_eq!(reserved_after, 0);
    assert!(spent_after <= to_units(limit), "{spent_after} > {limit}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_while_the_parts_are_written_keeps_what_they_wrote() {
    // One of the parts stalls in the middle of its answer; the others finish.
    let s = Scenario {
        faults: vec![FaultRule {
            model: Some("anthropic/claude-opus-5.5".into()),
            provider: None,
            key: None,
            stream: Some(true),
            when: When {
                first: Some(1),
                ..When::default()
            },
            fault: Fault::StallMidStream {
                after_chunks: 3,
                ms: 20_000,
            },
        }],
        ..Scenario::default()
    };
    let f = fx_with(s).await;
    let runner = runner(&f, None);
    let ep = new_episode(&f, 30);
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    let r = runner
        .run(
            &ep,
            &RunOptions {
                stream: true,
                ..RunOptions::default()
            },
            &cancel,
            &mut |e| {
                if let ProgressEvent::StageStarted {
                    stage: Stage::Script,
                    ..
                } = e
                {
                    let c = c2.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
                        c.cancel();
                    });
                }
            },
        )
        .await;
    assert!(
        matches!(
            r,
            Err(RunError::Call {
                stage: Stage::Script,
                error: CallError::Cancelled { .. },
                partial_saved: true
            })
        ),
        "{r:?}"
    );
    let draft = artifacts::newest(f.store.lock().unwrap().conn(), &ep, Stage::Script)
        .unwrap()
        .unwrap();
    assert_eq!(draft.kind, artifacts::ArtifactKind::Draft);
    // The parts that finished and the one that was stopped are all in the draft, in order.
    let kept = headings(&draft.content);
    assert!(kept.len() >= 3, "{}", draft.content);
    let plan = prompts::segment_plan(
        &episode::get(f.store.lock().unwrap().conn(), &ep)
            .unwrap()
            .brief,
    );
    let positions: Vec<usize> = kept
        .iter()
        .map(|h| plan.iter().position(|p| p == h).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{kept:?}");
    // The next run finishes without paying for research and the outline again.
    let r2 = runner
        .run(
            &ep,
            &RunOptions::default(),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .unwrap();
    let cached: Vec<bool> = r2.stages.iter().map(|s| s.cached).collect();
    assert_eq!(cached, vec![true, true, false, false]);
}
