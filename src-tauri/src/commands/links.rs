use tauri::State;

use crate::dto::{LinkHistoryItem, QrFormat};
use crate::error::UiResult;
use crate::qr;
use crate::state::AppState;

#[tauri::command]
pub async fn qr_svg(text: String) -> UiResult<String> {
    qr::svg(&text)
}

#[tauri::command]
pub async fn qr_png_base64(text: String) -> UiResult<String> {
    qr::png_base64(&text)
}

#[tauri::command]
pub async fn qr_save(text: String, format: QrFormat, path: String) -> UiResult<()> {
    qr::save(&text, format, &path)
}

#[tauri::command]
pub async fn link_history(state: State<'_, AppState>) -> UiResult<Vec<LinkHistoryItem>> {
    Ok(state.link_history())
}

#[tauri::command]
pub async fn link_history_clear(state: State<'_, AppState>) -> UiResult<()> {
    state.link_history_clear()
}
