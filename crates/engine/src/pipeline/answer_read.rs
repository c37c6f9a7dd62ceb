//! Reading a structured answer (the quality verdict) the way real models send it: inside
//! ```` ```json ```` fences, after a sentence of prose, before a sign-off, with fields the
//! schema does not have, with numbers written as strings (`"82"`, `"82/100"`). Reading is
//! lenient; what is read is then checked strictly against the verdict schema, so an answer
//! that is not a verdict is never taken for one.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

// A claim of the script the notes do not support, as a verdict lists it. Re-exported by
// `quality`, where the rest of the verdict lives; defined here so that reading a verdict does
// not depend back on `quality`. (No doc comment: it would change the generated bindings.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnsupportedClaim {
    pub claim: String,
    pub reason: String,
}

/// The first JSON object in `text` that parses, wherever it sits: fenced, after prose,
/// before a closing remark. Objects nested inside an earlier unparsable one are tried too.
pub fn first_object(text: &str) -> Option<Map<String, Value>> {
    for (at, _) in text.match_indices('{') {
        let mut it = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Value>();
        if let Some(Ok(Value::Object(map))) = it.next() {
            return Some(map);
        }
    }
    None
}

/// A number written as a number or as text: `82`, `82.0`, `"82"`, `" 82 "`, `"82/100"`,
/// `"82%"`. Anything else is not a number.
pub fn lenient_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let s = s.trim();
            let s = s.strip_suffix('%').unwrap_or(s).trim();
            let s = s.strip_suffix("/100").unwrap_or(s).trim();
            s.parse::<f64>().ok().filter(|f| f.is_finite())
        }
        _ => None,
    }
}

/// The verdict fields as read, before timing is added.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadVerdict {
    pub score: u32,
    pub unsupported_claims: Vec<UnsupportedClaim>,
    pub structure: String,
    pub tone: String,
    pub fixes: Vec<String>,
}

/// Why an answer is not a verdict, in words for the stage's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAVerdict {
    NoJson,
    NoScore,
    ScoreOutOfRange,
    BadClaims,
    BadFixes,
}

impl NotAVerdict {
    pub fn describe(&self) -> &'static str {
        match self {
            NotAVerdict::NoJson => "sent no verdict that could be read",
            NotAVerdict::NoScore => "sent a verdict without a score",
            NotAVerdict::ScoreOutOfRange => "sent a score outside 0 to 100",
            NotAVerdict::BadClaims => "sent a list of unsupported claims that could not be read",
            NotAVerdict::BadFixes => "sent a list of fixes that could not be read",
        }
    }
}

/// Reads a verdict leniently, then checks it against the schema: `score` an integer from 0
/// to 100 (a whole number written as text counts), `unsupported_claims` a list of
/// `{claim, reason}` (required), `fixes` a list of strings; `structure` and `tone` text.
/// Extra fields are ignored.
pub fn verdict(text: &str) -> Result<ReadVerdict, NotAVerdict> {
    let map = first_object(text).ok_or(NotAVerdict::NoJson)?;
    let score = map
        .get("score")
        .and_then(lenient_number)
        .ok_or(NotAVerdict::NoScore)?;
    if !(0.0..=100.0).contains(&score) || score.fract() != 0.0 {
        return Err(NotAVerdict::ScoreOutOfRange);
    }
    let claims = match map.get("unsupported_claims") {
        Some(Value::Array(items)) => items
            .iter()
            .map(claim)
            .collect::<Option<Vec<_>>>()
            .ok_or(NotAVerdict::BadClaims)?,
        _ => return Err(NotAVerdict::BadClaims),
    };
    let fixes = match map.get("fixes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|f| f.as_str().map(|s| s.trim().to_string()))
            .collect::<Option<Vec<_>>>()
            .ok_or(NotAVerdict::BadFixes)?,
        Some(_) => return Err(NotAVerdict::BadFixes),
    };
    let text_of = |k: &str| {
        map.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Ok(ReadVerdict {
        score: score as u32,
        unsupported_claims: claims,
        structure: text_of("structure"),
        tone: text_of("tone"),
        fixes: fixes.into_iter().filter(|f| !f.is_empty()).collect(),
    })
}

/// One unsupported claim: `{claim, reason}` (extra fields ignored); a claim must be text.
fn claim(v: &Value) -> Option<UnsupportedClaim> {
    let o = v.as_object()?;
    let claim = o.get("claim")?.as_str()?.trim().to_string();
    let reason = match o.get("reason") {
        None | Some(Value::Null) => String::new(),
        Some(r) => r.as_str()?.trim().to_string(),
    };
    (!claim.is_empty()).then_some(UnsupportedClaim { claim, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fenced_verdict_after_prose_with_a_string_score_is_read() {
        let text = "Here's my review of the script.\n\n```json\n{\n  \"score\": \"82\",\n  \"verdict\": \"pass\",\n  \"unsupported_claims\": [{\"claim\": \"The committee chose 116 images\", \"reason\": \"The notes give 115, 116 and 118\", \"severity\": \"minor\"}],\n  \"structure\": \"Clear arc\",\n  \"tone\": \"Warm\",\n  \"fixes\": [\"Say 'about 115 images'\"]\n}\n```\n\nOverall a solid draft — let me know if you want a second pass!";
        let v = verdict(text).unwrap();
        assert_eq!(v.score, 82);
        assert_eq!(v.unsupported_claims.len(), 1);
        assert_eq!(
            v.unsupported_claims[0].reason,
            "The notes give 115, 116 and 118"
        );
        assert_eq!(v.fixes, vec!["Say 'about 115 images'"]);
    }

    #[test]
    fn scores_written_other_ways_are_numbers() {
        for s in ["\"91/100\"", "\" 64 \"", "77.0", "\"70%\""] {
            let text = format!("{{\"score\": {s}, \"unsupported_claims\": []}}");
            assert!(verdict(&text).is_ok(), "{s}");
        }
    }

    #[test]
    fn what_is_not_a_verdict_is_refused() {
        assert_eq!(
            verdict("I could not check this script."),
            Err(NotAVerdict::NoJson)
        );
        assert_eq!(
            verdict("{\"score\": \"high\", \"unsupported_claims\": []}"),
            Err(NotAVerdict::NoScore)
        );
        assert_eq!(
            verdict("{\"score\": 140, \"unsupported_claims\": []}"),
            Err(NotAVerdict::ScoreOutOfRange)
        );
        assert_eq!(
            verdict("{\"score\": 80, \"unsupported_claims\": \"none\"}"),
            Err(NotAVerdict::BadClaims)
        );
        assert_eq!(verdict("{\"score\": 80}"), Err(NotAVerdict::BadClaims));
        assert_eq!(
            verdict("{\"score\": 80, \"unsupported_claims\": [], \"fixes\": [3]}"),
            Err(NotAVerdict::BadFixes)
        );
    }

    #[test]
    fn an_object_cut_off_midway_is_not_read() {
        assert_eq!(
            verdict("```json\n{\"score\": 82, \"unsupported_claims\": [{\"claim\": \"The rec"),
            Err(NotAVerdict::NoJson)
        );
    }
}
