//! An incremental Server-Sent Events reader.
//!
//! Bytes arrive in arbitrary pieces (a line, an event or a UTF-8 character may be split
//! across reads). It handles `\n`, `\r\n` and `\r` line ends, comment lines (OpenRouter's
//! `: OPENROUTER PROCESSING` keep-alives), multi-line `data:` fields, and a stream that stops
//! without a final blank line. It knows nothing about JSON: see `stream.rs` for that.

/// One dispatched event: its `data` lines joined with `\n`, and its `event` name if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct SseReader {
    buf: Vec<u8>,
    /// Start of the unread part of `buf`.
    pos: usize,
    /// A `\r` ended the last line; a `\n` right after it belongs to the same line end.
    after_cr: bool,
    data: String,
    has_data: bool,
    event: Option<String>,
    /// Comment lines seen (keep-alives), for progress reporting and tests.
    pub comments: u64,
}

impl SseReader {
    pub fn new() -> Self {
        SseReader::default()
    }

    /// Feeds bytes; complete events are pushed to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<SseEvent>) {
        self.buf.extend_from_slice(bytes);
        loop {
            let rest = &self.buf[self.pos..];
            if rest.is_empty() {
                // Keep `after_cr`: the `\n` of a `\r\n` may come in the next piece.
                break;
            }
            if self.after_cr && rest.first() == Some(&b'\n') {
                self.pos += 1;
                self.after_cr = false;
                continue;
            }
            self.after_cr = false;
            let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') else {
                break;
            };
            let is_cr = rest[end] == b'\r';
            let line_start = self.pos;
            self.pos += end + 1;
            self.after_cr = is_cr;
            // Copy the line out so `self` can be borrowed mutably by `line`.
            let line =
                String::from_utf8_lossy(&self.buf[line_start..line_start + end]).into_owned();
            self.line(&line, out);
        }
        // Drop consumed bytes once they dominate the buffer (amortised O(1) per byte).
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// The stream ended: a last line without its line end, and an event without its blank
    /// line, are still delivered (servers that cut the connection early do this).
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if self.pos < self.buf.len() {
            let line = String::from_utf8_lossy(&self.buf[self.pos..]).into_owned();
            self.buf.clear();
            self.pos = 0;
            self.line(&line, out);
        }
        self.dispatch(out);
    }

    fn line(&mut self, line: &str, out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.starts_with(':') {
            self.comments += 1;
            return;
        }
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_string()),
            // `id` and `retry` are not used by OpenRouter's chat streams.
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        if self.has_data {
            out.push(SseEvent {
                event: self.event.take(),
                data: std::mem::take(&mut self.data),
            });
        }
        self.has_data = false;
        self.event = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(input: &[u8], piece: usize) -> (Vec<SseEvent>, u64) {
        let mut r = SseReader::new();
        let mut out = Vec::new();
        for chunk in input.chunks(piece.max(1)) {
            r.feed(chunk, &mut out);
        }
        r.finish(&mut out);
        (out, r.comments)
    }

    fn datas(events: &[SseEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn comments_are_skipped_and_counted() {
        let input = b": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {\"a\":1}\n\ndata: [DONE]\n\n";
        let (events, comments) = parse_in_pieces(input, 1000);
        assert_eq!(datas(&events), vec!["{\"a\":1}", "[DONE]"]);
        assert_eq!(comments, 2);
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let input = "data: {\"t\":\"héllo — ünïcode 🎙\"}\r\n\r\n: keep-alive\r\ndata: line1\r\ndata: line2\r\n\r\ndata:nospace\n\ndata: [DONE]\n\n".as_bytes();
        let (whole, _) = parse_in_pieces(input, input.len());
        assert_eq!(
            datas(&whole),
            vec![
                "{\"t\":\"héllo — ünïcode 🎙\"}",
                "line1\nline2",
                "nospace",
                "[DONE]"
            ]
        );
        for piece in 1..input.len() {
            let (split, _) = parse_in_pieces(input, piece);
            assert_eq!(split, whole, "piece size {piece}");
        }
    }

    #[test]
    fn bare_cr_line_ends_work() {
        let (events, _) = parse_in_pieces(b"data: a\r\rdata: b\r\r", 1);
        assert_eq!(datas(&events), vec!["a", "b"]);
    }

    #[test]
    fn a_stream_cut_before_the_blank_line_still_delivers_the_event() {
        let (events, _) = parse_in_pieces(b"data: {\"x\":1}\n\ndata: {\"y\":2}", 3);
        assert_eq!(datas(&events), vec!["{\"x\":1}", "{\"y\":2}"]);
    }

    #[test]
    fn event_names_and_unknown_fields() {
        let (events, _) = parse_in_pieces(b"event: error\nid: 7\nretry: 10\ndata: boom\n\n", 2);
        assert_eq!(events[0].event.as_deref(), Some("error"));
        assert_eq!(events[0].data, "boom");
    }

    #[test]
    fn blank_lines_without_data_dispatch_nothing() {
        let (events, _) = parse_in_pieces(b"\n\n\n: c\n\n", 1);
        assert!(events.is_empty());
    }
}
