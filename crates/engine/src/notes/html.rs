//! Readable text from a saved web page: the words a reader sees, without scripts, styles,
//! navigation, site headers and footers. Headings become `#` lines and list items `-` lines,
//! so the page's structure survives into the Research stage.

use encoding_rs::Encoding;
use scraper::{Html, Node};

use super::decode::{decode_text, Decoded};
use super::html_strip::{nesting_depth, strip_tags, MAX_DEPTH};

/// Elements whose content is never part of the article.
const SKIPPED: &[&str] = &[
    "script", "style", "nav", "header", "footer", "noscript", "template", "svg", "iframe",
    "object", "embed", "canvas", "button", "select", "form", "dialog", "menu",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dl",
    "figure",
    "figcaption",
    "address",
    "hr",
    "title",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "details",
    "summary",
    "fieldset",
    "body",
];

/// Elements that start a new line inside a paragraph.
const LINES: &[&str] = &["li", "tr", "dt", "dd", "br", "caption"];

/// The readable text of an HTML page given as raw bytes, decoded by its byte-order mark,
/// its own `<meta charset>`, or a guess (with a warning).
pub fn html_text(bytes: &[u8]) -> Decoded {
    let decoded = decode_text(bytes, declared_charset(bytes));
    if nesting_depth(&decoded.text) > MAX_DEPTH {
        tracing::info!("HTML nested too deeply for the full parser; stripping tags instead");
        let note = "This page is built from very deeply nested parts, so its text was taken without its layout. Check the note reads as it should.";
        return Decoded {
            text: strip_tags(&decoded.text),
            warning: Some(match decoded.warning {
                Some(w) => format!("{w} {note}"),
                None => note.to_string(),
            }),
        };
    }
    Decoded {
        text: html_to_text(&decoded.text),
        warning: decoded.warning,
    }
}

/// The encoding a page declares in its first bytes (`<meta charset="…">` or the
/// `http-equiv` form), as browsers read it.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let pos = lower.windows(8).position(|w| w == b"charset=")?;
    let rest = &lower[pos + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    // A page that calls itself UTF-16 in ASCII bytes is not UTF-16; browsers read UTF-8.
    Encoding::for_label(&rest[..end]).map(Encoding::output_encoding)
}

/// Walks the parsed page without recursion (a hostile page may nest elements very deeply).
pub(crate) fn html_to_text(source: &str) -> String {
    let doc = Html::parse_document(source);
    let mut walk = Walk::default();
    let root = doc.tree.root();
    let mut current = root;
    'walk: loop {
        if walk.open(current.value()) {
            if let Some(child) = current.first_child() {
                current = child;
                continue;
            }
            walk.close(current.value());
        }
        // Climb until a node has a next sibling, closing the elements left behind.
        let mut node = current;
        loop {
            if node.id() == root.id() {
                break 'walk;
            }
            if let Some(next) = node.next_sibling() {
                current = next;
                continue 'walk;
            }
            match node.parent() {
                Some(parent) => {
                    walk.close(parent.value());
                    node = parent;
                }
                None => break 'walk,
            }
        }
    }
    walk.out
}

#[derive(Default)]
struct Walk {
    out: String,
    pre_depth: usize,
}

impl Walk {
    /// Writes what a node starts with; `false` for a node whose content is skipped.
    fn open(&mut self, node: &Node) -> bool {
        match node {
            Node::Element(el) => {
                let name = el.name();
                if SKIPPED.contains(&name)
                    || el.attr("hidden").is_some()
                    || el.attr("aria-hidden") == Some("true")
                {
                    return false;
                }
                if BLOCKS.contains(&name) {
                    self.out.push_str("\n\n");
                } else if LINES.contains(&name) {
                    self.out.push('\n');
                }
                match name {
                    "title" | "h1" => self.out.push_str("# "),
                    "h2" => self.out.push_str("## "),
                    "h3" => self.out.push_str("### "),
                    "h4" | "h5" | "h6" => self.out.push_str("#### "),
                    "li" => self.out.push_str("- "),
                    "td" | "th" => self.out.push_str(" | "),
                    "pre" => self.pre_depth += 1,
                    _ => {}
                }
                true
            }
            Node::Text(text) => {
                if self.pre_depth > 0 {
                    self.out.push_str(text);
                } else {
                    push_collapsed(&mut self.out, text);
                }
                false
            }
            Node::Document | Node::Fragment => true,
            _ => false,
        }
    }

    /// Writes what an opened element ends with.
    fn close(&mut self, node: &Node) {
        if let Node::Element(el) = node {
            let name = el.name();
            if name == "pre" {
                self.pre_depth = self.pre_depth.saturating_sub(1);
            }
            if BLOCKS.contains(&name) {
                self.out.push_str("\n\n");
            }
        }
    }
}

/// Inline text as a browser shows it: whitespace runs become one space, and a space at either
/// end is kept so "a <b>bold</b> word" keeps its spaces.
fn push_collapsed(out: &mut String, text: &str) {
    if text.starts_with(char::is_whitespace) && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
    let mut first = true;
    for word in text.split_whitespace() {
        if !first {
            out.push(' ');
        }
        out.push_str(word);
        first = false;
    }
    if !first && text.ends_with(char::is_whitespace) {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::normalize_text;

    #[test]
    fn keeps_the_article_and_drops_the_chrome() {
        let page = r#"<!doctype html><html><head><title>Voyager</title>
            <style>p { color: red }</style><script>var tracking = 1;</script></head>
            <body><header>Site logo</header><nav><a href="/">Home</a></nav>
            <main><h1>The Golden Record</h1><p>Carl   Sagan <b>chaired</b> the committee.</p>
            <ul><li>116 images</li><li>90 minutes of music</li></ul>
            <div hidden>secret</div></main><footer>© 2024</footer></body></html>"#;
        let text = normalize_text(&html_text(page.as_bytes()).text);
        assert_eq!(
            text,
            "# Voyager\n\n# The Golden Record\n\nCarl Sagan chaired the committee.\n\n\
             - 116 images\n- 90 minutes of music"
        );
    }

    #[test]
    fn honours_the_declared_charset() {
        let page =
            b"<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xe9</p></body></html>";
        let decoded = html_text(page);
        assert_eq!(normalize_text(&decoded.text), "café");
        assert_eq!(decoded.warning, None);
    }

    #[test]
    fn deep_nesting_is_read_without_the_full_parser() {
        let page = "<div>".repeat(100_000) + "deep &amp; dark" + &"</div>".repeat(100_000);
        let decoded = html_text(page.as_bytes());
        assert_eq!(normalize_text(&decoded.text), "deep & dark");
        assert!(decoded.warning.unwrap().contains("nested"));
        // Ordinary depth goes through the real parser.
        let page = "<div>".repeat(200) + "<p>fine</p>" + &"</div>".repeat(200);
        let decoded = html_text(page.as_bytes());
        assert_eq!(normalize_text(&decoded.text), "fine");
        assert_eq!(decoded.warning, None);
    }
}
