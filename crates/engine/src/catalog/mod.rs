//! The model catalog of a connection, kept in SQLite with its fetch time: model names,
//! context lengths and the prices of every provider endpoint. The budget reads the dearest
//! endpoint price from here; the UI reads names and prices per 1,000 words.

use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use crate::gateway::catalog_types::{EndpointsData, ModelsResponse};
use crate::gateway::money::price;

pub mod model_ids;

/// How long a fetched catalog or endpoint list is trusted before it is fetched again.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// What one model costs at its dearest reachable endpoint, per token.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPrices {
    pub model_id: String,
    pub prompt: Decimal,
    pub completion: Decimal,
    pub request: Decimal,
    pub context_length: Option<u64>,
    pub max_completion_tokens: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogModel {
    pub id: String,
    pub name: String,
    pub context_length: Option<u64>,
    pub prompt_price: Option<Decimal>,
    pub completion_price: Option<Decimal>,
}

fn age_ok(fetched_at: &str, max_age: Duration) -> bool {
    let Ok(t) =
        time::OffsetDateTime::parse(fetched_at, &time::format_description::well_known::Rfc3339)
    else {
        return false;
    };
    let age = crate::clock::now() - t;
    age.whole_seconds() >= 0 && (age.whole_seconds() as u64) < max_age.as_secs()
}

/// Whether the catalog of `connection_id` is missing or older than `max_age`.
pub fn is_stale(
    conn: &Connection,
    connection_id: &str,
    max_age: Duration,
) -> rusqlite::Result<bool> {
    let at: Option<String> = conn
        .query_row(
            "SELECT fetched_at FROM catalog_fetches WHERE connection_id = ?1",
            [connection_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(at.is_none_or(|at| !age_ok(&at, max_age)))
}

/// Replaces the stored catalog with a fresh `/models` answer.
pub fn store_models(
    conn: &mut Connection,
    connection_id: &str,
    models: &ModelsResponse,
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "DELETE FROM catalog_models WHERE connection_id = ?1",
        [connection_id],
    )?;
    {
        let mut stmt = tx.prepare(
            "INSERT OR REPLACE INTO catalog_models (connection_id, model_id, name, context_length,
                max_completion_tokens, prompt_price, completion_price, request_price)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for m in &models.data {
            stmt.execute(params![
                connection_id,
                m.id,
                if m.name.is_empty() { &m.id } else { &m.name },
                m.context_length.map(|c| c as i64),
                m.top_provider
                    .as_ref()
                    .and_then(|t| t.max_completion_tokens)
                    .map(|c| c as i64),
                m.pricing.prompt,
                m.pricing.completion,
                m.pricing.request,
            ])?;
        }
    }
    tx.execute(
        "INSERT INTO catalog_fetches (connection_id, fetched_at) VALUES (?1, ?2)
         ON CONFLICT (connection_id) DO UPDATE SET fetched_at = excluded.fetched_at",
        params![connection_id, crate::clock::stamp(crate::clock::now())],
    )?;
    tx.commit()
}

/// Replaces the stored endpoints of one model.
pub fn store_endpoints(
    conn: &mut Connection,
    connection_id: &str,
    data: &EndpointsData,
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "DELETE FROM catalog_endpoints WHERE connection_id = ?1 AND model_id = ?2",
        params![connection_id, data.id],
    )?;
    let now = crate::clock::stamp(crate::clock::now());
    {
        let mut stmt = tx.prepare(
            "INSERT OR REPLACE INTO catalog_endpoints (connection_id, model_id, provider, context_length,
                max_completion_tokens, prompt_price, completion_price, request_price, status, uptime, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for e in &data.endpoints {
            let provider = if e.provider_name.is_empty() {
                &e.name
            } else {
                &e.provider_name
            };
            stmt.execute(params![
                connection_id,
                data.id,
                provider,
                e.context_length.map(|c| c as i64),
                e.max_completion_tokens.map(|c| c as i64),
                e.pricing.prompt,
                e.pricing.completion,
                e.pricing.request,
                e.status,
                e.uptime_last_30m,
                now,
            ])?;
        }
    }
    tx.commit()
}

/// Whether the endpoints of a model are stored and fresh.
pub fn endpoints_fresh(
    conn: &Connection,
    connection_id: &str,
    model_id: &str,
    max_age: Duration,
) -> rusqlite::Result<bool> {
    let at: Option<String> = conn
        .query_row(
            "SELECT MIN(fetched_at) FROM catalog_endpoints WHERE connection_id = ?1 AND model_id = ?2",
            params![connection_id, model_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(at.is_some_and(|at| age_ok(&at, max_age)))
}

/// Prices, context and output limits of one endpoint row, as stored.
type PriceRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// The dearest prices of any endpoint of `model_id` (the model's suffix such as `:floor` is
/// ignored: a suffix changes the routing order, not which endpoints can be reached). Falls
/// back to the model's catalog price when no endpoints are stored.
pub fn dearest_prices(
    conn: &Connection,
    connection_id: &str,
    model_id: &str,
) -> rusqlite::Result<Option<ModelPrices>> {
    let base = base_id(model_id);
    let mut stmt = conn.prepare_cached(
        "SELECT prompt_price, completion_price, request_price, context_length, max_completion_tokens
         FROM catalog_endpoints WHERE connection_id = ?1 AND model_id = ?2",
    )?;
    let rows: Vec<PriceRow> = stmt
        .query_map(params![connection_id, base], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let rows = if rows.is_empty() {
        conn.query_row(
            "SELECT prompt_price, completion_price, request_price, context_length, max_completion_tokens
             FROM catalog_models WHERE connection_id = ?1 AND model_id = ?2",
            params![connection_id, base],
            |r| Ok(vec![(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)]),
        )
        .optional()?
        .unwrap_or_default()
    } else {
        rows
    };
    let mut out: Option<ModelPrices> = None;
    for (p, c, rq, ctx, maxc) in rows {
        let (Some(p), Some(c)) = (p.as_deref().and_then(price), c.as_deref().and_then(price))
        else {
            continue;
        };
        let rq = rq.as_deref().and_then(price).unwrap_or(Decimal::ZERO);
        let entry = out.get_or_insert(ModelPrices {
            model_id: base.to_string(),
            prompt: p,
            completion: c,
            request: rq,
            context_length: None,
            max_completion_tokens: None,
        });
        entry.prompt = entry.prompt.max(p);
        entry.completion = entry.completion.max(c);
        entry.request = entry.request.max(rq);
        // The smallest context any endpoint offers is the one we can count on.
        if let Some(ctx) = ctx.and_then(|c| u64::try_from(c).ok()) {
            entry.context_length = Some(entry.context_length.map_or(ctx, |e| e.max(ctx)));
        }
        if let Some(m) = maxc.and_then(|c| u64::try_from(c).ok()) {
            entry.max_completion_tokens = Some(entry.max_completion_tokens.map_or(m, |e| e.max(m)));
        }
    }
    Ok(out)
}

/// Prices a producer entered for a connection without a price list.
pub fn manual_prices(
    conn: &Connection,
    connection_id: &str,
    model_id: &str,
) -> rusqlite::Result<Option<ModelPrices>> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT prompt_price, completion_price FROM connection_prices WHERE connection_id = ?1 AND model_id = ?2",
            params![connection_id, model_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(p, c)| {
        Some(ModelPrices {
            model_id: model_id.to_string(),
            prompt: price(&p)?,
            completion: price(&c)?,
            request: Decimal::ZERO,
            context_length: None,
            max_completion_tokens: None,
        })
    }))
}

/// Sets the prices of one model on a connection without a price list.
pub fn set_manual_prices(
    conn: &Connection,
    connection_id: &str,
    model_id: &str,
    prompt: Decimal,
    completion: Decimal,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO connection_prices (connection_id, model_id, prompt_price, completion_price) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (connection_id, model_id) DO UPDATE SET prompt_price = excluded.prompt_price, completion_price = excluded.completion_price",
        params![connection_id, model_id, prompt.to_string(), completion.to_string()],
    )?;
    Ok(())
}

/// Every model of the stored catalog.
pub fn models(conn: &Connection, connection_id: &str) -> rusqlite::Result<Vec<CatalogModel>> {
    let mut stmt = conn.prepare(
        "SELECT model_id, name, context_length, prompt_price, completion_price FROM catalog_models
         WHERE connection_id = ?1 ORDER BY model_id",
    )?;
    let rows = stmt.query_map([connection_id], |r| {
        let p: Option<String> = r.get(3)?;
        let c: Option<String> = r.get(4)?;
        Ok(CatalogModel {
            id: r.get(0)?,
            name: r.get(1)?,
            context_length: r
                .get::<_, Option<i64>>(2)?
                .and_then(|c| u64::try_from(c).ok()),
            prompt_price: p.as_deref().and_then(price),
            completion_price: c.as_deref().and_then(price),
        })
    })?;
    rows.collect()
}

/// The model id without a routing suffix (`:floor`, `:nitro`, `:free`).
pub fn base_id(model_id: &str) -> &str {
    match model_id.rsplit_once(':') {
        Some((base, "floor" | "nitro" | "free" | "online" | "extended" | "thinking")) => base,
        _ => model_id,
    }
}
