use crate::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{}", crate::store::plain_words(.0))]
    Store(#[from] rusqlite::Error),
}

impl UsageError {
    pub fn code(&self) -> ErrorCode {
        match self {
            UsageError::Store(_) => ErrorCode::Database,
        }
    }
}
