//! A WHERE clause assembled from optional filters, with its parameters in order.
//!
//! Each condition is written as a plain comparison on an indexed column (never `?1 IS NULL OR
//! …`, which keeps SQLite from using the index), so a filter that is absent is simply left out.

use rusqlite::types::Value;

#[derive(Debug, Default)]
pub(crate) struct Conditions {
    parts: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds a condition whose `?` placeholders take `values` in order.
    pub(crate) fn add(&mut self, condition: &str, values: impl IntoIterator<Item = Value>) {
        self.parts.push(condition.to_string());
        self.values.extend(values);
    }

    /// Adds `<alias>day >= ?` when the range starts somewhere.
    pub(crate) fn since_day(&mut self, first_day: Option<String>, alias: &str) {
        if let Some(day) = first_day {
            self.add(&format!("{alias}day >= ?"), [Value::Text(day)]);
        }
    }

    /// `WHERE a AND b`, or nothing.
    pub(crate) fn clause(&self) -> String {
        if self.parts.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.parts.join(" AND "))
        }
    }

    /// `AND a AND b` to extend a fixed WHERE, or nothing.
    pub(crate) fn and_clause(&self) -> String {
        self.parts.iter().map(|p| format!(" AND {p}")).collect()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    pub(crate) fn values(&self) -> &[Value] {
        &self.values
    }
}
