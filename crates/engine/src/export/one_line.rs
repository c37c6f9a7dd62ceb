//! Text as one line, the way every export writes a title, a heading or a name.

/// One line of text: whitespace runs collapsed, and control characters dropped (they are
/// invalid in a Word file's XML and invisible everywhere else).
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|&c| !c.is_control() && c != '\u{fffe}' && c != '\u{ffff}')
        .collect()
}
