//! Taking a model's Markdown off the words of a script: the exports set their own emphasis,
//! so a line's text holds no `*`, `**`, `__` or `>` of its own.

/// The text with Markdown emphasis removed: `**bold**`, `__bold__`, `*italic*`, `_italic_`
/// (underscores only at word edges, so `snake_case` survives), and an inline `*(laughs)*`
/// becomes `(laughs)`. Whitespace runs collapse to one space.
pub(super) fn plain(text: &str) -> String {
    let no_bold = text.replace("**", "").replace("__", "");
    let chars: Vec<char> = no_bold.chars().collect();
    let mut out = String::with_capacity(no_bold.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '*' {
            continue;
        }
        if c == '_' {
            let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let after = chars.get(i + 1).copied();
            let inside_word = before.is_some_and(char::is_alphanumeric)
                && after.is_some_and(char::is_alphanumeric);
            if !inside_word {
                continue;
            }
        }
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Which wrappers enclosed a whole line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Wrappers {
    pub bold: bool,
    pub italic: bool,
    pub bracket: bool,
    pub paren: bool,
}

impl Wrappers {
    pub fn any(self) -> bool {
        self.bold || self.italic || self.bracket || self.paren
    }
}

/// Peels wrappers that enclose the whole line (`**…**`, `*…*`, `_…_`, `[…]`, `(…)`, in any
/// nesting) and says which there were.
pub(super) fn unwrap(line: &str) -> (&str, Wrappers) {
    let mut t = line.trim();
    let mut w = Wrappers::default();
    loop {
        let before = t;
        for (open, close, bold) in [("***", "***", true), ("**", "**", true), ("__", "__", true)] {
            if let Some(inner) = enclosed(t, open, close) {
                t = inner;
                w.bold |= bold;
                w.italic |= open == "***";
            }
        }
        for (open, close) in [("*", "*"), ("_", "_")] {
            if let Some(inner) = enclosed(t, open, close) {
                t = inner;
                w.italic = true;
            }
        }
        if let Some(inner) = balanced(t, '[', ']') {
            t = inner;
            w.bracket = true;
        }
        if let Some(inner) = balanced(t, '(', ')') {
            t = inner;
            w.paren = true;
        }
        if t == before {
            return (t, w);
        }
    }
}

/// The inside of `open…close` around the whole text, when the inside does not start with the
/// marker's character again (so `**a** and **b**` is not one bold run).
fn enclosed<'a>(t: &'a str, open: &str, close: &str) -> Option<&'a str> {
    if t.len() <= open.len() + close.len() {
        return None;
    }
    let inner = t.strip_prefix(open)?.strip_suffix(close)?;
    let mark = open.chars().next()?;
    if inner.contains(open) || inner.trim().is_empty() || inner.starts_with(mark) {
        return None;
    }
    Some(inner.trim())
}

/// The inside of `(…)` or `[…]` when the first bracket closes at the very end.
fn balanced(t: &str, open: char, close: char) -> Option<&str> {
    let inner = t.strip_prefix(open)?.strip_suffix(close)?;
    let mut depth = 1usize;
    for c in inner.chars() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return None;
            }
        }
    }
    (!inner.trim().is_empty()).then_some(inner.trim())
}

/// Spoken text as it should be read: no emphasis markers, and an aside in square brackets
/// (`[laughs]`) written the way the app writes asides, `(laughs)`. A citation like `[n2]`
/// stays as it is.
pub(super) fn spoken_text(text: &str) -> String {
    let text = plain(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('[') {
        let Some(len) = rest[open..].find(']') else {
            break;
        };
        let inner = &rest[open + 1..open + len];
        out.push_str(&rest[..open]);
        let citation = inner.is_empty()
            || inner.contains(['[', '('])
            || inner.chars().any(|c| c.is_ascii_digit());
        if citation {
            out.push_str(&rest[open..=open + len]);
        } else {
            out.push('(');
            out.push_str(inner.trim());
            out.push(')');
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// A direction's words without the wrappers models put around them.
pub(super) fn direction_text(text: &str) -> String {
    let p = plain(text);
    let (inner, _) = unwrap(&p);
    inner
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '[' | ']'))
        .to_string()
}

/// Turns ALL-CAPS words into capitalised ones ("THE GOLDEN RECORD" → "The Golden Record"),
/// leaving text that is not all capitals as written.
pub(super) fn tame_capitals(text: &str) -> String {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 4 || letters.iter().any(|c| c.is_lowercase()) {
        return text.to_string();
    }
    text.split(' ')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_emphasis_but_keeps_words() {
        assert_eq!(
            plain("**Bold** and *italic* and snake_case"),
            "Bold and italic and snake_case"
        );
        assert_eq!(plain("_aside_ here"), "aside here");
        assert_eq!(
            spoken_text("Wait *(laughs)* what? [n2]"),
            "Wait (laughs) what? [n2]"
        );
        assert_eq!(spoken_text("[laughing] No way."), "(laughing) No way.");
        assert_eq!(direction_text("*(Music swells)*"), "Music swells");
        assert_eq!(direction_text("[SFX: a door]"), "SFX: a door");
        assert_eq!(tame_capitals("THE GOLDEN RECORD"), "The Golden Record");
        assert_eq!(tame_capitals("The NASA years"), "The NASA years");
    }

    #[test]
    fn unwraps_whole_line_wrappers() {
        let (inner, w) = unwrap("*[Music swells]*");
        assert_eq!(inner, "Music swells");
        assert!(w.italic && w.bracket && !w.bold);
        let (inner, w) = unwrap("**(Cold Open - 0:30)**");
        assert_eq!(inner, "Cold Open - 0:30");
        assert!(w.bold && w.paren);
        let (inner, w) = unwrap("[a] and [b]");
        assert_eq!(inner, "[a] and [b]");
        assert!(!w.any());
    }
}
