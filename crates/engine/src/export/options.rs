//! What the producer picks in the export dialog.

use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Markdown,
    Text,
    Docx,
    Pdf,
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Text,
        Format::Docx,
        Format::Pdf,
        Format::Json,
    ];

    /// The format a file name asks for, by its ending (case-insensitive).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "txt" | "text" => Some(Format::Text),
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The usual file name ending, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Text => "txt",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Json => "json",
        }
    }

    /// What a producer calls it.
    pub fn label(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Text => "plain text",
            Format::Docx => "Word",
            Format::Pdf => "PDF",
            Format::Json => "JSON",
        }
    }
}

/// Paper size for the page-based formats (PDF and DOCX).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PageSize {
    #[default]
    A4,
    Letter,
}

impl PageSize {
    /// Width and height in PDF points (1/72 inch).
    pub(crate) fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.28, 841.89),
            PageSize::Letter => (612.0, 792.0),
        }
    }

    /// Width and height in twentieths of a point, as Word measures pages.
    pub(crate) fn twips(self) -> (u32, u32) {
        match self {
            PageSize::A4 => (11906, 16838),
            PageSize::Letter => (12240, 15840),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportOptions {
    pub format: Format,
    pub include_show_notes: bool,
    pub page_size: PageSize,
}
