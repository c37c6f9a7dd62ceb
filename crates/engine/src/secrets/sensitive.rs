//! A wrapper that keeps a secret out of `Debug` and `Display` output.

use std::fmt;

/// A value that must never be printed. Formatting it shows a redaction; the value is reached
/// only through [`Sensitive::expose`], which makes every use visible in review.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The secret itself, for the one place that must send it (an HTTP header, the keychain).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(<redacted>)")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Sensitive<String> {
    fn from(value: String) -> Self {
        Sensitive(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let canary = openrouter_sim::test_key("sensitive-canary");
        let key = Sensitive::new(canary.clone());
        let shown = format!("{key} {key:?} {:#?}", key);
        assert!(!shown.contains(&canary[9..]), "{shown}");
        assert!(shown.contains("redacted"));
        assert_eq!(key.expose(), &canary);
    }
}
