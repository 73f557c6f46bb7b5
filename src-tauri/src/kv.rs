//! Non-secret app data (profiles, settings, link history) in tauri-plugin-store: a
//! JSON file under the app data dir. Secrets never go through it.

use std::sync::Arc;

use serde_json::Value;
use wwdev_workbench::host::KvStore;
use wwdev_workbench::{UiError, UiResult};

/// tauri-plugin-store backed storage; every write is saved to disk at once so a
/// crash never loses a saved profile.
pub struct PluginStore<R: tauri::Runtime>(pub Arc<tauri_plugin_store::Store<R>>);

impl<R: tauri::Runtime> KvStore for PluginStore<R> {
    fn get(&self, key: &str) -> Option<Value> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: Value) -> UiResult<()> {
        self.0.set(key, value);
        self.0.save().map_err(|e| {
            UiError::storage(format!("Could not save app data: {e}"), format!("无法保存应用数据（详情：{e}）")).hint2(
                "Check that the app data directory is writable and the disk is not full.",
                "请检查应用数据目录是否可写、磁盘是否已满。",
            )
        })
    }
}
