//! Key strings in OpenRouter's shape (`sk-or-v1-` and 64 hex digits): checking them, the
//! emulator's own key, and deterministic keys for scenarios and tests.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

const PREFIX: &str = "sk-or-v1-";

/// Whether `key` has OpenRouter's shape; anything else is refused before it is looked up.
pub fn is_well_formed(key: &str) -> bool {
    key.strip_prefix(PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A fresh key from the operating system's randomness: the emulator issues one when it
/// starts, so the key its embedder holds cannot be guessed by another local process.
pub fn issue_key() -> String {
    let mut bytes = [0u8; 32];
    ChaCha20Rng::from_os_rng().fill_bytes(&mut bytes);
    let mut out = String::from(PREFIX);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A well-formed key derived from `label`, the same every time, so a scenario can list it
/// and a test can send it without sharing state.
pub fn test_key(label: &str) -> String {
    // FNV-1a, re-seeded per 16-digit block: not secret, only stable and well spread.
    let mut out = String::from(PREFIX);
    for block in 0u64..4 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ block.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_well_formed_and_distinct() {
        let a = test_key("a");
        assert!(a.starts_with("sk-or-v1-"));
        assert_eq!(a.len(), 9 + 64);
        assert!(is_well_formed(&a));
        assert_ne!(a, test_key("b"));
        assert_eq!(a, test_key("a"));
        // The README's scenario example lists this one.
        assert_eq!(
            test_key("capped"),
            "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"
        );
    }

    #[test]
    fn issued_keys_are_well_formed_and_fresh() {
        let (a, b) = (issue_key(), issue_key());
        assert!(is_well_formed(&a), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn malformed_keys_are_recognised() {
        for bad in [
            "",
            "sk-or-v1-bad",
            "sk-capped",
            "sk-or-v2-0000000000000000000000000000000000000000000000000000000000000000",
            "sk-or-v1-000000000000000000000000000000000000000000000000000000000000000g",
            "sk-or-v1-00000000000000000000000000000000000000000000000000000000000000000",
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }
}
