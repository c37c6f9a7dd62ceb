//! Research-note ingestion: `.txt`, `.md`, `.html`/`.htm`, `.pdf`, `.docx` and pasted text
//! become plain text notes, each with a content hash for de-duplication.
//!
//! Notes come from anywhere — old exports, scans, web pages saved years ago — so every file
//! gets its own answer: what was added, what was a duplicate, and for each file refused a
//! sentence saying why and what to do. One bad file never stops the others: sizes are checked
//! before reading, compressed parts before inflating, and every parser runs contained (a
//! panic or a hang in a third-party parser turns into a refusal for that file alone).

mod batch;
mod contain;
mod decode;
mod docx;
pub mod episode_notes;
mod failure;
mod html;
mod html_strip;
mod ingest;
mod model;
mod normalize;
mod pdf;
mod pdf_ops;
mod size;

pub use batch::ingest_paths;
pub use ingest::{ingest_file, ingest_pasted, NoteKind, SUPPORTED_EXTENSIONS};
pub use model::{Batch, IngestedNote, Limits, RejectCode, Rejected};
pub use normalize::{content_hash, normalize_text};

/// Entry points for the fuzz targets and the corpus replay test: each runs one parser on raw
/// bytes exactly as ingestion does, including its size guards and panic containment.
pub mod parsers {
    pub use super::decode::{decode_text, Decoded};
    pub use super::docx::docx_text;
    pub use super::failure::Failure;
    pub use super::html::html_text;
    pub use super::pdf::pdf_text;
}
