//! The checkable facts in a piece of text: quantities with their noun ("116 images",
//! "a billion years"), years, dates and proper names, each with its byte span.

use super::numbers::{date_at, month, value_at, Date};
use super::tokens::{stem, Kind, Token};

/// What a fact says, in the form the index compares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Claim {
    /// A figure and the nouns that follow it (stemmed), e.g. 116 and ["image"].
    Quantity {
        value: f64,
        nouns: Vec<String>,
    },
    Year(i32),
    Date(Date),
    /// A proper name as a flat phrase: " gliese 445 ".
    Name(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub claim: Claim,
    pub start: usize,
    pub end: usize,
}

/// Words that are not the noun a figure counts ("116 of the images" counts images).
const NOT_NOUNS: &[&str] = &[
    "a",
    "about",
    "after",
    "ago",
    "all",
    "almost",
    "an",
    "and",
    "are",
    "around",
    "as",
    "at",
    "be",
    "been",
    "before",
    "but",
    "by",
    "different",
    "each",
    "every",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "i",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "more",
    "my",
    "nearly",
    "of",
    "on",
    "only",
    "or",
    "other",
    "our",
    "over",
    "per",
    "roughly",
    "she",
    "so",
    "some",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "under",
    "was",
    "we",
    "were",
    "which",
    "who",
    "with",
    "you",
    "your",
];

/// Capitalised words that start sentences without naming anything.
const COMMON: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "an", "and", "another", "any", "are", "as",
    "at", "back", "because", "before", "but", "by", "can", "did", "do", "does", "each", "even",
    "every", "exactly", "for", "from", "good", "great", "had", "has", "have", "he", "her", "here",
    "his", "how", "i", "i'm", "if", "imagine", "in", "is", "it", "it's", "its", "just", "let's",
    "like", "look", "maybe", "more", "most", "my", "no", "not", "now", "of", "oh", "okay", "on",
    "one", "or", "our", "picture", "plus", "right", "so", "some", "still", "sure", "than",
    "thanks", "that", "that's", "the", "their", "then", "there", "there's", "these", "they",
    "think", "this", "those", "to", "today", "together", "um", "uh", "was", "we", "we're", "well",
    "welcome", "what", "what's", "when", "where", "which", "while", "who", "why", "with", "wow",
    "yeah", "yes", "you", "you're", "your",
];

/// Words a name may contain in lower case between capitalised ones ("Library of Congress").
const CONNECTORS: &[&str] = &["of", "de", "del", "la", "van", "von", "da", "du", "le"];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn ends_sentence(t: &Token) -> bool {
    matches!(t.kind, Kind::Break('.' | '!' | '?' | ':' | '"' | '“' | '”'))
}

/// Extracts facts. `names` is off for notes (names are found there by phrase search);
/// `skip` holds lower-case words never reported as names (the episode's speakers).
pub(crate) fn extract(toks: &[Token], names: bool, skip: &[String]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut sentence_start = true;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_break() {
            sentence_start = sentence_start || ends_sentence(t);
            i += 1;
            continue;
        }
        if let Some((date, len)) = date_at(toks, i) {
            out.push(Found {
                claim: Claim::Date(date),
                start: t.start,
                end: toks[i + len - 1].end,
            });
            i += len;
            sentence_start = false;
            continue;
        }
        if names && t.capitalised() {
            if let Some((found, next)) = name_at(toks, i, sentence_start, skip) {
                if let Some(f) = found {
                    out.push(f);
                }
                i = next;
                sentence_start = false;
                continue;
            }
        }
        if let Some(v) = value_at(toks, i) {
            let end_value = i + v.len;
            if !v.trivial {
                let (nouns, last) = nouns_after(toks, end_value);
                // "1977" is a year, but "1000 greetings" counts greetings.
                let counts = last == Some(end_value) && !toks[end_value].capitalised();
                if v.year && !counts {
                    out.push(Found {
                        claim: Claim::Year(v.value as i32),
                        start: t.start,
                        end: toks[end_value - 1].end,
                    });
                } else {
                    let end = last.map_or(toks[end_value - 1].end, |k| toks[k].end);
                    out.push(Found {
                        claim: Claim::Quantity {
                            value: v.value,
                            nouns,
                        },
                        start: t.start,
                        end,
                    });
                }
            }
            i = end_value;
            sentence_start = false;
            continue;
        }
        i += 1;
        sentence_start = false;
    }
    out
}

/// Up to two content words following a figure, before any punctuation or other figure; and
/// the index of the first one (where the fact's text ends).
fn nouns_after(toks: &[Token], from: usize) -> (Vec<String>, Option<usize>) {
    let mut nouns = Vec::new();
    let mut first = None;
    for (k, t) in toks.iter().enumerate().skip(from).take(4) {
        if !t.is_word() {
            break;
        }
        let s = stem(t.text);
        if NOT_NOUNS.contains(&s.as_str()) {
            if first.is_some() {
                break;
            }
            continue;
        }
        first.get_or_insert(k);
        nouns.push(s);
        if nouns.len() == 2 {
            break;
        }
    }
    (nouns, first)
}

/// A run of capitalised words (with figures after them: "Voyager 1", "Gliese 445") starting
/// at `i`. Returns the fact, if the run names something, and where to continue.
fn name_at(
    toks: &[Token],
    i: usize,
    sentence_start: bool,
    skip: &[String],
) -> Option<(Option<Found>, usize)> {
    let mut j = i;
    let mut words: Vec<usize> = Vec::new();
    while let Some(t) = toks.get(j) {
        // A capitalised word (not a month opening the run), a figure after a word ("Voyager
        // 2"), or a connector between capitalised words ("Library of Congress").
        let joins = (t.capitalised() && month(t.text).is_none_or(|_| !words.is_empty()))
            || (!words.is_empty()
                && matches!(t.kind, Kind::Num { ordinal: false, .. })
                && toks[j - 1].is_word())
            || (!words.is_empty()
                && CONNECTORS.contains(&t.text)
                && toks.get(j + 1).is_some_and(Token::capitalised));
        if !joins {
            break;
        }
        words.push(j);
        j += 1;
    }
    if words.is_empty() {
        return None;
    }
    let next = j;
    // Drop the sentence's opening word when it is an ordinary word ("So Carl Sagan"), and a
    // leading article anywhere ("the Golden Record" is found as "Golden Record").
    let mut from = 0;
    while from < words.len() {
        let w = toks[words[from]].text.to_lowercase();
        let opener = (from == 0 && sentence_start) || matches!(w.as_str(), "the" | "a" | "an");
        if opener && COMMON.contains(&w.as_str()) {
            from += 1;
        } else {
            break;
        }
    }
    let kept = &words[from..];
    let Some((&first, &last)) = kept.first().zip(kept.last()) else {
        return Some((None, next));
    };
    // A figure after a dropped opener ("So 116 images"): the caller reads it as a figure.
    if !toks[first].is_word() {
        return Some((None, first));
    }
    let single = kept.len() == 1;
    let w = toks[first].text.to_lowercase();
    if (single && from == 0 && sentence_start)
        || (single && (COMMON.contains(&w.as_str()) || WEEKDAYS.contains(&w.as_str())))
        || skip.iter().any(|s| stem(s) == stem(&w))
    {
        // Not a name; whatever follows its first word is read afresh.
        return Some((None, first + 1));
    }
    let mut phrase = String::from(" ");
    for &k in kept {
        phrase.push_str(&stem(toks[k].text));
        phrase.push(' ');
    }
    Some((
        Some(Found {
            claim: Claim::Name(phrase),
            start: toks[first].start,
            end: toks[last].end,
        }),
        next,
    ))
}
