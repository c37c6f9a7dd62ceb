//! Another service chosen by the name the producer gave it in the app, for the command line:
//! its address, its limit switch and its key (from `CASTWRIGHT_KEY_<NAME>`, else the
//! keychain). Its prices are the ones the producer entered, read by the router as in the app.

use rusqlite::{Connection, OptionalExtension};

use super::other::Endpoint;
use crate::secrets::{Keychain, SecretsError, Sensitive};

/// The environment variable that carries a service's key for one command:
/// `CASTWRIGHT_KEY_` and the name in capitals, every run of other characters one `_`
/// ("My local server" → `CASTWRIGHT_KEY_MY_LOCAL_SERVER`).
pub fn key_env(name: &str) -> String {
    let mut out = String::from("CASTWRIGHT_KEY_");
    let mut gap = false;
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
            gap = false;
        } else {
            gap = true;
        }
    }
    out
}

/// A service found by name: where it is, and whether the app holds a key for it.
#[derive(Debug, Clone)]
pub struct Found {
    pub endpoint: Endpoint,
    pub key_set: bool,
}

/// The service named `name` (any case) or with that id, without its key.
pub fn find(conn: &Connection, name: &str) -> rusqlite::Result<Option<Found>> {
    let wanted = name.trim();
    conn.query_row(
        "SELECT id, name, base_url, spending_limit_off, key_set_at IS NOT NULL FROM connections \
         WHERE kind = 'openai_compatible' AND (name = ?1 COLLATE NOCASE OR id = ?1) \
         ORDER BY created_at LIMIT 1",
        [wanted],
        |r| {
            Ok(Found {
                endpoint: Endpoint {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    base_url: r.get(2)?,
                    key: None,
                    limit_off: r.get(3)?,
                },
                key_set: r.get(4)?,
            })
        },
    )
    .optional()
}

/// The names of every service set up in the app, to suggest when a name matches none.
pub fn names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM connections WHERE kind = 'openai_compatible' ORDER BY created_at",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// The service's key: the environment's when set (the keychain is not touched then), else
/// the keychain's when the app stored one; `None` when neither has one (a local server may
/// need none).
pub fn key(found: &Found, keychain: &Keychain) -> Result<Option<Sensitive<String>>, SecretsError> {
    if let Ok(k) = std::env::var(key_env(&found.endpoint.name)) {
        if !k.trim().is_empty() {
            return Ok(Some(Sensitive::new(k.trim().to_string())));
        }
    }
    if !found.key_set {
        return Ok(None);
    }
    keychain.get(&found.endpoint.id)
}

#[cfg(test)]
mod tests {
    use super::key_env;

    #[test]
    fn env_names_are_capitals_and_underscores() {
        assert_eq!(key_env("My local server"), "CASTWRIGHT_KEY_MY_LOCAL_SERVER");
        assert_eq!(key_env("  Groq (fast)! "), "CASTWRIGHT_KEY_GROQ_FAST");
        assert_eq!(key_env("mistral.ai-eu"), "CASTWRIGHT_KEY_MISTRAL_AI_EU");
    }
}
