//! Exact-match response cache. The key is a hash of the canonical request: the connection's
//! id (never its URL, which changes for the demo each run — and so a simulated answer can
//! never be replayed on a real connection), the chain, the messages and the parameters that
//! shape the answer; not the `stream` flag. Only complete, successful answers are stored.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::gateway::Message;

/// What identifies an answer.
#[derive(Debug, Serialize)]
pub struct CacheKeyParts<'a> {
    pub connection_id: &'a str,
    pub models: &'a [String],
    pub messages: &'a [Message],
    pub max_tokens: Option<u32>,
    /// Temperature as text so that 0.7 and 0.70 do not differ by float formatting.
    pub temperature: Option<String>,
    pub response_format: Option<&'a serde_json::Value>,
    pub stop: Option<&'a [String]>,
}

pub fn key(parts: &CacheKeyParts<'_>) -> String {
    // serde_json writes struct fields in declaration order and object keys as given, so the
    // same request always serialises to the same bytes.
    let canonical = serde_json::to_vec(parts).unwrap_or_default();
    hex::encode(Sha256::digest(&canonical))
}

#[derive(Debug, Clone, PartialEq)]
pub struct CachedAnswer {
    pub model: String,
    pub provider: Option<String>,
    pub text: String,
    pub finish_reason: Option<String>,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// What the original answer cost, which a hit saves.
    pub cost_units: i64,
}

/// The stored answer for `key`, if any. Reads only: the hit is counted with `count_hit`,
/// which the router leaves to the bookkeeping writer.
pub fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<CachedAnswer>> {
    conn.prepare_cached(
        "SELECT model, provider, text, finish_reason, prompt_tokens, completion_tokens, cost_units
         FROM response_cache WHERE key = ?1",
    )?
    .query_row([key], |r| {
        Ok(CachedAnswer {
            model: r.get(0)?,
            provider: r.get(1)?,
            text: r.get(2)?,
            finish_reason: r.get(3)?,
            prompt_tokens: r.get(4)?,
            completion_tokens: r.get(5)?,
            cost_units: r.get(6)?,
        })
    })
    .optional()
}

/// Counts one reuse of `key` (the dashboard's savings).
pub fn count_hit(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE response_cache SET hits = hits + 1 WHERE key = ?1")?
        .execute([key])?;
    Ok(())
}

pub fn put(
    conn: &Connection,
    key: &str,
    connection_id: &str,
    answer: &CachedAnswer,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO response_cache (key, connection_id, model, provider, text, finish_reason,
            prompt_tokens, completion_tokens, cost_units, created_at, hits)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)",
    )?
    .execute(params![
            key,
            connection_id,
            answer.model,
            answer.provider,
            answer.text,
            answer.finish_reason,
            answer.prompt_tokens,
            answer.completion_tokens,
            answer.cost_units,
            crate::clock::stamp(crate::clock::now()),
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_depends_on_connection_and_content_only() {
        let models = vec!["openai/gpt-6.1-sol".to_string()];
        let msgs = vec![Message::user("hello")];
        let base = CacheKeyParts {
            connection_id: "demo",
            models: &models,
            messages: &msgs,
            max_tokens: Some(100),
            temperature: Some("0.7".into()),
            response_format: None,
            stop: None,
        };
        let k1 = key(&base);
        assert_eq!(k1, key(&CacheKeyParts { ..base }));
        let other_conn = CacheKeyParts {
            connection_id: "openrouter",
            models: &models,
            messages: &msgs,
            max_tokens: Some(100),
            temperature: Some("0.7".into()),
            response_format: None,
            stop: None,
        };
        assert_ne!(k1, key(&other_conn));
        let msgs2 = vec![Message::user("hello!")];
        let other_msg = CacheKeyParts {
            connection_id: "demo",
            models: &models,
            messages: &msgs2,
            max_tokens: Some(100),
            temperature: Some("0.7".into()),
            response_format: None,
            stop: None,
        };
        assert_ne!(k1, key(&other_msg));
        assert_eq!(k1.len(), 64);
    }
}
