//! The gateway core against another OpenAI-compatible service (the emulator standing in):
//! bare model ids, and refusals in the service's own words.

mod gateway_fixture;

use castwright_engine::routing::Variant;
use gateway_fixture::*;
use openrouter_sim::{Fault, Scenario};

#[tokio::test]
async fn another_service_gets_bare_model_ids_without_openrouter_variants() {
    let f = other_service(Scenario::instant()).await;
    let mut s = spec(&["openai/gpt-6-luna"], false);
    // A plan made for OpenRouter ("Cheapest") used on a service that has no such routing.
    s.chain.variant = Variant::Floor;
    let (r, _, _) = run(&f, &s).await;
    assert!(!r.unwrap().completion.text.is_empty());
    let asked: Vec<String> = f
        .store
        .lock()
        .unwrap()
        .conn()
        .prepare("SELECT model_requested FROM requests")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(asked, vec!["openai/gpt-6-luna".to_string()]);
}

#[tokio::test]
async fn another_services_refusals_do_not_speak_of_openrouter() {
    let mut scenario = Scenario::instant();
    scenario.faults.push(rule(
        None,
        always(),
        Fault::Status {
            status: 401,
            message: None,
        },
    ));
    let f = other_service(scenario).await;
    let (r, _, _) = run(&f, &spec(&["openai/gpt-6-luna"], false)).await;
    let text = r.unwrap_err().to_string();
    assert!(text.contains("did not accept its key"), "{text}");
    assert!(!text.contains("OpenRouter"), "{text}");
}
