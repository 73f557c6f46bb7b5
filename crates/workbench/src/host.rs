//! What the workbench needs from the program that hosts it (the desktop shell, the CLI,
//! a test): where non-secret data is kept, where secrets are kept, and where live
//! events go. The shell implements them with tauri-plugin-store, the OS keyring and
//! Tauri events; tests use the in-memory versions here.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

pub use wwdev_core::profile::{MemorySecretStore, SecretStore};

use wwdev_core::error::UiResult;

/// Non-secret app data (profiles, settings, link history). Secrets never go through it.
pub trait KvStore: Send + Sync {
    fn get(&self, key: &str) -> Option<Value>;
    /// Sets and persists the value.
    fn set(&self, key: &str, value: Value) -> UiResult<()>;
}

#[derive(Default)]
pub struct MemoryKv(Mutex<HashMap<String, Value>>);

impl KvStore for MemoryKv {
    fn get(&self, key: &str) -> Option<Value> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }
    fn set(&self, key: &str, value: Value) -> UiResult<()> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_owned(), value);
        Ok(())
    }
}

/// Names of the events the workbench pushes to the UI.
pub mod events {
    /// A new request-log entry was written; payload: its id.
    pub const LOG_APPENDED: &str = "log-appended";
    /// A request reached the local signing endpoint; payload: `SignerEventView`.
    pub const SIGNER_EVENT: &str = "signer-event";
    /// A page reported something to the page bridge; payload: `LiveEventView`.
    pub const LIVE_EVENT: &str = "live-event";
    /// The request log opened in the background with something to say (a damaged file
    /// moved aside, or no log this session); payload: `{ message, message_zh }`.
    pub const LOG_OPENED: &str = "log-opened";
}

/// Where live events go (Tauri events in the app). Must not block.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: &str, payload: Value);
    /// Ends the program with `code` (used by `--exit-when-ready`); a no-op by default.
    fn exit(&self, _code: i32) {}
}

/// Drops every event (CLI, tests that do not look at events).
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _event: &str, _payload: Value) {}
}

/// Keeps every event, for tests.
#[derive(Default)]
pub struct RecordedEvents(pub Mutex<Vec<(String, Value)>>);

impl EventSink for RecordedEvents {
    fn emit(&self, event: &str, payload: Value) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push((event.to_owned(), payload));
    }
}
