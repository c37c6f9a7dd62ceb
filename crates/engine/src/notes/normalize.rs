//! Tidying extracted text and hashing it, so the same notes always get the same hash.

use sha2::{Digest, Sha256};

/// Line breaks unified, control characters and invisible marks dropped, spaces collapsed
/// within each line, at most one blank line between paragraphs, no blank lines at the ends.
pub fn normalize_text(raw: &str) -> String {
    let mut cleaned = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    cleaned.push('\n');
                }
            }
            // A form feed is a page break in PDF text: a paragraph break here.
            '\u{c}' => cleaned.push_str("\n\n"),
            '\n' | '\t' => cleaned.push(c),
            // Byte-order marks, soft hyphens, zero-width spaces and joiners are invisible.
            '\u{feff}' | '\u{ad}' | '\u{200b}' | '\u{2060}' => {}
            '\u{2028}' | '\u{2029}' | '\u{85}' => cleaned.push('\n'),
            c if c.is_control() => {}
            c => cleaned.push(c),
        }
    }

    let mut out = String::with_capacity(cleaned.len());
    let mut blank_run = 0usize;
    for line in cleaned.split('\n') {
        let line = collapse_spaces(line);
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        out.push_str(&line);
        blank_run = 0;
    }
    out
}

fn collapse_spaces(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// SHA-256 (lower-case hex) of the text with every whitespace run collapsed to one space:
/// the same words in the same order give the same hash however the lines were wrapped.
pub fn content_hash(text: &str) -> String {
    let mut hasher = Sha256::new();
    let mut first = true;
    for word in text.split_whitespace() {
        if !first {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
        first = false;
    }
    hex::encode(hasher.finalize())
}

/// Whether there is anything to read: at least one letter or digit.
pub(crate) fn has_text(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_line_breaks_spaces_and_blank_lines() {
        assert_eq!(
            normalize_text("\u{feff}  Title \r\n\r\n\r\n para\tone  \rtwo\u{0}\n\n"),
            "Title\n\npara one\ntwo"
        );
        assert_eq!(normalize_text("a\u{c}b"), "a\n\nb");
        assert_eq!(normalize_text("co\u{ad}operate"), "cooperate");
    }

    #[test]
    fn hash_ignores_wrapping_but_not_words() {
        assert_eq!(
            content_hash("one two\nthree"),
            content_hash("one   two three ")
        );
        assert_ne!(content_hash("one two"), content_hash("two one"));
        assert_eq!(
            content_hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
