//! The episode a headless run produces: the notes read from `--notes`, the brief from the
//! flags, and the episode itself, selected by its title or created, under its lease.

use std::sync::{Arc, Mutex};

use serde_json::json;

use super::args::{FormatArg, ProduceArgs};
use super::exit_codes::Stop;
use super::progress::progress;
use super::report::Report;
use crate::error_codes::CommandFailure;
use crate::notes::IngestedNote;
use crate::pipeline::run_lease::{self, RunLease};
use crate::pipeline::{episode, Episode, EpisodeBrief, Format, StagePlan};
use crate::store::Store;

/// Reads `--notes`; a file that cannot be used is named and skipped.
pub(super) fn read_notes(
    args: &ProduceArgs,
    report: &mut Report,
) -> Result<Vec<IngestedNote>, Stop> {
    let known = std::collections::HashSet::new();
    let batch = crate::notes::ingest_paths(&args.notes, &crate::notes::Limits::default(), &known);
    for r in &batch.rejected {
        let path = r
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| r.source_name.clone());
        progress(&format!("skipped {path}: {}", r.reason));
        report
            .skipped
            .push(json!({"path": path, "reason": r.reason}));
    }
    if batch.added.is_empty() {
        return Err(Stop::command(CommandFailure::NoUsableNotes, "None of the notes could be used: see the lines above for why. Give text, Markdown, web pages, PDF or Word files."));
    }
    Ok(batch.added)
}

/// The brief the flags describe.
pub(super) fn brief(
    args: &ProduceArgs,
    budget: rust_decimal::Decimal,
) -> Result<EpisodeBrief, Stop> {
    let brief = EpisodeBrief {
        title: args
            .episode
            .clone()
            .unwrap_or_else(|| title_from(&args.brief)),
        brief: args.brief.clone(),
        format: match args.format {
            FormatArg::Solo => Format::Solo,
            FormatArg::TwoHosts => Format::TwoHosts,
            FormatArg::Interview => Format::Interview,
        },
        hosts: if args.host.is_empty() {
            vec!["Alex".into(), "Sam".into()]
        } else {
            args.host.clone()
        },
        guests: args.guest.clone(),
        minutes: args.minutes,
        budget_usd: budget,
        ..EpisodeBrief::default()
    };
    brief
        .validate()
        .map_err(|e| Stop::bad_input(e.to_string()))?;
    Ok(brief)
}

/// Selects the episode by `--episode` or creates it, in one step so commands started together
/// share one episode, and holds its lease (taken now unless `lease` already holds it).
pub(super) fn select_or_create(
    store: &Arc<Mutex<Store>>,
    args: &ProduceArgs,
    brief: &EpisodeBrief,
    connection_id: &str,
    plan: &StagePlan,
    lease: &mut Option<RunLease>,
    report: &mut Report,
) -> Result<Episode, Stop> {
    let guard = store.lock().unwrap_or_else(|e| e.into_inner());
    let tx = rusqlite::Transaction::new_unchecked(
        guard.conn(),
        rusqlite::TransactionBehavior::Immediate,
    )
    .map_err(|e| Stop::database(crate::store::plain_words(&e)))?;
    let existing = match &args.episode {
        Some(name) => {
            episode::find_by_title(&tx, name).map_err(|e| Stop::database(e.to_string()))?
        }
        None => None,
    };
    // The episode is changed only under its lease.
    let held = lease.as_ref().map(|l| l.episode_id().to_string());
    if let Some(e) = existing.as_ref().filter(|e| held.as_ref() != Some(&e.id)) {
        report.episode_id = Some(e.id.clone());
        *lease = Some(run_lease::take_in(&tx, &e.id)?);
    }
    let ep = match existing {
        Some(e) => episode::update_brief(&tx, &e.id, brief)
            .and_then(|e| episode::set_plan(&tx, &e.id, plan)),
        None => episode::create(&tx, brief, connection_id, plan),
    }
    .map_err(|e| Stop::bad_input(e.to_string()))?;
    if lease.is_none() {
        *lease = Some(run_lease::take_in(&tx, &ep.id)?);
    }
    tx.commit()
        .map_err(|e| Stop::database(crate::store::plain_words(&e)))?;
    Ok(ep)
}

/// A title from the brief's first words, for runs without `--episode`.
pub(super) fn title_from(brief: &str) -> String {
    let words: Vec<&str> = brief.split_whitespace().take(8).collect();
    if words.is_empty() {
        return "Untitled episode".into();
    }
    // A brief without spaces would make one endless word: keep titles readable.
    let title = words.join(" ");
    match title.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", title[..cut].trim_end()),
        None => title,
    }
}
