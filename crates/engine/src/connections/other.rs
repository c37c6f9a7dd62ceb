//! Other connections: any OpenAI-compatible service (a direct provider, a server on this
//! computer) beside OpenRouter. Each has its own key in the keychain (filed under its id, never
//! in the database), and — as such a service publishes no price list and reports no cost —
//! the prices the producer entered per model, and whether they knowingly turned the spending
//! limit off for it.
//!
//! Removing one deletes its key, prices and model list. The request log, episodes and spend
//! history only name the connection's id (no foreign key reaches them), so they stay whole.

use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::other_checks as check;
use crate::catalog::{self, CatalogModel};
use crate::gateway::catalog_types::ModelsResponse;
use crate::gateway::money::price;
use crate::secrets::{Keychain, SecretsError, Sensitive};
use crate::store::{Store, StoreError};
use crate::ErrorCode;

/// The start of every other connection's id (and of its keychain account).
pub const ID_PREFIX: &str = "conn_";

const KIND: &str = "openai_compatible";

/// Another connection as the settings screen shows it. Never its key: only whether one is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OtherConnection {
    /// `conn_<random>`.
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub has_key: bool,
    /// The producer turned the spending limit off for it.
    pub limit_off: bool,
    pub prices: Vec<ManualPrice>,
    /// It is the app's active connection (filled in by the caller, which knows the settings).
    pub in_use: bool,
}

/// What one model costs on a connection without a price list, as the producer entered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ManualPrice {
    pub model_id: String,
    /// USD per million prompt tokens, a decimal string.
    pub prompt_per_million: String,
    /// USD per million completion tokens, a decimal string.
    pub completion_per_million: String,
}

/// A new connection as typed. The key goes straight to the keychain.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OtherConnectionInput {
    pub name: String,
    pub base_url: String,
    pub key: Option<String>,
}

impl std::fmt::Debug for OtherConnectionInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtherConnectionInput")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// What a call through another connection needs.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub key: Option<Sensitive<String>>,
    pub limit_off: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OtherError {
    #[error("{0}")]
    Invalid(String),
    #[error("That service was removed. Choose a connection in Settings.")]
    NotFound,
    #[error(
        "{name} is the connection in use. Switch to another connection first, then remove it."
    )]
    InUse { name: String },
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OtherError {
    pub fn code(&self) -> ErrorCode {
        match self {
            OtherError::Invalid(_) | OtherError::InUse { .. } => ErrorCode::InvalidInput,
            OtherError::NotFound => ErrorCode::NotFound,
            OtherError::Secrets(e) => e.code(),
            OtherError::Store(e) => e.code(),
        }
    }
}

impl From<rusqlite::Error> for OtherError {
    fn from(e: rusqlite::Error) -> Self {
        OtherError::Store(StoreError::Sqlite(e))
    }
}

/// One row of the `connections` table for another connection.
struct Row {
    id: String,
    name: String,
    base_url: String,
    key_set_at: Option<String>,
    limit_off: bool,
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        name: r.get(1)?,
        base_url: r.get(2)?,
        key_set_at: r.get(3)?,
        limit_off: r.get(4)?,
    })
}

const SELECT: &str =
    "SELECT id, name, base_url, key_set_at, spending_limit_off FROM connections WHERE kind = 'openai_compatible'";

fn row(conn: &Connection, id: &str) -> Result<Row, OtherError> {
    conn.query_row(&format!("{SELECT} AND id = ?1"), [id], read_row)
        .optional()?
        .ok_or(OtherError::NotFound)
}

fn prices(conn: &Connection, id: &str) -> rusqlite::Result<Vec<ManualPrice>> {
    let mut stmt = conn.prepare(
        "SELECT model_id, prompt_price, completion_price FROM connection_prices
         WHERE connection_id = ?1 ORDER BY model_id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (model_id, p, c) = row?;
        let (Some(p), Some(c)) = (price(&p), price(&c)) else {
            tracing::warn!(connection = id, "an unreadable stored price was skipped");
            continue;
        };
        out.push(ManualPrice {
            model_id,
            prompt_per_million: check::per_million(p),
            completion_per_million: check::per_million(c),
        });
    }
    Ok(out)
}

/// Whether a key is stored. A keychain that cannot be asked right now must not hide the list,
/// so the database's note of when a key was set answers instead.
fn has_key(keychain: &Keychain, row: &Row) -> bool {
    match keychain.has(&row.id) {
        Ok(has) => has,
        Err(e) => {
            tracing::warn!(connection = %row.id, error = %e, "keychain unavailable; key status from the database");
            row.key_set_at.is_some()
        }
    }
}

fn view(conn: &Connection, keychain: &Keychain, row: Row) -> Result<OtherConnection, OtherError> {
    Ok(OtherConnection {
        has_key: has_key(keychain, &row),
        prices: prices(conn, &row.id)?,
        id: row.id,
        name: row.name,
        base_url: row.base_url,
        limit_off: row.limit_off,
        in_use: false,
    })
}

/// Every other connection, oldest first.
pub fn list(store: &Store, keychain: &Keychain) -> Result<Vec<OtherConnection>, OtherError> {
    let conn = store.conn();
    let rows: Vec<Row> = {
        let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY created_at, id"))?;
        let rows = stmt.query_map([], read_row)?;
        rows.collect::<Result<_, _>>()?
    };
    rows.into_iter().map(|r| view(conn, keychain, r)).collect()
}

/// One other connection.
pub fn get(store: &Store, keychain: &Keychain, id: &str) -> Result<OtherConnection, OtherError> {
    view(store.conn(), keychain, row(store.conn(), id)?)
}

/// The name of another connection, or `None` when there is no such connection (any more).
pub fn name_of(conn: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT name FROM connections WHERE kind = 'openai_compatible' AND id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()
}

/// Its name, address, key and limit choice, to call through it.
pub fn endpoint(store: &Store, keychain: &Keychain, id: &str) -> Result<Endpoint, OtherError> {
    let row = row(store.conn(), id)?;
    Ok(Endpoint {
        key: keychain.get(&row.id)?,
        id: row.id,
        name: row.name,
        base_url: row.base_url,
        limit_off: row.limit_off,
    })
}

fn new_id() -> String {
    let n: u64 = rand::thread_rng().gen();
    format!("{ID_PREFIX}{n:016x}")
}

/// A key as typed: `None` when absent or blank.
fn typed_key(key: Option<&str>) -> Option<Sensitive<String>> {
    key.map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| Sensitive::new(k.to_string()))
}

/// Adds a connection; its key (if any) goes to the keychain, never the database.
pub fn add(
    store: &Store,
    keychain: &Keychain,
    input: &OtherConnectionInput,
) -> Result<OtherConnection, OtherError> {
    let name = check::name(&input.name).map_err(OtherError::Invalid)?;
    let base_url = check::base_url(&input.base_url).map_err(OtherError::Invalid)?;
    let conn = store.conn();
    let existing: Vec<(String, String)> = {
        let mut stmt = conn.prepare("SELECT name, base_url FROM connections")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    // Stored addresses may predate the normal form: compare them normalised too.
    if let Some((other, _)) = existing
        .iter()
        .find(|(_, url)| check::base_url(url).is_ok_and(|u| u == base_url))
    {
        return Err(OtherError::Invalid(format!(
            "{other} already uses that address. Use it, or enter a different address."
        )));
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO connections (id, kind, name, base_url, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, KIND, name, base_url, crate::clock::stamp(crate::clock::now())],
    )?;
    if let Some(key) = typed_key(input.key.as_deref()) {
        if let Err(e) = store_key(conn, keychain, &id, &key) {
            // Nothing half-made: without its key the connection is not added either.
            let _ = conn.execute("DELETE FROM connections WHERE id = ?1", [&id]);
            return Err(e);
        }
    }
    tracing::info!(connection = %id, "connection added");
    get(store, keychain, &id)
}

fn store_key(
    conn: &Connection,
    keychain: &Keychain,
    id: &str,
    key: &Sensitive<String>,
) -> Result<(), OtherError> {
    keychain.set(id, key)?;
    conn.execute(
        "UPDATE connections SET key_set_at = ?2 WHERE id = ?1",
        params![id, crate::clock::stamp(crate::clock::now())],
    )?;
    Ok(())
}

/// Replaces the connection's key, or removes it (`None` or blank).
pub fn set_key(
    store: &Store,
    keychain: &Keychain,
    id: &str,
    key: Option<&str>,
) -> Result<OtherConnection, OtherError> {
    row(store.conn(), id)?;
    match typed_key(key) {
        Some(key) => store_key(store.conn(), keychain, id, &key)?,
        None => {
            keychain.delete(id)?;
            store.conn().execute(
                "UPDATE connections SET key_set_at = NULL WHERE id = ?1",
                [id],
            )?;
        }
    }
    get(store, keychain, id)
}

/// Removes a connection, its key, its prices and its model list. `active` is the id of the
/// connection in use, which cannot be removed from under a run.
pub fn remove(
    store: &mut Store,
    keychain: &Keychain,
    id: &str,
    active: Option<&str>,
) -> Result<(), OtherError> {
    let row = row(store.conn(), id)?;
    if active == Some(id) {
        return Err(OtherError::InUse { name: row.name });
    }
    // The key first: if the keychain cannot be reached, nothing is removed and the producer
    // can try again, rather than leaving a key behind with nothing pointing at it.
    keychain.delete(id)?;
    let tx = store
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for table in [
        "connection_prices",
        "catalog_models",
        "catalog_endpoints",
        "catalog_fetches",
    ] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE connection_id = ?1"),
            [id],
        )?;
    }
    tx.execute("DELETE FROM connections WHERE id = ?1", [id])?;
    tx.commit()?;
    tracing::info!(connection = %id, "connection removed");
    Ok(())
}

/// Sets (or replaces) the prices of one model.
pub fn set_price(
    store: &Store,
    keychain: &Keychain,
    id: &str,
    entered: &ManualPrice,
) -> Result<OtherConnection, OtherError> {
    row(store.conn(), id)?;
    let model = check::model_id(&entered.model_id).map_err(OtherError::Invalid)?;
    let prompt =
        check::per_token(&entered.prompt_per_million, "prompt").map_err(OtherError::Invalid)?;
    let completion = check::per_token(&entered.completion_per_million, "completion")
        .map_err(OtherError::Invalid)?;
    catalog::set_manual_prices(store.conn(), id, &model, prompt, completion)?;
    get(store, keychain, id)
}

/// Forgets the prices of one model.
pub fn remove_price(
    store: &Store,
    keychain: &Keychain,
    id: &str,
    model_id: &str,
) -> Result<OtherConnection, OtherError> {
    row(store.conn(), id)?;
    store.conn().execute(
        "DELETE FROM connection_prices WHERE connection_id = ?1 AND model_id = ?2",
        params![id, model_id.trim()],
    )?;
    get(store, keychain, id)
}

/// Turns the spending limit off (knowingly) or back on for this connection.
pub fn set_limit_off(
    store: &Store,
    keychain: &Keychain,
    id: &str,
    limit_off: bool,
) -> Result<OtherConnection, OtherError> {
    row(store.conn(), id)?;
    store.conn().execute(
        "UPDATE connections SET spending_limit_off = ?2 WHERE id = ?1",
        params![id, limit_off],
    )?;
    tracing::info!(connection = %id, limit_off, "spending limit choice changed");
    get(store, keychain, id)
}

/// Keeps the models a service listed, without prices: its own price fields (if it sends any)
/// are not a price list Castwright can hold it to. Returns how many it listed.
pub fn store_models(
    conn: &mut Connection,
    id: &str,
    listed: &ModelsResponse,
) -> rusqlite::Result<u32> {
    let mut models = listed.clone();
    for m in &mut models.data {
        m.pricing = Default::default();
        m.top_provider = None;
    }
    catalog::store_models(conn, id, &models)?;
    Ok(u32::try_from(models.data.len()).unwrap_or(u32::MAX))
}

/// The connection's models as the catalog shows them: those the service listed, and any the
/// producer priced, with the entered prices (per token) filled in.
pub fn priced_models(conn: &Connection, id: &str) -> rusqlite::Result<Vec<CatalogModel>> {
    let mut models = catalog::models(conn, id)?;
    for m in &mut models {
        if let Some(p) = catalog::manual_prices(conn, id, &m.id)? {
            m.prompt_price = Some(p.prompt);
            m.completion_price = Some(p.completion);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT model_id FROM connection_prices WHERE connection_id = ?1 ORDER BY model_id",
    )?;
    let priced: Vec<String> = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for model_id in priced {
        if models.iter().any(|m| m.id == model_id) {
            continue;
        }
        if let Some(p) = catalog::manual_prices(conn, id, &model_id)? {
            models.push(CatalogModel {
                name: model_id.clone(),
                id: model_id,
                context_length: None,
                prompt_price: Some(p.prompt),
                completion_price: Some(p.completion),
            });
        }
    }
    models.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(models)
}
