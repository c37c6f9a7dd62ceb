//! The embedded fonts, parsed once, and text measurement for line wrapping.

use std::io::Read;
use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::export::ExportError;

// The TTF files of `export/fonts/`, packed by the build script: well under half their size.
const REGULAR_PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans.ttf.br"));
const BOLD_PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans-Bold.ttf.br"));

/// Shown for a character the font has no glyph for (DejaVu Sans has no CJK or emoji).
const MISSING: char = '\u{fffd}';

pub(crate) struct Fonts {
    pub regular: ParsedFont,
    pub bold: ParsedFont,
}

static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();

pub(crate) fn load() -> Result<&'static Fonts, ExportError> {
    FONTS
        .get_or_init(|| {
            let regular = ParsedFont::from_bytes(&unpack(REGULAR_PACKED)?, 0, &mut Vec::new())?;
            let bold = ParsedFont::from_bytes(&unpack(BOLD_PACKED)?, 0, &mut Vec::new())?;
            Some(Fonts { regular, bold })
        })
        .as_ref()
        .ok_or_else(|| ExportError::Render {
            format: "PDF",
            detail: "the built-in font could not be loaded".into(),
        })
}

/// A font file as the build script packed it, back to its TTF bytes.
fn unpack(packed: &[u8]) -> Option<Vec<u8>> {
    let mut ttf = Vec::new();
    match brotli_decompressor::Decompressor::new(packed, 1 << 16).read_to_end(&mut ttf) {
        Ok(_) => Some(ttf),
        Err(e) => {
            tracing::error!(error = %e, "an embedded font could not be unpacked");
            None
        }
    }
}

impl Fonts {
    fn font(&self, bold: bool) -> &ParsedFont {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// The text with every character the font cannot draw replaced by "�", so the PDF never
    /// holds invisible glyphs; emoji the font cannot draw are left out instead, since a "�"
    /// in their place reads as damage.
    pub(crate) fn drawable(&self, text: &str, bold: bool) -> String {
        let font = self.font(bold);
        text.chars()
            .filter(|&c| !is_emoji_joiner(c))
            .filter_map(|c| {
                if font.lookup_glyph_index(u32::from(c)).is_some() {
                    Some(c)
                } else if is_emoji(c) {
                    None
                } else {
                    Some(MISSING)
                }
            })
            .collect()
    }

    /// Width in points of `text` (already drawable) at `size` points.
    pub(crate) fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        let font = self.font(bold);
        let units_per_em = f32::from(font.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(u32::from(c))
                    .and_then(|gid| font.get_glyph_width(gid))
                    .map_or(units_per_em as u32 / 2, u32::from)
            })
            .sum();
        units as f32 / units_per_em * size
    }
}

/// Pictographs, dingbats, flags and the other blocks emoji come from.
fn is_emoji(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1F000..=0x1FAFF | 0x2300..=0x23FF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x3030 | 0x303D
    )
}

/// Characters that only join or style emoji (zero-width joiner, variation selectors, the
/// keycap mark, tag characters): invisible on their own.
fn is_emoji_joiner(c: char) -> bool {
    matches!(
        u32::from(c),
        0x200D | 0xFE00..=0xFE0F | 0x20E3 | 0xE0020..=0xE007F
    )
}
