//! Step 1 of a call: the prices. Before anything is reserved, the catalog and the endpoint
//! prices of the chain's models must be stored and fresh (OpenRouter), or entered by the
//! producer (another service), so the reservation can bound the worst case.

use std::time::{Duration, Instant};

use super::link::Link;
use crate::catalog::{self, ModelPrices};
use crate::gateway::{FailureKind, GatewayError};

/// How long a freshness check of the prices is trusted before the database is asked again
/// (a small slack on the hour the stored prices are kept).
const RECHECK: Duration = Duration::from_secs(60);

impl Link {
    /// Makes sure the catalog and the endpoint prices of `models` are stored and fresh.
    pub async fn ensure_prices(&self, models: &[String]) -> Result<(), GatewayError> {
        if !self.profile.speaks_openrouter() {
            return Ok(());
        }
        let id = self.profile.id.clone();
        if !self.checked_lately("") {
            let stale = self
                .books
                .with_conn(|c| catalog::is_stale(c, &id, catalog::DEFAULT_MAX_AGE))
                .unwrap_or(true);
            let fresh = !stale || {
                let models = self.client.models().await?;
                self.books
                    .with_conn(|c| catalog::store_models(c, &id, &models))
                    .is_ok()
            };
            if fresh {
                self.mark_checked("");
            }
        }
        for m in models {
            let base = catalog::base_id(m).to_string();
            if self.checked_lately(&base) {
                continue;
            }
            let fresh = self
                .books
                .with_conn(|c| catalog::endpoints_fresh(c, &id, &base, catalog::DEFAULT_MAX_AGE))
                .unwrap_or(false);
            if fresh {
                self.mark_checked(&base);
                continue;
            }
            match self.client.endpoints(&base).await {
                Ok(e) => {
                    let stored = self
                        .books
                        .with_conn(|c| catalog::store_endpoints(c, &id, &e.data));
                    if stored.is_ok() {
                        self.mark_checked(&base);
                    }
                }
                // A retired model has no endpoints: the call itself will find out and move on.
                Err(e) if e.kind == FailureKind::ModelNotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn checked_lately(&self, what: &str) -> bool {
        let checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        checked.get(what).is_some_and(|t| t.elapsed() < RECHECK)
    }

    fn mark_checked(&self, what: &str) {
        self.checked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(what.to_string(), Instant::now());
    }

    pub(super) fn prices_for(&self, model: &str) -> Result<Option<ModelPrices>, rusqlite::Error> {
        self.books.with_conn(|c| {
            if self.profile.speaks_openrouter() {
                catalog::dearest_prices(c, &self.profile.id, model)
            } else {
                catalog::manual_prices(c, &self.profile.id, model)
            }
        })
    }
}
