//! Any text read as a script: never panics, and writing it out and reading it back gives the
//! same script.
#![no_main]

use castwright_engine::script::{Script, ShowNotes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let script = Script::parse(&text);
    assert_eq!(Script::parse(&script.to_text()), script);
    let _ = script.estimated_seconds();
    let _ = ShowNotes::derive(&script, &[]);
});
