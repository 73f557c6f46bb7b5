//! Persistence of non-secret app data (profiles, settings, link history).
//!
//! The app uses tauri-plugin-store (a JSON file under the app data dir); tests use
//! the in-memory implementation. Secrets never go through this trait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::error::{UiError, UiResult};

pub trait KvStore: Send + Sync {
    fn get(&self, key: &str) -> Option<Value>;
    /// Sets and persists the value.
    fn set(&self, key: &str, value: Value) -> UiResult<()>;
}

#[derive(Default)]
pub struct MemoryKv(Mutex<HashMap<String, Value>>);

impl KvStore for MemoryKv {
    fn get(&self, key: &str) -> Option<Value> {
        self.0.lock().unwrap().get(key).cloned()
    }
    fn set(&self, key: &str, value: Value) -> UiResult<()> {
        self.0.lock().unwrap().insert(key.to_owned(), value);
        Ok(())
    }
}

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
            UiError::storage(format!("Could not save app data: {e}"))
                .with_hint("Check that the app data directory is writable and the disk is not full.")
        })
    }
}
