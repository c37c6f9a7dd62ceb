//! Builds a JSON value that validates against a JSON schema, filling text from the notes.
//! Covers the subset structured-output prompts use: `type` (also as a list), `object` with
//! `properties`/`required`, `array` with `items`/`minItems`/`maxItems`, `string` with
//! `enum`/`const`/`minLength`/`maxLength`/`format`, `integer`/`number` with
//! `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`, `boolean`, `null`, `enum`,
//! `const`, `anyOf`/`oneOf`/`allOf`, and local `$ref`s (`#/$defs/…`, `#/definitions/…`).

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Number, Value};

const MAX_DEPTH: usize = 12;

pub struct Filler<'a> {
    pub root: &'a Value,
    pub sentences: &'a [(String, String)],
    pub speakers: &'a [String],
    /// Fewer array items and shorter strings, for a tight token budget.
    pub compact: bool,
    next_sentence: usize,
}

impl<'a> Filler<'a> {
    pub fn new(
        root: &'a Value,
        sentences: &'a [(String, String)],
        speakers: &'a [String],
        compact: bool,
    ) -> Self {
        Filler {
            root,
            sentences,
            speakers,
            compact,
            next_sentence: 0,
        }
    }

    pub fn value(&mut self, rng: &mut ChaCha8Rng) -> Value {
        let root = self.root;
        self.fill(root, "", rng, 0)
    }

    fn resolve(&self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        for _ in 0..MAX_DEPTH {
            let Some(r) = s.get("$ref").and_then(Value::as_str) else {
                return s;
            };
            let Some(path) = r.strip_prefix("#") else {
                return s;
            };
            let target = if path.is_empty() {
                Some(self.root)
            } else {
                self.root.pointer(path)
            };
            match target {
                Some(t) => s = t,
                None => return s,
            }
        }
        s
    }

    fn fill(&mut self, schema: &'a Value, name: &str, rng: &mut ChaCha8Rng, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(c) = schema.get("const") {
            return c.clone();
        }
        if let Some(Value::Array(options)) = schema.get("enum") {
            return self.pick_enum(options, name, rng);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(options)) = schema.get(key) {
                let chosen = options
                    .iter()
                    .find(|o| self.type_of(o).as_deref() != Some("null"))
                    .or_else(|| options.first());
                if let Some(o) = chosen {
                    return self.fill(o, name, rng, depth + 1);
                }
            }
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            let mut merged = Map::new();
            for p in parts {
                if let Value::Object(o) = self.fill(p, name, rng, depth + 1) {
                    merged.extend(o);
                }
            }
            return Value::Object(merged);
        }
        match self.type_of(schema).as_deref() {
            Some("object") => self.object(schema, rng, depth),
            Some("array") => self.array(schema, name, rng, depth),
            Some("integer") => self.number(schema, name, rng, true),
            Some("number") => self.number(schema, name, rng, false),
            Some("boolean") => Value::Bool(boolean_for(name, rng)),
            Some("null") => Value::Null,
            _ => self.string(schema, name),
        }
    }

    fn type_of(&self, schema: &Value) -> Option<String> {
        let schema = self.resolve(schema);
        match schema.get("type") {
            Some(Value::String(t)) => Some(t.clone()),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .or_else(|| ts.first().and_then(Value::as_str))
                .map(str::to_owned),
            _ if schema.get("properties").is_some() => Some("object".into()),
            _ if schema.get("items").is_some() => Some("array".into()),
            _ => None,
        }
    }

    fn pick_enum(&self, options: &[Value], name: &str, rng: &mut ChaCha8Rng) -> Value {
        // Verdict-like enums lean towards the favourable choice, as a decent script earns.
        let lname = name.to_ascii_lowercase();
        if lname.contains("verdict") || lname.contains("status") || lname.contains("decision") {
            for good in ["pass", "approve", "approved", "accept", "ok", "good"] {
                if let Some(v) = options.iter().find(|o| o.as_str() == Some(good)) {
                    return v.clone();
                }
            }
        }
        options.choose(rng).cloned().unwrap_or(Value::Null)
    }

    fn object(&mut self, schema: &'a Value, rng: &mut ChaCha8Rng, depth: usize) -> Value {
        let mut out = Map::new();
        if let Some(Value::Object(props)) = schema.get("properties") {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (key, sub) in props {
                if self.compact && !required.is_empty() && !required.contains(&key.as_str()) {
                    continue;
                }
                let v = self.fill(sub, key, rng, depth + 1);
                out.insert(key.clone(), v);
            }
        }
        Value::Object(out)
    }

    fn array(
        &mut self,
        schema: &'a Value,
        name: &str,
        rng: &mut ChaCha8Rng,
        depth: usize,
    ) -> Value {
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
        let max = schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX);
        let lname = name.to_ascii_lowercase();
        // An honest checker finds nothing unsupported in a script built from the notes.
        let wanted = if lname.contains("unsupported")
            || lname.contains("error")
            || lname.contains("issue")
        {
            0
        } else if self.compact {
            1
        } else {
            3
        };
        let n = wanted.clamp(min, max.max(min));
        let item_schema = schema.get("items").unwrap_or(&Value::Null);
        let singular = lname.trim_end_matches('s').to_owned();
        (0..n)
            .map(|_| self.fill(item_schema, &singular, rng, depth + 1))
            .collect()
    }

    fn number(&self, schema: &Value, name: &str, rng: &mut ChaCha8Rng, integer: bool) -> Value {
        let get = |k: &str| schema.get(k).and_then(Value::as_f64);
        let mut lo = get("minimum").unwrap_or(f64::NAN);
        let mut hi = get("maximum").unwrap_or(f64::NAN);
        // Draft-4 booleans (`exclusiveMinimum: true`) or draft-6+ numbers.
        let ex_lo = schema.get("exclusiveMinimum");
        let ex_hi = schema.get("exclusiveMaximum");
        let step = if integer { 1.0 } else { 0.1 };
        if let Some(v) = ex_lo.and_then(Value::as_f64) {
            lo = if lo.is_nan() {
                v + step
            } else {
                lo.max(v + step)
            };
        } else if ex_lo.and_then(Value::as_bool) == Some(true) && !lo.is_nan() {
            lo += step;
        }
        if let Some(v) = ex_hi.and_then(Value::as_f64) {
            hi = if hi.is_nan() {
                v - step
            } else {
                hi.min(v - step)
            };
        } else if ex_hi.and_then(Value::as_bool) == Some(true) && !hi.is_nan() {
            hi -= step;
        }
        let lname = name.to_ascii_lowercase();
        let scoreish =
            lname.contains("score") || lname.contains("rating") || lname.contains("confidence");
        let value = match (lo.is_nan(), hi.is_nan()) {
            (false, false) if hi >= lo => {
                // Scores sit in the upper part of their range: a good, not perfect, result.
                let (a, b) = if scoreish { (0.65, 0.9) } else { (0.0, 1.0) };
                lo + (hi - lo) * rng.random_range(a..=b)
            }
            (false, _) => lo.max(if scoreish { 8.0 } else { 1.0 }),
            (true, false) => hi.min(if scoreish { 8.0 } else { 1.0 }),
            _ if scoreish => 8.0,
            _ => 3.0,
        };
        if integer {
            let mut v = value.round();
            if !lo.is_nan() && v < lo {
                v = lo.ceil();
            }
            if !hi.is_nan() && v > hi {
                v = hi.floor();
            }
            Value::Number(Number::from(v as i64))
        } else {
            let mut v = (value * 10.0).round() / 10.0;
            if !lo.is_nan() && v < lo {
                v = lo;
            }
            if !hi.is_nan() && v > hi {
                v = hi;
            }
            Number::from_f64(v).map_or(Value::Null, Value::Number)
        }
    }

    fn next_sentence(&mut self) -> (String, String) {
        let fallback = (
            "n1".to_owned(),
            "The notes say little on this point.".to_owned(),
        );
        if self.sentences.is_empty() {
            return fallback;
        }
        let s = self.sentences[self.next_sentence % self.sentences.len()].clone();
        self.next_sentence += 1;
        s
    }

    fn string(&mut self, schema: &Value, name: &str) -> Value {
        let lname = name.to_ascii_lowercase();
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let mut text = match format {
            "date-time" => "2025-01-01T00:00:00Z".to_owned(),
            "date" => "2025-01-01".to_owned(),
            "email" => "producer@example.com".to_owned(),
            "uri" | "url" => "https://example.com/".to_owned(),
            "uuid" => "00000000-0000-4000-8000-000000000000".to_owned(),
            _ if lname.contains("speaker") => self
                .speakers
                .first()
                .cloned()
                .unwrap_or_else(|| "Alex".to_owned()),
            _ if lname.contains("source")
                || lname.contains("note")
                || lname == "id"
                || lname.ends_with("_id")
                || lname == "cite"
                || lname.contains("citation") =>
            {
                self.next_sentence().0
            }
            _ if lname.contains("title")
                || lname.contains("name")
                || lname.contains("heading")
                || lname.contains("label") =>
            {
                super::source::heading_from(&self.next_sentence().1)
            }
            _ if lname.contains("fix")
                || lname.contains("suggest")
                || lname.contains("recommend") =>
            {
                "Tighten the opening so the first fact lands sooner.".to_owned()
            }
            _ => self.next_sentence().1,
        };
        let min_len = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max_len = schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        while text.chars().count() < min_len {
            text.push_str(" More detail follows in the notes.");
        }
        if let Some(max) = max_len {
            text = text.chars().take(max).collect();
        }
        Value::String(text)
    }
}

fn boolean_for(name: &str, rng: &mut ChaCha8Rng) -> bool {
    let lname = name.to_ascii_lowercase();
    if ["pass", "approved", "ok", "supported", "accurate", "valid"]
        .iter()
        .any(|k| lname.contains(k))
    {
        return true;
    }
    if ["fail", "unsupported", "reject", "error", "needs"]
        .iter()
        .any(|k| lname.contains(k))
    {
        return false;
    }
    rng.random_bool(0.5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeded;
    use serde_json::json;

    fn fill(schema: Value) -> Value {
        let sentences = vec![("n1".to_owned(), "The record holds 116 images.".to_owned())];
        let speakers = vec!["Alex".to_owned()];
        Filler::new(&schema, &sentences, &speakers, false).value(&mut seeded::rng(0, 1))
    }

    #[test]
    fn objects_arrays_and_bounds() {
        let v = fill(json!({
            "type": "object",
            "required": ["score", "verdict", "claims"],
            "additionalProperties": false,
            "properties": {
                "score": {"type": "integer", "minimum": 0, "maximum": 10},
                "verdict": {"type": "string", "enum": ["pass", "revise"]},
                "claims": {"type": "array", "minItems": 1, "maxItems": 2, "items": {
                    "type": "object", "properties": {"text": {"type": "string", "maxLength": 10}, "source": {"type": "string"}}
                }},
                "unsupported_claims": {"type": "array", "items": {"type": "string"}},
                "ratio": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1}
            }
        }));
        let score = v["score"].as_i64().unwrap();
        assert!((0..=10).contains(&score));
        assert_eq!(v["verdict"], "pass");
        let claims = v["claims"].as_array().unwrap();
        assert!((1..=2).contains(&claims.len()));
        assert!(claims[0]["text"].as_str().unwrap().chars().count() <= 10);
        assert_eq!(claims[0]["source"], "n1");
        assert_eq!(v["unsupported_claims"], json!([]));
        let ratio = v["ratio"].as_f64().unwrap();
        assert!(ratio > 0.0 && ratio <= 1.0);
    }

    #[test]
    fn refs_and_any_of() {
        let v = fill(json!({
            "$defs": {"line": {"type": "object", "properties": {"speaker": {"type": "string"}, "text": {"type": "string"}}, "required": ["speaker", "text"]}},
            "type": "object",
            "properties": {
                "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}, "minItems": 2},
                "note": {"anyOf": [{"type": "null"}, {"type": "string", "const": "fixed"}]},
                "ok": {"type": "boolean"}
            }
        }));
        assert_eq!(v["lines"].as_array().unwrap().len(), 3);
        assert_eq!(v["lines"][0]["speaker"], "Alex");
        assert_eq!(v["note"], "fixed");
        assert_eq!(v["ok"], true);
    }
}
