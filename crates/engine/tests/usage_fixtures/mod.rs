//! Fixtures shared by the usage tests: a real database file and log rows written through the
//! ledger's own writer. Each test file uses a part of them.
#![allow(dead_code)]

use castwright_engine::ledger::{self, AttemptRow, CostSource, Status};
use castwright_engine::store::Store;
use castwright_engine::usage;

/// A migrated database; adds the dashboard's indexes when the store's migration list does not
/// carry them yet, so these tests check the usage module on its own.
pub fn open_store(dir: &std::path::Path) -> Store {
    let store = Store::open_in(dir).unwrap();
    let has = |kind: &str, name: &str| -> bool {
        store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = ?1 AND name = ?2",
                [kind, name],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            > 0
    };
    if !has("index", "requests_requested") {
        store.conn().execute_batch(usage::SCHEMA_INDEXES).unwrap();
    }
    store
}

pub fn episode(store: &Store, id: &str, title: &str) {
    store
        .conn()
        .execute(
            "INSERT INTO episodes (id, title, budget_units, created_at, updated_at)
             VALUES (?1, ?2, 30000000000, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [id, title],
        )
        .unwrap();
}

/// One attempt, written through the ledger's own writer.
pub struct Attempt<'a> {
    pub call: &'a str,
    pub episode: Option<&'a str>,
    pub stage: Option<&'a str>,
    pub requested: &'a str,
    pub served: Option<&'a str>,
    pub status: Status,
    pub cost_units: i64,
    pub latency_ms: u64,
}

/// An attempt at `requested` with nothing else set: no episode, no stage, no answer.
pub fn at(requested: &str) -> Attempt<'_> {
    Attempt {
        call: "c",
        episode: None,
        stage: None,
        requested,
        served: None,
        status: Status::Ok,
        cost_units: 0,
        latency_ms: 0,
    }
}

impl Attempt<'_> {
    pub fn log(&self, store: &Store) -> u32 {
        let mut row = AttemptRow::new(self.call, "openrouter", self.requested);
        row.episode_id = self.episode.map(str::to_string);
        row.stage = self.stage.map(str::to_string);
        row.model_served = self.served.map(str::to_string);
        row.provider = self.served.map(|_| "Prov".to_string());
        row.status = self.status;
        row.cost_units = self.cost_units;
        row.cost_source = if self.cost_units > 0 {
            CostSource::Usage
        } else {
            CostSource::None
        };
        row.latency_ms = self.latency_ms;
        row.prompt_tokens = 1200;
        row.completion_tokens = 300;
        if self.status == Status::Error {
            row.error_kind = Some("rate_limited".into());
            row.error_message = Some("Too many requests".into());
        }
        u32::try_from(ledger::insert(store.conn(), &row).unwrap()).unwrap()
    }
}
