//! The Script stage's answer through the real pipeline: saved as the normalised script, with
//! the answer as it arrived and the chat taken off it kept beside the saved version.

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use castwright_engine::gateway::Client;
use castwright_engine::pipeline::artifacts::{self, ArtifactKind, NewArtifact};
use castwright_engine::pipeline::notes_store::{self, NoteInput};
use castwright_engine::pipeline::{
    current_models, episode, script_answer, EpisodeBrief, RunOptions, Runner, Stage,
};
use castwright_engine::routing::{ConnectionKind, ConnectionProfile, RetryPolicy, Router};
use castwright_engine::script::{normalise, Script};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::{Scenario, SimConfig, SimServer};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

fn brief() -> EpisodeBrief {
    EpisodeBrief {
        title: "Voyager's golden record".into(),
        brief: "How the Voyager golden record was made, for curious listeners.".into(),
        minutes: 5,
        budget_usd: Decimal::from_str("3.00").unwrap(),
        ..EpisodeBrief::default()
    }
}

#[tokio::test]
async fn the_saved_script_is_the_normalised_answer_and_the_raw_answer_is_kept() {
    let sim = SimServer::start(SimConfig {
        seed: 5,
        scenario: Scenario::instant(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
    let client = Client::new(&sim.api_base(), Some(Sensitive::new(sim.key()))).unwrap();
    let ids: Vec<String> = client
        .models()
        .await
        .unwrap()
        .data
        .iter()
        .map(|m| m.id.clone())
        .collect();
    let profile = ConnectionProfile {
        id: "demo".into(),
        kind: ConnectionKind::Demo,
        deny_data_collection: false,
        limit_off: false,
    };
    let router = Router::new(client, profile, store.clone(), RetryPolicy::fast());
    let runner = Runner::new(router, store.clone(), None);
    let ep = {
        let guard = store.lock().unwrap();
        let ep = episode::create(guard.conn(), &brief(), "demo", &current_models(&ids)).unwrap();
        let text = "The committee had six weeks to choose 116 images. Carl Sagan chaired it.";
        notes_store::add(
            guard.conn(),
            &ep.id,
            &NoteInput {
                source_name: "golden-record.md".into(),
                path: None,
                hash: "h1".into(),
                text: text.into(),
                word_count: 13,
                preview: text.into(),
                warning: None,
            },
        )
        .unwrap();
        ep.id
    };
    let cancel = CancellationToken::new();
    runner
        .run(&ep, &RunOptions::default(), &cancel, &mut |_| {})
        .await
        .unwrap();

    let guard = store.lock().unwrap();
    let versions = artifacts::versions(guard.conn(), &ep, Stage::Script).unwrap();
    let output = versions
        .iter()
        .find(|a| a.kind == ArtifactKind::Output)
        .unwrap();
    let answer = script_answer::get(guard.conn(), output.id)
        .unwrap()
        .expect("the raw answer is kept beside the script");
    assert!(answer.raw.contains("## "), "{}", answer.raw);
    let plan = script_answer::plan_for(&brief());
    let expected = normalise(&answer.raw, &plan);
    assert_eq!(output.content, expected.script.to_text());
    assert_eq!(answer.dropped, expected.dropped_text());
    let script = Script::parse(&output.content);
    assert!(!script.segments.is_empty());
    for s in script.speakers() {
        assert!(["Alex", "Sam"].contains(&s.as_str()), "speaker {s}");
    }
    // Research, synthesis and the verdict are not scripts: nothing is kept beside them.
    for stage in [Stage::Research, Stage::QualityCheck] {
        let a = artifacts::current(guard.conn(), &ep, stage)
            .unwrap()
            .unwrap();
        assert_eq!(script_answer::get(guard.conn(), a.id).unwrap(), None);
    }
}

#[test]
fn chat_taken_off_a_script_is_stored_word_for_word() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let ep = episode::create(
        store.conn(),
        &brief(),
        "demo",
        &castwright_engine::pipeline::original_design(),
    )
    .unwrap();
    let part1 =
        "Sure! Here's part 1.\n\n## Cold open (0:30)\n**ALEX:** Hello.\n\n---\nI'll continue next.";
    let part2 = "Here's part 2:\n\n## Outro\nSAM: Bye.\n\nLet me know if you'd like changes!";
    let (content, answer) = script_answer::clean_script(&brief(), &[part1, part2]);
    assert_eq!(
        content,
        "## Cold open (0:30)\nAlex: Hello.\n\n## Outro\nSam: Bye.\n"
    );
    let art = artifacts::save(
        store.conn(),
        &ep.id,
        &NewArtifact {
            stage: Stage::Script,
            kind: ArtifactKind::Output,
            content: &content,
            input_hash: "h",
            model: Some("anthropic/claude-haiku-4.5"),
            cost_units: 0,
            calls: 1,
            cached: false,
        },
    )
    .unwrap();
    script_answer::save(store.conn(), art.id, &answer).unwrap();
    let back = script_answer::get(store.conn(), art.id).unwrap().unwrap();
    assert_eq!(back.raw, format!("{part1}\n\n{part2}"));
    assert_eq!(
        back.dropped,
        "Sure! Here's part 1.\n\nI'll continue next.\n\nHere's part 2:\n\nLet me know if you'd like changes!"
    );
}
