//! Deterministic text for a request: the same seed and request always give the same reply.
//! The reply is built from the notes in the prompt and shaped by its markers (see
//! [`source`]); JSON replies follow `response_format`.

mod compose;
mod dialogue;
pub(crate) mod lines;
pub mod schema;
pub mod source;
mod verdict;
mod writer;

use serde_json::Value;

use crate::request::{ChatRequest, OutputFormat};
use crate::seeded::{self, Fnv};
use crate::tokens;
use source::{Source, Task};

/// Writes the reply to `req` as the model would before `max_tokens` and `stop` apply.
/// `budget` is the number of content tokens available; the text aims to end on its own
/// within it.
pub fn write(req: &ChatRequest, seed: u64, budget: u64) -> String {
    let src = Source::read(&req.messages);
    // A stated word target wins over the budget: the text aims at it and `max_tokens` cuts
    // it short if need be (`finish_reason: "length"`), as with a real model. Without one,
    // the text sizes itself to end within the budget.
    let budget = if src.words.is_some() {
        u64::MAX
    } else {
        budget
    };
    let mut rng = seeded::rng(
        seed,
        Fnv::default().str("text").u64(req.content_hash()).finish(),
    );
    let content = match req.output_format() {
        OutputFormat::JsonSchema(schema) => json_within(budget, |compact| {
            if src.task == Task::Verdict {
                if let Some(v) = fit_schema(verdict::value(&src), &schema) {
                    return v;
                }
            }
            let sentences = src.cited_sentences();
            schema::Filler::new(&schema, &sentences, &src.speakers, compact).value(&mut rng.clone())
        }),
        OutputFormat::JsonObject => json_within(budget, |_| match src.task {
            Task::Verdict => verdict::value(&src),
            _ => compose::summary_value(&src),
        }),
        OutputFormat::Text => match src.task {
            Task::Findings => compose::findings(&src, &mut rng, budget),
            Task::Outline => compose::outline(&src, &mut rng, budget),
            Task::Script => compose::script(&src, &mut rng, budget),
            Task::Verdict => json_within(budget, |_| verdict::value(&src)),
            Task::Prose => compose::prose(&src, &mut rng, budget),
        },
    };
    content
}

/// The task the request's `TASK:` marker names (prose without one).
pub fn task_of(req: &ChatRequest) -> Task {
    Source::read(&req.messages).task
}

/// A reasoning model's visible thinking about the request's material.
pub fn reasoning(req: &ChatRequest) -> String {
    think(&Source::read(&req.messages))
}

/// Pretty JSON if it fits the budget, else compact, else the compact form of the smaller
/// variant (which the caller may still cut short, as a real model would).
fn json_within(budget: u64, mut make: impl FnMut(bool) -> Value) -> String {
    let full = make(false);
    let pretty = serde_json::to_string_pretty(&full).unwrap_or_default();
    if tokens::count(&pretty) <= budget {
        return pretty;
    }
    let dense = full.to_string();
    if tokens::count(&dense) <= budget {
        return dense;
    }
    make(true).to_string()
}

/// The verdict cut down to the properties `schema` allows and fitted to its bounds (a score
/// out of 100 is rescaled to the schema's range), or `None` when the schema asks for something
/// the verdict does not have or cannot fit (the generic filler answers then).
fn fit_schema(verdict: Value, schema: &Value) -> Option<Value> {
    let root = schema.get("schema").unwrap_or(schema);
    let props = root.get("properties")?.as_object()?;
    let obj = verdict.as_object()?;
    let required = root.get("required").and_then(Value::as_array);
    if required.is_some_and(|r| {
        r.iter()
            .any(|k| k.as_str().is_none_or(|k| !obj.contains_key(k)))
    }) {
        return None;
    }
    let mut kept = serde_json::Map::new();
    for (k, v) in obj {
        if let Some(rule) = props.get(k) {
            kept.insert(k.clone(), fit_value(v, rule)?);
        }
    }
    Some(Value::Object(kept))
}

/// One value fitted to its (local, simple) schema: numbers into `minimum`..`maximum`, arrays
/// cut to `maxItems`, strings to `maxLength`, objects to their `properties`.
fn fit_value(v: &Value, rule: &Value) -> Option<Value> {
    let kind = rule.get("type").and_then(Value::as_str);
    match v {
        Value::Number(n) => {
            let x = n.as_f64()?;
            let lo = rule
                .get("minimum")
                .and_then(Value::as_f64)
                .unwrap_or(f64::MIN);
            let hi = rule
                .get("maximum")
                .and_then(Value::as_f64)
                .unwrap_or(f64::MAX);
            // Our scores are out of 100; a schema asking for 1-10 gets the same judgement.
            let scaled = if hi < 100.0 && hi > lo {
                lo + (hi - lo) * x / 100.0
            } else {
                x
            };
            let fitted = scaled.clamp(lo, hi);
            match kind {
                Some("integer") => Some(Value::from(fitted.round() as i64)),
                Some("number") | None => serde_json::Number::from_f64(fitted).map(Value::Number),
                _ => None,
            }
        }
        Value::String(t) => {
            if !matches!(kind, Some("string") | None) {
                return None;
            }
            let max = rule
                .get("maxLength")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            let min = rule.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            let cut: String = t
                .chars()
                .take(usize::try_from(max).unwrap_or(usize::MAX))
                .collect();
            (cut.chars().count() as u64 >= min).then_some(Value::String(cut))
        }
        Value::Array(items) => {
            if !matches!(kind, Some("array") | None) {
                return None;
            }
            let max = rule
                .get("maxItems")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            let min = rule.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item_rule = rule.get("items").cloned().unwrap_or(Value::Null);
            let fitted: Option<Vec<Value>> = items
                .iter()
                .take(usize::try_from(max).unwrap_or(usize::MAX))
                .map(|i| fit_value(i, &item_rule))
                .collect();
            let fitted = fitted?;
            (fitted.len() as u64 >= min).then_some(Value::Array(fitted))
        }
        Value::Object(_) => {
            if rule.get("properties").is_some() {
                fit_schema(v.clone(), rule)
            } else {
                Some(v.clone())
            }
        }
        other => Some(other.clone()),
    }
}

/// A short visible chain of thought about the material.
fn think(src: &Source) -> String {
    let notes = src.notes.len();
    let task = match src.task {
        Task::Findings => "list the findings",
        Task::Outline => "build an outline of claims",
        Task::Script => "write the dialogue",
        Task::Verdict => "check the script against the notes",
        Task::Prose => "summarise the material",
    };
    let first = src
        .cited_sentences()
        .first()
        .map(|(id, s)| format!(" The first point, from [{id}], is: {s}"))
        .unwrap_or_default();
    format!(
        "I have {notes} note{} to work from and need to {task}.{first} I'll keep every claim tied to its note and stay within the length asked for.",
        if notes == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(v: Value) -> ChatRequest {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn same_seed_same_text_and_seed_changes_it() {
        let r = req(json!({"messages": [
            {"role": "system", "content": "TASK: script\nWORDS: 200"},
            {"role": "user", "content": "<<<NOTES\n[n1] A\nOne fact is here. Another fact is there. A third fact is everywhere.\nNOTES>>>"}
        ]}));
        let a = write(&r, 1, 10_000);
        assert_eq!(a, write(&r, 1, 10_000));
        assert_ne!(a, write(&r, 2, 10_000));
    }

    #[test]
    fn json_object_and_verdict_are_valid_json() {
        let r = req(json!({"messages": [
            {"role": "system", "content": "TASK: verdict"},
            {"role": "user", "content": "<<<NOTES\nThe bridge opened in 1937 after four years.\nNOTES>>>"}
        ], "response_format": {"type": "json_object"}}));
        let v: Value = serde_json::from_str(&write(&r, 0, 10_000)).unwrap();
        assert!(v["score"].is_number());
        let thinking = reasoning(&r);
        assert!(!thinking.is_empty());
        assert!(!thinking.contains("TASK"));
    }
}
