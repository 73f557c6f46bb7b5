//! A damaged store file (`wwdev.json`: profiles, settings, link history) is moved aside
//! before tauri-plugin-store opens it, and the app says so.
//!
//! Why: tauri-plugin-store 2.5 ignores a file it cannot parse (`let _ = load()` in
//! `StoreBuilder::build`) and starts empty; its first save then overwrites the damaged
//! file, so whatever was still readable in it is lost without a word. Moving the file
//! aside first keeps it for the user and lets the UI explain the empty profile list.

use std::fs;
use std::path::Path;

use tauri::{AppHandle, Runtime};
pub use wwdev_workbench::types::StoreRecovered;

/// Checks the store file `file` (relative to the app data dir, as given to
/// `app.store(file)`) and moves it aside when it is not a JSON object. Call before
/// `app.store(file)`.
pub fn recover_store<R: Runtime>(app: &AppHandle<R>, file: &str) -> Option<StoreRecovered> {
    let path = tauri_plugin_store::resolve_store_path(app, file).ok()?;
    let r = check_and_move(&path, now_secs())?;
    tracing::warn!(path = %r.path, moved_to = ?r.moved_to, reason = %r.reason, "store file moved aside");
    Some(r)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Why `bytes` is not a store the plugin can load: it deserialises the file as a map of
/// JSON values, so anything else (bad UTF-8, truncated JSON, an array…) is damage.
fn damage(bytes: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes).err().map(|e| e.to_string())
}

/// None when the file is absent or fine; otherwise moves it to
/// `<name>.corrupt-<UTC stamp>` (the request log's naming) and says what happened.
pub fn check_and_move(path: &Path, now: i64) -> Option<StoreRecovered> {
    let reason = match fs::read(path) {
        Ok(bytes) => damage(&bytes)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => format!("it could not be read: {e}"),
    };
    let (moved_to, move_error) = match wwdev_core::move_aside::move_aside(path, now) {
        Ok(p) => (Some(p.display().to_string()), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Some(StoreRecovered { path: path.display().to_string(), moved_to, move_error, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_619_200; // 2025-12-01T20:00:00Z

    #[test]
    fn a_missing_or_sound_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wwdev.json");
        assert_eq!(check_and_move(&path, NOW), None);
        fs::write(&path, br#"{"profiles":[],"settings":{"theme":"dark"}}"#).unwrap();
        assert_eq!(check_and_move(&path, NOW), None);
        assert!(path.exists());
    }

    #[test]
    fn truncated_json_is_moved_aside_with_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wwdev.json");
        let bytes = br#"{"profiles":[{"id":"p1","name":"Pro"#;
        fs::write(&path, bytes).unwrap();
        let r = check_and_move(&path, NOW).expect("damage not seen");
        assert!(!path.exists(), "the damaged file is still in place");
        let moved = std::path::PathBuf::from(r.moved_to.as_deref().unwrap());
        assert_eq!(moved.file_name().unwrap(), "wwdev.json.corrupt-20251201T200000Z");
        assert_eq!(fs::read(&moved).unwrap(), bytes);
        assert!(r.reason.contains("EOF"), "{}", r.reason);
        assert_eq!(r.move_error, None);
    }

    #[test]
    fn not_an_object_or_not_utf8_is_damage_and_names_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wwdev.json");
        fs::write(&path, b"[1,2,3]").unwrap();
        let first = check_and_move(&path, NOW).unwrap().moved_to.unwrap();
        fs::write(&path, b"\xff\xfe\x00garbage").unwrap();
        let second = check_and_move(&path, NOW).unwrap().moved_to.unwrap();
        assert_ne!(first, second);
        assert!(second.ends_with("-1"), "{second}");
        assert!(Path::new(&first).exists() && Path::new(&second).exists());
    }
}
