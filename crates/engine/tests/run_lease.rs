//! The run lease on a real database file: taken once, refused while held, released when
//! dropped, and taken over from a holder that is gone (no heartbeat for a while, or a process
//! that no longer exists on this machine) but never from one that is alive.

use std::sync::{Arc, Mutex};

use castwright_engine::pipeline::run_lease::{self, LeaseError, GONE_AFTER};
use castwright_engine::pipeline::{episode, EpisodeBrief, RunError};
use castwright_engine::store::Store;

fn setup() -> (tempfile::TempDir, Arc<Mutex<Store>>, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let brief = EpisodeBrief {
        title: "Lease".into(),
        brief: "Who may run an episode".into(),
        ..EpisodeBrief::default()
    };
    let ep = episode::create(
        store.conn(),
        &brief,
        "openrouter",
        &castwright_engine::pipeline::current_models(&[]),
    )
    .unwrap();
    (dir, Arc::new(Mutex::new(store)), ep.id)
}

fn leases(store: &Mutex<Store>) -> i64 {
    store
        .lock()
        .unwrap()
        .conn()
        .query_row("SELECT COUNT(*) FROM run_leases", [], |r| r.get(0))
        .unwrap()
}

/// A holder written as another process would leave it.
fn plant(store: &Mutex<Store>, episode_id: &str, host: &str, pid: i64, heartbeat_age_ms: i64) {
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    store
        .lock()
        .unwrap()
        .conn()
        .execute(
            "INSERT INTO run_leases (episode_id, token, holder, host, pid, since, heartbeat_ms)
             VALUES (?1, 'someone-else', 'command', ?2, ?3, '2026-12-03T14:02:00.000Z', ?4)",
            rusqlite::params![episode_id, host, pid, now_ms - heartbeat_age_ms],
        )
        .unwrap();
}

fn busy(r: Result<run_lease::RunLease, LeaseError>) -> String {
    match r {
        Err(e @ LeaseError::Busy { .. }) => e.to_string(),
        Err(e) => panic!("expected busy, got {e}"),
        Ok(_) => panic!("expected busy, got the lease"),
    }
}

#[test]
fn one_holder_at_a_time_and_released_on_drop() {
    let (_dir, store, ep) = setup();
    let lease = run_lease::acquire(&store, &ep).unwrap();
    assert_eq!(leases(&store), 1);
    let message = busy(run_lease::acquire(&store, &ep));
    assert!(
        message.starts_with(
            "This episode is being produced in another window or by a command (started "
        ) && message.ends_with("). Wait for it, or stop it there."),
        "{message}"
    );
    run_lease::confirm(store.lock().unwrap().conn(), &ep).unwrap();
    // The busy refusal maps to its own code, the one the window and the command act on.
    let err = RunError::from(LeaseError::Busy {
        started: "14:02".into(),
    });
    assert_eq!(err.code().as_str(), "episode_busy");
    drop(lease);
    assert_eq!(leases(&store), 0, "released when the run ends");
    let again = run_lease::acquire(&store, &ep).unwrap();
    drop(again);
}

#[test]
fn a_live_holder_elsewhere_is_waited_for_and_a_silent_one_is_taken_over() {
    let (_dir, store, ep) = setup();
    // Another machine, beating a moment ago: busy, with its start time.
    plant(&store, &ep, "another-machine", 4242, 1_000);
    busy(run_lease::acquire(&store, &ep));
    assert!(run_lease::busy_since(store.lock().unwrap().conn(), &ep)
        .unwrap()
        .is_some());
    // This process does not hold it: a stage must not run.
    assert!(matches!(
        run_lease::confirm(store.lock().unwrap().conn(), &ep),
        Err(LeaseError::Busy { .. })
    ));
    // The same holder, silent for longer than GONE_AFTER: gone, taken over.
    store
        .lock()
        .unwrap()
        .conn()
        .execute("DELETE FROM run_leases", [])
        .unwrap();
    let silent = i64::try_from(GONE_AFTER.as_millis()).unwrap() + 5_000;
    plant(&store, &ep, "another-machine", 4242, silent);
    assert!(run_lease::busy_since(store.lock().unwrap().conn(), &ep)
        .unwrap()
        .is_none());
    let lease = run_lease::acquire(&store, &ep).unwrap();
    let token_host: String = store
        .lock()
        .unwrap()
        .conn()
        .query_row("SELECT host FROM run_leases", [], |r| r.get(0))
        .unwrap();
    assert_ne!(token_host, "another-machine");
    drop(lease);
}

#[cfg(unix)]
#[test]
fn a_holder_whose_process_is_gone_from_this_machine_is_taken_over_at_once() {
    let (_dir, store, ep) = setup();
    let host = nix_hostname();
    // A process that has ended (and been reaped), beating a moment ago.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = i64::from(child.id());
    child.wait().unwrap();
    plant(&store, &ep, &host, pid, 500);
    let lease = run_lease::acquire(&store, &ep).unwrap();
    drop(lease);
    // A process that is alive on this machine holds it.
    let mut sleeper = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    plant(&store, &ep, &host, i64::from(sleeper.id()), 500);
    busy(run_lease::acquire(&store, &ep));
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
    let lease = run_lease::acquire(&store, &ep).unwrap();
    drop(lease);
}

#[cfg(unix)]
fn nix_hostname() -> String {
    nix::unistd::gethostname()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_missing_episode_is_not_found() {
    let (_dir, store, _ep) = setup();
    assert!(matches!(
        run_lease::acquire(&store, "ep_missing"),
        Err(LeaseError::NotFound)
    ));
}
