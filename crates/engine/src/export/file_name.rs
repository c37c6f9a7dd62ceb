//! A safe file name from an episode title, on every desktop platform.

/// Longest name in bytes; well under every file system's limit, with room for a suffix.
const MAX_BYTES: usize = 120;
const FALLBACK: &str = "Untitled script";
/// Names Windows keeps for devices, whatever the extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `title` as a file name ending in `.ext`: no path separators, no characters Windows forbids,
/// no control characters, no reserved device names, no leading or trailing dots or spaces, at
/// most 120 bytes (cut on a character boundary), and never empty.
pub fn sanitize_file_name(title: &str, ext: &str) -> String {
    let ext: String = ext
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let suffix_len = if ext.is_empty() { 0 } else { ext.len() + 1 };

    let cleaned: String = title
        .chars()
        .map(|c| {
            // Bidirectional overrides can make "exe.txt" display as "txt.exe"; drop them too.
            if c.is_control()
                || matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*')
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut stem = trim_ends(&collapsed).to_string();
    if stem.is_empty() {
        stem = FALLBACK.to_string();
    }
    if is_reserved(&stem) {
        // "con.backup" → "con_.backup": the part before the first dot is what Windows checks.
        let base_len = stem.find('.').unwrap_or(stem.len());
        let base_len = stem[..base_len].trim_end().len();
        stem.insert(base_len, '_');
    }
    let budget = MAX_BYTES - suffix_len;
    if stem.len() > budget {
        let mut cut = budget;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem = trim_ends(&stem[..cut]).to_string();
        if stem.is_empty() || is_reserved(&stem) {
            stem = FALLBACK.to_string();
        }
    }
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{ext}")
    }
}

/// Leading dots hide a file on macOS and Linux; trailing dots and spaces vanish on Windows.
fn trim_ends(s: &str) -> &str {
    s.trim_matches(|c: char| c == '.' || c.is_whitespace())
}

/// `CON`, `con.backup` and `COM1 ` are all the device to Windows.
fn is_reserved(stem: &str) -> bool {
    let base = stem.split('.').next().unwrap_or(stem).trim_end();
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(base))
}
