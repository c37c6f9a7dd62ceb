//! Sizes in the words a producer reads.

use super::model::MB;

/// "25 MB", "1.5 MB", "300 KB", "12 bytes".
pub(crate) fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    if bytes >= MB {
        let tenths = bytes.saturating_mul(10) / MB;
        if tenths % 10 == 0 {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KB {
        format!("{} KB", bytes / KB)
    } else if bytes == 1 {
        "1 byte".to_string()
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(25 * MB), "25 MB");
        assert_eq!(human_size(MB + MB / 2), "1.5 MB");
        assert_eq!(human_size(300 * 1024), "300 KB");
        assert_eq!(human_size(12), "12 bytes");
        assert!(human_size(u64::MAX).ends_with(" MB"));
    }
}
