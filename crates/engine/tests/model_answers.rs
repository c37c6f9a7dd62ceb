//! Real model answers through the real client over HTTP: the emulator is told (scenario
//! `answers`) to answer as real models do — chatty, fenced, cut off, empty, unreadable — and
//! the pipeline must end with a clean, finished script or fail honestly with the work kept.
//! Chains use models both the 2025 and the late-2026 catalogs list.

#[path = "model_answers/answers.rs"]
mod answers;

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use answers::*;
use castwright_engine::gateway::Client;
use castwright_engine::pipeline::artifacts::{self, ArtifactKind};
use castwright_engine::pipeline::notes_store::{self, NoteInput};
use castwright_engine::pipeline::{
    episode, original_design, EpisodeBrief, ProgressEvent, RunError, RunOptions, RunResult, Runner,
    Stage, StagePlan,
};
use castwright_engine::routing::{
    Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router, Variant,
};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{Scenario, SimConfig, SimServer};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

const MAVERICK: &str = "meta-llama/llama-4-maverick";
const NEMO: &str = "mistralai/mistral-nemo";

struct Fx {
    sim: SimServer,
    runner: Runner,
    store: Arc<Mutex<Store>>,
    _dir: tempfile::TempDir,
}

fn scenario(answers: Value) -> Scenario {
    let mut s = Scenario::instant();
    s.answers = serde_json::from_value(answers).expect("answers parse");
    s
}

async fn fx(scenario: Scenario) -> Fx {
    let sim = SimServer::start(SimConfig {
        seed: 5,
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

/// Every stage: Llama 4 Maverick, then Mistral Nemo.
fn plan() -> StagePlan {
    let mut p = original_design();
    for s in Stage::ALL {
        p.get_mut(s).chain = Chain::new(&[MAVERICK, NEMO], Variant::None);
    }
    p
}

const NOTES: [(&str, &str); 3] = [
    ("golden-record.md", "# The Golden Record\nThe committee had six weeks to choose 116 images. Carl Sagan chaired the committee. The record holds greetings in 55 languages and 90 minutes of music."),
    ("launch.txt", "Voyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later, on September 5."),
    ("interstellar.txt", "Voyager 1 crossed the heliopause in August 2012, the first human-made object in interstellar space."),
];

fn new_episode(f: &Fx) -> String {
    let store = f.store.lock().unwrap();
    let brief = EpisodeBrief {
        title: "Voyager's golden record".into(),
        brief: "How the Voyager golden record was made.".into(),
        minutes: 5,
        budget_usd: Decimal::from_str("3.00").unwrap(),
        ..EpisodeBrief::default()
    };
    let ep = episode::create(store.conn(), &brief, "demo", &plan()).unwrap();
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
                preview: text.chars().take(40).collect(),
                warning: None,
            },
        )
        .unwrap();
    }
    ep.id
}

async fn run(f: &Fx, ep: &str) -> (Result<RunResult, RunError>, Vec<ProgressEvent>) {
    let mut events = Vec::new();
    let r = f
        .runner
        .run(
            ep,
            &RunOptions {
                stream: true,
                ..RunOptions::default()
            },
            &CancellationToken::new(),
            &mut |e| events.push(e),
        )
        .await;
    (r, events)
}

fn current(f: &Fx, ep: &str, stage: Stage) -> Option<artifacts::Artifact> {
    artifacts::current(f.store.lock().unwrap().conn(), ep, stage).unwrap()
}

fn stage_note(f: &Fx, ep: &str, stage: Stage) -> Option<String> {
    f.store
        .lock()
        .unwrap()
        .conn()
        .query_row(
            "SELECT note FROM stage_runs WHERE episode_id = ?1 AND stage = ?2 ORDER BY id DESC LIMIT 1",
            rusqlite::params![ep, stage.as_str()],
            |r| r.get(0),
        )
        .unwrap()
}

/// Good findings and outline from the first model, so tests reach the stage they are about.
fn early_stages() -> Vec<Value> {
    vec![
        json!({"task": "findings", "text": FINDINGS}),
        json!({"task": "outline", "text": OUTLINE}),
    ]
}

fn with(mut rules: Vec<Value>, more: Value) -> Value {
    rules.extend(more.as_array().unwrap().iter().cloned());
    Value::Array(rules)
}

#[tokio::test]
async fn a_fenced_verdict_with_a_string_score_is_read_and_passes() {
    let f = fx(scenario(with(
        early_stages(),
        json!([
            {"task": "script", "model": MAVERICK, "text": SCRIPT_WHOLE_BOLD},
            {"task": "verdict", "model": MAVERICK, "text": VERDICT_FENCED_STRING_SCORE}
        ]),
    )))
    .await;
    let ep = new_episode(&f);
    let (r, _) = run(&f, &ep).await;
    let r = r.expect("the run finishes");
    let v = r.verdict.expect("a verdict");
    assert_eq!(v.score, 86);
    assert!(v.passed);
    assert_eq!(v.unsupported_claims.len(), 1);
    assert!(v.unsupported_claims[0].reason.contains("115, 116 and 118"));
    assert_eq!(v.fixes.len(), 1);
    let qc = r
        .stages
        .iter()
        .find(|s| s.stage == Stage::QualityCheck)
        .unwrap();
    assert_eq!(qc.model.as_deref(), Some(MAVERICK));
    assert_eq!(qc.calls, 1, "read at the first try, not handed on");
}

#[tokio::test]
async fn unreadable_verdicts_hand_on_and_then_fail_as_the_quality_check_with_the_script_kept() {
    let f = fx(scenario(with(
        early_stages(),
        json!([
            {"task": "script", "text": SCRIPT_WHOLE_BOLD},
            {"task": "verdict", "model": MAVERICK, "text": VERDICT_PROSE_ONLY},
            {"task": "verdict", "model": NEMO, "text": VERDICT_WRONG_SHAPE}
        ]),
    )))
    .await;
    let ep = new_episode(&f);
    let (r, events) = run(&f, &ep).await;
    let err = r.expect_err("no verdict could be read");
    match &err {
        RunError::Unfinished { stage, message, .. } => {
            assert_eq!(*stage, Stage::QualityCheck);
            assert!(message.contains("Quality check"), "{message}");
            assert!(
                message.contains("sent no verdict that could be read"),
                "{message}"
            );
            assert!(
                message.contains("sent a list of unsupported claims")
                    || message.contains("without a score"),
                "{message}"
            );
        }
        other => panic!("expected an unfinished Quality check, got {other:?}"),
    }
    // Never the producer's bad input.
    assert_eq!(err.code().as_str(), "all_models_failed");
    // Both models were asked, and told about in plain words.
    assert!(events.iter().any(|e| matches!(e, ProgressEvent::AttemptFailed { stage: Stage::QualityCheck, message, .. } if message.contains("asking"))));
    // The paid-for script is saved as the stage's output.
    let script = current(&f, &ep, Stage::Script).expect("the script is kept");
    assert_eq!(script.kind, ArtifactKind::Output);
    assert!(script.content.contains("Carl Sagan chaired it"));
    assert!(f.sim.billing().total > Decimal::ZERO);
}

#[tokio::test]
async fn a_script_cut_off_at_the_length_limit_is_continued_by_the_same_model() {
    let f = fx(scenario(with(
        early_stages(),
        json!([
            {"task": "script", "model": MAVERICK, "text": SCRIPT_CUT, "finish_reason": "length", "times": 1},
            {"task": "script", "model": MAVERICK, "text": SCRIPT_REST, "times": 1},
            {"task": "verdict", "text": VERDICT_FENCED_STRING_SCORE}
        ]),
    )))
    .await;
    let ep = new_episode(&f);
    let generations_before = f.sim.billing().generations;
    let (r, events) = run(&f, &ep).await;
    let r = r.expect("the continued script is finished");
    let script = current(&f, &ep, Stage::Script).unwrap().content;
    assert!(
        script.contains("There are well over a hundred of them"),
        "{script}"
    );
    assert!(script.contains("## Outro (0:30)"));
    assert!(script.trim_end().ends_with("See you next time."));
    let outcome = r.stages.iter().find(|s| s.stage == Stage::Script).unwrap();
    assert_eq!(outcome.model.as_deref(), Some(MAVERICK));
    assert_eq!(
        outcome.calls, 2,
        "the cut-off answer and its continuation, both paid"
    );
    let note = outcome.note.clone().expect("what happened is recorded");
    assert!(
        note.contains("stopped at its length limit; it continued and finished"),
        "{note}"
    );
    assert_eq!(stage_note(&f, &ep, Stage::Script), Some(note));
    assert!(events.iter().any(|e| matches!(e, ProgressEvent::AttemptFailed { stage: Stage::Script, message, .. } if message.contains("asking it to continue"))));
    assert!(f.sim.billing().generations >= generations_before + 5);
}

#[tokio::test]
async fn empty_findings_and_an_empty_script_go_to_the_next_model() {
    let f = fx(scenario(json!([
        {"task": "findings", "model": MAVERICK, "text": ""},
        {"task": "findings", "model": NEMO, "text": FINDINGS},
        {"task": "outline", "text": OUTLINE},
        {"task": "script", "model": MAVERICK, "text": "   \n"},
        {"task": "script", "model": NEMO, "text": SCRIPT_WHOLE_BOLD},
        {"task": "verdict", "text": VERDICT_FENCED_STRING_SCORE}
    ])))
    .await;
    let ep = new_episode(&f);
    let (r, _) = run(&f, &ep).await;
    let r = r.expect("the second model finishes each stage");
    let research = current(&f, &ep, Stage::Research).unwrap();
    assert!(research
        .content
        .contains("Carl Sagan chaired the committee"));
    let script = r.stages.iter().find(|s| s.stage == Stage::Script).unwrap();
    assert_eq!(script.model.as_deref(), Some(NEMO));
    assert!(script
        .note
        .as_deref()
        .unwrap_or("")
        .contains("sent an empty answer"));
    assert!(current(&f, &ep, Stage::Script)
        .unwrap()
        .content
        .contains("Six weeks"));
}

#[tokio::test]
async fn a_script_no_model_finishes_fails_with_a_plain_message_and_a_draft() {
    let f = fx(scenario(with(
        early_stages(),
        json!([
            {"task": "script", "text": SCRIPT_CUT, "finish_reason": "length"},
            {"task": "verdict", "text": VERDICT_FENCED_STRING_SCORE}
        ]),
    )))
    .await;
    let ep = new_episode(&f);
    let (r, _) = run(&f, &ep).await;
    let err = r.expect_err("nothing finished the script");
    match &err {
        RunError::Unfinished {
            stage,
            message,
            partial_saved,
            ..
        } => {
            assert_eq!(*stage, Stage::Script);
            assert!(*partial_saved);
            assert!(
                message.starts_with("No model finished the Script"),
                "{message}"
            );
            assert!(message.contains("stopped at its length limit"), "{message}");
            assert!(message.contains("kept as a draft"), "{message}");
        }
        other => panic!("expected an unfinished Script, got {other:?}"),
    }
    assert_eq!(err.code().as_str(), "all_models_failed");
    // No finished script, but the draft holds what was written.
    assert!(current(&f, &ep, Stage::Script).is_none());
    let draft = artifacts::newest(f.store.lock().unwrap().conn(), &ep, Stage::Script)
        .unwrap()
        .unwrap();
    assert_eq!(draft.kind, ArtifactKind::Draft);
    assert!(draft.content.contains("There are well over"));
}

#[tokio::test]
async fn the_verdict_reported_is_the_one_on_the_exported_rewrite() {
    let f = fx(scenario(with(
        early_stages(),
        json!([
            {"task": "script", "model": MAVERICK, "text": SCRIPT_WHOLE_BOLD, "times": 1},
            {"task": "script", "model": NEMO, "text": SCRIPT_REWRITE, "times": 1},
            {"task": "verdict", "text": VERDICT_FAILING, "times": 1},
            {"task": "verdict", "text": VERDICT_FENCED_STRING_SCORE}
        ]),
    )))
    .await;
    let ep = new_episode(&f);
    let (r, _) = run(&f, &ep).await;
    let r = r.expect("the run finishes");
    let exported = r.script.clone().expect("a script");
    assert_eq!(exported.kind, ArtifactKind::Rewrite);
    assert!(exported.content.contains("115, 116 and 118"));
    let v = r.verdict.expect("a verdict");
    assert_eq!(
        v.score, 86,
        "the rewrite's verdict, not the first draft's 58"
    );
    assert!(v.passed);
    let script = r.stages.iter().find(|s| s.stage == Stage::Script).unwrap();
    assert_eq!(
        script.model.as_deref(),
        Some(NEMO),
        "the model whose text is exported"
    );
}

fn set_plan(f: &Fx, ep: &str, plan: &StagePlan) {
    episode::set_plan(f.store.lock().unwrap().conn(), ep, plan).unwrap();
}

#[tokio::test]
async fn ids_the_catalog_does_not_list_are_never_sent_and_the_producer_is_told() {
    let f = fx(scenario(json!([]))).await;
    let ep = new_episode(&f);
    let mut p = plan();
    p.research.chain = Chain::new(&["acme/story-model-1", MAVERICK, NEMO], Variant::Floor);
    p.quality_check.chain = Chain::new(&[NEMO, "acme/checker-2"], Variant::Nitro);
    set_plan(&f, &ep, &p);
    let (r, events) = run(&f, &ep).await;
    r.expect("the listed models do the work");
    let changes: Vec<(Stage, String)> = events
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::ModelsChanged { stage, message, .. } => Some((*stage, message.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0].0, Stage::Research);
    assert!(
        changes[0]
            .1
            .starts_with("Story Model 1 is no longer offered: Research will use "),
        "{}",
        changes[0].1
    );
    assert!(changes[0].1.contains(", then "), "{}", changes[0].1);
    assert!(!changes[0].1.contains(":floor") && !changes[0].1.contains('/'));
    assert_eq!(changes[1].0, Stage::QualityCheck);
    // Told before any stage starts.
    let first_start = events
        .iter()
        .position(|e| matches!(e, ProgressEvent::StageStarted { .. }))
        .unwrap();
    let last_change = events
        .iter()
        .rposition(|e| matches!(e, ProgressEvent::ModelsChanged { .. }))
        .unwrap();
    assert!(last_change < first_start);
    // Never asked for: no attempt in the request log names them.
    let asked: i64 = f
        .store
        .lock()
        .unwrap()
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM requests WHERE model_requested LIKE 'acme/%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(asked, 0);
}

#[tokio::test]
async fn a_stage_with_no_listed_model_is_refused_before_anything_is_spent() {
    let f = fx(scenario(json!([]))).await;
    let ep = new_episode(&f);
    let mut p = plan();
    p.quality_check.chain = Chain::new(&["acme/checker-2", "acme/checker-3"], Variant::Nitro);
    set_plan(&f, &ep, &p);
    let (r, _) = run(&f, &ep).await;
    let err = r.expect_err("refused");
    let msg = err.to_string();
    assert!(
        msg.starts_with("Quality check has no model this connection offers (Checker 2, Checker 3 are no longer offered)."),
        "{msg}"
    );
    assert!(msg.contains("for example the current preset's:"), "{msg}");
    assert!(msg.ends_with("Nothing was spent."), "{msg}");
    assert!(!msg.contains("try again later"));
    assert_eq!(f.sim.billing().generations, 0);
}

#[tokio::test]
async fn cut_off_findings_and_verdict_are_continued_and_an_empty_outline_is_handed_on() {
    let f = fx(scenario(json!([
        {"task": "findings", "model": MAVERICK, "text": FINDINGS_CUT, "finish_reason": "length", "times": 1},
        {"task": "findings", "model": MAVERICK, "text": FINDINGS_REST, "times": 1},
        {"task": "outline", "model": MAVERICK, "text": ""},
        {"task": "outline", "model": NEMO, "text": OUTLINE},
        {"task": "script", "text": SCRIPT_WHOLE_BOLD},
        {"task": "verdict", "model": MAVERICK, "text": VERDICT_CUT, "finish_reason": "length", "times": 1},
        {"task": "verdict", "model": MAVERICK, "text": VERDICT_REST, "times": 1}
    ])))
    .await;
    let ep = new_episode(&f);
    let (r, _) = run(&f, &ep).await;
    let r = r.expect("every stage finishes");
    let findings = current(&f, &ep, Stage::Research).unwrap().content;
    assert!(
        findings.contains("Carl Sagan chaired the committee [n1]"),
        "{findings}"
    );
    assert!(findings.contains("heliopause"), "{findings}");
    let synthesis = r
        .stages
        .iter()
        .find(|s| s.stage == Stage::Synthesis)
        .unwrap();
    assert_eq!(synthesis.model.as_deref(), Some(NEMO));
    assert!(synthesis
        .note
        .as_deref()
        .unwrap_or("")
        .contains("sent an empty answer"));
    let v = r.verdict.expect("the continued verdict is read");
    assert_eq!(v.score, 91);
    assert_eq!(v.tone, "Lively and clear");
    let qc = r
        .stages
        .iter()
        .find(|s| s.stage == Stage::QualityCheck)
        .unwrap();
    assert!(qc
        .note
        .as_deref()
        .unwrap_or("")
        .contains("stopped at its length limit; it continued and finished"));
}

#[tokio::test]
async fn when_the_next_model_fails_outright_the_unfinished_text_is_still_kept() {
    let mut s = scenario(with(
        early_stages(),
        json!([{"task": "script", "model": MAVERICK, "text": SCRIPT_CUT, "finish_reason": "length"}]),
    ));
    s.faults = serde_json::from_value(json!([
        {"model": NEMO, "fault": {"type": "status", "status": 503}}
    ]))
    .unwrap();
    let f = fx(s).await;
    let ep = new_episode(&f);
    // Findings and outline come from Llama 4 Maverick (the first model), so only the script
    // reaches Mistral Nemo.
    let (r, _) = run(&f, &ep).await;
    match r.expect_err("nothing finished the script") {
        RunError::Unfinished {
            stage,
            message,
            partial_saved,
            ..
        } => {
            assert_eq!(stage, Stage::Script);
            assert!(partial_saved);
            assert!(message.contains("stopped at its length limit"), "{message}");
            assert!(message.contains("kept as a draft"), "{message}");
        }
        other => panic!("expected an unfinished Script, got {other:?}"),
    }
    let draft = artifacts::newest(f.store.lock().unwrap().conn(), &ep, Stage::Script)
        .unwrap()
        .unwrap();
    assert_eq!(draft.kind, ArtifactKind::Draft);
    assert!(draft.content.contains("There are well over"));
}
