//! Token counting. Real tokenizers differ per model; the emulator uses one documented
//! approximation everywhere — usage, billing, `max_tokens`, the 402 pre-flight — so its numbers
//! always agree with each other:
//!
//! * a text is `ceil(utf8_bytes / 4)` tokens (empty text is 0);
//! * a prompt is the sum over messages of `4 + tokens(content)` (the 4 stands for the role and
//!   message framing), plus 3 for the reply's priming.

/// Bytes per token in the approximation.
pub const BYTES_PER_TOKEN: usize = 4;
/// Framing tokens per message.
pub const PER_MESSAGE: u64 = 4;
/// Tokens that prime the assistant's reply.
pub const REPLY_PRIMING: u64 = 3;

/// Tokens in a piece of text.
pub fn count(text: &str) -> u64 {
    text.len().div_ceil(BYTES_PER_TOKEN) as u64
}

/// Tokens in a prompt made of these message contents.
pub fn prompt<'a>(contents: impl IntoIterator<Item = &'a str>) -> u64 {
    contents
        .into_iter()
        .map(|c| PER_MESSAGE + count(c))
        .sum::<u64>()
        + REPLY_PRIMING
}

/// The longest prefix of `text` that fits in `max_tokens`, cut at a character boundary and,
/// where one is close, at the end of a word (as a model stopping mid-sentence would).
pub fn truncate(text: &str, max_tokens: u64) -> &str {
    let max_bytes = usize::try_from(max_tokens)
        .unwrap_or(usize::MAX)
        .saturating_mul(BYTES_PER_TOKEN);
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    match cut.rfind(char::is_whitespace) {
        Some(ws) if ws + 24 >= end && ws > 0 => &cut[..ws],
        _ => cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_four_bytes_per_token_rounding_up() {
        assert_eq!(count(""), 0);
        assert_eq!(count("a"), 1);
        assert_eq!(count("abcd"), 1);
        assert_eq!(count("abcde"), 2);
        assert_eq!(count("é"), 1);
    }

    #[test]
    fn prompt_adds_framing() {
        assert_eq!(prompt(["abcd", "abcdefgh"]), 4 + 1 + 4 + 2 + 3);
    }

    #[test]
    fn truncation_fits_and_prefers_word_ends() {
        let text = "alpha beta gamma delta epsilon";
        let cut = truncate(text, 3);
        assert!(count(cut) <= 3);
        assert_eq!(cut, "alpha beta");
        assert_eq!(truncate(text, 100), text);
        let accented = "ééééééé";
        assert!(count(truncate(accented, 1)) <= 1);
    }
}
