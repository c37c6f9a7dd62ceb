//! A plain tag stripper for pages nested too deeply for the HTML parser: html5ever checks the
//! open elements on every tag, so a page of 100,000 nested `<div>`s takes minutes. Such a page
//! is estimated first and, past the limit, read by dropping tags instead.

/// Real pages nest a few dozen levels; hostile ones thousands.
pub(crate) const MAX_DEPTH: usize = 256;

/// Elements with no content, never closed.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements a page usually leaves open, closed by the next one of their kind.
const SELF_CLOSING_SIBLINGS: &[&str] = &["p", "li", "td", "th", "tr", "option", "dt", "dd"];
/// Elements whose content is dropped.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer",
];
/// Elements that break lines.
const BREAKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "title",
];

/// One tag: its lower-case name, whether it closes, and the byte after it.
fn next_tag(s: &str, from: usize) -> Option<(usize, String, bool, usize)> {
    let start = s[from..].find('<')? + from;
    let rest = &s[start + 1..];
    let closing = rest.starts_with('/');
    let name: String = rest
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let end = s[start..].find('>').map_or(s.len(), |e| start + e + 1);
    Some((start, name, closing, end))
}

/// Deepest nesting of open elements, estimated the way a browser would close them.
pub(crate) fn nesting_depth(html: &str) -> usize {
    let mut stack: Vec<String> = Vec::new();
    let mut max = 0usize;
    let mut pos = 0usize;
    while let Some((_, name, closing, end)) = next_tag(html, pos) {
        pos = end;
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if let Some(i) = stack.iter().rposition(|n| *n == name) {
                stack.truncate(i);
            }
            continue;
        }
        if SELF_CLOSING_SIBLINGS.contains(&name.as_str()) && stack.last() == Some(&name) {
            stack.pop();
        }
        stack.push(name);
        max = max.max(stack.len());
        if max > MAX_DEPTH {
            return max;
        }
    }
    max
}

/// The text between tags, dropped elements removed, common entities decoded.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut pos = 0usize;
    while let Some((start, name, closing, end)) = next_tag(html, pos) {
        out.push_str(&decode_entities(&html[pos..start]));
        pos = end;
        if !closing && DROPPED.contains(&name.as_str()) {
            let close = format!("</{name}");
            pos = match find_ignore_case(&html[pos..], &close) {
                Some(i) => html[pos + i..]
                    .find('>')
                    .map_or(html.len(), |e| pos + i + e + 1),
                None => html.len(),
            };
            continue;
        }
        if BREAKS.contains(&name.as_str()) {
            out.push('\n');
        } else {
            out.push(' ');
        }
    }
    out.push_str(&decode_entities(&html[pos..]));
    out
}

/// Byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case, without copying.
fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let entity = &after[..semi];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_depth_like_a_browser() {
        assert_eq!(nesting_depth("<div><div><p>a<p>b<p>c</div></div>"), 3);
        assert_eq!(nesting_depth("<ul><li>a<li>b<li>c</ul><br><img src=x>"), 2);
        assert_eq!(nesting_depth(&"<span>".repeat(10)), 10);
    }

    #[test]
    fn strips_tags_and_dropped_elements() {
        let text = strip_tags(
            "<p>Tom &amp; Jerry&#33;</p><script>x()</SCRIPT><p>caf&#xe9; &bogus; a<b</p>",
        );
        // "a<b</p>" is a broken tag: everything up to its ">" goes.
        assert_eq!(text, "\nTom & Jerry!\n\ncafé &bogus; a ");
    }
}
