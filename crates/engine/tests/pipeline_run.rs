//! A whole episode through the four stages against the local OpenRouter over real HTTP:
//! resume without paying twice, faults at every stage, a budget too small, cancel.

use std::sync::{Arc, Mutex};

use castwright_engine::gateway::Client;
use castwright_engine::pipeline::notes_store::{self, NoteInput};
use castwright_engine::pipeline::{
    artifacts, current_models, episode, EpisodeBrief, ProgressEvent, RunError, RunOptions, Runner,
    Stage,
};
use castwright_engine::routing::{
    CallError, ConnectionKind, ConnectionProfile, RetryPolicy, Router,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{Fault, FaultRule, Scenario, SimConfig, SimServer, When};
use rust_decimal::Decimal;
use std::str::FromStr;
use tokio_util::sync::CancellationToken;

struct Fx {
    sim: SimServer,
    runner: Runner,
    store: Arc<Mutex<Store>>,
    _dir: tempfile::TempDir,
}

async fn fx(scenario: Scenario) -> Fx {
    let sim = SimServer::start(SimConfig {
        seed: 3,
        scenario,
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
    let router = Router::new(client, profile, store.clone(), RetryPolicy::fast());
    Fx {
        sim,
        runner: Runner::new(router, store.clone(), None),
        store,
        _dir: dir,
    }
}

const NOTES: [(&str, &str); 3] = [
    ("golden-record.md", "# The Golden Record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired the committee. The record holds greetings in 55 languages and 90 minutes of music."),
    ("launch.txt", "Voyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later, on September 5. Both flew past Jupiter and Saturn."),
    ("interstellar.txt", "Voyager 1 crossed the heliopause in August 2012, the first human-made object in interstellar space. Its plutonium power source weakens by about four watts a year."),
];

fn new_episode(f: &Fx, budget: &str, minutes: u32) -> String {
    let store = f.store.lock().unwrap();
    let brief = EpisodeBrief {
        title: "Voyager's golden record".into(),
        brief: "How the Voyager golden record was made, for curious listeners.".into(),
        minutes,
        budget_usd: Decimal::from_str(budget).unwrap(),
        ..EpisodeBrief::default()
    };
    let ep = episode::create(store.conn(), &brief, "demo", &current_models(&[])).unwrap();
    for (i, (name, text)) in NOTES.iter().enumerate() {
        let added = notes_store::add(
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
        assert!(added);
    }
    ep.id
}

async fn run(
    f: &Fx,
    ep: &str,
    opts: RunOptions,
) -> (
    Result<castwright_engine::pipeline::RunResult, RunError>,
    Vec<ProgressEvent>,
) {
    let mut events = Vec::new();
    let cancel = CancellationToken::new();
    let r = f
        .runner
        .run(ep, &opts, &cancel, &mut |e| events.push(e))
        .await;
    (r, events)
}

fn ledger_units(f: &Fx) -> i64 {
    castwright_engine::ledger::total_units(f.store.lock().unwrap().conn(), None).unwrap()
}

#[tokio::test]
async fn a_full_episode_then_a_free_second_run() {
    let f = fx(Scenario::instant()).await;
    let ep = new_episode(&f, "3.00", 5);
    let (r, events) = run(
        &f,
        &ep,
        RunOptions {
            stream: true,
            ..RunOptions::default()
        },
    )
    .await;
    let r = r.unwrap();
    assert_eq!(r.stages.len(), 4);
    assert!(
        r.stages.iter().all(|s| !s.cached && s.calls >= 1),
        "{:?}",
        r.stages
    );
    assert!(r.total_units > 0);
    let script = r.script.clone().unwrap();
    let parsed = castwright_engine::script::Script::parse(&script.content);
    let speakers = parsed.speakers();
    assert!(
        speakers.contains(&"Alex".to_string()) && speakers.contains(&"Sam".to_string()),
        "{speakers:?}\n{}",
        script.content
    );
    assert!(parsed.segments.len() >= 3, "{}", script.content);
    assert!(r.verdict.is_some());
    assert!(events.iter().any(|e| matches!(
        e,
        ProgressEvent::TextDelta {
            stage: Stage::Script,
            ..
        }
    )));
    // Ledger and emulator agree to the last unit.
    assert_eq!(
        ledger_units(&f),
        castwright_engine::money::to_units(f.sim.billing().total)
    );
    let generations = f.sim.billing().generations;

    // Second run: nothing to pay, every stage reused.
    let (r2, events2) = run(
        &f,
        &ep,
        RunOptions {
            stream: true,
            ..RunOptions::default()
        },
    )
    .await;
    let r2 = r2.unwrap();
    assert_eq!(r2.total_units, 0);
    assert!(r2.stages.iter().all(|s| s.cached), "{:?}", r2.stages);
    assert_eq!(
        f.sim.billing().generations,
        generations,
        "no request reached the emulator"
    );
    assert!(events2
        .iter()
        .all(|e| !matches!(e, ProgressEvent::TextDelta { .. })));
}

#[tokio::test]
async fn an_edit_reruns_only_what_depends_on_it() {
    let f = fx(Scenario::instant()).await;
    let ep = new_episode(&f, "3.00", 5);
    run(&f, &ep, RunOptions::default()).await.0.unwrap();
    let script = artifacts::current(f.store.lock().unwrap().conn(), &ep, Stage::Script)
        .unwrap()
        .unwrap();
    let edited = format!(
        "{}\n\nALEX: One more line from the producer.",
        script.content
    );
    artifacts::save_edit(f.store.lock().unwrap().conn(), &ep, script.id, &edited).unwrap();
    let (r, _) = run(&f, &ep, RunOptions::default()).await;
    let r = r.unwrap();
    let by: Vec<(Stage, bool)> = r.stages.iter().map(|s| (s.stage, s.cached)).collect();
    assert_eq!(
        by,
        vec![
            (Stage::Research, true),
            (Stage::Synthesis, true),
            (Stage::Script, true),
            (Stage::QualityCheck, false)
        ]
    );
    let versions = artifacts::versions(f.store.lock().unwrap().conn(), &ep, Stage::Script).unwrap();
    assert!(
        versions.len() >= 2,
        "the edit is a new version; the original is kept"
    );
}

#[tokio::test]
async fn faults_at_every_stage_are_survived_while_one_model_per_chain_is_healthy() {
    let mut s = Scenario::instant();
    // The first model of every chain fails hard; the second serves.
    s.faults = [
        "mistralai/mistral-small-3.2-24b-instruct",
        "deepseek/deepseek-v4-pro",
        "anthropic/claude-opus-5.5",
        "openai/gpt-6.1-terra",
    ]
    .iter()
    .map(|m| FaultRule {
        model: Some(m.to_string()),
        provider: None,
        key: None,
        stream: None,
        when: When::default(),
        fault: Fault::Status {
            status: 503,
            message: None,
        },
    })
    .collect();
    let f = fx(s).await;
    let ep = new_episode(&f, "3.00", 5);
    let (r, events) = run(
        &f,
        &ep,
        RunOptions {
            stream: true,
            ..RunOptions::default()
        },
    )
    .await;
    let r = r.unwrap();
    for s in &r.stages {
        let m = s.model.clone().unwrap();
        assert!(
            ![
                "mistralai/mistral-small-3.2-24b-instruct",
                "deepseek/deepseek-v4-pro",
                "anthropic/claude-opus-5.5",
                "openai/gpt-6.1-terra"
            ]
            .contains(&m.as_str()),
            "{m}"
        );
    }
    let lines: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::AttemptFailed { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("was unavailable —") && l.contains("took over")),
        "{lines:?}"
    );
    assert_eq!(
        ledger_units(&f),
        castwright_engine::money::to_units(f.sim.billing().total)
    );
}

#[tokio::test]
async fn a_stage_with_no_healthy_model_stops_with_a_plain_error() {
    let mut s = Scenario::instant();
    s.faults = vec![FaultRule {
        model: None,
        provider: None,
        key: None,
        stream: None,
        when: When::default(),
        fault: Fault::Status {
            status: 502,
            message: None,
        },
    }];
    let f = fx(s).await;
    let ep = new_episode(&f, "3.00", 5);
    let (r, events) = run(&f, &ep, RunOptions::default()).await;
    match r {
        Err(RunError::Call {
            stage: Stage::Research,
            error: CallError::AllFailed { .. },
            ..
        }) => {}
        other => panic!("expected research to fail, got {other:?}"),
    }
    assert!(events
        .iter()
        .any(|e| matches!(e, ProgressEvent::Error { code, .. } if code == "all_models_failed")));
}

#[tokio::test]
async fn a_budget_too_small_for_the_estimate_is_refused_before_spending() {
    let f = fx(Scenario::instant()).await;
    let ep = new_episode(&f, "0.05", 10);
    let (r, _) = run(&f, &ep, RunOptions::default()).await;
    let err = r.unwrap_err();
    assert!(matches!(err, RunError::OverEstimate { .. }), "{err:?}");
    assert!(err.to_string().contains("could cost up to"), "{err}");
    assert_eq!(f.sim.billing().generations, 0);
    assert_eq!(ledger_units(&f), 0);
}

#[tokio::test]
async fn a_cancel_keeps_the_partial_text_as_a_draft_and_the_next_run_resumes() {
    let mut s = Scenario::instant();
    s.faults = vec![FaultRule {
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
            ms: 10_000,
        },
    }];
    let f = fx(s).await;
    let ep = new_episode(&f, "3.00", 5);
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    let mut script_text = 0;
    let r = f
        .runner
        .run(
            &ep,
            &RunOptions {
                stream: true,
                ..RunOptions::default()
            },
            &cancel,
            &mut |e| {
                if let ProgressEvent::TextDelta {
                    stage: Stage::Script,
                    ..
                } = e
                {
                    script_text += 1;
                    if script_text == 3 {
                        c2.cancel();
                    }
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
    assert!(!draft.content.is_empty());
    let before = f.sim.billing().generations;
    let (r2, _) = run(
        &f,
        &ep,
        RunOptions {
            stream: true,
            ..RunOptions::default()
        },
    )
    .await;
    let r2 = r2.unwrap();
    let cached: Vec<bool> = r2.stages.iter().map(|s| s.cached).collect();
    assert_eq!(
        cached,
        vec![true, true, false, false],
        "research and synthesis are not paid again"
    );
    assert!(f.sim.billing().generations > before);
    assert_eq!(
        ledger_units(&f),
        castwright_engine::money::to_units(f.sim.billing().total)
    );
}
