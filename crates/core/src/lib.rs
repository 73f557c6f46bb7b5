//! wwdev-core: the WeCom domain for wwdev, with no Tauri and no UI.
//!
//! Everything the desktop app and the `wwdev` command line do with WeCom lives here,
//! so both behave the same and both are testable without a desktop.

pub mod clock;
pub mod diagnose;
pub mod domain;
pub mod log;
pub mod loopback;
pub mod move_aside;
pub mod record;
pub mod secret;
pub mod signature;

pub mod cache;
pub mod callback;
pub mod client;
pub mod errcode;
pub mod error;
pub mod flows;
pub mod http;
pub mod jssdk;
pub mod oauth;
pub mod profile;

#[cfg(test)]
mod testsrv;
