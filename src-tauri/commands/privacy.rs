//! "Which of my models does the privacy choice rule out?" — asked of OpenRouter itself, one
//! word per model of the default chains (see the engine's `privacy` module).

use castwright_engine::privacy::{self, PrivacyCheck};
use castwright_engine::settings;
use tauri::State;

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn privacy_check(state: State<'_, AppState>) -> Result<PrivacyCheck, IpcError> {
    let loaded = settings::load(&state.data_dir)?.settings;
    let plan = super::episodes::default_plan(&state, &loaded).await;
    let runner = state.runner().await?;
    let name = |m: &str| runner.display(m);
    Ok(privacy::check(runner.router(), &plan, loaded.monthly_limit_usd, &name).await?)
}
