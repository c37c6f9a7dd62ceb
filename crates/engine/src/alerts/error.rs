use crate::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("That alert no longer exists. It may have been cleared already.")]
    NotFound { id: u32 },
    #[error("{}", crate::store::plain_words(.0))]
    Store(#[from] rusqlite::Error),
}

impl AlertError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AlertError::NotFound { .. } => ErrorCode::NotFound,
            AlertError::Store(_) => ErrorCode::Database,
        }
    }
}
