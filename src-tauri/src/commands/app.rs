use tauri::{AppHandle, Runtime, State};

use crate::dto::{AppInfo, Settings};
use crate::error::UiResult;
use crate::state::AppState;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> UiResult<AppInfo> {
    Ok(state.app_info())
}

/// Called by the UI once its first screen has rendered. With `--exit-when-ready`
/// the app then exits 0 (used by the startup benchmark and smoke tests).
#[tauri::command]
pub async fn app_ready<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> UiResult<()> {
    if state.mark_ready() {
        crate::startup_trace::step("first screen (app_ready)");
        tracing::info!("first screen rendered");
        if state.exit_when_ready {
            app.exit(0);
        }
    }
    Ok(())
}

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> UiResult<Settings> {
    Ok(state.settings_get())
}

#[tauri::command]
pub async fn settings_set(state: State<'_, AppState>, settings: Settings) -> UiResult<Settings> {
    state.settings_set(settings)
}
