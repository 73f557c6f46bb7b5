use tauri::State;

use crate::dto::{Profile, ProfileView, ProfilesView};
use crate::error::UiResult;
use crate::state::AppState;

#[tauri::command]
pub async fn profiles_list(state: State<'_, AppState>) -> UiResult<ProfilesView> {
    Ok(state.profiles_list())
}

#[tauri::command]
pub async fn profile_save(
    state: State<'_, AppState>,
    profile: Profile,
    secret: Option<String>,
) -> UiResult<ProfileView> {
    state.profile_save(profile, secret)
}

#[tauri::command]
pub async fn profile_delete(state: State<'_, AppState>, id: String) -> UiResult<()> {
    state.profile_delete(&id)
}

#[tauri::command]
pub async fn profile_duplicate(state: State<'_, AppState>, id: String) -> UiResult<ProfileView> {
    state.profile_duplicate(&id)
}

#[tauri::command]
pub async fn profile_set_active(state: State<'_, AppState>, id: String) -> UiResult<()> {
    state.profile_set_active(&id)
}

#[tauri::command]
pub async fn profiles_export(state: State<'_, AppState>) -> UiResult<String> {
    state.profiles_export()
}

#[tauri::command]
pub async fn profiles_import(state: State<'_, AppState>, json: String) -> UiResult<Vec<ProfileView>> {
    state.profiles_import(&json)
}
