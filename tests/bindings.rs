//! The checked-in TypeScript bindings must match the Rust commands. Run `make bindings` (or
//! this test with CASTWRIGHT_UPDATE_BINDINGS=1) to regenerate them.

use std::path::Path;

#[test]
fn checked_in_bindings_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked_in = root.join(castwright_lib::BINDINGS_PATH);
    if std::env::var_os("CASTWRIGHT_UPDATE_BINDINGS").is_some() {
        castwright_lib::export_bindings(&checked_in).unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    castwright_lib::export_bindings(&fresh).unwrap();
    let fresh = std::fs::read_to_string(fresh).unwrap();
    let current = std::fs::read_to_string(&checked_in).unwrap_or_default();
    assert!(
        fresh == current,
        "{} is stale: run `make bindings` and commit the result",
        castwright_lib::BINDINGS_PATH
    );
}
