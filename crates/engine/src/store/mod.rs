//! The one SQLite database in the data folder.
//!
//! Opening it checks it first (integrity, and that no newer Castwright wrote it) through a
//! read-only connection, so a damaged or newer file is reported and left exactly as it was.
//! Only then is it opened for writing: WAL with `synchronous=NORMAL` (a crash of the app loses
//! nothing committed), foreign keys on, and pending migrations applied in one transaction.

pub mod backup;
mod error;
mod migrations;
mod open;

pub use error::{plain_words, StoreError};
pub use migrations::{Migration, MIGRATIONS};
pub use open::{open_background, schema_version, Store};
