//! One block of an exported document — a title, a segment heading, a speaker's line, a
//! direction, a paragraph, a bullet — as every format writes it.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Title(String),
    /// A segment heading, with its time target as `m:ss`.
    Heading {
        text: String,
        target: Option<String>,
    },
    SubHeading(String),
    Speaker {
        name: String,
        text: String,
    },
    Direction(String),
    Paragraph(String),
    Bullet(String),
}
