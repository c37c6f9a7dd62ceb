//! The paragraphs and headings of a Word document (`.docx`), read straight from its XML.
//!
//! A `.docx` is a zip archive, and a hostile one can claim a few kilobytes and inflate to
//! gigabytes. So before anything is inflated, the archive's central directory is checked:
//! the number of parts, the total size they declare and each part's compression ratio. Then
//! the two parts needed (`word/document.xml`, `word/styles.xml`) are inflated through a reader
//! that stops at the declared size, so a part that lies about its size is caught too.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::ZipArchive;

use super::decode::Decoded;
use super::failure::Failure;
use super::Limits;

/// More parts than any real document has (Word's own files have a few dozen).
const MAX_PARTS: usize = 10_000;
/// Text XML compresses well, but not this well; only zeros or repeats go further.
const MAX_RATIO: u64 = 200;
/// Small parts may compress extremely (a run of spaces) without being a threat.
const RATIO_CHECK_FROM: u64 = 1024 * 1024;

/// Compound File Binary: password-protected Office files, and old `.doc` files.
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The text of a `.docx` given as raw bytes: one paragraph per block, headings as `#` lines.
pub fn docx_text(bytes: &[u8], limits: &Limits) -> Result<Decoded, Failure> {
    if bytes.starts_with(OLE_MAGIC) {
        return Err(Failure::Encrypted);
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Failure::Corrupt(format!("not a zip archive: {e}")))?;
    check_sizes(&mut archive, limits)?;
    let mut budget = limits.max_inflated_bytes;
    let document_path = main_document_path(&mut archive, &mut budget)?;
    let document = read_part(&mut archive, &document_path, &mut budget)?
        .ok_or_else(|| Failure::Corrupt(format!("no {document_path}")))?;
    let styles = match read_part(&mut archive, "word/styles.xml", &mut budget)? {
        Some(xml) => heading_styles(&xml),
        None => HashMap::new(),
    };
    let text = document_text(&document, &styles)?;
    Ok(Decoded {
        text,
        warning: None,
    })
}

/// Refuses an archive whose central directory promises more than the limits allow, before a
/// single byte is inflated.
fn check_sizes(archive: &mut ZipArchive<Cursor<&[u8]>>, limits: &Limits) -> Result<(), Failure> {
    if archive.len() > MAX_PARTS {
        return Err(Failure::ZipBomb(format!("{} parts", archive.len())));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| Failure::Corrupt(format!("part {i}: {e}")))?;
        let (size, packed) = (part.size(), part.compressed_size());
        total = total.saturating_add(size);
        if total > limits.max_inflated_bytes {
            return Err(Failure::ZipBomb(format!(
                "parts declare more than {} bytes",
                limits.max_inflated_bytes
            )));
        }
        if size >= RATIO_CHECK_FROM && size / packed.max(1) > MAX_RATIO {
            return Err(Failure::ZipBomb(format!(
                "{} inflates {}:1",
                part.name(),
                size / packed.max(1)
            )));
        }
    }
    Ok(())
}

/// Inflates one part, never past its declared size nor the remaining budget. `None` when the
/// archive has no such part.
fn read_part(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<Vec<u8>>, Failure> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let part = archive
        .by_index(index)
        .map_err(|e| Failure::Corrupt(format!("{name}: {e}")))?;
    let declared = part.size();
    if declared > *budget {
        return Err(Failure::ZipBomb(format!(
            "{name} declares {declared} bytes"
        )));
    }
    let cap = usize::try_from(declared.min(16 * 1024 * 1024)).unwrap_or(0);
    let mut data = Vec::with_capacity(cap);
    part.take(declared.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| Failure::Corrupt(format!("{name}: {e}")))?;
    let read = data.len() as u64;
    if read > declared {
        return Err(Failure::ZipBomb(format!(
            "{name} inflates past the {declared} bytes it declares"
        )));
    }
    *budget -= read;
    Ok(Some(data))
}

/// The main document's path from the package relationships (Word always uses
/// `word/document.xml`, but the package format allows another).
fn main_document_path(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    budget: &mut u64,
) -> Result<String, Failure> {
    const DEFAULT: &str = "word/document.xml";
    let Some(rels) = read_part(archive, "_rels/.rels", budget)? else {
        return Ok(DEFAULT.to_string());
    };
    let mut reader = Reader::from_reader(rels.as_slice());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let is_main = attr(&e, b"Type").is_some_and(|t| t.ends_with("/officeDocument"));
                if let (true, Some(target)) = (is_main, attr(&e, b"Target")) {
                    let target = target.trim_start_matches('/').to_string();
                    if archive.index_for_name(&target).is_some() {
                        return Ok(target);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(DEFAULT.to_string()),
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// Style id → heading level, from `styles.xml`: styles named "heading N" or "Title", or with
/// an outline level (how localised Word versions mark headings).
fn heading_styles(xml: &[u8]) -> HashMap<String, usize> {
    let mut styles = HashMap::new();
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"style" => {
                current = attr(&e, b"styleId");
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"style" => current = None,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let Some(id) = &current else {
                    buf.clear();
                    continue;
                };
                let level = match e.local_name().as_ref() {
                    b"name" => attr(&e, b"val").and_then(|name| level_from_name(&name)),
                    b"outlineLvl" => attr(&e, b"val")
                        .and_then(|v| v.parse::<usize>().ok())
                        .filter(|&v| v < 9)
                        .map(|v| v + 1),
                    _ => None,
                };
                if let Some(level) = level {
                    styles.entry(id.clone()).or_insert(level);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    styles
}

fn level_from_name(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    if lower == "title" {
        return Some(1);
    }
    lower
        .strip_prefix("heading")
        .map(str::trim)
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| (1..=9).contains(&n))
}

fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// One paragraph being collected. Paragraphs nest (a text box inside a paragraph), so they
/// are kept on a stack.
#[derive(Default)]
struct Paragraph {
    text: String,
    level: Option<usize>,
}

/// Walks `document.xml`: `w:t` is text, `w:tab` a tab, `w:br` a line break, `w:p` a paragraph;
/// deleted text (`w:delText`) and the duplicate fallback copy of text boxes are skipped.
fn document_text(xml: &[u8], styles: &HashMap<String, usize>) -> Result<String, Failure> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut stack: Vec<Paragraph> = Vec::new();
    let mut in_text = false;
    let mut run_depth = 0usize;
    let mut fallback_depth = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| Failure::Corrupt(format!("document.xml: {e}")))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"Fallback" => fallback_depth += 1,
                _ if fallback_depth > 0 => {}
                b"p" => stack.push(Paragraph::default()),
                b"r" => run_depth += 1,
                b"t" => in_text = true,
                b"pStyle" | b"outlineLvl" => set_level(&e, styles, &mut stack),
                _ => {}
            },
            Event::Empty(e) if fallback_depth == 0 => match e.local_name().as_ref() {
                b"p" => out.push_str("\n\n"),
                b"tab" if run_depth > 0 => push(&mut stack, "\t"),
                b"br" | b"cr" if run_depth > 0 => push(&mut stack, "\n"),
                b"pStyle" | b"outlineLvl" => set_level(&e, styles, &mut stack),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"Fallback" => fallback_depth = fallback_depth.saturating_sub(1),
                _ if fallback_depth > 0 => {}
                b"p" => {
                    if let Some(p) = stack.pop() {
                        flush(&mut out, p);
                    }
                }
                b"r" => run_depth = run_depth.saturating_sub(1),
                b"t" => in_text = false,
                _ => {}
            },
            Event::Text(t) if in_text && fallback_depth == 0 => {
                let text = t
                    .xml10_content()
                    .map_err(|e| Failure::Corrupt(format!("document.xml text: {e}")))?;
                push(&mut stack, &text);
            }
            Event::CData(t) if in_text && fallback_depth == 0 => {
                push(&mut stack, &String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if in_text && fallback_depth == 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    push(&mut stack, c.encode_utf8(&mut [0; 4]));
                } else {
                    let name = String::from_utf8_lossy(&r);
                    if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
                        push(&mut stack, s);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    // A truncated document leaves paragraphs open; keep what was read.
    while let Some(p) = stack.pop() {
        flush(&mut out, p);
    }
    Ok(out)
}

fn push(stack: &mut [Paragraph], text: &str) {
    if let Some(p) = stack.last_mut() {
        p.text.push_str(text);
    }
}

fn set_level(e: &BytesStart<'_>, styles: &HashMap<String, usize>, stack: &mut [Paragraph]) {
    let Some(p) = stack.last_mut() else { return };
    let Some(val) = attr(e, b"val") else { return };
    let level = match e.local_name().as_ref() {
        b"pStyle" => styles.get(&val).copied().or_else(|| level_from_name(&val)),
        _ => val.parse::<usize>().ok().filter(|&v| v < 9).map(|v| v + 1),
    };
    if level.is_some() {
        p.level = level;
    }
}

fn flush(out: &mut String, p: Paragraph) {
    let text = p.text.trim();
    if text.is_empty() {
        return;
    }
    out.push_str("\n\n");
    if let Some(level) = p.level {
        out.push_str(&"#".repeat(level.min(6)));
        out.push(' ');
    }
    out.push_str(text);
    out.push_str("\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_paragraphs_headings_tabs_and_skips_deleted_text() {
        let xml = br#"<?xml version="1.0"?>
        <w:document xmlns:w="x" xmlns:mc="m"><w:body>
          <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Research</w:t></w:r></w:p>
          <w:p><w:r><w:t xml:space="preserve">Tom &amp; </w:t></w:r><w:r><w:t>Jerry</w:t><w:tab/><w:t>&#233;t&#xE9;</w:t></w:r>
            <w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>
          <w:p><w:r><mc:AlternateContent><mc:Choice><w:p><w:r><w:t>box</w:t></w:r></w:p></mc:Choice>
            <mc:Fallback><w:p><w:r><w:t>box</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:r></w:p>
        </w:body></w:document>"#;
        let mut styles = HashMap::new();
        styles.insert("Heading1".to_string(), 1);
        let text = crate::notes::normalize_text(&document_text(xml, &styles).unwrap());
        assert_eq!(text, "# Research\n\nTom & Jerry été\n\nbox");
    }

    #[test]
    fn heading_levels_come_from_style_names_and_outline_levels() {
        let xml = br#"<w:styles xmlns:w="x">
          <w:style w:styleId="berschrift2"><w:name w:val="heading 2"/></w:style>
          <w:style w:styleId="Custom"><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
          <w:style w:styleId="Body"><w:name w:val="Body Text"/></w:style>
        </w:styles>"#;
        let styles = heading_styles(xml);
        assert_eq!(styles.get("berschrift2"), Some(&2));
        assert_eq!(styles.get("Custom"), Some(&1));
        assert_eq!(styles.get("Body"), None);
    }
}
