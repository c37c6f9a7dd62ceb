//! Ordered schema migrations. Each migration's SQL lives beside the domain that owns its
//! tables; this list only fixes their order. A migration, once released, never changes:
//! new columns and tables come as new entries.

/// One step of the schema; `version` is what `PRAGMA user_version` holds after it.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "connections",
        sql: crate::connections::SCHEMA_V1,
    },
    Migration {
        version: 2,
        name: "request log, budget, cache, catalog",
        sql: crate::ledger::SCHEMA_V2,
    },
    Migration {
        version: 3,
        name: "episodes, notes, artifacts, stage runs, verdicts, alerts",
        sql: crate::pipeline::SCHEMA_V3,
    },
    Migration {
        version: 4,
        name: "dashboard indexes",
        sql: crate::usage::SCHEMA_INDEXES,
    },
    Migration {
        version: 5,
        name: "dashboard running totals",
        sql: crate::usage::SCHEMA_ROLLUP,
    },
    Migration {
        version: 6,
        name: "raw script answers and the chat taken off them",
        sql: crate::pipeline::SCHEMA_ANSWERS,
    },
    Migration {
        version: 7,
        name: "run leases",
        sql: crate::pipeline::run_lease::SCHEMA,
    },
    Migration {
        version: 8,
        name: "stage run notes",
        sql: crate::pipeline::stage_runs::SCHEMA_NOTES,
    },
];
