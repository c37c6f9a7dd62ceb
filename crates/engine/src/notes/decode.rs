//! Turning a text file's bytes into text, whatever encoding it was saved in. Notes arrive
//! from old Windows machines (Windows-1252), Macs, UTF-16 exports and damaged copies; every
//! one is read as well as it can be, with a warning when some of it had to be guessed.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// Text and, when the bytes were not clean UTF-8, a sentence for the producer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub warning: Option<String>,
}

const REPLACED: &str = "Some characters in this file could not be decoded and were replaced \
     with “�”. Check the note's text, or save the file again as UTF-8 and add it again.";

/// Decodes text bytes: a byte-order mark wins, then UTF-16 without a mark, then valid UTF-8,
/// then `declared` (an HTML page's own `charset`), then a damaged UTF-8 file (decoded
/// lossily), and last a legacy single-byte encoding guessed from the bytes.
pub fn decode_text(bytes: &[u8], declared: Option<&'static Encoding>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..]);
    }
    // Before the UTF-8 check: English text in UTF-16 is valid UTF-8, full of zero bytes.
    if let Some(encoding) = utf16_without_bom(bytes) {
        return decode_with(encoding, bytes);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            warning: None,
        };
    }
    if let Some(encoding) = declared {
        return decode_with(encoding, bytes);
    }
    if looks_like_damaged_utf8(bytes) {
        return Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            warning: Some(REPLACED.to_string()),
        };
    }
    // ISO-2022-JP is refused as browsers do: it can hide markup in innocent-looking bytes.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let mut decoded = decode_with(encoding, bytes);
    if decoded.warning.is_none() {
        decoded.warning = Some(format!(
            "This file was not saved as Unicode (UTF-8), so Castwright read it as {}. \
             Check that accented letters and symbols look right.",
            friendly_name(encoding)
        ));
    }
    decoded
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        warning: had_errors.then(|| REPLACED.to_string()),
    }
}

/// Mostly-ASCII UTF-16 text has a zero byte in every other position.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |offset: usize| {
        sample
            .chunks_exact(2)
            .filter(|pair| pair[offset] == 0 && pair[1 - offset] != 0)
            .count()
    };
    // Nine in ten pairs with the zero on the same side is not chance.
    if zeros_at(1) * 10 >= pairs * 9 {
        Some(UTF_16LE)
    } else if zeros_at(0) * 10 >= pairs * 9 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// A file with real multi-byte UTF-8 characters and a few broken bytes is damaged UTF-8 (a
/// cut-off copy, a bad merge), not a legacy encoding: decode it as UTF-8.
fn looks_like_damaged_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_multibyte > 0 && valid_multibyte >= invalid
}

fn friendly_name(encoding: &'static Encoding) -> String {
    match encoding.name() {
        "windows-1252" => "Western European (Windows-1252 / Latin-1)".to_string(),
        "windows-1250" | "ISO-8859-2" => "Central European".to_string(),
        "windows-1251" | "KOI8-R" | "KOI8-U" | "IBM866" => "Cyrillic".to_string(),
        "Shift_JIS" | "EUC-JP" | "ISO-2022-JP" => "Japanese".to_string(),
        "GBK" | "gb18030" => "Simplified Chinese".to_string(),
        "Big5" => "Traditional Chinese".to_string(),
        "EUC-KR" => "Korean".to_string(),
        name => name.to_string(),
    }
}

/// Share of characters that are control characters other than ordinary line breaks and tabs:
/// a "text" file full of them is a binary file with the wrong name.
pub(crate) fn looks_binary(text: &str) -> bool {
    let sample: Vec<char> = text.chars().take(8192).collect();
    if sample.is_empty() {
        return false;
    }
    let odd = sample
        .iter()
        .filter(|&&c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || c == '\u{fffd}'
        })
        .count();
    odd * 10 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utf8_and_boms_without_warnings() {
        let d = decode_text("Café".as_bytes(), None);
        assert_eq!(
            d,
            Decoded {
                text: "Café".into(),
                warning: None
            }
        );
        let d = decode_text(b"\xef\xbb\xbfhi", None);
        assert_eq!(d.text, "hi");
        let d = decode_text(b"\xff\xfeh\0i\0", None);
        assert_eq!(d.text, "hi");
        assert!(d.warning.is_none());
    }

    #[test]
    fn guesses_latin1_and_says_so() {
        let d = decode_text(b"Caf\xe9 na\xefve r\xe9sum\xe9 \xe0 la carte", None);
        assert_eq!(d.text, "Café naïve résumé à la carte");
        assert!(d.warning.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn damaged_utf8_is_decoded_lossily_with_a_warning() {
        let d = decode_text(b"Caf\xc3\xa9 and \xff broken", None);
        assert_eq!(d.text, "Café and \u{fffd} broken");
        assert!(d.warning.unwrap().contains("could not be decoded"));
    }

    #[test]
    fn utf16_without_a_mark_is_recognised() {
        let bytes: Vec<u8> = "Hello notes"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode_text(&bytes, None).text, "Hello notes");
    }

    #[test]
    fn binary_is_spotted() {
        assert!(looks_binary("\u{0}\u{1}\u{2}PNG\u{0}\u{0}"));
        assert!(!looks_binary("plain notes\n\twith a tab"));
    }
}
