//! Values and dates across several tokens: "one thousand", "fifty-five", "a billion",
//! "1.5 million", "20 August 1977", "Aug. 20, 1977", "the 5th of September 1977".

use super::tokens::{Kind, Token};

fn small(word: &str) -> Option<f64> {
    Some(match word {
        "zero" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    })
}

fn scale(word: &str) -> Option<f64> {
    Some(match word {
        "hundred" => 1e2,
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        "trillion" => 1e12,
        _ => return None,
    })
}

/// A value read from one or more tokens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Value {
    pub value: f64,
    /// Tokens used.
    pub len: usize,
    /// A bare four-digit whole number that reads as a year (1000–2100).
    pub year: bool,
    /// Written in words with no scale and under ten ("two hosts"): too common to check.
    pub trivial: bool,
}

/// A short word in lower case without allocating (every word of the notes passes here);
/// longer or non-ASCII words are none of the number or month words.
pub(crate) struct Lower {
    buf: [u8; 12],
    len: usize,
}

impl Lower {
    pub fn of(word: &str) -> Lower {
        let mut l = Lower {
            buf: [0; 12],
            len: 0,
        };
        if word.len() <= l.buf.len() && word.is_ascii() {
            for (d, s) in l.buf.iter_mut().zip(word.bytes()) {
                *d = s.to_ascii_lowercase();
            }
            l.len = word.len();
        }
        l
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

fn lower(t: &Token) -> Lower {
    Lower::of(t.text)
}

/// The value starting at `toks[i]`, if one does.
pub(crate) fn value_at(toks: &[Token], i: usize) -> Option<Value> {
    let t = toks.get(i)?;
    match t.kind {
        Kind::Num {
            value,
            ordinal: false,
            plain_int,
        } => {
            // "1.5 million", "40 thousand".
            let mut v = value;
            let mut len = 1;
            while let Some(s) = toks
                .get(i + len)
                .filter(|t| t.is_word())
                .and_then(|t| scale(lower(t).as_str()))
            {
                v *= s;
                len += 1;
            }
            let year =
                len == 1 && plain_int && t.text.len() == 4 && (1000.0..=2100.0).contains(&value);
            Some(Value {
                value: v,
                len,
                year,
                trivial: false,
            })
        }
        Kind::Word => words_value(toks, i),
        _ => None,
    }
}

fn words_value(toks: &[Token], i: usize) -> Option<Value> {
    let mut total = 0.0;
    let mut current = 0.0;
    let mut used = 0;
    let mut scaled = false;
    let mut j = i;
    while let Some(t) = toks.get(j).filter(|t| t.is_word()) {
        let w = lower(t);
        let w = w.as_str();
        if let Some(v) = small(w) {
            current += v;
        } else if let Some(s) = scale(w) {
            if s == 100.0 {
                current = current.max(1.0) * s;
            } else {
                total += current.max(1.0) * s;
                current = 0.0;
            }
            scaled = true;
        } else if (w == "a" || w == "an") && used == 0 {
            // "a billion years", "a hundred languages": only before a scale word.
            if !toks
                .get(j + 1)
                .is_some_and(|n| n.is_word() && scale(lower(n).as_str()).is_some())
            {
                return None;
            }
        } else if w == "and" && used > 0 {
            if !toks
                .get(j + 1)
                .is_some_and(|n| n.is_word() && (small(lower(n).as_str()).is_some()))
            {
                break;
            }
        } else {
            break;
        }
        j += 1;
        used = j - i;
    }
    if used == 0
        || (used == 1
            && (toks[i].text.eq_ignore_ascii_case("a") || toks[i].text.eq_ignore_ascii_case("an")))
    {
        return None;
    }
    let value = total + current;
    Some(Value {
        value,
        len: used,
        year: false,
        trivial: !scaled && value < 10.0,
    })
}

/// Whether two values are the same figure: equal, or a fraction and its rounded decimal
/// ("16⅔" and "16.67").
pub(crate) fn same_value(a: f64, b: f64) -> bool {
    let diff = (a - b).abs();
    if diff <= 1e-9 * a.abs().max(1.0) {
        return true;
    }
    let fractional = a.fract() != 0.0 || b.fract() != 0.0;
    fractional && diff < 0.01
}

pub(crate) fn month(word: &str) -> Option<u8> {
    let w = Lower::of(word);
    let w = w.as_str();
    if w.len() < 3 {
        return None;
    }
    let names = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    for (n, name) in names.iter().enumerate() {
        // Full names, and the usual abbreviations ("Aug", "Sept"); "May" and "March" only in full.
        if w == *name || (name.starts_with(w) && w.len() <= 4 && n != 4 && w != "mar") {
            return u8::try_from(n + 1).ok();
        }
    }
    None
}

/// A date found across tokens: year, month and (when given) day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Date {
    pub y: i32,
    pub m: u8,
    pub d: Option<u8>,
}

fn day(t: &Token) -> Option<u8> {
    match t.kind {
        Kind::Num {
            value,
            plain_int,
            ordinal,
        } if (plain_int || ordinal) && (1.0..=31.0).contains(&value) && value.fract() == 0.0 => {
            u8::try_from(value as i64).ok()
        }
        _ => None,
    }
}

fn year(t: &Token) -> Option<i32> {
    match t.kind {
        Kind::Num {
            value,
            plain_int: true,
            ordinal: false,
        } if t.text.len() == 4 && (1000.0..=2100.0).contains(&value) => Some(value as i32),
        _ => None,
    }
}

fn month_tok(toks: &[Token], i: usize) -> Option<(u8, usize)> {
    let t = toks.get(i).filter(|t| t.is_word())?;
    let m = month(t.text)?;
    // An abbreviation may carry its dot: "Aug. 20".
    let len = if toks.get(i + 1).is_some_and(|n| n.kind == Kind::Break('.')) {
        2
    } else {
        1
    };
    Some((m, len))
}

fn skip_comma(toks: &[Token], i: usize) -> usize {
    if toks.get(i).is_some_and(|t| t.kind == Kind::Break(',')) {
        i + 1
    } else {
        i
    }
}

/// The date starting at `toks[i]` and the number of tokens it takes.
pub(crate) fn date_at(toks: &[Token], i: usize) -> Option<(Date, usize)> {
    let t = toks.get(i)?;
    if let Kind::Date { y, m, d } = t.kind {
        return Some((Date { y, m, d: Some(d) }, 1));
    }
    // "20 August 1977", "20th of August 1977", "20 August" is left alone (no year).
    if let Some(d) = day(t) {
        let mut j = i + 1;
        if toks
            .get(j)
            .is_some_and(|t| t.text.eq_ignore_ascii_case("of"))
        {
            j += 1;
        }
        if let Some((m, ml)) = month_tok(toks, j) {
            let k = skip_comma(toks, j + ml);
            if let Some(y) = toks.get(k).and_then(year) {
                return Some((Date { y, m, d: Some(d) }, k + 1 - i));
            }
        }
        return None;
    }
    // "August 20, 1977", "Aug. 20 1977", "August 1977".
    let (m, ml) = month_tok(toks, i)?;
    let j = i + ml;
    if let Some(d) = toks.get(j).and_then(day) {
        let k = skip_comma(toks, j + 1);
        if let Some(y) = toks.get(k).and_then(year) {
            return Some((Date { y, m, d: Some(d) }, k + 1 - i));
        }
    }
    if let Some(y) = toks.get(j).and_then(year) {
        return Some((Date { y, m, d: None }, j + 1 - i));
    }
    None
}
