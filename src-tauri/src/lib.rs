//! wwdev desktop shell: Tauri commands over wwdev-core, app state, keyring and the
//! embedded sandbox. No WeCom logic lives here.

pub mod bindings;
pub mod commands;
pub mod dto;
pub mod dto_diag;
pub mod dto_log;
pub mod error;
pub mod kv;
pub mod qr;
pub mod secrets;
pub mod startup_trace;
pub mod state;
pub mod wecom;

include!("command_names.rs");

use std::sync::Arc;

use tauri::Manager;
use tauri_plugin_store::StoreExt;

use crate::dto::KeyringStatus;
use crate::kv::PluginStore;
use crate::secrets::{KEYRING_SERVICE, KeyringSecretStore, MemorySecretStore, SecretStore};
use crate::state::AppState;

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
        Ok(k) => (Arc::new(k), KeyringStatus { available: true, message: None }),
        Err(why) => {
            tracing::warn!("no keyring: {why}");
            (
                Arc::new(MemorySecretStore::default()),
                KeyringStatus {
                    available: false,
                    message: Some(format!(
                        "{why} Secrets you enter are kept in memory for this session only and are never written to disk."
                    )),
                },
            )
        }
    }
}

fn system_locale() -> String {
    sys_locale::get_locale().unwrap_or_else(|| "zh-CN".to_owned())
}

pub fn run() {
    startup_trace::begin();
    let exit_when_ready = std::env::args().any(|a| a == "--exit-when-ready");
    let builder = tauri::Builder::default()
        .on_page_load(|_, p| startup_trace::step(&format!("page load {:?}", p.event())))
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            startup_trace::step("setup");
            let store = app.store(STORE_FILE)?;
            startup_trace::step("store loaded");
            let (secrets, keyring) = open_secret_store();
            startup_trace::step("keyring probed");
            let mut state = AppState::new(Arc::new(PluginStore(store)), secrets, keyring);
            state.exit_when_ready = exit_when_ready;
            state.system_locale = system_locale();
            // The request log shared with the CLI; every WeCom call below is recorded.
            commands::log::attach_log(&mut state, None);
            startup_trace::step("request log opened");
            // The embedded sandbox: 127.0.0.1 on a free port, on Tauri's tokio runtime.
            match tauri::async_runtime::block_on(wwdev_sandbox::start(wwdev_sandbox::SandboxConfig::default())) {
                Ok(handle) => {
                    if let Err(e) = state.attach_sandbox(handle) {
                        eprintln!("wwdev: could not set up the Sandbox profile: {}", e.message);
                    }
                }
                Err(e) => eprintln!("wwdev: the embedded sandbox could not start: {e}"),
            }
            startup_trace::step("sandbox started");
            app.manage(state);
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
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::app_ready,
            commands::app::settings_get,
            commands::app::settings_set,
            commands::profiles::profiles_list,
            commands::profiles::profile_save,
            commands::profiles::profile_delete,
            commands::profiles::profile_duplicate,
            commands::profiles::profile_set_active,
            commands::profiles::profiles_export,
            commands::profiles::profiles_import,
            commands::profiles::profile_test,
            commands::credentials::credentials_snapshot,
            commands::credentials::token_fetch,
            commands::credentials::ticket_fetch,
            commands::credentials::ticket_history,
            commands::credentials::secret_reveal,
            commands::sign::sign,
            commands::links::oauth_build,
            commands::links::weblogin_build,
            commands::links::oauth_batch,
            commands::links::explain_url,
            commands::links::qr_svg,
            commands::links::qr_png_base64,
            commands::links::qr_save,
            commands::links::link_history,
            commands::links::link_history_clear,
            commands::identity::identity_lookup,
            commands::identity::user_get,
            commands::identity::user_to_openid,
            commands::console::console_catalog,
            commands::console::console_send,
            commands::errcodes::errcodes_search,
            commands::errcodes::errcode_get,
            commands::domain::domain_check,
            commands::sandbox::sandbox_status,
            commands::sandbox::sandbox_advance_clock,
            commands::sandbox::sandbox_set_fault,
            commands::sandbox::sandbox_clear_faults,
            commands::sandbox::sandbox_reset,
            commands::sandbox::sandbox_authorize_url,
            commands::log::log_query,
            commands::log::log_since,
            commands::log::log_get,
            commands::log::log_facets,
            commands::log::log_export,
            commands::log::log_export_text,
            commands::log::log_clear,
            commands::log::log_replay,
            commands::log::log_curl,
            commands::diagnose::diagnose,
            commands::signer::signer_start,
            commands::signer::signer_stop,
            commands::signer::signer_status,
            commands::signer::signer_events,
        ]);
    if let Err(e) = builder.run(tauri::generate_context!()) {
        eprintln!("wwdev could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod acl_tests {
    use super::COMMANDS;

    /// The ACL (build.rs), the handler list and the capability must name the same commands.
    #[test]
    fn command_lists_match() {
        let lib = include_str!("lib.rs");
        let start = lib.find("generate_handler![").unwrap();
        let end = start + lib[start..].find(']').unwrap();
        let mut handled: Vec<&str> = lib[start..end]
            .split(',')
            .filter_map(|s| s.trim().rsplit("::").next())
            .filter(|s| !s.is_empty() && !s.starts_with("generate_handler"))
            .collect();
        handled.sort();
        let mut listed: Vec<&str> = COMMANDS.to_vec();
        listed.sort();
        assert_eq!(handled, listed);

        let cap: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let perms: Vec<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| p.starts_with("allow-"))
            .map(|p| p.trim_start_matches("allow-").replace('-', "_"))
            .collect();
        let mut perms: Vec<&str> = perms.iter().map(String::as_str).collect();
        perms.sort();
        assert_eq!(perms, listed);
    }
}
