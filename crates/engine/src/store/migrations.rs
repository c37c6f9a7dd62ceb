//! Ordered schema migrations. Each migration's SQL lives beside the domain that owns its
//! tables; this list only fixes their order. It names the files rather than the domains'
//! modules, so the store depends on no domain (the domains all use the store). A migration, once released, never changes:
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
        sql: include_str!("../connections/schema_v1.sql"),
    },
    Migration {
        version: 2,
        name: "request log, budget, cache, catalog",
        sql: include_str!("../ledger/schema_v2.sql"),
    },
    Migration {
        version: 3,
        name: "episodes, notes, artifacts, stage runs, verdicts, alerts",
        sql: include_str!("../pipeline/schema_v3.sql"),
    },
    Migration {
        version: 4,
        name: "dashboard indexes",
        sql: include_str!("../usage/indexes.sql"),
    },
    Migration {
        version: 5,
        name: "dashboard running totals",
        sql: include_str!("../usage/rollup.sql"),
    },
    Migration {
        version: 6,
        name: "raw script answers and the chat taken off them",
        sql: include_str!("../pipeline/schema_v6_answers.sql"),
    },
    Migration {
        version: 7,
        name: "run leases",
        sql: include_str!("../pipeline/run_lease.sql"),
    },
    Migration {
        version: 8,
        name: "stage run notes",
        sql: include_str!("../pipeline/schema_v6_stage_notes.sql"),
    },
];
