use serde::{Deserialize, Serialize};

/// OpenRouter's routing suffixes, as the producer sees them: "Cheapest" and "Fastest".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    #[default]
    None,
    /// `:floor` — the cheapest endpoint first.
    Floor,
    /// `:nitro` — the fastest endpoint first.
    Nitro,
}

impl Variant {
    pub fn suffix(self) -> &'static str {
        match self {
            Variant::None => "",
            Variant::Floor => ":floor",
            Variant::Nitro => ":nitro",
        }
    }

    /// The words a producer sees.
    pub fn label(self) -> &'static str {
        match self {
            Variant::None => "Standard",
            Variant::Floor => "Cheapest",
            Variant::Nitro => "Fastest",
        }
    }
}

/// A stage's models in order, with one routing variant for all of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Chain {
    pub models: Vec<String>,
    pub variant: Variant,
}

impl Chain {
    pub fn new(models: &[&str], variant: Variant) -> Self {
        Chain {
            models: models.iter().map(|m| m.to_string()).collect(),
            variant,
        }
    }

    /// A model id as sent: the base id with the variant's suffix (unless it has one already).
    pub fn routed(&self, model: &str) -> String {
        if self.variant == Variant::None || model.contains(':') {
            model.to_string()
        } else {
            format!("{model}{}", self.variant.suffix())
        }
    }

    /// The chain split into requests: the first `width` models go together through
    /// OpenRouter's `models` array; each later model is a request of its own, sent by us when
    /// everything before it failed.
    pub fn groups(&self, width: usize) -> Vec<Vec<String>> {
        let width = width.max(1).min(self.models.len().max(1));
        let mut out = Vec::new();
        if self.models.is_empty() {
            return out;
        }
        // Free and paid models never share a request: OpenRouter would move from a free model
        // whose daily quota is used up to a paid one on its own, which only the producer may
        // allow (see `money_answers`).
        let first_free = self.models[0].ends_with(":free");
        let width = self.models[..width]
            .iter()
            .take_while(|m| m.ends_with(":free") == first_free)
            .count()
            .max(1);
        out.push(self.models[..width].to_vec());
        for m in &self.models[width..] {
            out.push(vec![m.clone()]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_put_the_first_models_together() {
        let c = Chain::new(&["a", "b", "c", "d"], Variant::Floor);
        assert_eq!(
            c.groups(2),
            vec![
                vec!["a".to_string(), "b".into()],
                vec!["c".into()],
                vec!["d".into()]
            ]
        );
        assert_eq!(c.groups(1).len(), 4);
        assert_eq!(
            c.groups(10),
            vec![vec!["a".to_string(), "b".into(), "c".into(), "d".into()]]
        );
        assert_eq!(c.routed("a"), "a:floor");
        assert_eq!(c.routed("x:free"), "x:free");
        assert!(Chain::new(&[], Variant::None).groups(3).is_empty());
    }
}
