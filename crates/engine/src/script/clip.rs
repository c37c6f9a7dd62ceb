//! Shortening text for previews and summaries without cutting a word in half.

/// At most `max_chars` characters of `text` (whitespace runs collapsed), cut at the last word
/// boundary that fits and marked with "…" when anything was cut.
pub(crate) fn clip_at_word(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    for word in text.split_whitespace() {
        let extra = word.chars().count() + usize::from(!out.is_empty());
        if chars + extra > max_chars {
            if out.is_empty() {
                // One enormous "word" (a URL, a base64 blob): cut it on a character boundary.
                out.extend(word.chars().take(max_chars.saturating_sub(1)));
            }
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        chars += extra;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_at_a_word_boundary() {
        assert_eq!(clip_at_word("one two  three", 100), "one two three");
        assert_eq!(clip_at_word("one two three", 9), "one two…");
        assert_eq!(clip_at_word("abcdefghij", 5), "abcd…");
        assert_eq!(clip_at_word("", 5), "");
        assert_eq!(clip_at_word("ééééé ééé", 7), "ééééé…");
    }
}
