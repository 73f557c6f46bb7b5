//! wwdev desktop shell: hosts a `wwdev_workbench::Workbench` — the keyring, the plugin
//! store, Tauri events — and exposes the workbench's registered commands as Tauri
//! commands. No logic of its own lives here.

pub mod kv;
pub mod secrets;
pub mod store_recovery;

use std::sync::Arc;

use tauri::{Emitter, Manager};
use tauri_plugin_store::StoreExt;
use wwdev_workbench::api::prelude::*;
use wwdev_workbench::host::{EventSink, MemorySecretStore, SecretStore};
use wwdev_workbench::request_log::LogSource;
use wwdev_workbench::startup_trace;
use wwdev_workbench::{Host, Workbench};

use crate::kv::PluginStore;
use crate::secrets::{KEYRING_SERVICE, KeyringSecretStore};

/// Name of the tauri-plugin-store file under the app data dir. Holds profiles (no
/// secrets), settings and link history.
pub const STORE_FILE: &str = "wwdev.json";

/// How long `--exit-when-ready` waits for the UI before giving up with exit code 2,
/// so a benchmark or smoke test never hangs on a broken frontend.
const READY_DEADLINE_SECS: u64 = 60;

/// Keyring, or memory when there is none (the app says so in `app_info().keyring`).
pub fn open_secret_store() -> (Arc<dyn SecretStore>, KeyringStatus) {
    let service = std::env::var("WWDEV_KEYRING_SERVICE").unwrap_or_else(|_| KEYRING_SERVICE.to_owned());
    match KeyringSecretStore::probe(service) {
        Ok(k) => (Arc::new(k), KeyringStatus { available: true, message: None, message_zh: None }),
        Err((why, why_zh)) => {
            tracing::warn!("no keyring: {why}");
            (
                Arc::new(MemorySecretStore::default()),
                KeyringStatus {
                    available: false,
                    // The UI adds that secrets then live in memory for this session only.
                    message: Some(why),
                    message_zh: Some(why_zh),
                },
            )
        }
    }
}

/// Workbench events become Tauri events to the window; `exit` ends the app.
struct TauriEvents(tauri::AppHandle);

impl EventSink for TauriEvents {
    fn emit(&self, event: &str, payload: serde_json::Value) {
        if let Err(e) = self.0.emit(event, payload) {
            tracing::debug!("event {event} not delivered: {e}");
        }
    }
    fn exit(&self, code: i32) {
        self.0.exit(code);
    }
}

/// One `#[tauri::command]` per registered command, calling the workbench method of the
/// same name, and the handler listing them all.
macro_rules! tauri_commands {
    ($wb:ident; $( $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty => $body:expr ;)*) => {
        /// The generated Tauri commands (see crates/workbench/src/registry.rs).
        pub mod commands {
            use super::*;
            $(
                #[tauri::command]
                #[allow(clippy::too_many_arguments)]
                pub async fn $name(workbench: tauri::State<'_, Workbench>, $($arg: $ty),*) -> Result<$ret, UiError> {
                    workbench.$name($($arg),*).await
                }
            )*
        }

        /// The invoke handler of every registered command.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(commands::$name),*]
        }
    };
}
wwdev_workbench::with_commands!(tauri_commands);

fn system_locale() -> String {
    sys_locale::get_locale().unwrap_or_else(|| "zh-CN".to_owned())
}

/// Builds the workbench for this app: store, keyring (probed on the thread `run` started),
/// request log, events. The request log opens on a thread of its own (its integrity check
/// takes seconds with a large log), and commands wait for [`Workbench::startup_done`] (the
/// embedded sandbox).
fn workbench(
    app: &tauri::App,
    exit_when_ready: bool,
    keyring_probe: std::thread::JoinHandle<(Arc<dyn SecretStore>, KeyringStatus)>,
) -> Result<Workbench, Box<dyn std::error::Error>> {
    // A damaged store file is moved aside first (the plugin would overwrite it).
    let store_recovered = store_recovery::recover_store(app.handle(), STORE_FILE);
    let store = app.store(STORE_FILE)?;
    startup_trace::step("store loaded");
    let kv = Arc::new(PluginStore(store));
    // A probe that panicked is a keyring we cannot use: secrets stay in memory, as when
    // there is no keyring (the UI says so).
    let (secrets, keyring) = keyring_probe.join().unwrap_or_else(|_| {
        let status = KeyringStatus {
            available: false,
            message: Some("Checking the system keyring failed unexpectedly.".into()),
            message_zh: Some("检查系统密钥环时意外出错。".into()),
        };
        (Arc::new(MemorySecretStore::default()) as Arc<dyn SecretStore>, status)
    });
    startup_trace::step("keyring probed");
    let kv_for_log = kv.clone();
    Ok(Workbench::starting(Host {
        kv,
        secrets,
        keyring,
        events: Arc::new(TauriEvents(app.handle().clone())),
        system_locale: system_locale(),
        exit_when_ready,
        // The request log shared with the CLI; every WeCom call is recorded.
        // Its retention is read when it opens (after the first screen), so settings saved
        // meanwhile apply.
        log: LogSource::Opening(Box::new(move || {
            wwdev_workbench::log_open(None, &wwdev_workbench::state::stored_settings(kv_for_log.as_ref()))
        })),
        store_recovered,
    }))
}

pub fn run() {
    startup_trace::begin();
    let exit_when_ready = std::env::args().any(|a| a == "--exit-when-ready");
    // The keyring probe (a D-Bus round trip or two, ~10–20 ms) runs beside Tauri's and GTK's
    // own start, not after it on the way to the window.
    let keyring_probe = std::thread::spawn(open_secret_store);
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .on_page_load(|_, p| startup_trace::step(&format!("page load {:?}", p.event())))
        .setup(move |app| {
            startup_trace::step("setup");
            app.manage(workbench(app, exit_when_ready, keyring_probe)?);
            // The embedded sandbox (127.0.0.1, a free port) starts on Tauri's tokio runtime
            // while the window is created; commands wait for it.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let wb = handle.state::<Workbench>();
                if let Err(e) = wb.finish_startup().await {
                    eprintln!("wwdev: {}", e.message);
                }
                startup_trace::step("sandbox started (background)");
            });
            if exit_when_ready {
                let handle = app.handle().clone();
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_secs(READY_DEADLINE_SECS));
                    eprintln!("wwdev: the UI did not report ready within {READY_DEADLINE_SECS} s");
                    handle.exit(2);
                });
            }
            Ok(())
        })
        .invoke_handler(handler());
    if let Err(e) = builder.run(tauri::generate_context!()) {
        eprintln!("wwdev could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod ipc_tests {
    //! The generated commands through Tauri's real IPC and ACL (mock runtime, the app's
    //! own context and capability).
    use super::*;
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
    use tauri::webview::InvokeRequest;

    fn app() -> (tauri::App<MockRuntime>, tauri::WebviewWindow<MockRuntime>) {
        let app = mock_builder()
            .plugin(tauri_plugin_opener::init())
            .manage(Workbench::in_memory())
            .invoke_handler(handler())
            .build(tauri::generate_context!())
            .expect("mock app");
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
        (app, window)
    }

    fn invoke(w: &tauri::WebviewWindow<MockRuntime>, cmd: &str, args: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
        get_ipc_response(
            w,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<serde_json::Value>().unwrap())
    }

    #[test]
    fn every_registered_command_is_allowed_and_answers_through_ipc() {
        let (_app, w) = app();
        // A command with camelCase arguments, answered by the workbench.
        let entry = invoke(&w, "errcode_get", serde_json::json!({ "code": 40029 })).expect("errcode_get");
        assert_eq!(entry["code"], 40029);
        // Errors arrive as the one UiError shape, in both languages.
        let err = invoke(&w, "profile_delete", serde_json::json!({ "id": "nope" })).unwrap_err();
        assert_eq!(err["kind"], "not_found");
        assert!(err["message_zh"].as_str().unwrap().contains("不存在"), "{err}");
        // Every registered command passes the ACL: a refusal would say "not allowed".
        for cmd in wwdev_workbench::COMMANDS {
            if let Err(e) = invoke(&w, cmd, serde_json::json!({})) {
                let text = e.to_string();
                assert!(!text.contains("not allowed"), "{cmd} refused by the ACL: {text}");
            }
        }
    }

    #[test]
    fn an_installed_but_unpermitted_command_is_refused_by_the_acl() {
        let (_app, w) = app();
        // opener:default allows opening URLs, not arbitrary paths.
        let e = invoke(&w, "plugin:opener|open_path", serde_json::json!({ "path": "/etc/passwd" })).unwrap_err();
        assert!(e.to_string().contains("not allowed"), "{e}");
        let e = invoke(&w, "no_such_command", serde_json::json!({})).unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}
