//! The structured script every stage after Synthesis works on: segments of speaker lines and
//! directions, read from a model's text and written back to it, plus the show notes derived
//! from a finished script.
//!
//! The text form is the one the Script stage asks models for — `## Segment (m:ss)` headings and
//! `NAME: text` lines — so parsing is forgiving (bold names, parentheticals, odd time formats)
//! and never fails: anything it does not recognise is kept as a direction line.
//!
//! A model's answer goes through [`normalise`] first: it takes the model's chat off, matches
//! speakers to the episode's cast and places headings on the segment plan, and its result is
//! what gets saved (as `Script::to_text`).

mod answer_line;
mod cast;
mod chat;
mod clip;
mod kind;
mod markup;
mod model;
mod normalise;
mod parse;
mod plan;
mod show_notes;
mod text;
mod timing;

pub(crate) use clip::clip_at_word;
pub use model::{Chapter, Line, Script, Segment, SegmentKind, ShowNotes};
pub use normalise::{normalise, normalise_parts, Normalised};
pub use plan::ScriptPlan;
pub use timing::{
    count_words, format_clock, parse_time_target, seconds_for_words, WORDS_PER_MINUTE,
};
