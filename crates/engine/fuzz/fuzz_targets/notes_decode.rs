//! Any bytes decoded as a text file, tidied and hashed.
#![no_main]

use castwright_engine::notes::parsers::decode_text;
use castwright_engine::notes::{content_hash, normalize_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = decode_text(data, None);
    let text = normalize_text(&decoded.text);
    let _ = content_hash(&text);
});
