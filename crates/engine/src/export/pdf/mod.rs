//! PDF: real, selectable text in an embedded font (DejaVu Sans ships inside the app, so a
//! script looks the same on every machine), word-wrapped, on A4 or Letter pages numbered
//! "Page N of M".

mod fonts;
mod layout;

use printpdf::{
    Color, FontId, Greyscale, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Pt, TextItem,
};

use super::blocks::blocks;
use super::{ExportError, PageSize};
use crate::script::{Script, ShowNotes};
use fonts::Fonts;
use layout::{paginate, Placed};

const MM_PER_PT: f32 = 25.4 / 72.0;
/// Directions are set in dark grey, so the spoken lines stand out.
const DIRECTION_GREY: f32 = 0.35;

pub(crate) fn render(
    script: &Script,
    notes: Option<&ShowNotes>,
    checks: Option<&super::ExportChecks>,
    page: PageSize,
) -> Result<Vec<u8>, ExportError> {
    let fonts = fonts::load()?;
    let (width, height) = page.points();
    let pages = paginate(&blocks(script, notes, checks), fonts, width, height);

    let title = if script.title.trim().is_empty() {
        "Script"
    } else {
        script.title.trim()
    };
    let mut doc = PdfDocument::new(title);
    let regular = doc.add_font(&fonts.regular);
    let bold = doc.add_font(&fonts.bold);
    let total = pages.len();
    let pdf_pages: Vec<PdfPage> = pages
        .into_iter()
        .enumerate()
        .map(|(i, runs)| {
            let mut ops = Vec::with_capacity(runs.len() * 5 + 8);
            // Runs of one line share a baseline: the layout gives them the very same y.
            for line in runs.chunk_by(|a, b| a.y == b.y) {
                push_line(&mut ops, line, &regular, &bold);
            }
            push_line(
                &mut ops,
                &[footer(fonts, i + 1, total, width)],
                &regular,
                &bold,
            );
            PdfPage::new(Mm(width * MM_PER_PT), Mm(height * MM_PER_PT), ops)
        })
        .collect();
    let mut warnings = Vec::new();
    let bytes = doc
        .with_pages(pdf_pages)
        .save(&PdfSaveOptions::default(), &mut warnings);
    if !warnings.is_empty() {
        tracing::debug!(count = warnings.len(), "PDF writer reported warnings");
    }
    Ok(bytes)
}

/// One text section per line. A section starts at the page origin, so the first cursor
/// move is absolute; later runs on the line move relative to the line's start. Runs followed
/// by another end in a space, so text extraction keeps the words apart.
fn push_line(ops: &mut Vec<Op>, line: &[Placed], regular: &FontId, bold: &FontId) {
    ops.push(Op::StartTextSection);
    let mut origin: Option<(f32, f32)> = None;
    for (i, run) in line.iter().enumerate() {
        let font = if run.bold { bold } else { regular };
        ops.push(Op::SetFillColor {
            col: Color::Greyscale(Greyscale {
                percent: if run.grey { DIRECTION_GREY } else { 0.0 },
                icc_profile: None,
            }),
        });
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(font.clone()),
            size: Pt(run.size),
        });
        let (dx, dy) = match origin {
            None => (run.x, run.y),
            Some((x, y)) => (run.x - x, run.y - y),
        };
        origin = Some((run.x, run.y));
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt(dx),
                y: Pt(dy),
            },
        });
        let mut text = run.text.clone();
        if i + 1 < line.len() {
            text.push(' ');
        }
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(text)],
        });
    }
    ops.push(Op::EndTextSection);
}

/// "Page N of M", centred below the text area.
fn footer(fonts: &Fonts, page: usize, total: usize, width: f32) -> Placed {
    let text = format!("Page {page} of {total}");
    let size = layout::FOOTER_SIZE;
    let w = fonts.width(&text, false, size);
    Placed {
        x: (width - w) / 2.0,
        y: layout::MARGIN / 2.0,
        text,
        bold: false,
        size,
        grey: true,
    }
}
