//! Words, numbers and breaks in a piece of text, with their byte spans, and the sentences of a
//! note. One tokeniser serves the script and the notes, so both sides read "1,000", "16⅔" and
//! "Gliese-445" the same way.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// Letters (with inner apostrophes).
    Word,
    /// Digits, read as a value: "1,000", "3.5", "16⅔", "2/3", "20th" (`ordinal`).
    Num {
        value: f64,
        ordinal: bool,
        plain_int: bool,
    },
    /// A calendar date written in one piece: "1977-08-20", "20/08/1977".
    Date { y: i32, m: u8, d: u8 },
    /// Punctuation that ends a phrase (".", ",", ";", ":", "!", "?", brackets, quotes, dashes).
    Break(char),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

impl Token<'_> {
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    pub fn capitalised(&self) -> bool {
        self.is_word() && self.text.chars().next().is_some_and(char::is_uppercase)
    }

    pub fn is_break(&self) -> bool {
        matches!(self.kind, Kind::Break(_))
    }
}

/// The value of a Unicode vulgar fraction.
pub(crate) fn vulgar(c: char) -> Option<f64> {
    Some(match c {
        '½' => 0.5,
        '⅓' => 1.0 / 3.0,
        '⅔' => 2.0 / 3.0,
        '¼' => 0.25,
        '¾' => 0.75,
        '⅕' => 0.2,
        '⅖' => 0.4,
        '⅗' => 0.6,
        '⅘' => 0.8,
        '⅙' => 1.0 / 6.0,
        '⅚' => 5.0 / 6.0,
        '⅛' => 0.125,
        '⅜' => 0.375,
        '⅝' => 0.625,
        '⅞' => 0.875,
        _ => return None,
    })
}

fn is_numeric_char(c: char) -> bool {
    c.is_ascii_digit() || vulgar(c).is_some()
}

/// Splits `text` into tokens. Hyphens, slashes between words and whitespace separate tokens
/// without ending a phrase, so "fifty-five" and "Gliese-445" read like "fifty five" and
/// "Gliese 445".
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if is_numeric_char(c) {
            let start = i;
            // Digits with inner "," "." "/" "-" (only when a digit follows).
            let mut j = i + 1;
            while let Some(c) = at(j) {
                if is_numeric_char(c) {
                    j += 1;
                } else if matches!(c, ',' | '.' | '/' | '-')
                    && at(j + 1).is_some_and(|d| d.is_ascii_digit())
                {
                    j += 2;
                } else {
                    break;
                }
            }
            let raw = &text[byte(start)..byte(j)];
            // A suffix: "20th", "5km", "40%".
            let mut k = j;
            while at(k).is_some_and(char::is_alphabetic) {
                k += 1;
            }
            let suffix = text[byte(j)..byte(k)].to_ascii_lowercase();
            let ordinal = matches!(suffix.as_str(), "st" | "nd" | "rd" | "th");
            let end_num = if ordinal { k } else { j };
            push_number(&mut out, raw, byte(start), byte(end_num), ordinal, text);
            if !ordinal && k > j && suffix != "s" {
                out.push(Token {
                    text: &text[byte(j)..byte(k)],
                    start: byte(j),
                    end: byte(k),
                    kind: Kind::Word,
                });
            }
            if at(k) == Some('%') {
                out.push(Token {
                    text: "percent",
                    start: byte(k),
                    end: byte(k + 1),
                    kind: Kind::Word,
                });
                k += 1;
            }
            i = k;
        } else if c.is_alphabetic() {
            let start = i;
            let mut j = i + 1;
            while let Some(c) = at(j) {
                if c.is_alphabetic()
                    || c.is_ascii_digit() && !at(j - 1).is_some_and(char::is_whitespace)
                {
                    j += 1;
                } else if matches!(c, '\'' | '’') && at(j + 1).is_some_and(char::is_alphabetic) {
                    j += 2;
                } else {
                    break;
                }
            }
            out.push(Token {
                text: &text[byte(start)..byte(j)],
                start: byte(start),
                end: byte(j),
                kind: Kind::Word,
            });
            i = j;
        } else if c.is_whitespace() || matches!(c, '-' | '/' | '*' | '_' | '#' | '‐') {
            i += 1;
        } else {
            out.push(Token {
                text: &text[byte(i)..byte(i + 1)],
                start: byte(i),
                end: byte(i + 1),
                kind: Kind::Break(c),
            });
            i += 1;
        }
    }
    out
}

fn push_number<'a>(
    out: &mut Vec<Token<'a>>,
    raw: &str,
    start: usize,
    end: usize,
    ordinal: bool,
    text: &'a str,
) {
    let kind = if let Some((y, m, d)) = one_piece_date(raw) {
        Kind::Date { y, m, d }
    } else if let Some((value, plain_int)) = parse_digits(raw) {
        Kind::Num {
            value,
            ordinal,
            plain_int,
        }
    } else {
        // "3-4": read the parts on their own.
        for part in raw.split(['-', '/']) {
            if let Some((value, plain_int)) = parse_digits(part) {
                let off = start + (part.as_ptr() as usize - raw.as_ptr() as usize);
                out.push(Token {
                    text: &text[off..off + part.len()],
                    start: off,
                    end: off + part.len(),
                    kind: Kind::Num {
                        value,
                        ordinal: false,
                        plain_int,
                    },
                });
            }
        }
        return;
    };
    out.push(Token {
        text: &text[start..end],
        start,
        end,
        kind,
    });
}

/// "1977-08-20" (ISO) or "20/08/1977" (day first, unless the first part cannot be a day).
fn one_piece_date(raw: &str) -> Option<(i32, u8, u8)> {
    let dash: Vec<&str> = raw.split('-').collect();
    if dash.len() == 3 && dash[0].len() == 4 {
        let (y, m, d) = (
            dash[0].parse().ok()?,
            dash[1].parse().ok()?,
            dash[2].parse().ok()?,
        );
        return valid(y, m, d);
    }
    let slash: Vec<&str> = raw.split('/').collect();
    if slash.len() == 3 && slash[2].len() == 4 {
        let (a, b, y): (u8, u8, i32) = (
            slash[0].parse().ok()?,
            slash[1].parse().ok()?,
            slash[2].parse().ok()?,
        );
        return if a > 12 {
            valid(y, b, a)
        } else {
            valid(y, b, a).or_else(|| valid(y, a, b))
        };
    }
    None
}

fn valid(y: i32, m: u8, d: u8) -> Option<(i32, u8, u8)> {
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// "1,000" → 1000, "3.5", "16⅔", "⅔", "2/3". The flag says it is a whole number written
/// without separators or fractions (a year candidate).
fn parse_digits(raw: &str) -> Option<(f64, bool)> {
    if raw.is_empty() {
        return None;
    }
    if let Some((a, b)) = raw.split_once('/') {
        let (a, b): (f64, f64) = (a.parse().ok()?, b.parse().ok()?);
        return (b != 0.0).then_some((a / b, false));
    }
    let mut frac = 0.0;
    let mut digits = String::new();
    for c in raw.chars() {
        if let Some(v) = vulgar(c) {
            frac += v;
        } else if c != ',' {
            digits.push(c);
        }
    }
    // "1,000.5" but also "3,5" is not read as a decimal: a comma groups thousands here.
    let base: f64 = if digits.is_empty() {
        0.0
    } else {
        digits.parse().ok()?
    };
    let plain = frac == 0.0 && !raw.contains([',', '.']);
    Some((base + frac, plain))
}

/// A note cut into sentences: paragraphs split at blank lines and list items, sentences at
/// ".", "!" or "?" followed by a space and a capital letter (so "Aug. 20" stays whole).
pub(crate) fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    let push = |out: &mut Vec<(usize, usize)>, s: usize, e: usize| {
        let piece = &text[s..e];
        let trimmed = piece.trim();
        if trimmed.chars().any(char::is_alphanumeric) {
            let lead = piece.len() - piece.trim_start().len();
            out.push((s + lead, s + lead + trimmed.len()));
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            // A new paragraph, heading or list item ends the sentence; a wrapped line does not.
            let rest = text[i + 1..].trim_start_matches([' ', '\t']);
            let new_block = rest.starts_with('\n')
                || rest.starts_with(['#', '-', '*', '•', '>', '|'])
                || rest.split_once(['.', ')']).is_some_and(|(n, _)| {
                    !n.is_empty() && n.len() < 4 && n.bytes().all(|c| c.is_ascii_digit())
                });
            if new_block {
                push(&mut out, start, i);
                start = i + 1;
            }
        } else if matches!(b, b'.' | b'!' | b'?') {
            let rest = &text[i + 1..];
            let next = rest.trim_start_matches([' ', '"', '\'', ')', '”', '’']);
            let spaced = rest.starts_with([' ', '\n', '"', '”', ')']);
            if spaced
                && next
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_uppercase() || c == '\n')
            {
                push(&mut out, start, i + 1);
                start = i + 1;
            }
        }
        i += 1;
    }
    push(&mut out, start, text.len());
    out
}

/// A word as the index compares it: lower case, possessive dropped, a plural "s" dropped.
pub(crate) fn stem(word: &str) -> String {
    let mut w = String::with_capacity(word.len());
    stem_into(word, &mut w);
    w
}

/// `stem` into a buffer the caller reuses.
pub(crate) fn stem_into(word: &str, w: &mut String) {
    w.clear();
    if word.is_ascii() {
        w.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        w.extend(word.chars().flat_map(char::to_lowercase));
    }
    for suffix in ["'s", "’s"] {
        if w.ends_with(suffix) {
            w.truncate(w.len() - suffix.len());
        }
    }
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w.pop();
    }
}

/// Tokens collapsed for phrase search: stemmed words and figures separated by single spaces,
/// with a space at each end.
pub(crate) fn flat_of(toks: &[Token]) -> String {
    let mut s = String::with_capacity(toks.len() * 6 + 2);
    let mut w = String::new();
    s.push(' ');
    for t in toks.iter().filter(|t| !t.is_break()) {
        stem_into(t.text, &mut w);
        s.push_str(&w);
        s.push(' ');
    }
    s
}
