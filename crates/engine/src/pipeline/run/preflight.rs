//! Before a run, every stage's chain is checked against the connection's current catalog:
//! ids it does not list are never sent (not in the `models` array, not alone). A retired model
//! is replaced by its successor when the connection lists one, else left out; the producer is
//! told once, in plain words with display names, what each stage will use instead. A stage
//! with no listed model at all is refused before anything is spent. A chain that mixes free
//! and paid models says what a paid backup would cost. Notes too long for every model of a
//! stage are refused here too, before anything is spent.

use rust_decimal::Decimal;

use super::super::notes_store::StoredNote;
use super::super::{research, Episode, PipelineError, Stage, StagePlan};
use super::error::RunError;
use super::events::{display_name, Emit, ProgressEvent};
pub use crate::catalog::model_ids::{listed_id, name_from_id};
use crate::catalog::CatalogModel;

/// "A", "A, then B", "A, then B, then C".
fn then_list(names: &[String]) -> String {
    names.join(", then ")
}

/// One thing the producer is told before the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub stage: Stage,
    pub model: String,
    pub message: String,
}

/// Checks and adjusts `plan` against the catalog's ids. `name` gives a listed model's display
/// name; `successor` the replacement of a retired id, if any is known; `suggest` the current
/// preset's models for a stage. Returns the plan to run with and what to tell the producer,
/// or the refusal.
pub fn resolve(
    plan: &StagePlan,
    listed: &[String],
    name: &dyn Fn(&str) -> String,
    successor: &dyn Fn(&str) -> Option<String>,
    suggest: &dyn Fn(Stage) -> Vec<String>,
) -> Result<(StagePlan, Vec<Notice>), String> {
    let is_listed = |m: &str| listed.iter().any(|l| l == listed_id(m));
    let mut out = plan.clone();
    let mut notices = Vec::new();
    for stage in Stage::ALL {
        let chain = &plan.get(stage).chain;
        let mut kept: Vec<String> = Vec::new();
        let mut gone: Vec<String> = Vec::new();
        for m in &chain.models {
            if is_listed(m) {
                if !kept.contains(m) {
                    kept.push(m.clone());
                }
                continue;
            }
            gone.push(m.clone());
            if let Some(next) = successor(listed_id(m)).filter(|n| is_listed(n)) {
                if !kept.contains(&next) && !chain.models.contains(&next) {
                    kept.push(next);
                }
            }
        }
        if kept.is_empty() {
            let names: Vec<String> = gone.iter().map(|m| name_from_id(m)).collect();
            let suggestion: Vec<String> = suggest(stage)
                .into_iter()
                .filter(|m| is_listed(m))
                .map(|m| name(&m))
                .collect();
            let hint = if suggestion.is_empty() {
                "Choose models for it in the episode's settings".to_string()
            } else {
                format!(
                    "Choose models for it, for example the current preset's: {}",
                    suggestion.join(", ")
                )
            };
            return Err(format!(
                "{} has no model this connection offers ({} {} no longer offered). {hint}. Nothing was spent.",
                stage.label(),
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" },
            ));
        }
        if !gone.is_empty() {
            let uses: Vec<String> = kept.iter().map(|m| name(m)).collect();
            for g in &gone {
                notices.push(Notice {
                    stage,
                    model: g.clone(),
                    message: format!(
                        "{} is no longer offered: {} will use {}",
                        name_from_id(g),
                        stage.label(),
                        then_list(&uses)
                    ),
                });
            }
        }
        out.get_mut(stage).chain.models = kept;
    }
    Ok((out, notices))
}

/// For chains that start free and have paid backups: what a paid backup's answer could cost.
pub fn paid_backup_notices(
    plan: &StagePlan,
    catalog: &[CatalogModel],
    name: &dyn Fn(&str) -> String,
) -> Vec<Notice> {
    let mut out = Vec::new();
    for stage in Stage::ALL {
        let s = plan.get(stage);
        let free = s.chain.models.iter().any(|m| is_free(m, catalog));
        let paid: Vec<&String> = s
            .chain
            .models
            .iter()
            .filter(|m| !is_free(m, catalog))
            .collect();
        let Some(first_paid) = paid.first() else {
            continue;
        };
        if !free {
            continue;
        }
        let price = catalog
            .iter()
            .find(|c| c.id == listed_id(first_paid))
            .and_then(|c| c.completion_price);
        let cost = price
            .map(|p| crate::money::display_usd((p * Decimal::from(s.max_tokens)).round_dp(4)))
            .unwrap_or_else(|| "an unknown amount".into());
        out.push(Notice {
            stage,
            model: first_paid.to_string(),
            message: format!(
                "{} starts with free models; if they are busy or their daily quota is used up, {} takes over as a paid backup, at up to {cost} per answer",
                stage.label(),
                name(first_paid)
            ),
        });
    }
    out
}

/// Free: a `:free` id, or a catalog price of zero.
pub fn is_free(model: &str, catalog: &[CatalogModel]) -> bool {
    listed_id(model).ends_with(":free")
        || catalog.iter().any(|c| {
            c.id == listed_id(model)
                && c.prompt_price.is_some_and(|p| p.is_zero())
                && c.completion_price.is_some_and(|p| p.is_zero())
        })
}

/// Checks the episode's chains against the stored catalog and adjusts `ep.plan` for this
/// run; tells the producer what changed. Does nothing when there is no catalog (another kind
/// of connection, or `/models` could not be read).
pub(crate) fn adjust_plan(
    conn: &rusqlite::Connection,
    connection_id: &str,
    ep: &mut Episode,
    emit: &mut Emit<'_>,
) -> Result<(), RunError> {
    let catalog = crate::catalog::models(conn, connection_id).map_err(PipelineError::Store)?;
    if catalog.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = catalog.iter().map(|c| c.id.clone()).collect();
    let name = |m: &str| display_name(conn, connection_id, m);
    let suggest = |stage: Stage| {
        crate::pipeline::stage::CURRENT_TIERS
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, ms)| ms.iter().map(|m| m.to_string()).collect())
            .unwrap_or_default()
    };
    let (plan, mut notices) = resolve(&ep.plan, &listed, &name, &successor, &suggest)
        .map_err(|m| RunError::Pipeline(PipelineError::Invalid(m)))?;
    notices.extend(paid_backup_notices(&plan, &catalog, &name));
    for n in notices {
        tracing::info!(stage = n.stage.as_str(), model = %n.model, "chain adjusted before the run");
        emit(ProgressEvent::ModelsChanged {
            stage: n.stage,
            model: n.model,
            message: n.message,
        });
    }
    ep.plan = plan;
    Ok(())
}

/// Refuses, before any call, notes too long for every model of a stage: each stage's largest
/// prompt (about 4 bytes a token) must fit the context of at least one model.
pub(crate) fn check_context(
    conn: &rusqlite::Connection,
    connection_id: &str,
    ep: &Episode,
    notes: &[StoredNote],
) -> Result<(), RunError> {
    let all_notes: usize = notes
        .iter()
        .map(|n| n.text.len() + n.source_name.len() + 8)
        .sum();
    let largest_batch = research::plan(notes)
        .iter()
        .map(|b| {
            b.pieces
                .iter()
                .map(|(l, t)| l.len() + t.len())
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0);
    for stage in Stage::ALL {
        let settings = ep.plan.get(stage);
        let prompt_bytes = match stage {
            Stage::Research => largest_batch,
            Stage::Synthesis => {
                (ep.plan.research.max_tokens as usize) * 4 * research::plan(notes).len()
            }
            Stage::Script | Stage::QualityCheck => {
                all_notes + ep.brief.brief.len() + 4 * settings.max_tokens as usize
            }
        };
        let needed = (prompt_bytes / 4) as u64 + u64::from(settings.max_tokens);
        let contexts: Vec<u64> = settings
            .chain
            .models
            .iter()
            .filter_map(|m| {
                crate::catalog::dearest_prices(conn, connection_id, m)
                    .ok()
                    .flatten()
                    .and_then(|p| p.context_length)
            })
            .collect();
        // Unknown contexts (no catalog) are not held against the notes.
        if let Some(largest) = contexts.iter().max() {
            if contexts.len() == settings.chain.models.len() && needed > *largest {
                let words = needed * 3 / 4;
                let fits = largest * 3 / 4;
                return Err(PipelineError::Invalid(format!(
                    "The notes are too long for every model in {}: about {words} words, and the largest of them reads about {fits}. Remove some notes, or choose a model that reads more.",
                    stage.label()
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// The model that replaced a retired one, from the settings' table of successors; `resolve`
/// uses it only when the connection lists it.
fn successor(retired: &str) -> Option<String> {
    crate::settings::current_replacement(retired).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::original_design;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn retired_ids_are_left_out_and_named_in_plain_words() {
        let listed = ids(&[
            "mistralai/mixtral-8x7b-instruct",
            "openai/gpt-3.5-turbo",
            "deepseek/deepseek-r1",
            "anthropic/claude-3-sonnet",
            "anthropic/claude-3-opus",
            "openai/gpt-4",
            "openai/gpt-4-turbo",
        ]);
        let name = |m: &str| name_from_id(m);
        let (plan, notices) =
            resolve(&original_design(), &listed, &name, &|_| None, &|_| vec![]).unwrap();
        assert_eq!(
            plan.research.chain.models,
            ids(&["mistralai/mixtral-8x7b-instruct", "openai/gpt-3.5-turbo"])
        );
        assert_eq!(
            plan.quality_check.chain.models,
            ids(&["openai/gpt-4-turbo", "anthropic/claude-3-sonnet"])
        );
        let messages: Vec<&str> = notices.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "Claude Instant 1 is no longer offered: Research will use Mixtral 8x7b Instruct, then GPT 3.5 Turbo",
                "Gemini Pro is no longer offered: Quality check will use GPT 4 Turbo, then Claude 3 Sonnet",
            ]
        );
    }

    #[test]
    fn a_successor_the_catalog_lists_takes_the_retired_models_place() {
        let listed = ids(&["openai/gpt-3.5-turbo", "anthropic/claude-haiku-4.5"]);
        let mut plan = original_design();
        plan.research.chain.models = ids(&["anthropic/claude-instant-1", "openai/gpt-3.5-turbo"]);
        let succ = |m: &str| {
            (m == "anthropic/claude-instant-1").then(|| "anthropic/claude-haiku-4.5".to_string())
        };
        let r = resolve(&plan, &listed, &|m| name_from_id(m), &succ, &|_| vec![]);
        // The other stages name nothing listed: refused, naming the first such stage.
        let err = r.unwrap_err();
        assert!(
            err.starts_with("Synthesis has no model this connection offers"),
            "{err}"
        );
        for s in [Stage::Synthesis, Stage::Script, Stage::QualityCheck] {
            plan.get_mut(s).chain.models = ids(&["openai/gpt-3.5-turbo"]);
        }
        let (plan, notices) =
            resolve(&plan, &listed, &|m| name_from_id(m), &succ, &|_| vec![]).unwrap();
        assert_eq!(
            plan.research.chain.models,
            ids(&["anthropic/claude-haiku-4.5", "openai/gpt-3.5-turbo"])
        );
        assert!(notices[0]
            .message
            .ends_with("Research will use Claude Haiku 4.5, then GPT 3.5 Turbo"));
    }

    #[test]
    fn a_stage_with_nothing_listed_is_refused_with_a_suggestion() {
        let listed = ids(&["openai/gpt-4.1-mini", "openai/gpt-3.5-turbo"]);
        let mut plan = original_design();
        for s in Stage::ALL {
            plan.get_mut(s).chain.models = ids(&["openai/gpt-3.5-turbo"]);
        }
        plan.quality_check.chain.models = ids(&["google/gemini-pro"]);
        let err = resolve(&plan, &listed, &|m| name_from_id(m), &|_| None, &|_| {
            ids(&["openai/gpt-4.1-mini", "google/gemini-2.5-flash-preview"])
        })
        .unwrap_err();
        assert_eq!(
            err,
            "Quality check has no model this connection offers (Gemini Pro is no longer offered). Choose models for it, for example the current preset's: GPT 4.1 Mini. Nothing was spent."
        );
    }

    #[test]
    fn a_chain_mixing_free_and_paid_models_says_what_a_paid_backup_costs() {
        let model = |id: &str, completion: &str| CatalogModel {
            id: id.to_string(),
            name: id.to_string(),
            context_length: Some(128_000),
            prompt_price: Some(if completion == "0" {
                Decimal::ZERO
            } else {
                Decimal::new(2, 7)
            }),
            completion_price: Some(completion.parse().unwrap()),
        };
        let catalog = vec![
            model("google/gemma-4-31b-it:free", "0"),
            model("anthropic/claude-haiku-4.5", "0.000005"),
        ];
        let mut plan = original_design();
        for s in Stage::ALL {
            plan.get_mut(s).chain.models = ids(&["anthropic/claude-haiku-4.5"]);
        }
        plan.research.chain.models =
            ids(&["google/gemma-4-31b-it:free", "anthropic/claude-haiku-4.5"]);
        plan.research.max_tokens = 4000;
        let notices = paid_backup_notices(&plan, &catalog, &|m| name_from_id(m));
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].stage, Stage::Research);
        assert_eq!(
            notices[0].message,
            "Research starts with free models; if they are busy or their daily quota is used up, Claude Haiku 4.5 takes over as a paid backup, at up to $0.02 per answer"
        );
    }

    #[test]
    fn routing_suffixes_are_not_part_of_the_id_but_free_is() {
        assert_eq!(listed_id("google/gemini-pro:nitro"), "google/gemini-pro");
        assert_eq!(listed_id("x/y:free"), "x/y:free");
    }
}
