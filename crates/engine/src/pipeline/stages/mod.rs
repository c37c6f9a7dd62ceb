//! The four stages, one file each. Each takes the run's [`StageCtx`](super::stage_ctx::StageCtx),
//! its settings and whether it is forced to run again, adds its calls to a [`StageAcc`]
//! (super::stage_ctx::StageAcc), and returns the text to save; `run::one_stage` reuses,
//! saves or keeps a draft around them.

pub(crate) mod quality;
pub(crate) mod research;
pub(crate) mod script;
pub(crate) mod synthesis;
