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

/// Fetches a fresh access_token with the profile's corpid and secret: proves the base
/// URL, the corpid and the secret in one call. A failure is a result, not an error.
pub async fn test_connection(state: &AppState, id: &str) -> UiResult<crate::dto::ConnectionTest> {
    let r = state.resolve(id, "profile_test")?;
    let started = std::time::Instant::now();
    let outcome = match r.secret() {
        Err(e) => Err(e),
        Ok(secret) => r.cache.access_token(&r.client, &r.key, secret, true).await.map_err(Into::into),
    };
    let latency_ms = started.elapsed().as_millis() as u64;
    Ok(match outcome {
        Ok(c) => crate::dto::ConnectionTest { ok: true, latency_ms, error: None, token_expires_at: Some(c.expires_at) },
        Err(e) => crate::dto::ConnectionTest { ok: false, latency_ms, error: Some(e), token_expires_at: None },
    })
}

#[tauri::command]
pub async fn profile_test(state: State<'_, AppState>, id: String) -> UiResult<crate::dto::ConnectionTest> {
    test_connection(&state, &id).await
}
