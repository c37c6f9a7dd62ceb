//! OAuth PKCE over real HTTP: `/auth` hands the browser a one-time code, `/api/v1/auth/keys`
//! trades it and the verifier for a key the emulator then accepts with its own account.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::start;
use openrouter_sim::{Scenario, SimServer};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const VERIFIER: &str = "q3V8rT0xJm2Yb9kP4nW7cLd1sFh6gAe5uZi0oXyRvQt";
const CALLBACK: &str = "http://127.0.0.1:45123/castwright/oauth/anti-forgery-token";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Follows `/auth` as a browser would, and returns where it was sent.
async fn authorize(sim: &SimServer, query: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .get(format!("{}/auth", sim.origin()))
        .query(query)
        .send()
        .await
        .expect("auth answers")
}

async fn code_for(sim: &SimServer, challenge: Option<&str>, method: Option<&str>) -> String {
    let mut q = vec![("callback_url", CALLBACK)];
    if let Some(c) = challenge {
        q.push(("code_challenge", c));
    }
    if let Some(m) = method {
        q.push(("code_challenge_method", m));
    }
    let resp = authorize(sim, &q).await;
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let code = location
        .strip_prefix(&format!("{CALLBACK}?code="))
        .unwrap_or_else(|| panic!("redirect to the callback with a code: {location}"));
    assert!(!code.is_empty());
    code.to_owned()
}

async fn exchange(sim: &SimServer, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/auth/keys", sim.api_base()))
        .json(&body)
        .send()
        .await
        .expect("exchange answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json body"))
}

fn assert_error(status: u16, body: &Value, want_status: u16, message: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"]["code"], want_status, "{body}");
    assert_eq!(body["error"]["message"], message, "{body}");
}

#[tokio::test]
async fn s256_code_buys_a_key_the_emulator_accepts() {
    let mut scenario = Scenario::instant();
    scenario.oauth.credits = Some("25".parse().unwrap());
    scenario.oauth.limit = Some("5".parse().unwrap());
    let sim = start(scenario).await;
    let code = code_for(&sim, Some(&s256(VERIFIER)), Some("S256")).await;
    let (status, body) = exchange(
        &sim,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sim.oauth_verifiers_seen(), vec![VERIFIER.to_string()]);
    let key = body["key"].as_str().expect("key");
    assert!(key.starts_with("sk-or-v1-") && key.len() == 9 + 64, "{key}");
    assert!(body["user_id"]
        .as_str()
        .is_some_and(|u| u.starts_with("user_")));
    assert_ne!(key, sim.key());

    let client = reqwest::Client::new();
    let credits: Value = client
        .get(format!("{}/credits", sim.api_base()))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        credits["data"]["total_credits"].as_f64(),
        Some(25.0),
        "{credits}"
    );
    let info: Value = client
        .get(format!("{}/key", sim.api_base()))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["data"]["limit"].as_f64(), Some(5.0), "{info}");
    // Any model the catalog lists (read here, so the test follows catalog updates).
    let models: Value = client
        .get(format!("{}/models", sim.api_base()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let model = models["data"][0]["id"]
        .as_str()
        .expect("a model")
        .to_owned();
    let chat = common::post_with_key(&sim, key, &common::body(&model)).await;
    assert_eq!(chat.status(), 200);

    // The issued key keeps its account when the test replaces the scenario.
    sim.set_scenario(Scenario::instant());
    assert!(sim.scenario().keys.contains_key(key));
    sim.stop().await;
}

#[tokio::test]
async fn plain_and_no_challenge_work_too() {
    let sim = start(Scenario::instant()).await;
    let code = code_for(&sim, Some(VERIFIER), Some("plain")).await;
    let (status, body) = exchange(
        &sim,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "plain"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let code = code_for(&sim, None, None).await;
    let (status, body) = exchange(&sim, json!({"code": code})).await;
    assert_eq!(status, 200, "{body}");
    sim.stop().await;
}

#[tokio::test]
async fn wrong_verifier_reused_and_unknown_codes_are_refused() {
    let sim = start(Scenario::instant()).await;
    let challenge = s256(VERIFIER);

    let code = code_for(&sim, Some(&challenge), Some("S256")).await;
    let (status, body) = exchange(
        &sim,
        json!({"code": code, "code_verifier": "not-the-verifier-0123456789abcdefghijklmnop", "code_challenge_method": "S256"}),
    )
    .await;
    assert_error(status, &body, 403, "Invalid code or code_verifier");
    // A code that met a wrong verifier is spent.
    let (status, body) = exchange(
        &sim,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}),
    )
    .await;
    assert_error(status, &body, 403, "Invalid code or code_verifier");

    let code = code_for(&sim, Some(&challenge), Some("S256")).await;
    let ok = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"});
    assert_eq!(exchange(&sim, ok.clone()).await.0, 200);
    let (status, body) = exchange(&sim, ok).await;
    assert_error(status, &body, 403, "Invalid code or code_verifier");

    let (status, body) = exchange(&sim, json!({"code": "never-issued"})).await;
    assert_error(status, &body, 403, "Invalid code or code_verifier");

    let code = code_for(&sim, Some(&challenge), Some("S256")).await;
    let (status, body) = exchange(
        &sim,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "plain"}),
    )
    .await;
    assert_error(status, &body, 400, "Invalid code_challenge_method");

    let (status, body) = exchange(&sim, json!({"verifier": VERIFIER})).await;
    assert_error(status, &body, 400, "Invalid request parameters");
    sim.stop().await;
}

#[tokio::test]
async fn expired_codes_are_refused() {
    let mut scenario = Scenario::instant();
    scenario.oauth.code_lifetime_ms = 0;
    let sim = start(scenario).await;
    let code = code_for(&sim, Some(VERIFIER), Some("plain")).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, body) = exchange(
        &sim,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "plain"}),
    )
    .await;
    assert_error(status, &body, 403, "Invalid code or code_verifier");
    sim.stop().await;
}

#[tokio::test]
async fn a_refusing_user_sends_the_browser_back_without_a_code() {
    let mut scenario = Scenario::instant();
    scenario.oauth.refuse = true;
    let sim = start(scenario).await;
    let resp = authorize(
        &sim,
        &[
            ("callback_url", CALLBACK),
            ("code_challenge", &s256(VERIFIER)),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(resp.status(), 302);
    assert_eq!(
        resp.headers()["location"],
        format!("{CALLBACK}?error=access_denied").as_str()
    );
    sim.stop().await;
}

#[tokio::test]
async fn bad_authorize_requests_get_400() {
    let sim = start(Scenario::instant()).await;
    for q in [
        vec![],
        vec![("callback_url", "http://example.org/cb")],
        vec![
            ("callback_url", CALLBACK),
            ("code_challenge_method", "S512"),
        ],
    ] {
        let resp = authorize(&sim, &q).await;
        assert_eq!(resp.status(), 400, "{q:?}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], 400);
    }
    sim.stop().await;
}
