//! One set of numbers: a run cancelled in the Script, resumed, its script rewritten after a
//! failing verdict — and every figure the window shows (stage cards, the episode total, the
//! usage screen, the script header's words, the verdict's version) agrees with the request
//! log, exactly in stored units.

// The untidy answers of the model-answer tests; this test uses a few of them.
#[allow(dead_code)]
#[path = "model_answers/answers.rs"]
mod answers;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use answers::*;
use castwright_engine::gateway::Client;
use castwright_engine::money::to_units;
use castwright_engine::pipeline::artifacts::{self, ArtifactKind};
use castwright_engine::pipeline::notes_store::{self, NoteInput};
use castwright_engine::pipeline::{
    episode, original_design, report, EpisodeBrief, ProgressEvent, RunError, RunOptions, Runner,
    Stage,
};
use castwright_engine::routing::{
    CallError, Chain, ConnectionKind, ConnectionProfile, RetryPolicy, Router, Variant,
};
use castwright_engine::script::Script;
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use castwright_engine::usage::{self, Range};
use openrouter_sim::{Fault, FaultRule, Scenario, SimConfig, SimServer, When};
use rust_decimal::Decimal;
use serde_json::json;
use tokio_util::sync::CancellationToken;

const MAVERICK: &str = "meta-llama/llama-4-maverick";
const NEMO: &str = "mistralai/mistral-nemo";
const OPUS: &str = "anthropic/claude-opus-5.5";

fn units(usd: &str) -> i64 {
    to_units(Decimal::from_str(usd).unwrap())
}

#[tokio::test]
async fn every_figure_shown_agrees_with_the_request_log_after_a_cancel_and_a_rewrite() {
    let mut scenario = Scenario::instant();
    scenario.answers = serde_json::from_value(json!([
        {"task": "findings", "text": FINDINGS},
        {"task": "outline", "text": OUTLINE},
        {"task": "script", "model": OPUS, "text": SCRIPT_WHOLE_BOLD},
        {"task": "script", "model": NEMO, "text": SCRIPT_REWRITE},
        {"task": "verdict", "text": VERDICT_FAILING, "times": 1},
        {"task": "verdict", "text": VERDICT_FENCED_STRING_SCORE}
    ]))
    .unwrap();
    // The first script answer stalls after a few pieces: the producer cancels there.
    scenario.faults = vec![FaultRule {
        model: Some(OPUS.into()),
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
    let sim = SimServer::start(SimConfig {
        seed: 11,
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
    let runner = Runner::new(router, store.clone(), None);

    let mut plan = original_design();
    for s in Stage::ALL {
        plan.get_mut(s).chain = Chain::new(&[MAVERICK, NEMO], Variant::None);
    }
    plan.script.chain = Chain::new(&[OPUS, NEMO], Variant::None);
    let ep = {
        let store = store.lock().unwrap();
        let brief = EpisodeBrief {
            title: "Voyager's golden record".into(),
            brief: "How the Voyager golden record was made.".into(),
            minutes: 5,
            budget_usd: Decimal::from_str("3.00").unwrap(),
            ..EpisodeBrief::default()
        };
        let ep = episode::create(store.conn(), &brief, "demo", &plan).unwrap();
        let text = "The committee had six weeks to choose 116 images. Carl Sagan chaired it. \
                    Voyager 2 launched on August 20, 1977.";
        notes_store::add(
            store.conn(),
            &ep.id,
            &NoteInput {
                source_name: "notes.md".into(),
                path: None,
                hash: "h1".into(),
                text: text.into(),
                word_count: text.split_whitespace().count() as u32,
                preview: text.chars().take(40).collect(),
                warning: None,
            },
        )
        .unwrap();
        ep.id
    };
    let opts = RunOptions {
        stream: true,
        ..RunOptions::default()
    };

    // Run 1: cancelled while the script streams.
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    let mut pieces = 0;
    let first = runner
        .run(&ep, &opts, &cancel, &mut |e| {
            if let ProgressEvent::TextDelta {
                stage: Stage::Script,
                ..
            } = e
            {
                pieces += 1;
                if pieces == 2 {
                    c2.cancel();
                }
            }
        })
        .await;
    assert!(
        matches!(
            first,
            Err(RunError::Call {
                stage: Stage::Script,
                error: CallError::Cancelled { .. },
                ..
            })
        ),
        "{first:?}"
    );

    runner.router().flush().await.unwrap();
    let after_cancel =
        castwright_engine::ledger::total_units(store.lock().unwrap().conn(), Some(&ep)).unwrap();

    // Run 2: resumed; the first verdict fails, the next script model rewrites, the rewrite is
    // checked again.
    let mut events = Vec::new();
    let second = runner
        .run(&ep, &opts, &CancellationToken::new(), &mut |e| {
            events.push(e)
        })
        .await
        .expect("the resumed run finishes");
    runner.router().flush().await.unwrap();
    let conn_guard = store.lock().unwrap();
    let conn = conn_guard.conn();

    // The request log, stage by stage.
    let mut logged: HashMap<String, i64> = HashMap::new();
    let mut stmt = conn
        .prepare("SELECT stage, SUM(cost_units) FROM requests WHERE episode_id = ?1 GROUP BY stage")
        .unwrap();
    for row in stmt
        .query_map([&ep], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
        })
        .unwrap()
    {
        let (stage, sum) = row.unwrap();
        logged.insert(stage.expect("every call of a run names its stage"), sum);
    }
    let log_total: i64 = logged.values().sum();
    assert_eq!(
        log_total,
        castwright_engine::ledger::total_units(conn, Some(&ep)).unwrap()
    );
    assert!(log_total > 0);
    // The rewrite was written by the next script model and paid by the Quality check: no
    // Script row of the rewrite model, a Quality check row of it.
    let rows_of = |stage: &str, model: &str| -> i64 {
        conn.query_row(
            "SELECT COUNT(*) FROM requests WHERE episode_id = ?1 AND stage = ?2 AND model_requested = ?3",
            rusqlite::params![ep, stage, model],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(
        rows_of("script", NEMO),
        0,
        "the rewrite is not the Script's cost"
    );
    assert!(
        rows_of("quality_check", NEMO) >= 1,
        "the rewrite is the Quality check's cost"
    );

    // The stage cards and the header total (the cost report), to the unit.
    let cost = report::report(conn, "demo", &ep, OPUS).unwrap();
    assert_eq!(
        cost.stages.iter().map(|s| s.stage).collect::<Vec<_>>(),
        Stage::ALL.to_vec()
    );
    for card in &cost.stages {
        assert_eq!(
            units(&card.cost_usd),
            logged.get(card.stage.as_str()).copied().unwrap_or(0),
            "{:?} card",
            card.stage
        );
        assert_eq!(
            card.includes_rewrite,
            card.stage == Stage::QualityCheck,
            "only the Quality check's card says it includes the rewrite"
        );
    }
    let cards: i64 = cost.stages.iter().map(|s| units(&s.cost_usd)).sum();
    assert_eq!(cards, log_total, "the cards add up to the log");
    assert_eq!(units(&cost.total_usd), log_total, "the header total");
    // The budget bar's "spent" (the episode's settled spend).
    let spent = castwright_engine::budget::spent(conn, &format!("episode:{ep}")).unwrap();
    assert_eq!(to_units(spent), log_total, "the budget bar");

    // The usage screen: the episode's row and the stages' rows.
    let by_episode = usage::spend_by_episode(conn, Range::All).unwrap();
    let row = by_episode
        .iter()
        .find(|r| r.key.as_deref() == Some(ep.as_str()))
        .expect("the episode on the usage screen");
    assert_eq!(units(&row.cost), log_total, "usage screen, by episode");
    let by_stage = usage::spend_by_stage(conn, Range::All).unwrap();
    for card in &cost.stages {
        let shown = by_stage
            .iter()
            .find(|r| r.key.as_deref() == Some(card.stage.as_str()))
            .map_or(0, |r| units(&r.cost));
        assert_eq!(
            shown,
            units(&card.cost_usd),
            "usage screen, {:?}",
            card.stage
        );
    }

    // The live cards of the resumed run: each stage's cost events went to its own card, and
    // the Quality check's finished figure includes the rewrite.
    let mut live: HashMap<Stage, i64> = HashMap::new();
    for e in &events {
        if let ProgressEvent::StageFinished {
            stage, cost_usd, ..
        } = e
        {
            live.insert(*stage, units(cost_usd));
        }
    }
    let run_outcome: HashMap<Stage, i64> = second
        .stages
        .iter()
        .map(|s| (s.stage, units(&s.cost_usd)))
        .collect();
    assert_eq!(live, run_outcome, "the events and the run's outcome agree");
    // The run's outcome is what `castwright produce --json` prints: its stages add up to what
    // this run added to the log (its `total_cost_usd`).
    assert_eq!(
        run_outcome.values().sum::<i64>(),
        log_total - after_cancel,
        "the --json stages add up to the run's total"
    );

    // The script on screen and its verdict.
    let shown = artifacts::current(conn, &ep, Stage::Script)
        .unwrap()
        .unwrap();
    assert_eq!(shown.kind, ArtifactKind::Rewrite);
    let words = Script::parse(&shown.content).word_count();
    let verdict = artifacts::verdict_for(conn, &ep, shown.version)
        .unwrap()
        .expect("the rewrite was checked");
    assert_eq!(verdict.checked_version, Some(shown.version));
    assert_eq!(
        verdict.timing.actual_words, words,
        "the verdict's words are the script header's"
    );
    assert_eq!(
        verdict.timing.estimated_seconds,
        Script::parse(&shown.content).estimated_seconds()
    );
    // The first draft's verdict names its own version.
    let draft_version = artifacts::versions(conn, &ep, Stage::Script)
        .unwrap()
        .into_iter()
        .find(|a| a.kind == ArtifactKind::Output)
        .unwrap()
        .version;
    let first_verdict = artifacts::verdict_for(conn, &ep, draft_version)
        .unwrap()
        .unwrap();
    assert_eq!(first_verdict.checked_version, Some(draft_version));
    assert!(!first_verdict.passed);
}
