//! The text layer of a PDF, page by page. Every stream is inflated under a size limit (lopdf's
//! bomb-safe loading and page content reads), a page that cannot be read costs only that page,
//! and a PDF whose pages have no text at all (a scan) is reported as such rather than as an
//! empty note.

use lopdf::{DecompressError, Document, LoadOptions};

use super::decode::Decoded;
use super::failure::Failure;
use super::normalize::has_text;
use super::pdf_ops::page_text;
use super::Limits;

/// The text of a PDF given as raw bytes.
pub fn pdf_text(bytes: &[u8], limits: &Limits) -> Result<Decoded, Failure> {
    let max = usize::try_from(limits.max_inflated_bytes).unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(max),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(load_failure)?;
    // lopdf opens a PDF that has only an owner password (the empty user password works) and
    // removes its /Encrypt entry; one that is still encrypted needs a password we do not have.
    if doc.is_encrypted() {
        return Err(Failure::Encrypted);
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(Failure::Corrupt("no pages".into()));
    }
    let mut text = String::new();
    let mut unreadable: Vec<u32> = Vec::new();
    for (&number, &page_id) in &pages {
        match page_text(&doc, page_id, max) {
            Ok(page) => {
                if !text.is_empty() {
                    // A page break reads as a paragraph break.
                    text.push('\u{c}');
                }
                text.push_str(&page);
            }
            Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { limit })) => {
                return Err(Failure::ZipBomb(format!(
                    "page {number} expands past {limit} bytes"
                )));
            }
            Err(e) => {
                tracing::debug!(page = number, error = %e, "PDF page text could not be read");
                unreadable.push(number);
            }
        }
    }
    if !has_text(&text) {
        return if unreadable.len() == pages.len() {
            Err(Failure::Corrupt("no page could be read".into()))
        } else {
            Err(Failure::NoTextLayer)
        };
    }
    let warning = (!unreadable.is_empty()).then(|| {
        format!(
            "The text of {} could not be read; the rest of the PDF was added.",
            page_list(&unreadable)
        )
    });
    Ok(Decoded { text, warning })
}

fn load_failure(e: lopdf::Error) -> Failure {
    match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => Failure::Encrypted,
        lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { limit }) => {
            Failure::ZipBomb(format!("a stream expands past {limit} bytes"))
        }
        other => Failure::Corrupt(other.to_string()),
    }
}

/// "page 3", "pages 2 and 5", "pages 1, 4 and 9", "12 pages".
fn page_list(pages: &[u32]) -> String {
    match pages {
        [one] => format!("page {one}"),
        [a, b] => format!("pages {a} and {b}"),
        [init @ .., last] if pages.len() <= 6 => format!(
            "pages {} and {last}",
            init.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!("{} pages", pages.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lists_read_naturally() {
        assert_eq!(page_list(&[3]), "page 3");
        assert_eq!(page_list(&[2, 5]), "pages 2 and 5");
        assert_eq!(page_list(&[1, 4, 9]), "pages 1, 4 and 9");
        assert_eq!(page_list(&[1, 2, 3, 4, 5, 6, 7]), "7 pages");
    }

    #[test]
    fn garbage_is_corrupt_not_a_crash() {
        let limits = Limits::default();
        assert!(matches!(
            pdf_text(b"%PDF-1.7\nnot really", &limits),
            Err(Failure::Corrupt(_))
        ));
        assert!(matches!(pdf_text(b"", &limits), Err(Failure::Corrupt(_))));
    }
}
