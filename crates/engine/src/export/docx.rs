//! Word documents: real Word styles (Title, Heading 1, Heading 2) so the navigation pane and
//! a table of contents work, speaker names in bold runs, directions in italics, and "Page N
//! of M" in the footer.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, NumPages, PageMargin, PageNum, Paragraph, Run,
    RunFonts, Style, StyleType,
};

use super::block::Block;
use super::blocks::blocks;
use super::{ExportError, PageSize};
use crate::script::{Script, ShowNotes};

/// 2 cm margins, in twips.
const MARGIN: i32 = 1134;
/// Font sizes are in half-points.
const BODY_SIZE: usize = 22;
const DIRECTION_COLOUR: &str = "555555";
/// Word's own default; other word processors substitute a similar sans-serif.
const FONT: &str = "Calibri";
/// Space after a body paragraph and before a heading, in twips.
const SPACE_AFTER: u32 = 120;
const SPACE_BEFORE_HEADING: u32 = 360;

pub(crate) fn render(
    script: &Script,
    notes: Option<&ShowNotes>,
    checks: Option<&super::ExportChecks>,
    page: PageSize,
) -> Result<Vec<u8>, ExportError> {
    let (width, height) = page.twips();
    let mut doc = Docx::new()
        .page_size(width, height)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_size(BODY_SIZE)
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .add_style(heading_style("Title", "Title", 40, 0))
        .add_style(heading_style("Heading1", "heading 1", 30, 0))
        .add_style(heading_style("Heading2", "heading 2", 25, 1))
        .footer(page_footer());
    for block in blocks(script, notes, checks) {
        doc = doc.add_paragraph(paragraph(block));
    }
    let mut out = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| ExportError::Render {
            format: "Word",
            detail: e.to_string(),
        })?;
    Ok(out.into_inner())
}

/// A heading style Word recognises by name ("heading 1" is Word's own spelling), with an
/// outline level so it shows in the navigation pane.
fn heading_style(id: &str, name: &str, size: usize, outline: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .size(size)
        .bold()
        .outline_lvl(outline)
        .line_spacing(
            LineSpacing::new()
                .before(SPACE_BEFORE_HEADING)
                .after(SPACE_AFTER),
        )
}

fn page_footer() -> Footer {
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text("Page ").size(18))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" of ").size(18))
            .add_num_pages(NumPages::new()),
    )
}

fn paragraph(block: Block) -> Paragraph {
    let body = || Paragraph::new().line_spacing(LineSpacing::new().after(SPACE_AFTER));
    match block {
        Block::Title(text) => Paragraph::new()
            .style("Title")
            .add_run(Run::new().add_text(text)),
        Block::Heading { text, target } => {
            let p = Paragraph::new()
                .style("Heading1")
                .keep_next(true)
                .add_run(Run::new().add_text(text));
            match target {
                Some(t) => p.add_run(Run::new().add_text(format!(" ({t})"))),
                None => p,
            }
        }
        Block::SubHeading(text) => Paragraph::new()
            .style("Heading2")
            .keep_next(true)
            .add_run(Run::new().add_text(text)),
        Block::Speaker { name, text } => {
            let p = body().add_run(Run::new().add_text(format!("{name}:")).bold());
            if text.is_empty() {
                p
            } else {
                p.add_run(Run::new().add_text(format!(" {text}")))
            }
        }
        Block::Direction(text) => body().add_run(
            Run::new()
                .add_text(format!("[{text}]"))
                .italic()
                .color(DIRECTION_COLOUR),
        ),
        Block::Paragraph(text) => body().add_run(Run::new().add_text(text)),
        Block::Bullet(text) => body().add_run(Run::new().add_text(format!("• {text}"))),
    }
}
