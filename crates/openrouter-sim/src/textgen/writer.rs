//! The writer every output shape fills: lines appended while they fit the token budget, and
//! the topic as it reads inside a sentence. Shared by the stage outputs and the dialogue.

use crate::tokens;

/// Appends lines while they fit in the budget.
pub(super) struct Writer {
    pub(super) out: String,
    budget: u64,
    pub(super) full: bool,
}

impl Writer {
    pub(super) fn new(budget: u64) -> Writer {
        Writer {
            out: String::new(),
            budget,
            full: false,
        }
    }

    /// Adds a line unless it would overflow the budget, keeping `reserve` tokens spare.
    pub(super) fn line(&mut self, line: &str, reserve: u64) -> bool {
        if self.full {
            return false;
        }
        let next = if self.out.is_empty() {
            line.to_owned()
        } else {
            format!("{}\n{line}", self.out)
        };
        if tokens::count(&next) + reserve > self.budget {
            self.full = true;
            return false;
        }
        self.out = next;
        true
    }

    pub(super) fn words(&self) -> usize {
        self.out.split_whitespace().count()
    }
}

/// "The golden record" reads as "the golden record" inside a sentence.
pub(super) fn in_sentence(topic: &str) -> String {
    for article in ["The ", "A ", "An "] {
        if let Some(rest) = topic.strip_prefix(article) {
            return article.to_lowercase() + rest;
        }
    }
    topic.to_owned()
}
