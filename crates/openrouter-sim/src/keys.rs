//! Key strings in OpenRouter's shape (`sk-or-v1-` and 64 hex digits).

/// A well-formed key derived from `label`, the same every time, so a scenario can list it
/// and a test can send it without sharing state.
pub fn test_key(label: &str) -> String {
    // FNV-1a, re-seeded per 16-digit block: not secret, only stable and well spread.
    let mut out = String::from("sk-or-v1-");
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
    use super::test_key;

    #[test]
    fn keys_are_well_formed_and_distinct() {
        let a = test_key("a");
        assert!(a.starts_with("sk-or-v1-"));
        assert_eq!(a.len(), 9 + 64);
        assert!(a[9..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, test_key("b"));
        assert_eq!(a, test_key("a"));
    }
}
