//! Episodes: create, open, edit, duplicate, archive, delete; their stage plans and presets.

use castwright_engine::pipeline::stage::{self, ChainIssue};
use castwright_engine::pipeline::{episode, notes_store, Episode, EpisodeBrief, StagePlan};
use castwright_engine::settings::{self, Preset};
use serde::Serialize;
use tauri::State;

use crate::{AppState, IpcError};

/// An episode card in the library.
#[derive(Debug, Serialize, specta::Type)]
pub struct EpisodeCard {
    pub episode: Episode,
    /// What it has spent so far, USD.
    pub spent_usd: String,
    pub note_count: u32,
    pub running: bool,
}

// Asked while the first screen loads: off the main thread, so the window never waits on it.
#[tauri::command(async)]
#[specta::specta]
pub fn list_episodes(
    state: State<'_, AppState>,
    search: Option<String>,
    include_archived: bool,
) -> Result<Vec<EpisodeCard>, IpcError> {
    let store = state.db()?;
    let eps = episode::list(
        store.conn(),
        include_archived,
        search.as_deref().filter(|s| !s.trim().is_empty()),
    )?;
    let mut out = Vec::with_capacity(eps.len());
    for e in eps {
        let spent = castwright_engine::budget::spent(store.conn(), &format!("episode:{}", e.id))?;
        let note_count = notes_store::count(store.conn(), &e.id)?;
        out.push(EpisodeCard {
            running: state.is_running(&e.id),
            spent_usd: spent.to_string(),
            note_count,
            episode: e,
        });
    }
    Ok(out)
}

/// A new episode with the settings' default limit and preset.
#[tauri::command]
#[specta::specta]
pub async fn create_episode(
    state: State<'_, AppState>,
    brief: EpisodeBrief,
) -> Result<Episode, IpcError> {
    let loaded = settings::load(&state.data_dir)?.settings;
    let mut plan = default_plan(&state, &loaded).await;
    let connection = match (loaded.connection, &loaded.other_connection_id) {
        (settings::ConnectionChoice::Demo, _) => castwright_engine::demo::CONNECTION_ID,
        (settings::ConnectionChoice::Openrouter, _) => castwright_engine::connections::OPENROUTER,
        (settings::ConnectionChoice::Other, Some(id)) => {
            // "Cheapest" and "Fastest" are OpenRouter's routing; another service would take
            // the suffix as part of the model's name.
            for stage in castwright_engine::pipeline::Stage::ALL {
                plan.get_mut(stage).chain.variant = castwright_engine::routing::Variant::None;
            }
            id.as_str()
        }
        (settings::ConnectionChoice::Other, None) => {
            return Err(castwright_engine::connections::OtherError::NotFound.into())
        }
    };
    let store = state.db()?;
    Ok(episode::create(store.conn(), &brief, connection, &plan)?)
}

/// The default brief for the "New episode" form (limit from settings).
#[tauri::command]
#[specta::specta]
pub fn new_episode_brief(state: State<'_, AppState>) -> Result<EpisodeBrief, IpcError> {
    let loaded = settings::load(&state.data_dir)?.settings;
    Ok(EpisodeBrief {
        budget_usd: loaded.default_budget_usd,
        ..EpisodeBrief::default()
    })
}

pub(crate) async fn default_plan(state: &AppState, settings: &settings::Settings) -> StagePlan {
    match (settings.default_preset, &settings.custom_plan) {
        (Preset::Custom, Some(plan)) => plan.clone(),
        (Preset::Original, _) => stage::original_design(),
        (Preset::Current | Preset::Custom, _) => stage::current_models(&catalog_ids(state).await),
    }
}

/// Model ids of the active connection's catalog (fetched when stale); empty when unreachable.
async fn catalog_ids(state: &AppState) -> Vec<String> {
    let Ok(runner) = state.runner().await else {
        return Vec::new();
    };
    super::other_connections::refresh_catalog(state, &runner).await;
    runner.with_conn(|c| {
        castwright_engine::catalog::models(c, &runner.router().profile().id)
            .map(|m| m.into_iter().map(|m| m.id).collect())
            .unwrap_or_default()
    })
}

#[tauri::command]
#[specta::specta]
pub fn get_episode(state: State<'_, AppState>, episode_id: String) -> Result<Episode, IpcError> {
    Ok(episode::get(state.db()?.conn(), &episode_id)?)
}

#[tauri::command]
#[specta::specta]
pub fn update_episode(
    state: State<'_, AppState>,
    episode_id: String,
    brief: EpisodeBrief,
) -> Result<Episode, IpcError> {
    Ok(episode::update_brief(
        state.db()?.conn(),
        &episode_id,
        &brief,
    )?)
}

#[tauri::command]
#[specta::specta]
pub fn rename_episode(
    state: State<'_, AppState>,
    episode_id: String,
    title: String,
) -> Result<Episode, IpcError> {
    Ok(episode::rename(state.db()?.conn(), &episode_id, &title)?)
}

#[tauri::command]
#[specta::specta]
pub fn duplicate_episode(
    state: State<'_, AppState>,
    episode_id: String,
) -> Result<Episode, IpcError> {
    Ok(episode::duplicate(state.db()?.conn_mut(), &episode_id)?)
}

#[tauri::command]
#[specta::specta]
pub fn archive_episode(
    state: State<'_, AppState>,
    episode_id: String,
    archived: bool,
) -> Result<Episode, IpcError> {
    Ok(episode::set_archived(
        state.db()?.conn(),
        &episode_id,
        archived,
    )?)
}

/// Deletes an episode; the UI asks the producer to confirm first.
#[tauri::command]
#[specta::specta]
pub fn delete_episode(state: State<'_, AppState>, episode_id: String) -> Result<(), IpcError> {
    if state.is_running(&episode_id) {
        return Err(IpcError::new(
            castwright_engine::ErrorCode::InvalidInput,
            "Stop the run before deleting this episode.",
        ));
    }
    Ok(episode::delete(state.db()?.conn(), &episode_id)?)
}

#[tauri::command]
#[specta::specta]
pub fn set_stage_plan(
    state: State<'_, AppState>,
    episode_id: String,
    plan: StagePlan,
) -> Result<Episode, IpcError> {
    Ok(episode::set_plan(state.db()?.conn(), &episode_id, &plan)?)
}

/// Both presets, as the connection's catalog allows now, and the producer's own plan.
#[derive(Debug, Serialize, specta::Type)]
pub struct Presets {
    pub original: StagePlan,
    pub current: StagePlan,
    pub custom: Option<StagePlan>,
}

#[tauri::command]
#[specta::specta]
pub async fn stage_presets(state: State<'_, AppState>) -> Result<Presets, IpcError> {
    let ids = catalog_ids(&state).await;
    let custom = settings::load(&state.data_dir)?.settings.custom_plan;
    Ok(Presets {
        original: stage::original_design(),
        current: stage::current_models(&ids),
        custom,
    })
}

/// Plain-words problems with a plan's models (retired or unknown on this connection).
#[tauri::command]
#[specta::specta]
pub async fn check_stage_plan(
    state: State<'_, AppState>,
    plan: StagePlan,
) -> Result<Vec<ChainIssue>, IpcError> {
    let ids = catalog_ids(&state).await;
    let runner = state.runner().await?;
    Ok(stage::validate(&plan, &ids, &|m| runner.display(m)))
}
