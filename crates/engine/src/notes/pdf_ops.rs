//! Text from one PDF page's content stream. lopdf's own extractor runs the text of lines
//! placed with `Td` together ("Record.It has"); this one reads the positioning operators too,
//! so a move to a new line is a line break and a move along the line is a space.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{DecompressError, Document, Encoding, Error, Object, ObjectId};

/// In a `TJ` array, a shift of more than this (thousandths of an em) is a gap between words.
const WORD_GAP: f32 = 150.0;
/// Smaller vertical moves are the same line (superscripts, rounding).
const SAME_LINE: f32 = 0.5;

pub(crate) fn page_text(
    doc: &Document,
    page: ObjectId,
    max_inflated: usize,
) -> lopdf::Result<String> {
    let mut encodings: BTreeMap<Vec<u8>, Encoding<'_>> = BTreeMap::new();
    for (name, font) in doc.get_page_fonts(page)? {
        match font.get_font_encoding_with_limit(doc, max_inflated) {
            Ok(encoding) => {
                encodings.insert(name, encoding);
            }
            Err(e @ Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(e)
            }
            // A font whose encoding cannot be read costs only its own text.
            Err(e) => tracing::debug!(error = %e, "PDF font encoding unreadable"),
        }
    }
    let content = Content::decode(&doc.get_page_content_with_limit(page, max_inflated)?)?;
    let mut out = String::new();
    let mut font: Option<&Encoding<'_>> = None;
    let mut line_y: Option<f32> = None;
    for op in &content.operations {
        let num = |i: usize| {
            op.operands
                .get(i)
                .and_then(|o| o.as_float().ok())
                .unwrap_or(0.0)
        };
        match op.operator.as_str() {
            "Tf" => {
                font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| encodings.get(name));
            }
            "Tj" | "TJ" => show(&mut out, font, &op.operands),
            "'" => {
                newline(&mut out);
                show(&mut out, font, &op.operands);
            }
            "\"" => {
                newline(&mut out);
                show(&mut out, font, op.operands.get(2..).unwrap_or(&[]));
            }
            "T*" | "ET" => newline(&mut out),
            "Td" | "TD" => {
                if num(1).abs() > SAME_LINE {
                    newline(&mut out);
                } else if num(0) > 0.0 {
                    space(&mut out);
                }
            }
            "Tm" => {
                let y = num(5);
                match line_y {
                    Some(prev) if (y - prev).abs() > SAME_LINE => newline(&mut out),
                    Some(_) => space(&mut out),
                    None => {}
                }
                line_y = Some(y);
            }
            _ => {}
        }
    }
    Ok(out)
}

fn show(out: &mut String, font: Option<&Encoding<'_>>, operands: &[Object]) {
    let Some(encoding) = font else { return };
    for operand in operands {
        match operand {
            Object::String(bytes, _) => {
                if let Ok(text) = encoding.bytes_to_string(bytes) {
                    out.push_str(&text);
                }
            }
            Object::Array(items) => show(out, font, items),
            Object::Integer(_) | Object::Real(_)
                if operand.as_float().is_ok_and(|shift| shift < -WORD_GAP) =>
            {
                space(out);
            }
            _ => {}
        }
    }
}

fn newline(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn space(out: &mut String) {
    if !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
}
