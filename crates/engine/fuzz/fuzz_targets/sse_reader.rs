//! Any bytes read as a streamed chat completion: the SSE reader, then each event through the
//! stream state, as the gateway does. The first byte sets how the rest is cut into network
//! reads; the events must not depend on where the cuts fall.
#![no_main]

use castwright_engine::gateway::sse::{SseEvent, SseReader};
use castwright_engine::gateway::stream::StreamState;
use libfuzzer_sys::fuzz_target;

fn events(pieces: &[&[u8]]) -> Vec<SseEvent> {
    let mut reader = SseReader::new();
    let mut out = Vec::new();
    for p in pieces {
        reader.feed(p, &mut out);
    }
    reader.finish(&mut out);
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, body)) = data.split_first() else {
        return;
    };
    let whole = events(&[body]);
    let pieces: Vec<&[u8]> = body.chunks(usize::from(cut % 17) + 1).collect();
    assert_eq!(
        whole,
        events(&pieces),
        "events depend on how the bytes were cut"
    );
    let mut state = StreamState::new(None);
    for e in &whole {
        if state.apply(&e.data).is_err() {
            return;
        }
    }
    let _ = state.finish("fuzz/model");
});
