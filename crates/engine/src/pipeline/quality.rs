//! The quality verdict: schema-checked JSON, with timing measured by us (not guessed).

use serde::{Deserialize, Serialize};

/// The pass mark: below it the script is rewritten once, if the budget allows.
pub const PASS_MARK: u32 = 70;

pub use super::answer_read::UnsupportedClaim;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Timing {
    pub target_words: u32,
    pub actual_words: u32,
    /// Percent over (+) or under (−) the target.
    pub deviation_percent: i32,
    pub estimated_seconds: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Verdict {
    pub score: u32,
    pub passed: bool,
    pub unsupported_claims: Vec<UnsupportedClaim>,
    pub timing: Timing,
    pub structure: String,
    pub tone: String,
    pub fixes: Vec<String>,
}

/// Reads a model's answer leniently and checks it against the verdict schema (see
/// `answer_read`). `None` when it does not conform (the caller treats that like a malformed
/// answer and tries the next model).
pub fn parse(text: &str, target_words: u32, actual_words: u32) -> Option<Verdict> {
    read(text, target_words, actual_words).ok()
}

/// Like `parse`, with the reason an answer is not a verdict.
pub fn read(
    text: &str,
    target_words: u32,
    actual_words: u32,
) -> Result<Verdict, super::answer_read::NotAVerdict> {
    let raw = super::answer_read::verdict(text)?;
    let deviation = if target_words == 0 {
        0
    } else {
        ((actual_words as f64 - target_words as f64) / target_words as f64 * 100.0).round() as i32
    };
    Ok(Verdict {
        score: raw.score,
        passed: raw.score >= PASS_MARK,
        unsupported_claims: raw.unsupported_claims,
        timing: Timing {
            target_words,
            actual_words,
            deviation_percent: deviation,
            estimated_seconds: crate::script::seconds_for_words(actual_words),
        },
        structure: raw.structure,
        tone: raw.tone,
        fixes: raw.fixes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conforming_verdict_is_read_and_timed() {
        let v = parse(
            "```json\n{\"score\": 64, \"unsupported_claims\": [{\"claim\": \"Voyager carried 200 images\", \"reason\": \"notes say 116\"}], \"structure\": \"ok\", \"tone\": \"warm\", \"fixes\": [\"Say 116 images\"]}\n```",
            1500,
            1200,
        )
        .unwrap();
        assert_eq!(v.score, 64);
        assert!(!v.passed);
        assert_eq!(v.timing.deviation_percent, -20);
        assert_eq!(v.unsupported_claims.len(), 1);
    }

    #[test]
    fn out_of_schema_answers_are_refused() {
        assert!(parse("{\"score\": 140, \"unsupported_claims\": [], \"structure\": \"\", \"tone\": \"\", \"fixes\": []}", 1, 1).is_none());
        assert!(parse("{\"score\": \"high\"}", 1, 1).is_none());
        assert!(parse("no json here", 1, 1).is_none());
    }
}
