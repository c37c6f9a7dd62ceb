//! Rust source read just far enough for the module graph: the modules a file declares
//! (`mod x;`, with `#[path]`), the `crate::…`/`super::…` paths it names, and its `pub use`
//! re-exports. Comments, strings and char literals are skipped, so a path inside them is not
//! read.

/// One module's file, read into the modules it declares and the paths it names.
pub struct Parsed {
    /// `(inline module path inside the file, name, #[path] value)` of each `mod name;`.
    pub declared: Vec<(Vec<String>, String, Option<String>)>,
    /// `(inline module path inside the file, path as written, resolved segments)`.
    pub named: Vec<(Vec<String>, String, PathStart, Vec<String>)>,
    /// `pub use` items: `(inline module path, start, path)`; the path's last segment is the
    /// name the module re-exports.
    pub reexports: Vec<(Vec<String>, PathStart, Vec<String>)>,
}

#[derive(Clone, Copy)]
pub enum PathStart {
    Crate,
    /// This many `super`s.
    Super(usize),
    /// The module itself (`self::`, or a path starting with one of its submodules).
    Here,
}

impl PathStart {
    pub fn absolute(self, here: &[String], rest: &[String]) -> Vec<String> {
        let mut out = match self {
            PathStart::Crate => Vec::new(),
            PathStart::Super(n) => here[..here.len().saturating_sub(n)].to_vec(),
            PathStart::Here => here.to_vec(),
        };
        out.extend(rest.iter().cloned());
        out
    }
}

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    PathSep,
    Punct(char),
}

/// Rust source into identifiers, string contents, `::` and single punctuation; comments,
/// char literals and lifetimes dropped, so a path inside a string or a comment is not read.
fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == 'r' && (c.get(i + 1) == Some(&'#') || c.get(i + 1) == Some(&'"')) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(Tok::Ident("r".into()));
                i += 1;
                continue;
            }
            j += 1;
            let start = j;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                    break;
                }
                j += 1;
            }
            out.push(Tok::Str(c[start..j.min(c.len())].iter().collect()));
            i = j + 1 + hashes;
        } else if ch == '"' {
            let mut j = i + 1;
            let mut s = String::new();
            while j < c.len() && c[j] != '"' {
                if c[j] == '\\' {
                    j += 1;
                }
                if let Some(&x) = c.get(j) {
                    s.push(x);
                }
                j += 1;
            }
            out.push(Tok::Str(s));
            i = j + 1;
        } else if ch == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if c.get(i + 1) == Some(&'\\') {
                let mut j = i + 2;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            // `b"…"` and `br"…"` are byte strings: let the next round read the string.
            let word: String = c[start..i].iter().collect();
            if !(word == "b" && c.get(i) == Some(&'"')) {
                out.push(Tok::Ident(word));
            }
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(Tok::PathSep);
            i += 2;
        } else {
            out.push(Tok::Punct(ch));
            i += 1;
        }
    }
    out
}

pub fn parse(src: &str) -> Parsed {
    let t = tokens(src);
    let ident = |i: usize| match t.get(i) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    let mut declared = Vec::new();
    let mut named = Vec::new();
    let mut reexports = Vec::new();
    // Inline modules open here: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut path_attr: Option<String> = None;
    let mut i = 0;
    while i < t.len() {
        match &t[i] {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Punct('#') if ident(i + 2) == Some("path") => {
                if let (Some(Tok::Punct('=')), Some(Tok::Str(p))) = (t.get(i + 3), t.get(i + 4)) {
                    path_attr = Some(p.clone());
                }
            }
            Tok::Ident(u) if u == "use" && is_pub(&t, i) => {
                let here: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                let mut j = i + 1;
                let start = match ident(j) {
                    Some("crate") => {
                        j += 2;
                        Some(PathStart::Crate)
                    }
                    Some("super") => {
                        let mut n = 0;
                        while ident(j) == Some("super") && t.get(j + 1) == Some(&Tok::PathSep) {
                            n += 1;
                            j += 2;
                        }
                        Some(PathStart::Super(n))
                    }
                    Some("self") => {
                        j += 2;
                        Some(PathStart::Here)
                    }
                    Some(_) => Some(PathStart::Here),
                    None => None,
                };
                if let Some(start) = start {
                    let (paths, _) = use_tree(&t, j);
                    for p in paths {
                        reexports.push((here.clone(), start, p));
                    }
                }
                // The paths themselves are read as dependencies on the next tokens.
            }
            Tok::Ident(m) if m == "mod" => {
                if let Some(name) = ident(i + 1) {
                    let here: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                    match t.get(i + 2) {
                        Some(Tok::Punct(';')) => {
                            declared.push((here, name.to_string(), path_attr.take()));
                        }
                        Some(Tok::Punct('{')) => {
                            depth += 1;
                            inline.push((name.to_string(), depth));
                            i += 3;
                            continue;
                        }
                        _ => {}
                    }
                }
            }
            Tok::Ident(w)
                if (w == "crate" || w == "super")
                    && t.get(i + 1) == Some(&Tok::PathSep)
                    && t.get(i.wrapping_sub(1)) != Some(&Tok::Punct('$'))
                    && t.get(i.wrapping_sub(1)) != Some(&Tok::PathSep) =>
            {
                let mut j = i;
                let start = if w == "crate" {
                    j += 2;
                    PathStart::Crate
                } else {
                    let mut n = 0;
                    while ident(j) == Some("super") && t.get(j + 1) == Some(&Tok::PathSep) {
                        n += 1;
                        j += 2;
                    }
                    PathStart::Super(n)
                };
                let here: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                let (paths, end) = use_tree(&t, j);
                let lead = if w == "crate" { "crate" } else { "super" };
                for p in paths {
                    let written = format!("{lead}::{}", p.join("::"));
                    named.push((here.clone(), written, start, p));
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Parsed {
        declared,
        named,
        reexports,
    }
}

/// Whether the `use` at `i` is `pub` (or `pub(…)`): a re-export.
fn is_pub(t: &[Tok], i: usize) -> bool {
    let before = |k: usize| i.checked_sub(k).and_then(|k| t.get(k));
    match before(1) {
        Some(Tok::Ident(p)) => p == "pub",
        Some(Tok::Punct(')')) => (2..6).any(|k| {
            before(k) == Some(&Tok::Punct('('))
                && matches!(before(k + 1), Some(Tok::Ident(p)) if p == "pub")
        }),
        _ => false,
    }
}

/// The paths a use tree (or a plain path) starting at `i` names, and where it ends.
/// `a::{b, c::{d, self}}` is `a::b`, `a::c::d` and `a::c`.
fn use_tree(t: &[Tok], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    loop {
        match t.get(i) {
            Some(Tok::Ident(s)) if s == "self" => i += 1,
            Some(Tok::Ident(s)) if s != "as" => {
                prefix.push(s.clone());
                i += 1;
            }
            Some(Tok::Punct('{')) => {
                let mut out = Vec::new();
                i += 1;
                while !matches!(t.get(i), Some(Tok::Punct('}')) | None) {
                    let (inner, end) = use_tree(t, i);
                    for p in inner {
                        let mut full = prefix.clone();
                        full.extend(p);
                        out.push(full);
                    }
                    i = end;
                    if t.get(i) == Some(&Tok::Punct(',')) {
                        i += 1;
                    }
                }
                return (out, i + 1);
            }
            _ => return (vec![prefix], i),
        }
        if t.get(i) == Some(&Tok::PathSep) {
            i += 1;
        } else {
            // `as name` renames; skip it.
            if matches!(t.get(i), Some(Tok::Ident(s)) if s == "as") {
                i += 2;
            }
            return (vec![prefix], i);
        }
    }
}
