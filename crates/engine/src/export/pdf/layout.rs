//! Line wrapping and page breaking: blocks in, positioned runs of text per page out.

use super::fonts::Fonts;
use crate::export::block::Block;

/// 2 cm, in points.
pub(crate) const MARGIN: f32 = 56.7;
pub(crate) const FOOTER_SIZE: f32 = 9.0;
const BODY_SIZE: f32 = 11.0;
const LEADING: f32 = 1.35;
/// Wrapped lines of a speaker's text start indented, so each new speaker stands out.
const HANGING_INDENT: f32 = 18.0;

/// One run of text at a position on the page (PDF coordinates: from the bottom left).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    pub x: f32,
    pub y: f32,
    pub text: String,
    pub bold: bool,
    pub size: f32,
    pub grey: bool,
}

struct Look {
    size: f32,
    grey: bool,
    space_before: f32,
    space_after: f32,
    indent_rest: f32,
    /// Lines of the next block that must fit on the same page (headings).
    keep_with_next: bool,
}

/// A word with its weight.
struct Word {
    text: String,
    bold: bool,
}

pub(crate) fn paginate(
    blocks: &[Block],
    fonts: &Fonts,
    width: f32,
    height: f32,
) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let top = height - MARGIN;
    let bottom = MARGIN;
    let mut y = top;
    let text_width = width - 2.0 * MARGIN;
    for block in blocks {
        let (look, words) = styled(block, fonts);
        let lines = wrap(&words, fonts, &look, text_width);
        let line_height = look.size * LEADING;
        let at_top = y >= top;
        if !at_top {
            y -= look.space_before;
        }
        // A heading never sits alone at the bottom of a page.
        let needed =
            line_height * (lines.len() as f32 + if look.keep_with_next { 2.0 } else { 0.0 });
        if !at_top && y - needed < bottom {
            pages.push(Vec::new());
            y = top;
        }
        for (i, line) in lines.into_iter().enumerate() {
            if y - line_height < bottom {
                pages.push(Vec::new());
                y = top;
            }
            let baseline = y - look.size;
            let mut x = MARGIN + if i > 0 { look.indent_rest } else { 0.0 };
            let page = pages.len() - 1;
            for (text, bold) in line {
                let w = fonts.width(&text, bold, look.size);
                pages[page].push(Placed {
                    x,
                    y: baseline,
                    text,
                    bold,
                    size: look.size,
                    grey: look.grey,
                });
                x += w + fonts.width(" ", false, look.size);
            }
            y -= line_height;
        }
        y -= look.space_after;
    }
    pages
}

fn styled(block: &Block, fonts: &Fonts) -> (Look, Vec<Word>) {
    let body = |space_after: f32, grey: bool, indent_rest: f32| Look {
        size: BODY_SIZE,
        grey,
        space_before: 0.0,
        space_after,
        indent_rest,
        keep_with_next: false,
    };
    let words = |text: &str, bold: bool| -> Vec<Word> {
        fonts
            .drawable(text, bold)
            .split_whitespace()
            .map(|w| Word {
                text: w.to_string(),
                bold,
            })
            .collect()
    };
    match block {
        Block::Title(text) => (
            Look {
                size: 20.0,
                grey: false,
                space_before: 0.0,
                space_after: 12.0,
                indent_rest: 0.0,
                keep_with_next: true,
            },
            words(text, true),
        ),
        Block::Heading { text, target } => {
            let mut w = words(text, true);
            if let Some(t) = target {
                w.extend(words(&format!("({t})"), false));
            }
            (
                Look {
                    size: 14.0,
                    grey: false,
                    space_before: 14.0,
                    space_after: 6.0,
                    indent_rest: 0.0,
                    keep_with_next: true,
                },
                w,
            )
        }
        Block::SubHeading(text) => (
            Look {
                size: 12.0,
                grey: false,
                space_before: 10.0,
                space_after: 4.0,
                indent_rest: 0.0,
                keep_with_next: true,
            },
            words(text, true),
        ),
        Block::Speaker { name, text } => {
            let mut w = words(&format!("{name}:"), true);
            w.extend(words(text, false));
            (body(6.0, false, HANGING_INDENT), w)
        }
        Block::Direction(text) => (body(6.0, true, 0.0), words(&format!("[{text}]"), false)),
        Block::Paragraph(text) => (body(6.0, false, 0.0), words(text, false)),
        Block::Bullet(text) => {
            let mut w = words("•", false);
            w.extend(words(text, false));
            (body(3.0, false, 10.0), w)
        }
    }
}

/// Greedy line filling. Each line is a list of runs (consecutive words of one weight joined
/// by spaces). A word wider than the line is broken between characters.
fn wrap(words: &[Word], fonts: &Fonts, look: &Look, width: f32) -> Vec<Vec<(String, bool)>> {
    let space = fonts.width(" ", false, look.size);
    let mut lines: Vec<Vec<(String, bool)>> = Vec::new();
    let mut line: Vec<(String, bool)> = Vec::new();
    let mut used = 0.0f32;
    let available = |lines: &Vec<Vec<(String, bool)>>| {
        width
            - if lines.is_empty() {
                0.0
            } else {
                look.indent_rest
            }
    };
    for word in words {
        for piece in split_to_fit(
            &word.text,
            word.bold,
            fonts,
            look.size,
            width - look.indent_rest,
        ) {
            let w = fonts.width(&piece, word.bold, look.size);
            let extra = if line.is_empty() { w } else { space + w };
            if !line.is_empty() && used + extra > available(&lines) {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            used += if line.is_empty() { w } else { space + w };
            match line.last_mut() {
                Some((text, bold)) if *bold == word.bold => {
                    text.push(' ');
                    text.push_str(&piece);
                }
                _ => line.push((piece, word.bold)),
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A word as pieces that each fit in `width` (one piece for any ordinary word).
fn split_to_fit(word: &str, bold: bool, fonts: &Fonts, size: f32, width: f32) -> Vec<String> {
    if fonts.width(word, bold, size) <= width {
        return vec![word.to_string()];
    }
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in word.chars() {
        current.push(c);
        if fonts.width(&current, bold, size) > width && current.chars().count() > 1 {
            current.pop();
            pieces.push(std::mem::take(&mut current));
            current.push(c);
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}
