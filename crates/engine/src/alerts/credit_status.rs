//! The credit panel: what OpenRouter says about the key and the account, as exact decimals.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::gateway::catalog_types::{Credits, KeyInfo};

/// What the producer sees of their OpenRouter credit. Money as exact decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreditStatus {
    /// The key's label as OpenRouter shows it (a masked key, never the key).
    pub label: String,
    /// Credit left on the account (bought minus used); `None` when OpenRouter did not say.
    pub balance: Option<String>,
    /// The spending limit set on this key, if any.
    pub limit: Option<String>,
    /// What the key may still spend under that limit.
    pub limit_remaining: Option<String>,
    /// What the key has spent.
    pub usage: Option<String>,
    /// What can still be spent is below the producer's warning level.
    pub low: bool,
}

/// What can still be spent: the account balance, or the key's remaining limit when that is
/// smaller (a key's limit stops calls even when the account has credit).
pub fn spendable(key: &KeyInfo, credits: Option<&Credits>) -> Option<Decimal> {
    let balance = credits.and_then(Credits::balance);
    match (balance, key.limit_remaining) {
        (Some(b), Some(r)) => Some(b.min(r)),
        (b, r) => b.or(r),
    }
}

impl CreditStatus {
    /// `credits` is `None` when `/credits` could not be read (some keys may not read it).
    pub fn new(key: &KeyInfo, credits: Option<&Credits>, threshold: Decimal) -> CreditStatus {
        let text = |d: Option<Decimal>| d.map(|d| d.normalize().to_string());
        CreditStatus {
            label: key.label.clone(),
            balance: text(credits.and_then(Credits::balance)),
            limit: text(key.limit),
            limit_remaining: text(key.limit_remaining),
            usage: text(key.usage),
            low: spendable(key, credits).is_some_and(|s| s < threshold),
        }
    }
}
