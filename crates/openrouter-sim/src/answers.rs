//! Scripted answers: a scenario may tell the emulator to answer a given task (and model) with
//! given text and a given `finish_reason`, instead of the generated text. Tests use it to feed
//! the untidy answers real models give (chatty preambles, fenced JSON, numbers as strings,
//! empty replies, replies cut off at the length limit) through the real client, plain and
//! streamed, billed like any other answer.

use serde::{Deserialize, Serialize};

use crate::textgen::source::{parse_task, Task};

/// One scripted answer. Rules are tried in order; the first that matches the request's task
/// and model and has uses left answers it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScriptedAnswer {
    /// The task the prompt's `TASK:` marker names: `findings`, `outline`, `script`, `verdict`
    /// or `prose`.
    pub task: String,
    /// Model id as requested, without a `:floor`/`:nitro` suffix; absent = every model.
    #[serde(default)]
    pub model: Option<String>,
    /// The answer's content ("" = an empty answer). `max_tokens` still cuts it.
    #[serde(default)]
    pub text: String,
    /// `stop` (the default), `length`, `content_filter`, `tool_calls` or `error`.
    #[serde(default)]
    pub finish_reason: Option<String>,
    /// At most this many answers from this rule; absent = every matching request.
    #[serde(default)]
    pub times: Option<u64>,
}

impl ScriptedAnswer {
    pub fn validate(&self) -> Result<(), String> {
        if parse_task(&self.task).is_none() {
            return Err(format!("unknown task {:?}", self.task));
        }
        if let Some(f) = &self.finish_reason {
            if finish_reason(f).is_none() {
                return Err(format!("unknown finish_reason {f:?}"));
            }
        }
        Ok(())
    }

    fn matches(&self, task: Task, model: &str) -> bool {
        parse_task(&self.task) == Some(task) && self.model.as_deref().is_none_or(|m| m == model)
    }

    /// The finish reason the answer reports when `max_tokens` does not cut it.
    pub fn finish(&self) -> &'static str {
        self.finish_reason
            .as_deref()
            .and_then(finish_reason)
            .unwrap_or("stop")
    }
}

fn finish_reason(s: &str) -> Option<&'static str> {
    ["stop", "length", "content_filter", "tool_calls", "error"]
        .into_iter()
        .find(|f| *f == s)
}

/// How often each rule has answered since the scenario was set.
#[derive(Debug, Default)]
pub struct AnswerBook {
    used: Vec<u64>,
}

impl AnswerBook {
    pub fn new(rules: usize) -> AnswerBook {
        AnswerBook {
            used: vec![0; rules],
        }
    }

    /// The answer for this task and model, if a rule with uses left matches; counts the use.
    pub fn take(
        &mut self,
        rules: &[ScriptedAnswer],
        task: Task,
        model: &str,
    ) -> Option<ScriptedAnswer> {
        if self.used.len() != rules.len() {
            self.used = vec![0; rules.len()];
        }
        for (rule, used) in rules.iter().zip(self.used.iter_mut()) {
            if rule.matches(task, model) && rule.times.is_none_or(|t| *used < t) {
                *used += 1;
                return Some(rule.clone());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> ScriptedAnswer {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn rules_answer_in_order_until_used_up() {
        let rules = vec![
            rule(
                r#"{"task": "script", "model": "a/b", "text": "one", "finish_reason": "length", "times": 1}"#,
            ),
            rule(r#"{"task": "script", "text": "two"}"#),
        ];
        let mut book = AnswerBook::new(rules.len());
        let first = book.take(&rules, Task::Script, "a/b").unwrap();
        assert_eq!((first.text.as_str(), first.finish()), ("one", "length"));
        assert_eq!(book.take(&rules, Task::Script, "a/b").unwrap().text, "two");
        assert_eq!(book.take(&rules, Task::Script, "c/d").unwrap().text, "two");
        assert!(book.take(&rules, Task::Verdict, "a/b").is_none());
    }

    #[test]
    fn unknown_task_or_finish_is_refused() {
        assert!(rule(r#"{"task": "poem"}"#).validate().is_err());
        assert!(rule(r#"{"task": "verdict", "finish_reason": "tired"}"#)
            .validate()
            .is_err());
        assert!(rule(r#"{"task": "quality", "finish_reason": "length"}"#)
            .validate()
            .is_ok());
    }
}
