//! Tauri commands: thin wrappers that take the app state and call into it or wwdev-core.
//! `async` so blocking work (keyring, HTTP) never runs on the UI thread.

pub mod app;
pub mod links;
pub mod profiles;
