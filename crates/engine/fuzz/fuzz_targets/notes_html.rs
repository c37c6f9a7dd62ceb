//! Any bytes read as a saved web page.
#![no_main]

use castwright_engine::notes::parsers::html_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = html_text(data);
});
