//! Episodes: the producer's brief and everything about the show that shapes the script.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::stage::StagePlan;
use super::PipelineError;
use crate::money::{from_units, to_units};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// Named ShowFormat in TypeScript, beside the export module's Format (a container rename
// does not change how the values serialise).
#[serde(rename = "ShowFormat", rename_all = "snake_case")]
pub enum Format {
    Solo,
    TwoHosts,
    Interview,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Solo => "solo",
            Format::TwoHosts => "two_hosts",
            Format::Interview => "interview",
        }
    }
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "solo" => Some(Format::Solo),
            "two_hosts" | "two-hosts" => Some(Format::TwoHosts),
            "interview" => Some(Format::Interview),
            _ => None,
        }
    }
}

/// Which segments the script should have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Segments {
    pub cold_open: bool,
    pub intro: bool,
    pub main_segments: u32,
    pub ad_reads: u32,
    pub outro: bool,
}

impl Default for Segments {
    fn default() -> Self {
        Segments {
            cold_open: true,
            intro: true,
            main_segments: 3,
            ad_reads: 1,
            outro: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EpisodeStatus {
    Draft,
    Running,
    NeedsReview,
    Done,
}

impl EpisodeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EpisodeStatus::Draft => "draft",
            EpisodeStatus::Running => "running",
            EpisodeStatus::NeedsReview => "needs_review",
            EpisodeStatus::Done => "done",
        }
    }
    fn parse(s: &str) -> EpisodeStatus {
        match s {
            "running" => EpisodeStatus::Running,
            "needs_review" => EpisodeStatus::NeedsReview,
            "done" => EpisodeStatus::Done,
            _ => EpisodeStatus::Draft,
        }
    }
}

/// Words per minute of speech: sets the word target from the length.
pub const WORDS_PER_MINUTE: u32 = 150;

/// What the producer fills in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EpisodeBrief {
    pub title: String,
    pub brief: String,
    pub format: Format,
    pub hosts: Vec<String>,
    pub guests: Vec<String>,
    pub minutes: u32,
    pub tone: String,
    pub language: String,
    pub segments: Segments,
    /// Spending limit in USD, as a decimal string.
    #[cfg_attr(feature = "specta", specta(type = String))]
    #[serde(with = "rust_decimal::serde::str")]
    pub budget_usd: Decimal,
}

impl Default for EpisodeBrief {
    fn default() -> Self {
        EpisodeBrief {
            title: "Untitled episode".into(),
            brief: String::new(),
            format: Format::TwoHosts,
            hosts: vec!["Alex".into(), "Sam".into()],
            guests: Vec::new(),
            minutes: 10,
            tone: "warm, curious, clear".into(),
            language: "English".into(),
            segments: Segments::default(),
            budget_usd: Decimal::new(300, 2),
        }
    }
}

impl EpisodeBrief {
    /// Checks what a producer could get wrong; the message says what to change.
    pub fn validate(&self) -> Result<(), PipelineError> {
        let bad = |m: &str| Err(PipelineError::Invalid(m.to_string()));
        if clean(&self.title).is_empty() {
            return bad("Give the episode a title.");
        }
        if clean(&self.title).chars().count() > 200 {
            return bad("The title is too long: keep it under 200 characters.");
        }
        if self.brief.chars().count() > 20_000 {
            return bad(
                "The brief is too long: keep it under 20,000 characters and put the rest in notes.",
            );
        }
        if !(1..=180).contains(&self.minutes) {
            return bad("The length must be between 1 and 180 minutes.");
        }
        if self.hosts.iter().all(|h| clean(h).is_empty()) {
            return bad("Name at least one host.");
        }
        if self.format == Format::Interview && self.guests.iter().all(|g| clean(g).is_empty()) {
            return bad("An interview needs a guest: add the guest's name.");
        }
        if self.budget_usd < Decimal::new(1, 2) {
            return bad("The spending limit must be at least $0.01.");
        }
        Ok(())
    }

    pub fn word_target(&self) -> u32 {
        self.minutes * WORDS_PER_MINUTE
    }

    /// Speaker names as the script uses them, control characters removed.
    pub fn speakers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let hosts: Vec<String> = self
            .hosts
            .iter()
            .map(|h| clean(h))
            .filter(|h| !h.is_empty())
            .collect();
        let take = if self.format == Format::Solo {
            1
        } else {
            hosts.len()
        };
        out.extend(hosts.into_iter().take(take.max(1)));
        if self.format == Format::Interview {
            out.extend(
                self.guests
                    .iter()
                    .map(|g| clean(g))
                    .filter(|g| !g.is_empty()),
            );
        }
        out
    }
}

/// Removes control characters (a title can come from anywhere) and trims.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Episode {
    pub id: String,
    pub brief: EpisodeBrief,
    pub connection_id: String,
    pub plan: StagePlan,
    pub status: EpisodeStatus,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    pub last_run_at: Option<String>,
    /// Upper bound of the last estimate, USD.
    pub estimate_usd: Option<String>,
}

pub fn new_id() -> String {
    use rand::Rng;
    let t = time::OffsetDateTime::now_utc().unix_timestamp();
    let r: u32 = rand::thread_rng().gen();
    format!("ep_{t:x}{r:08x}")
}

pub fn create(
    conn: &Connection,
    brief: &EpisodeBrief,
    connection_id: &str,
    plan: &StagePlan,
) -> Result<Episode, PipelineError> {
    brief.validate()?;
    let id = new_id();
    let now = crate::clock::stamp(crate::clock::now());
    conn.execute(
        "INSERT INTO episodes (id, title, brief, format, hosts, guests, minutes, tone, language, segments,
            budget_units, connection_id, stage_settings, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
        params![
            id,
            clean(&brief.title),
            brief.brief,
            brief.format.as_str(),
            json(&brief.hosts),
            json(&brief.guests),
            brief.minutes,
            brief.tone,
            brief.language,
            json(&brief.segments),
            to_units(brief.budget_usd),
            connection_id,
            json(plan),
            now,
        ],
    )?;
    get(conn, &id)
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub fn get(conn: &Connection, id: &str) -> Result<Episode, PipelineError> {
    conn.query_row(
        "SELECT id, title, brief, format, hosts, guests, minutes, tone, language, segments, budget_units,
            connection_id, stage_settings, status, archived, created_at, updated_at, last_run_at, estimate_units
         FROM episodes WHERE id = ?1",
        [id],
        row_to_episode,
    )
    .optional()?
    .ok_or_else(|| PipelineError::NotFound("That episode no longer exists.".into()))
}

/// Finds an episode by exact title (the headless `--episode NAME`), newest first.
pub fn find_by_title(conn: &Connection, title: &str) -> Result<Option<Episode>, PipelineError> {
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM episodes WHERE title = ?1 ORDER BY created_at DESC LIMIT 1",
            [clean(title)],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| get(conn, &id)).transpose()
}

fn row_to_episode(r: &rusqlite::Row<'_>) -> rusqlite::Result<Episode> {
    let format: String = r.get(3)?;
    let hosts: String = r.get(4)?;
    let guests: String = r.get(5)?;
    let segments: String = r.get(9)?;
    let plan: String = r.get(12)?;
    let status: String = r.get(13)?;
    let estimate: Option<i64> = r.get(18)?;
    Ok(Episode {
        id: r.get(0)?,
        brief: EpisodeBrief {
            title: r.get(1)?,
            brief: r.get(2)?,
            format: Format::parse(&format).unwrap_or(Format::TwoHosts),
            hosts: serde_json::from_str(&hosts).unwrap_or_default(),
            guests: serde_json::from_str(&guests).unwrap_or_default(),
            minutes: r.get(6)?,
            tone: r.get(7)?,
            language: r.get(8)?,
            segments: serde_json::from_str(&segments).unwrap_or_default(),
            budget_usd: from_units(r.get(10)?),
        },
        connection_id: r.get(11)?,
        plan: serde_json::from_str(&plan).unwrap_or_else(|_| super::stage::original_design()),
        status: EpisodeStatus::parse(&status),
        archived: r.get::<_, i64>(14)? != 0,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
        last_run_at: r.get(17)?,
        estimate_usd: estimate.map(|u| from_units(u).to_string()),
    })
}

/// Every episode, newest first; archived ones only when asked; optional title/brief search.
pub fn list(
    conn: &Connection,
    include_archived: bool,
    search: Option<&str>,
) -> Result<Vec<Episode>, PipelineError> {
    let pattern = search.map(|s| format!("%{}%", s.replace('%', "\\%").replace('_', "\\_")));
    let mut stmt = conn.prepare(
        "SELECT id, title, brief, format, hosts, guests, minutes, tone, language, segments, budget_units,
            connection_id, stage_settings, status, archived, created_at, updated_at, last_run_at, estimate_units
         FROM episodes
         WHERE (?1 OR archived = 0)
           AND (?2 IS NULL OR title LIKE ?2 ESCAPE '\\' OR brief LIKE ?2 ESCAPE '\\')
         ORDER BY updated_at DESC",
    )?;
    let rows = stmt.query_map(params![include_archived, pattern], row_to_episode)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn update_brief(
    conn: &Connection,
    id: &str,
    brief: &EpisodeBrief,
) -> Result<Episode, PipelineError> {
    brief.validate()?;
    let n = conn.execute(
        "UPDATE episodes SET title = ?2, brief = ?3, format = ?4, hosts = ?5, guests = ?6, minutes = ?7,
            tone = ?8, language = ?9, segments = ?10, budget_units = ?11, updated_at = ?12 WHERE id = ?1",
        params![
            id,
            clean(&brief.title),
            brief.brief,
            brief.format.as_str(),
            json(&brief.hosts),
            json(&brief.guests),
            brief.minutes,
            brief.tone,
            brief.language,
            json(&brief.segments),
            to_units(brief.budget_usd),
            crate::clock::stamp(crate::clock::now()),
        ],
    )?;
    if n == 0 {
        return Err(PipelineError::NotFound(
            "That episode no longer exists.".into(),
        ));
    }
    get(conn, id)
}

pub fn rename(conn: &Connection, id: &str, title: &str) -> Result<Episode, PipelineError> {
    let mut e = get(conn, id)?;
    e.brief.title = title.to_string();
    update_brief(conn, id, &e.brief)
}

pub fn set_plan(conn: &Connection, id: &str, plan: &StagePlan) -> Result<Episode, PipelineError> {
    plan.check().map_err(PipelineError::Invalid)?;
    conn.execute(
        "UPDATE episodes SET stage_settings = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, json(plan), crate::clock::stamp(crate::clock::now())],
    )?;
    get(conn, id)
}

pub fn set_status(conn: &Connection, id: &str, status: EpisodeStatus) -> Result<(), PipelineError> {
    conn.execute(
        "UPDATE episodes SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![
            id,
            status.as_str(),
            crate::clock::stamp(crate::clock::now())
        ],
    )?;
    Ok(())
}

/// Records a run's start: the upper bound of what the episode may have spent by its end.
pub fn set_run_started(
    conn: &Connection,
    id: &str,
    estimate_units: i64,
) -> Result<(), PipelineError> {
    conn.execute(
        "UPDATE episodes SET estimate_units = ?2, last_run_at = ?3 WHERE id = ?1",
        params![id, estimate_units, crate::clock::stamp(crate::clock::now())],
    )?;
    Ok(())
}

pub fn set_archived(conn: &Connection, id: &str, archived: bool) -> Result<Episode, PipelineError> {
    conn.execute(
        "UPDATE episodes SET archived = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, archived, crate::clock::stamp(crate::clock::now())],
    )?;
    get(conn, id)
}

/// A copy with its brief, notes and settings — not its outputs or spend.
pub fn duplicate(conn: &mut Connection, id: &str) -> Result<Episode, PipelineError> {
    let src = get(conn, id)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut brief = src.brief.clone();
    brief.title = format!("{} (copy)", src.brief.title);
    let copy = create(&tx, &brief, &src.connection_id, &src.plan)?;
    tx.execute(
        "INSERT INTO notes (episode_id, position, source_name, path, hash, text, word_count, preview, warning, added_at)
         SELECT ?2, position, source_name, path, hash, text, word_count, preview, warning, added_at FROM notes WHERE episode_id = ?1",
        params![id, copy.id],
    )?;
    tx.commit()?;
    get(conn, &copy.id)
}

/// Deletes the episode and everything that belongs to it (notes, versions, runs, verdicts —
/// by foreign-key cascade). The request log keeps its rows: money that was spent stays
/// accounted for.
pub fn delete(conn: &Connection, id: &str) -> Result<(), PipelineError> {
    let n = conn.execute("DELETE FROM episodes WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(PipelineError::NotFound(
            "That episode no longer exists.".into(),
        ));
    }
    Ok(())
}
