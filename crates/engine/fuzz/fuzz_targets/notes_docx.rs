//! Any bytes read as a Word document, under a small inflate limit so bombs stay cheap.
#![no_main]

use castwright_engine::notes::parsers::docx_text;
use castwright_engine::notes::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_inflated_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let _ = docx_text(data, &limits);
});
