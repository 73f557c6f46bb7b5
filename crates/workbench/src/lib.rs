//! wwdev-workbench: the app's state and every command body, with no Tauri.
//!
//! The desktop shell (src-tauri) hosts a [`Workbench`] and exposes the commands of the
//! registry (registry.rs) as Tauri commands; the CLI and the tests call the same code.
//! Host services come in through small traits (host.rs): key-value store, secret
//! store, event sink.
//!
//! Map: `registry.rs` (every command, once) → `api.rs` (a method per command) →
//! `commands/*` (the bodies, by screen) → wwdev-core / wwdev-sandbox / wwdev-signer.

#[macro_use]
mod registry;

pub mod api;
pub mod bindings;
pub mod commands;
pub mod host;
pub mod live;
pub mod qr;
pub mod request_log;
pub mod resolve;
pub mod secrets;
pub mod signer;
pub mod startup_trace;
pub mod state;
pub mod types;
pub mod types_diag;
pub mod types_log;

use std::path::Path;

pub use api::COMMANDS;
pub use state::{Host, SandboxSeed, Workbench};
pub use wwdev_core::error::{ErrorKind, UiError, UiResult};

/// The request log as opened at startup: the store, or why there is none, and the
/// message (en, zh) the UI shows once when a broken file was moved aside.
#[derive(Default)]
pub struct LogOpened {
    pub store: Option<wwdev_core::log::LogStore>,
    pub message: Option<(String, String)>,
}

impl LogOpened {
    /// No log this session, because of `why` (English, Chinese).
    pub fn failed(why: impl std::fmt::Display, why_zh: impl std::fmt::Display) -> Self {
        LogOpened {
            store: None,
            message: Some((
                format!("The request log could not be opened, so calls are not recorded this session: {why}"),
                format!("无法打开请求日志，本次会话的调用不会被记录：{why_zh}"),
            )),
        }
    }
}

/// Opens the shared request log (`$XDG_DATA_HOME/wwdev/requests.sqlite3`, the CLI's
/// default too; `path` overrides it) with the retention of `settings`. A broken file
/// is moved aside by the store; that, or why no log could be opened, becomes the
/// message.
pub fn log_open(path: Option<&Path>, settings: &types::Settings) -> LogOpened {
    let path = match path.map(Path::to_path_buf).map(Ok).unwrap_or_else(wwdev_core::log::default_log_path) {
        Ok(p) => p,
        Err(e) => {
            return LogOpened {
                store: None,
                message: Some((
                    format!("The request log is off for this session: {e}."),
                    format!("本次会话不记录请求日志：{}", e.message_zh()),
                )),
            };
        }
    };
    match wwdev_core::log::LogStore::open(&path, settings.retention()) {
        Ok((store, report)) => LogOpened {
            store: Some(store),
            message: report.message.map(|m| (m, report.message_zh.unwrap_or_default())),
        },
        Err(e) => {
            tracing::warn!(error = %e, "request log not opened");
            LogOpened::failed(&e, e.message_zh())
        }
    }
}

impl Workbench {
    /// Called when the UI's first screen has rendered; with `--exit-when-ready` the
    /// program then exits 0 (the startup benchmark and smoke tests use it).
    /// `marks`: the UI's own startup steps, printed by the startup trace.
    pub fn first_screen_shown(&self, marks: &[types::StartupMark]) {
        if self.mark_ready() {
            tracing::info!("first screen rendered");
            for m in marks {
                startup_trace::step(&format!("  (page: {} at {:.1} ms after navigation start)", m.name, m.ms));
            }
            startup_trace::step("first screen (app_ready)");
            self.log.open_now();
            if self.exit_when_ready {
                self.events.exit(0);
            }
        }
    }

    /// Starts the embedded sandbox on 127.0.0.1 and points the Sandbox profile at it.
    pub async fn start_sandbox(&self) -> UiResult<()> {
        let handle = wwdev_sandbox::start(wwdev_sandbox::SandboxConfig::default()).await.map_err(|e| {
            UiError::new2(
                ErrorKind::Io,
                format!("The embedded sandbox could not start: {e}"),
                format!("内置沙箱无法启动（详情：{e}）"),
            )
        })?;
        self.attach_sandbox(handle)
    }

    /// The app's startup work beside its window ([`Workbench::starting`]): starts the
    /// embedded sandbox, then lets commands through, also when that failed or panicked.
    pub async fn finish_startup(&self) -> UiResult<()> {
        struct Done<'a>(&'a Workbench);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.startup_done();
            }
        }
        let _done = Done(self);
        self.start_sandbox().await
    }
}
