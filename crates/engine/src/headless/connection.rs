//! The connection `--connection` names, built by the engine's one way of connecting
//! (`crate::connections::connect`): here only where its key comes from on the command line
//! (`CASTWRIGHT_OPENROUTER_KEY` or a service's `CASTWRIGHT_KEY_<NAME>`, else the keychain)
//! and what the producer reads when it cannot be had.

use std::sync::{Arc, Mutex};

use super::args::{ConnectionArg, ProduceArgs};
use super::exit_codes::Stop;
use super::progress::progress;
use super::report::Report;
use super::KEY_ENV;
use crate::connections::by_name;
use crate::connections::connect::{connect, Connected, Target};
use crate::secrets::{Keychain, Sensitive, OPENROUTER_ACCOUNT};
use crate::settings::Settings;
use crate::store::Store;
use crate::ErrorCode;

pub(super) async fn open(
    args: &ProduceArgs,
    settings: &Settings,
    store: &Arc<Mutex<Store>>,
    report: &mut Report,
) -> Result<Connected, Stop> {
    let target = match &args.connection {
        ConnectionArg::Demo => Target::Demo,
        ConnectionArg::Openrouter => Target::OpenRouter {
            base_url: args.base_url.clone(),
            key: openrouter_key()?,
        },
        ConnectionArg::Service(name) => {
            let found = {
                let guard = store.lock().unwrap_or_else(|e| e.into_inner());
                service(guard.conn(), name)?
            };
            let key = by_name::key(&found, &Keychain::from_env()).map_err(|e| {
                Stop::new(
                    ErrorCode::KeyMissing,
                    format!(
                        "{e} You can also set {} for this command.",
                        by_name::key_env(&found.endpoint.name)
                    ),
                )
            })?;
            progress(&format!("connection: {}", found.endpoint.name));
            Target::Other(crate::connections::other::Endpoint {
                key,
                ..found.endpoint
            })
        }
    };
    let demo = matches!(target, Target::Demo);
    let connected = connect(target, settings, store.clone())
        .await
        .map_err(|e| Stop::new(e.code(), e.to_string()))?;
    if demo {
        report.simulated = true;
        progress(&format!("connection: demo ({})", crate::demo::LABEL));
    }
    Ok(connected)
}

/// OpenRouter's key: the environment variable, else the keychain.
fn openrouter_key() -> Result<Sensitive<String>, Stop> {
    if let Ok(k) = std::env::var(KEY_ENV) {
        if !k.trim().is_empty() {
            return Ok(Sensitive::new(k.trim().to_string()));
        }
    }
    match Keychain::from_env().get(OPENROUTER_ACCOUNT) {
        Ok(Some(k)) => Ok(k),
        Ok(None) => Err(Stop::new(ErrorCode::KeyMissing, format!(
            "No OpenRouter key is set. Paste one in Castwright's first-run screen, or set {KEY_ENV} for this command. Or try --connection demo, which needs no key."
        ))),
        Err(e) => Err(Stop::new(ErrorCode::KeyMissing, format!(
            "{e} You can also set {KEY_ENV} for this command, or try --connection demo."
        ))),
    }
}

/// The service named on the command line, or why it cannot be used.
fn service(conn: &rusqlite::Connection, name: &str) -> Result<by_name::Found, Stop> {
    let db = |e: rusqlite::Error| Stop::database(crate::store::plain_words(&e));
    if let Some(e) = by_name::find(conn, name).map_err(db)? {
        return Ok(e);
    }
    let known = by_name::names(conn).map_err(db)?;
    let hint = if known.is_empty() {
        "No other services are set up: add one in Castwright's Settings, or use --connection openrouter or demo.".to_owned()
    } else {
        format!(
            "The services set up in Castwright are: {}. Or use --connection openrouter or demo.",
            known.join(", ")
        )
    };
    Err(Stop::bad_input(format!(
        "There is no connection called \"{name}\". {hint}"
    )))
}
