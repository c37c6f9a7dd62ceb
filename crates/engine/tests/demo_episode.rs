//! The demo is every new producer's first impression: a whole episode written by the local
//! OpenRouter must read like real work. Its script follows the segment plan, never repeats a
//! spoken sentence (filler lines at most twice), keeps to the notes' facts, and its quality
//! verdict judges the script's structure and tone with distinct fixes, saying where the
//! notes disagree on a figure.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use castwright_engine::gateway::Client;
use castwright_engine::pipeline::notes_store::{self, NoteInput};
use castwright_engine::pipeline::{current_models, episode, EpisodeBrief, RunOptions, Runner};
use castwright_engine::routing::{ConnectionKind, ConnectionProfile, RetryPolicy, Router};
use castwright_engine::script::{Line, Script};
use castwright_engine::secrets::Sensitive;
use castwright_engine::store::Store;
use openrouter_sim::demo_lines::{LEADS, QUESTIONS, REACTIONS};
use openrouter_sim::{Scenario, SimConfig, SimServer};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

/// Notes written for this test: six subjects, and three notes that disagree on how many
/// images the record holds (115, 116, 118).
const NOTES: [(&str, &str); 6] = [
    ("committee.md", "# The committee\nCarl Sagan chaired a small committee in 1977. The committee had six weeks to choose 116 images. Frank Drake suggested encoding pictures as sound. Linda Salzman Sagan gathered the spoken greetings."),
    ("contents.txt", "# What is on the record\nThe record holds 115 images encoded in analog form. It carries greetings in 55 languages. It holds 90 minutes of music from many cultures. A kiss, a heartbeat and rain are among its sounds."),
    ("catalogue.txt", "# The image catalogue\nA later catalogue lists 118 images, counting the calibration circle. The first image is a calibration circle. Diagrams show how to play the record."),
    ("launch.txt", "# Launch\nVoyager 2 launched on 20 August 1977. Voyager 1 followed sixteen days later. Both used Titan IIIE rockets from Cape Canaveral."),
    ("cover.txt", "# The cover\nThe cover is gold-plated aluminium. It shows the position of the Sun relative to 14 pulsars. A sample of uranium-238 lets a finder date the record."),
    ("today.txt", "# Where they are now\nVoyager 1 crossed into interstellar space in 2012. Its signal takes over 22 hours to reach Earth. The record should last a billion years."),
];

async fn produce(minutes: u32) -> (castwright_engine::pipeline::RunResult, SimServer) {
    let (r, sim, _again) = produce_twice(minutes, false).await;
    (r, sim)
}

/// Runs the episode, and when `again`, once more: the second run's result too.
async fn produce_twice(
    minutes: u32,
    again: bool,
) -> (
    castwright_engine::pipeline::RunResult,
    SimServer,
    Option<castwright_engine::pipeline::RunResult>,
) {
    let sim = SimServer::start(SimConfig {
        seed: 11,
        scenario: Scenario::instant(),
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
    let ep = {
        let s = store.lock().unwrap();
        let brief = EpisodeBrief {
            title: "The golden record".into(),
            brief: "How the Voyager golden record was made.".into(),
            hosts: vec!["Priya".into(), "Tom".into()],
            minutes,
            budget_usd: Decimal::from_str("5.00").unwrap(),
            ..EpisodeBrief::default()
        };
        let ep = episode::create(s.conn(), &brief, "demo", &current_models(&[])).unwrap();
        for (i, (name, text)) in NOTES.iter().enumerate() {
            notes_store::add(
                s.conn(),
                &ep.id,
                &NoteInput {
                    source_name: name.to_string(),
                    path: None,
                    hash: format!("h{i}"),
                    text: text.to_string(),
                    word_count: text.split_whitespace().count() as u32,
                    preview: String::new(),
                    warning: None,
                },
            )
            .unwrap();
        }
        ep.id
    };
    let r = runner
        .run(
            &ep,
            &RunOptions::default(),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .unwrap();
    let second = if again {
        Some(
            runner
                .run(
                    &ep,
                    &RunOptions::default(),
                    &CancellationToken::new(),
                    &mut |_| {},
                )
                .await
                .unwrap(),
        )
    } else {
        None
    };
    drop(dir);
    (r, sim, second)
}

#[tokio::test]
async fn a_rewritten_episode_runs_again_for_free() {
    let (first, sim, second) = produce_twice(10, true).await;
    let billed = sim.billing().generations;
    // The notes disagree, so the verdict fails and the script is rewritten and checked again.
    assert!(
        first.stages.iter().any(|s| s.calls > 1),
        "{:?}",
        first.stages
    );
    let second = second.unwrap();
    assert_eq!(second.total_units, 0, "{:?}", second.stages);
    assert!(
        second.stages.iter().all(|s| s.cached),
        "{:?}",
        second.stages
    );
    assert_eq!(sim.billing().generations, billed);
}

fn spoken(script: &Script) -> Vec<String> {
    script
        .segments
        .iter()
        .flat_map(|s| s.lines.iter())
        .filter(|l| l.speaker.is_some())
        .map(|l: &Line| l.text.clone())
        .collect()
}

#[tokio::test]
async fn a_long_demo_episode_reads_like_real_work() {
    let (r, _sim) = produce(30).await;
    let script = Script::parse(&r.script.as_ref().unwrap().content);
    let lines = spoken(&script);
    assert!(lines.len() > 30, "{lines:?}");

    // The plan's segments, in order, each with its heading.
    let headings: Vec<String> = script.segments.iter().map(|s| s.heading.clone()).collect();
    for want in [
        "Cold open",
        "Intro",
        "Main segment 1",
        "Ad read 1",
        "Main segment 3",
        "Outro",
    ] {
        assert!(
            headings.iter().any(|h| h.starts_with(want)),
            "{want} missing from {headings:?}"
        );
    }

    // No spoken sentence twice; a filler line at most twice.
    let fillers: Vec<&str> = REACTIONS
        .iter()
        .chain(LEADS)
        .chain(QUESTIONS)
        .copied()
        .collect();
    let mut line_count: HashMap<&str, usize> = HashMap::new();
    let mut sentence_count: HashMap<String, usize> = HashMap::new();
    for l in &lines {
        *line_count.entry(l.as_str()).or_default() += 1;
        let mut content = l.clone();
        for f in &fillers {
            content = content.replacen(f, "", 1);
        }
        for s in content
            .split_inclusive(['.', '?', '!'])
            .map(str::trim)
            .filter(|s| s.split_whitespace().count() >= 3)
        {
            *sentence_count.entry(s.to_owned()).or_default() += 1;
        }
    }
    let twice: Vec<_> = sentence_count.iter().filter(|(_, c)| **c > 1).collect();
    assert!(twice.is_empty(), "repeated sentences: {twice:?}");
    let overused: Vec<_> = line_count.iter().filter(|(_, c)| **c > 2).collect();
    assert!(
        overused.is_empty(),
        "lines said more than twice: {overused:?}"
    );

    // The notes' facts, not invented ones.
    let all = lines.join(" ");
    for fact in [
        "Frank Drake suggested encoding pictures as sound.",
        "Both used Titan IIIE rockets from Cape Canaveral.",
    ] {
        assert_eq!(all.matches(fact).count(), 1, "{fact}");
    }

    // The verdict judges the script and names the disagreement.
    let v = r.verdict.expect("a verdict");
    assert!(
        v.structure.contains("segments run from Cold open to Outro"),
        "{}",
        v.structure
    );
    assert!(!NOTES.iter().any(|(_, n)| n.contains(v.structure.as_str())));
    assert!(
        v.tone.contains("Priya has") && v.tone.contains("Tom has"),
        "{}",
        v.tone
    );
    let mut fixes = v.fixes.clone();
    fixes.dedup();
    assert!(
        fixes.len() >= 2 && fixes.len() == v.fixes.len(),
        "{:?}",
        v.fixes
    );
    let distinct: std::collections::HashSet<&String> = v.fixes.iter().collect();
    assert_eq!(distinct.len(), v.fixes.len(), "{:?}", v.fixes);
    let disagreement = v
        .unsupported_claims
        .iter()
        .find(|c| c.reason.contains("disagree"))
        .unwrap_or_else(|| panic!("{:?}", v.unsupported_claims));
    for figure in ["115", "116", "118"] {
        assert!(
            disagreement.reason.contains(figure),
            "{}",
            disagreement.reason
        );
    }
}
