//! Tauri commands: thin wrappers that take the app state and call into it or wwdev-core.
//! `async` so blocking work (keyring, HTTP) never runs on the UI thread.

pub mod app;
pub mod console;
pub mod credentials;
pub mod diagnose;
pub mod domain;
pub mod errcodes;
pub mod identity;
pub mod links;
pub mod log;
pub mod profiles;
pub mod sandbox;
pub mod sign;
pub mod signer;
