use std::path::PathBuf;

use crate::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("Castwright could not make the {format} file: {detail}. Try again, or export in another format.")]
    Render {
        format: &'static str,
        detail: String,
    },
    #[error(
        "Castwright could not save {path}: {detail}. Check that the folder exists and that you \
         can save files there, then export again. Nothing was changed."
    )]
    Write { path: PathBuf, detail: String },
}

impl ExportError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ExportError::Render { .. } => ErrorCode::Internal,
            ExportError::Write { .. } => ErrorCode::InvalidInput,
        }
    }
}
