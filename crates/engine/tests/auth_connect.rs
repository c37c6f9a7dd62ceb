//! One-click connect against the emulator over real HTTP: the loopback callback, the code
//! exchange, the key check, and the keychain (run under scripts/with-keyring.sh). Each test
//! plays the browser: it follows the approval URL the app would open.

use std::time::Duration;

use castwright_engine::auth::{AuthError, Connect, APPROVAL_WAIT};
use castwright_engine::secrets::{Keychain, OPENROUTER_ACCOUNT};
use castwright_engine::store::Store;
use openrouter_sim::{Scenario, SimConfig, SimServer};
use tokio_util::sync::CancellationToken;

async fn sim(scenario: Scenario) -> SimServer {
    SimServer::start(SimConfig {
        seed: 3,
        scenario,
        shutdown_grace_ms: 100,
    })
    .await
    .expect("emulator starts")
}

fn callback_of(auth_url: &str) -> String {
    reqwest::Url::parse(auth_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "callback_url")
        .map(|(_, v)| v.into_owned())
        .expect("callback_url in the approval URL")
}

/// The browser: follows the approval page to the callback, returns the page shown.
async fn browse(url: &str) -> (u16, String) {
    let resp = reqwest::get(url).await.expect("the browser gets an answer");
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The approval page's redirect, without going there.
async fn redirect_of(url: &str) -> String {
    let resp = no_redirects().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    resp.headers()["location"].to_str().unwrap().to_owned()
}

fn keychain(test: &str) -> Keychain {
    Keychain::with_service(format!(
        "castwright-test-auth-{test}-{}",
        std::process::id()
    ))
}

#[tokio::test]
async fn approving_stores_a_working_key_and_the_page_says_go_back() {
    let sim = sim(Scenario::instant()).await;
    let connect = Connect::start(&sim.api_base()).await.unwrap();
    let url = connect.auth_url().to_owned();
    assert!(url.starts_with(&format!("{}/auth?", sim.origin())), "{url}");
    assert!(url.contains("code_challenge_method=S256"));
    let cancel = CancellationToken::new();
    let (new_key, (status, page)) =
        tokio::join!(connect.finish(APPROVAL_WAIT, &cancel), browse(&url));
    assert_eq!(status, 200);
    assert!(page.contains("go back to Castwright"), "{page}");
    let new_key = new_key.expect("connected");

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let kc = keychain("ok");
    kc.set(OPENROUTER_ACCOUNT, &"sk-or-v1-old".to_string().into())
        .unwrap();
    let status = new_key.save(&store, &kc).unwrap();
    assert!(status.has_key);
    let stored = kc.get(OPENROUTER_ACCOUNT).unwrap().expect("stored");
    assert_ne!(stored.expose(), "sk-or-v1-old", "the old key was replaced");
    let set_at: Option<String> = store
        .conn()
        .query_row(
            "SELECT key_set_at FROM connections WHERE id = 'openrouter'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(set_at.is_some(), "the key's age starts now");

    // The stored key is the emulator's newly issued one: it has its own account.
    let client =
        castwright_engine::gateway::Client::new(&sim.api_base(), Some(stored.clone())).unwrap();
    assert!(client.credits().await.unwrap().balance().is_some());
    assert!(sim.scenario().keys.contains_key(stored.expose()));

    // The callback was one-shot: a second hit finds nobody listening.
    let callback = callback_of(&url);
    assert!(reqwest::get(&callback).await.is_err());
    kc.delete(OPENROUTER_ACCOUNT).unwrap();
    sim.stop().await;
}

#[tokio::test]
async fn refusing_on_openrouter_ends_with_a_plain_message() {
    let mut scenario = Scenario::instant();
    scenario.oauth.refuse = true;
    let sim = sim(scenario).await;
    let connect = Connect::start(&sim.api_base()).await.unwrap();
    let url = connect.auth_url().to_owned();
    let cancel = CancellationToken::new();
    let (result, (_, page)) = tokio::join!(connect.finish(APPROVAL_WAIT, &cancel), browse(&url));
    let err = result.err().expect("refused");
    assert!(matches!(err, AuthError::Refused), "{err:?}");
    assert!(err.to_string().contains("nothing was saved"));
    assert!(page.contains("not approve"), "{page}");
    sim.stop().await;
}

#[tokio::test]
async fn a_code_for_another_challenge_is_refused() {
    // The approval was asked with a different challenge, so our verifier does not fit.
    let sim = sim(Scenario::instant()).await;
    let connect = Connect::start(&sim.api_base()).await.unwrap();
    let url = connect.auth_url().to_owned();
    let mut forged = reqwest::Url::parse(&url).unwrap();
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "code_challenge" {
                castwright_engine::auth::s256_challenge("someone-elses-verifier-0123456789abcdefg")
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let cancel = CancellationToken::new();
    let (result, _) = tokio::join!(
        connect.finish(APPROVAL_WAIT, &cancel),
        browse(forged.as_str())
    );
    let err = result.err().expect("refused");
    assert!(matches!(err, AuthError::CodeRefused), "{err:?}");
    sim.stop().await;
}

#[tokio::test]
async fn a_code_already_used_is_refused() {
    let sim = sim(Scenario::instant()).await;
    let connect = Connect::start(&sim.api_base()).await.unwrap();
    let url = connect.auth_url().to_owned();
    let location = redirect_of(&url).await;
    let code = reqwest::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    // Someone else spends the code first.
    let spent = reqwest::Client::new()
        .post(format!("{}/auth/keys", sim.api_base()))
        .json(&serde_json::json!({"code": code, "code_verifier": "a-guess"}))
        .send()
        .await
        .unwrap();
    assert_eq!(spent.status(), 403);
    let cancel = CancellationToken::new();
    let (result, (status, _)) =
        tokio::join!(connect.finish(APPROVAL_WAIT, &cancel), browse(&location));
    assert_eq!(status, 200);
    let err = result.err().expect("refused");
    assert!(matches!(err, AuthError::CodeRefused), "{err:?}");
    sim.stop().await;
}

#[tokio::test]
async fn no_answer_in_time_ends_the_wait() {
    let sim = sim(Scenario::instant()).await;
    let connect = Connect::start(&sim.api_base()).await.unwrap();
    let callback = callback_of(connect.auth_url());
    let err = connect
        .finish(Duration::from_millis(200), &CancellationToken::new())
        .await
        .err()
        .expect("timed out");
    assert!(matches!(err, AuthError::TimedOut { .. }), "{err:?}");
    assert!(err.to_string().contains("try again"));
    // The listener is gone with the wait.
    assert!(reqwest::get(&callback).await.is_err());
    sim.stop().await;
}

#[tokio::test]
async fn cancel_ends_the_wait() {
    let sim = sim(Scenario::instant()).await;
    let connect = Connect::start(&sim.api_base()).await.unwrap();
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let err = connect
        .finish(APPROVAL_WAIT, &cancel)
        .await
        .err()
        .expect("cancelled");
    assert!(matches!(err, AuthError::Cancelled), "{err:?}");
    assert_eq!(err.code(), castwright_engine::ErrorCode::Cancelled);
    sim.stop().await;
}

#[tokio::test]
async fn requests_without_the_token_are_ignored() {
    let sim = sim(Scenario::instant()).await;
    let connect = Connect::start(&sim.api_base()).await.unwrap();
    let url = connect.auth_url().to_owned();
    let callback = callback_of(&url);
    let port_root = callback.split("/castwright/").next().unwrap().to_owned();
    let cancel = CancellationToken::new();
    let browser = async {
        // A page probing the port, with and without a made-up code: not ours.
        for forged in [
            format!("{port_root}/castwright/connected/forged?code=evil"),
            format!("{port_root}/?code=evil"),
        ] {
            let resp = reqwest::get(&forged).await.unwrap();
            assert_eq!(resp.status(), 404);
        }
        browse(&url).await
    };
    let (result, (status, _)) = tokio::join!(connect.finish(APPROVAL_WAIT, &cancel), browser);
    assert_eq!(status, 200);
    assert!(result.is_ok(), "the real answer still counts");
    sim.stop().await;
}

#[tokio::test]
async fn no_network_ends_with_a_plain_message() {
    // The approval came back, but the exchange finds nobody at the base URL.
    let gone = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/v1", gone.local_addr().unwrap());
    drop(gone);
    let connect = Connect::start(&base).await.unwrap();
    let callback = callback_of(connect.auth_url());
    let cancel = CancellationToken::new();
    let answer = format!("{callback}?code=abc123");
    let (result, (status, _)) =
        tokio::join!(connect.finish(APPROVAL_WAIT, &cancel), browse(&answer));
    assert_eq!(status, 200);
    let err = result.err().expect("offline");
    assert!(matches!(err, AuthError::Offline), "{err:?}");
    assert!(!err.to_string().contains("abc123"));
}
