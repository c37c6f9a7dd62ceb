//! The real OS keychain (the Secret Service on Linux; `make test` runs these inside a D-Bus
//! session with an unlocked gnome-keyring). Each test uses its own service name so it can
//! never touch a real user's key.

use castwright_engine::secrets::{Keychain, SecretsError, Sensitive};
use castwright_engine::ErrorCode;
use openrouter_sim::test_key;

fn keychain(test: &str) -> Keychain {
    Keychain::with_service(format!("castwright-test-{test}-{}", std::process::id()))
}

#[test]
fn a_key_is_stored_read_back_and_deleted() {
    let kc = keychain("roundtrip");
    let account = "openrouter";
    kc.delete(account).unwrap();
    assert!(!kc.has(account).unwrap());

    let plain = test_key("keychain-roundtrip");
    let key = Sensitive::new(format!("  {plain}  \n"));
    kc.set(account, &key).unwrap();
    assert!(kc.has(account).unwrap());
    let back = kc.get(account).unwrap().expect("stored");
    assert_eq!(back.expose(), &plain, "whitespace trimmed");

    // A second keychain handle (a restarted app) sees the same key.
    let again = Keychain::with_service(format!("castwright-test-roundtrip-{}", std::process::id()));
    assert!(again.has(account).unwrap());

    kc.delete(account).unwrap();
    assert!(!kc.has(account).unwrap());
    assert!(kc.get(account).unwrap().is_none());
    // Deleting twice is fine.
    kc.delete(account).unwrap();
}

#[test]
fn replacing_a_key_keeps_only_the_new_one() {
    let kc = keychain("replace");
    kc.set("openrouter", &Sensitive::new(test_key("first")))
        .unwrap();
    kc.set("openrouter", &Sensitive::new(test_key("second")))
        .unwrap();
    assert_eq!(
        kc.get("openrouter").unwrap().unwrap().expose(),
        &test_key("second")
    );
    kc.delete("openrouter").unwrap();
}

#[test]
fn accounts_are_separate() {
    let kc = keychain("accounts");
    kc.set("openrouter", &Sensitive::new(test_key("a")))
        .unwrap();
    kc.set("conn_local", &Sensitive::new("local-b".into()))
        .unwrap();
    kc.delete("openrouter").unwrap();
    assert!(!kc.has("openrouter").unwrap());
    assert_eq!(kc.get("conn_local").unwrap().unwrap().expose(), "local-b");
    kc.delete("conn_local").unwrap();
}

#[test]
fn an_empty_key_is_refused_before_the_keychain() {
    let kc = keychain("empty");
    let err = kc
        .set("openrouter", &Sensitive::new("   ".into()))
        .unwrap_err();
    assert!(matches!(err, SecretsError::EmptyKey));
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(!kc.has("openrouter").unwrap());
}

#[test]
fn an_unreachable_keychain_is_explained_not_hidden() {
    // Run the check in a child process with no D-Bus session at all: the same call must come
    // back as a plain "keychain unavailable" error, not a panic and not a silent fallback.
    if std::env::var_os("CASTWRIGHT_KEYCHAIN_CHILD").is_some() {
        let kc = keychain("unreachable");
        let err = kc
            .set("openrouter", &Sensitive::new(test_key("never-stored")))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeychainUnavailable, "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("keychain"), "{msg}");
        assert!(
            !msg.contains(&test_key("never-stored")[9..]),
            "the key must not appear: {msg}"
        );
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "an_unreachable_keychain_is_explained_not_hidden",
            "--nocapture",
        ])
        .env("CASTWRIGHT_KEYCHAIN_CHILD", "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/castwright-no-bus",
        )
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}
