//! A stage's answer is accepted only when it is finished work. An empty answer, one cut off
//! at the length limit, or one missing segments of its plan is not done: the same model is
//! first asked to continue from where it stopped (each continuation is an ordinary call, so
//! the budget reserves its worst case before it is sent), then the next model of the chain is
//! asked. What was written is kept for the draft; if no model finishes, the stage fails with
//! a plain message. What happened goes into the stage's record in plain words.

use super::run::error::RunError;
use super::run::events::ProgressEvent;
use super::stage_ctx::{Ask, StageAcc, StageCtx};
use crate::gateway::{Completion, Message, Role};
use crate::routing::policy::{self, Problem, Situation, Step};
use crate::routing::{CallError, Chain};

/// Continuations asked of one model before the next model is tried.
const MAX_CONTINUATIONS: u32 = 2;

/// What the caller makes of an answer.
pub(super) enum Judged {
    Done,
    /// Unfinished but worth continuing (cut off, segments missing); the words say why.
    Continue(String),
    /// Not usable from this model (empty, unreadable): ask the next one.
    NextModel(String),
}

/// The words that ask a model to go on.
const CONTINUE: &str = "You stopped before the end. Continue exactly where you stopped: do not \
    repeat anything you already wrote, do not add any comment, and finish the remaining part.";

/// Joins a continuation to the text before it without doubling or losing a space.
fn join(before: &str, more: &str) -> String {
    if before.is_empty() {
        return more.to_string();
    }
    let glue = if before.ends_with(char::is_whitespace)
        || more.starts_with(char::is_whitespace)
        || more.starts_with(|c: char| c.is_ascii_punctuation())
    {
        ""
    } else {
        " "
    };
    format!("{before}{glue}{more}")
}

impl StageCtx<'_, '_> {
    /// Asks the chain for a finished answer (see the module comment). `first` is an answer
    /// already obtained for this ask (research calls run in parallel first). `judge` says
    /// whether an answer's text, with its finish reason, is done.
    pub(super) async fn complete(
        &mut self,
        ask: &Ask,
        first: Option<Completion>,
        acc: &mut StageAcc,
        judge: &(dyn Fn(&str, Option<&str>) -> Judged + Sync),
    ) -> Result<Completion, RunError> {
        let models = &ask.chain.models;
        let mut first = first;
        let mut start = 0;
        let mut draft = String::new();
        let mut what_happened: Vec<String> = Vec::new();
        while start < models.len() {
            let c = match first.take() {
                Some(c) => c,
                None => {
                    if start > 0 {
                        self.emit(ProgressEvent::TextReset { stage: ask.stage });
                    }
                    let rest = Ask {
                        chain: Chain {
                            models: models[start..].to_vec(),
                            variant: ask.chain.variant,
                        },
                        ..ask.clone()
                    };
                    self.call(&rest, acc)
                        .await
                    .map_err(|e| match e {
                        // Earlier models left unfinished work: keep it, and say all of it.
                        RunError::Call {
                            error: error @ CallError::AllFailed { .. },
                            ..
                        } if !draft.trim().is_empty() => RunError::Unfinished {
                            stage: ask.stage,
                            message: format!(
                                "No model finished the {}: {}; then {error} What was written is kept as a draft.",
                                ask.stage.label(),
                                what_happened.join("; ")
                            ),
                            partial: draft.clone(),
                            partial_saved: false,
                        },
                        e => with_draft(e, &draft),
                    })?
                }
            };
            let served = c.model.clone();
            let name = self.display(&served);
            let mut text = c.text.clone();
            let mut judged = judge(&text, c.finish_reason.as_deref());
            let mut continued = 0;
            let mut first_why = None;
            while let Judged::Continue(why) = &judged {
                if continued >= MAX_CONTINUATIONS {
                    break;
                }
                first_why.get_or_insert_with(|| why.clone());
                self.emit(ProgressEvent::AttemptFailed {
                    stage: ask.stage,
                    model: served.clone(),
                    message: format!("{name} {why} — asking it to continue"),
                });
                let mut messages = ask.messages.clone();
                messages.push(Message {
                    role: Role::Assistant,
                    content: text.clone(),
                });
                messages.push(Message::user(CONTINUE));
                let only = Ask {
                    chain: Chain {
                        models: vec![served.clone()],
                        variant: ask.chain.variant,
                    },
                    messages,
                    ..ask.clone()
                };
                let more = self.call(&only, acc).await;
                continued += 1;
                match more {
                    Ok(more) => {
                        text = join(&text, &more.text);
                        judged = judge(&text, more.finish_reason.as_deref());
                    }
                    // Out of budget or stopped: nothing else can be asked; keep what we have.
                    Err(
                        e @ RunError::Call {
                            error: CallError::Budget(_) | CallError::Cancelled { .. },
                            ..
                        },
                    ) => return Err(with_draft(e, longer(&draft, &text))),
                    Err(e) => {
                        what_happened.push(format!("{name} could not continue ({e})"));
                        break;
                    }
                }
            }
            match judged {
                Judged::Done => {
                    if let Some(why) = first_why {
                        what_happened.push(format!("{name} {why}; it continued and finished"));
                    } else if !what_happened.is_empty() {
                        what_happened.push(format!("{name} finished it"));
                    }
                    acc.notes.extend(what_happened);
                    acc.model = Some(served.clone());
                    return Ok(Completion { text, ..c });
                }
                Judged::Continue(why) | Judged::NextModel(why) => {
                    let why = first_why.unwrap_or(why);
                    what_happened.push(if continued > 0 {
                        format!("{name} {why} and did not finish when asked to continue")
                    } else {
                        format!("{name} {why}")
                    });
                    draft = longer(&draft, &text).to_string();
                    // Where the chain goes on is the routing policy's one decision: after the
                    // model that answered (OpenRouter may have moved along the chain itself).
                    start = next_after_unusable(models, &served, start);
                    if start < models.len() {
                        self.emit(ProgressEvent::AttemptFailed {
                            stage: ask.stage,
                            model: served.clone(),
                            message: format!(
                                "{name} {why} — asking {}",
                                self.display(&models[start])
                            ),
                        });
                    }
                }
            }
        }
        acc.notes.extend(what_happened.iter().cloned());
        let saved = if draft.trim().is_empty() {
            ""
        } else {
            " What was written is kept as a draft."
        };
        Err(RunError::Unfinished {
            stage: ask.stage,
            message: format!(
                "No model finished the {}: {}.{saved} Try again, or choose other models for the {}.",
                ask.stage.label(),
                what_happened.join("; "),
                ask.stage.label()
            ),
            partial: draft,
            partial_saved: false,
        })
    }
}

/// The index of `models` to ask after `served` gave an answer that cannot be used, or
/// `models.len()` when the policy says no model is left.
fn next_after_unusable(models: &[String], served: &str, start: usize) -> usize {
    let next = policy::after(models, Some(served), start);
    let ahead = models.get(next..).unwrap_or(&[]);
    match policy::next_step(&Situation::answer(Problem::Unusable, ahead)).step {
        Step::NextModel { index } => next + index,
        _ => models.len(),
    }
}

fn longer<'a>(a: &'a str, b: &'a str) -> &'a str {
    if b.trim().len() > a.trim().len() {
        b
    } else {
        a
    }
}

/// A call error that ends the stage keeps the unfinished text for the draft.
fn with_draft(e: RunError, draft: &str) -> RunError {
    match e {
        RunError::Call {
            stage,
            error:
                CallError::Cancelled {
                    partial,
                    spent_units,
                },
            partial_saved,
        } if partial.trim().is_empty() && !draft.trim().is_empty() => RunError::Call {
            stage,
            error: CallError::Cancelled {
                partial: draft.to_string(),
                spent_units,
            },
            partial_saved,
        },
        other => other,
    }
}

/// The usual judgement: empty → ask the next model; cut off or missing planned segments →
/// ask the same model to continue.
pub(super) fn plain_judge(
    segments: &[String],
) -> impl Fn(&str, Option<&str>) -> Judged + Sync + '_ {
    move |text, finish| match super::completeness::judge(text, finish, segments) {
        None => Judged::Done,
        Some(u @ super::completeness::Unfinished::Empty) => Judged::NextModel(u.describe()),
        Some(u) => Judged::Continue(u.describe()),
    }
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn continuations_join_without_doubled_or_lost_spaces() {
        assert_eq!(
            join("There are well over", "a hundred"),
            "There are well over a hundred"
        );
        assert_eq!(join("over ", "a hundred"), "over a hundred");
        assert_eq!(
            join("ALEX: Done", ".\n\n## Outro"),
            "ALEX: Done.\n\n## Outro"
        );
        assert_eq!(join("", "text"), "text");
    }
}
