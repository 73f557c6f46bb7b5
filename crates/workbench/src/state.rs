//! The workbench: the app's state and the logic behind profiles, settings and link
//! history. No Tauri types here, so all of it is tested without a desktop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wwdev_core::cache::TokenCache;
use wwdev_core::clock::{SharedClock, SystemClock};
use wwdev_core::error::{UiError, UiResult};
use wwdev_core::record::RequestSink;
use wwdev_core::secret::Secret;

use crate::host::{EventSink, KvStore, NoEvents, SecretStore};
use crate::secrets::keyring_error;
use crate::types::*;

const K_PROFILES: &str = "profiles";
const K_ACTIVE: &str = "active_profile_id";
const K_SANDBOX_ID: &str = "sandbox_profile_id";
const K_SETTINGS: &str = "settings";
const K_LINKS: &str = "link_history";
/// Link history is a working list for a test plan, not an archive.
pub const LINK_HISTORY_MAX: usize = 500;

/// What the embedded sandbox offers to the sandbox profile.
#[derive(Debug, Clone)]
pub struct SandboxSeed {
    pub base_url: String,
    pub corpid: String,
    pub agentid: String,
    pub secret: Secret,
    pub trusted_domains: Vec<String>,
    pub default_redirect_uri: String,
}

/// Everything the host hands the workbench when it starts. Nothing is filled in later
/// except the embedded sandbox, which starts after the first screen can show.
pub struct Host {
    pub kv: Arc<dyn KvStore>,
    pub secrets: Arc<dyn SecretStore>,
    pub keyring: KeyringStatus,
    pub events: Arc<dyn EventSink>,
    /// BCP 47 tag of the OS locale, e.g. "zh-CN".
    pub system_locale: String,
    /// Exit 0 once the UI reports its first screen (`--exit-when-ready`).
    pub exit_when_ready: bool,
    /// The request log: opened already, or how to open it in the background
    /// (`crate::log_open`; no store: calls are not recorded).
    pub log: crate::request_log::LogSource,
    /// The store file was damaged and moved aside before it was opened.
    pub store_recovered: Option<StoreRecovered>,
}

impl Host {
    /// In-memory storage, no keyring, no log, no events: for tests.
    pub fn in_memory() -> Self {
        Host {
            kv: Arc::new(crate::host::MemoryKv::default()),
            secrets: Arc::new(crate::host::MemorySecretStore::new()),
            keyring: KeyringStatus { available: false, message: None, message_zh: None },
            events: Arc::new(NoEvents),
            system_locale: "zh-CN".into(),
            exit_when_ready: false,
            log: crate::LogOpened::default().into(),
            store_recovered: None,
        }
    }
}

pub struct Workbench {
    kv: Arc<dyn KvStore>,
    secrets: Arc<dyn SecretStore>,
    pub(crate) events: Arc<dyn EventSink>,
    pub keyring: KeyringStatus,
    pub clock: SharedClock,
    pub system_locale: String,
    pub exit_when_ready: bool,
    ready: AtomicBool,
    /// Serialises read-modify-write cycles on the store.
    write: Mutex<()>,
    /// The embedded sandbox, once started.
    pub sandbox: OnceLock<wwdev_sandbox::SandboxHandle>,
    /// Token/ticket cache for real WeCom (wall clock).
    pub system_cache: Arc<TokenCache>,
    /// Token/ticket cache for profiles that point at the sandbox: it runs on the
    /// sandbox clock, so advancing that clock expires cached tokens too.
    pub sandbox_cache: OnceLock<Arc<TokenCache>>,
    /// One HTTP client per (base URL, timeout, proxy), so connections are pooled.
    pub(crate) clients: Mutex<std::collections::HashMap<String, wwdev_core::client::WeComClient>>,
    /// The request log (possibly still opening). Its message, shown once by the UI: the
    /// log was recovered from a broken file, or could not open.
    pub log: Arc<crate::request_log::RequestLog>,
    /// Shown once by the UI: the store file was damaged and moved aside.
    pub store_recovered: Option<StoreRecovered>,
    /// The local signing endpoint, while it runs.
    pub(crate) signer: tokio::sync::Mutex<Option<crate::signer::Running>>,
    /// Set once the startup work that runs beside the window (the embedded sandbox and
    /// its profile) is done; every command waits for it (see [`Workbench::starting`]).
    startup: tokio::sync::SetOnce<()>,
}

impl Workbench {
    pub fn new(host: Host) -> Self {
        let events = host.events;
        let log = crate::request_log::RequestLog::new(host.log, events.clone());
        Self {
            kv: host.kv,
            secrets: host.secrets,
            events,
            keyring: host.keyring,
            clock: Arc::new(SystemClock),
            system_locale: host.system_locale,
            exit_when_ready: host.exit_when_ready,
            ready: AtomicBool::new(false),
            write: Mutex::new(()),
            sandbox: OnceLock::new(),
            system_cache: Arc::new(TokenCache::new(Arc::new(SystemClock))),
            sandbox_cache: OnceLock::new(),
            clients: Mutex::new(Default::default()),
            log,
            store_recovered: host.store_recovered,
            signer: Default::default(),
            startup: tokio::sync::SetOnce::new_with(Some(())),
        }
    }

    /// Like [`Workbench::new`], but commands wait until [`Workbench::startup_done`]: the
    /// app starts the embedded sandbox while its window is created, and a command must
    /// not see the sandbox profile before it exists.
    pub fn starting(host: Host) -> Self {
        Self { startup: tokio::sync::SetOnce::new(), ..Self::new(host) }
    }

    /// Lets commands through (see [`Workbench::starting`]). Idempotent.
    pub fn startup_done(&self) {
        let _ = self.startup.set(());
    }

    /// Where every WeCom call is recorded: the request log, which announces each entry
    /// (and keeps the calls made while it is still opening).
    pub fn request_sink(&self) -> Option<Arc<dyn RequestSink>> {
        Some(self.log.clone())
    }

    /// Waits until commands may run.
    pub async fn started(&self) {
        self.startup.wait().await;
    }

    /// In-memory storage, no keyring, no log: for tests.
    pub fn in_memory() -> Self {
        Self::new(Host::in_memory())
    }

    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    fn load<T: DeserializeOwned + Default>(&self, key: &str) -> T {
        load(self.kv.as_ref(), key)
    }

    fn save<T: Serialize>(&self, key: &str, value: &T) -> UiResult<()> {
        let v = serde_json::to_value(value).map_err(|e| UiError::internal(e.to_string()))?;
        self.kv.set(key, v)
    }

    /// Marks the first screen as rendered; returns true the first time.
    pub fn mark_ready(&self) -> bool {
        !self.ready.swap(true, Ordering::SeqCst)
    }

    pub fn info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            sandbox_base_url: self.sandbox.get().map(|h| h.base_url()),
            keyring: self.keyring.clone(),
            system_locale: self.system_locale.clone(),
            log_recovered_message: self.log.message().map(|m| m.0.clone()),
            log_recovered_message_zh: self.log.message().map(|m| m.1.clone()),
            store_recovered: self.store_recovered.clone(),
        }
    }

    // ---- settings ----

    pub fn settings(&self) -> Settings {
        self.load(K_SETTINGS)
    }

    pub fn save_settings(&self, mut s: Settings) -> UiResult<Settings> {
        if !(1..=120).contains(&s.timeout_secs) {
            return Err(UiError::invalid_input(
                format!("Timeout {} s is out of range.", s.timeout_secs),
                format!("超时 {} 秒超出范围。", s.timeout_secs),
            )
            .hint2("Use a timeout between 1 and 120 seconds.", "请使用 1 到 120 秒之间的超时。"));
        }
        s.proxy = s.proxy.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        if let Some(p) = &s.proxy {
            let ok = url::Url::parse(p)
                .map(|u| matches!(u.scheme(), "http" | "https" | "socks5" | "socks5h") && u.host().is_some())
                .unwrap_or(false);
            if !ok {
                return Err(UiError::invalid_input(format!("\"{p}\" is not a proxy URL."), format!("「{p}」不是代理地址。"))
                    .hint2(
                        "Write it like http://127.0.0.1:7890 or socks5://127.0.0.1:1080, or leave it empty.",
                        "请写成 http://127.0.0.1:7890 或 socks5://127.0.0.1:1080 的形式，或留空。",
                    ));
            }
        }
        let _g = self.write.lock().unwrap_or_else(|p| p.into_inner());
        self.save(K_SETTINGS, &s)?;
        // New retention limits apply at once, not at the next start.
        if let Some(log) = self.log.store()
            && let Err(e) = log.set_retention(s.retention())
        {
            tracing::warn!(error = %e, "request log retention not applied");
        }
        Ok(s)
    }

    // ---- profiles ----

    pub fn profiles(&self) -> Vec<Profile> {
        self.load(K_PROFILES)
    }

    pub fn profile(&self, id: &str) -> UiResult<Profile> {
        self.profiles().into_iter().find(|p| p.id == id).ok_or_else(|| {
            UiError::not_found(format!("Profile {id} does not exist."), format!("配置档案 {id} 不存在。"))
                .hint2("It may have been deleted; pick another profile.", "它可能已被删除，请选择其他配置档案。")
        })
    }

    pub fn sandbox_profile_id(&self) -> Option<String> {
        self.load(K_SANDBOX_ID)
    }

    fn view(&self, p: Profile, sandbox_id: &Option<String>) -> ProfileView {
        // A keyring error here only hides the "has secret" badge; the real error
        // shows when the secret is used.
        let has_secret = self.secrets.get(&p.id).ok().flatten().is_some();
        let is_sandbox = sandbox_id.as_deref() == Some(p.id.as_str());
        ProfileView { profile: p, has_secret, is_sandbox }
    }

    pub fn profiles_view(&self) -> ProfilesView {
        let sandbox = self.sandbox_profile_id();
        let profiles: Vec<ProfileView> =
            self.profiles().into_iter().map(|p| self.view(p, &sandbox)).collect();
        let stored: Option<String> = self.load(K_ACTIVE);
        let active_id = stored
            .filter(|id| profiles.iter().any(|p| &p.profile.id == id))
            .or_else(|| profiles.first().map(|p| p.profile.id.clone()));
        ProfilesView { profiles, active_id }
    }

    /// Creates (empty id) or updates a profile. `secret`: None keeps the stored one,
    /// Some("") deletes it, anything else replaces it.
    pub fn save_profile(&self, p: Profile, secret: Option<String>) -> UiResult<ProfileView> {
        let mut p = p.normalised()?;
        let _g = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.profiles();
        if p.id.is_empty() {
            p.id = new_id();
            all.push(p.clone());
        } else if let Some(slot) = all.iter_mut().find(|x| x.id == p.id) {
            *slot = p.clone();
        } else {
            return Err(UiError::not_found(format!("Profile {} does not exist.", p.id), format!("配置档案 {} 不存在。", p.id))
                .hint2("It was deleted meanwhile; save it as a new profile.", "它已被删除，请另存为新的配置档案。"));
        }
        // The secret first: if the keyring refuses it, nothing is half-saved.
        match secret {
            Some(s) if s.trim().is_empty() => self.secrets.delete(&p.id).map_err(keyring_error)?,
            Some(s) => self.secrets.set(&p.id, &Secret::new(s.trim())).map_err(keyring_error)?,
            None => {}
        }
        self.save(K_PROFILES, &all)?;
        Ok(self.view(p, &self.sandbox_profile_id()))
    }

    pub fn delete_profile(&self, id: &str) -> UiResult<()> {
        let _g = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.profiles();
        let before = all.len();
        all.retain(|p| p.id != id);
        if all.len() == before {
            return Err(UiError::not_found(format!("Profile {id} does not exist."), format!("配置档案 {id} 不存在。")));
        }
        self.secrets.delete(id).map_err(keyring_error)?;
        self.save(K_PROFILES, &all)?;
        if self.sandbox_profile_id().as_deref() == Some(id) {
            // Deleting the sandbox profile is allowed; it comes back on the next start.
            self.kv.set(K_SANDBOX_ID, Value::Null)?;
        }
        Ok(())
    }

    pub fn duplicate_profile(&self, id: &str) -> UiResult<ProfileView> {
        let src = self.profile(id)?;
        let secret = self.secrets.get(id).map_err(keyring_error)?;
        let copy = Profile { id: String::new(), name: format!("{} (copy)", src.name), ..src };
        self.save_profile(copy, secret.map(|s| s.expose().to_owned()))
    }

    pub fn set_active_profile(&self, id: &str) -> UiResult<()> {
        self.profile(id)?;
        let _g = self.write.lock().unwrap_or_else(|p| p.into_inner());
        self.save(K_ACTIVE, &id)
    }

    /// JSON of all non-sandbox profiles, without secrets (there are none in `Profile`).
    pub fn export_profiles(&self) -> String {
        let sandbox = self.sandbox_profile_id();
        let profiles: Vec<Profile> =
            self.profiles().into_iter().filter(|p| Some(&p.id) != sandbox.as_ref()).collect();
        wwdev_core::profile::export_profiles(&profiles)
    }

    /// Imports profiles as new ones (fresh ids; the secrets must be entered again).
    /// All are checked before any is saved, so a bad file changes nothing.
    pub fn import_profiles(&self, json: &str) -> UiResult<Vec<ProfileView>> {
        let incoming = wwdev_core::profile::import_profiles(json)?;
        incoming.into_iter().map(|p| self.save_profile(p, None)).collect()
    }

    /// Creates the sandbox profile on first start; on later starts points it at the
    /// sandbox's new port (and restores its secret if the keyring lost it).
    pub fn ensure_sandbox_profile(&self, seed: &SandboxSeed) -> UiResult<ProfileView> {
        let existing = self.sandbox_profile_id().and_then(|id| self.profile(&id).ok());
        let view = match existing {
            Some(mut p) => {
                p.base_url = seed.base_url.clone();
                let secret = match self.secrets.get(&p.id) {
                    Ok(Some(_)) => None,
                    _ => Some(seed.secret.expose().to_owned()),
                };
                self.save_profile(p, secret)?
            }
            None => {
                let p = Profile {
                    id: String::new(),
                    name: "Sandbox".into(),
                    corpid: seed.corpid.clone(),
                    agentid: seed.agentid.clone(),
                    base_url: seed.base_url.clone(),
                    trusted_domains: seed.trusted_domains.clone(),
                    default_redirect_uri: seed.default_redirect_uri.clone(),
                    notes: "内置企业微信模拟器，离线可用，无需凭据。The embedded WeCom simulator: works offline, no credentials needed."
                        .into(),
                };
                let v = self.save_profile(p, Some(seed.secret.expose().to_owned()))?;
                let _g = self.write.lock().unwrap_or_else(|p| p.into_inner());
                self.save(K_SANDBOX_ID, &v.profile.id)?;
                drop(_g);
                if self.load::<Option<String>>(K_ACTIVE).is_none() {
                    self.set_active_profile(&v.profile.id)?;
                }
                ProfileView { is_sandbox: true, ..v }
            }
        };
        Ok(view)
    }

    // ---- link history ----

    pub fn links(&self) -> Vec<LinkHistoryItem> {
        self.load(K_LINKS)
    }

    pub fn remember_link(&self, mut item: LinkHistoryItem) -> UiResult<()> {
        if item.created_at == 0 {
            item.created_at = self.clock.now();
        }
        let _g = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.links();
        // Building the same link again moves it to the top instead of duplicating it.
        all.retain(|x| x.url != item.url);
        all.insert(0, item);
        all.truncate(LINK_HISTORY_MAX);
        self.save(K_LINKS, &all)
    }

    pub fn clear_links(&self) -> UiResult<()> {
        let _g = self.write.lock().unwrap_or_else(|p| p.into_inner());
        self.save(K_LINKS, &Vec::<LinkHistoryItem>::new())
    }
}

/// The settings kept in `kv`, before a workbench exists (the host needs the log
/// retention to open the request log).
pub fn stored_settings(kv: &dyn KvStore) -> Settings {
    load(kv, K_SETTINGS)
}

fn load<T: DeserializeOwned + Default>(kv: &dyn KvStore, key: &str) -> T {
    // A value that no longer parses (e.g. written by a newer version) is treated as
    // absent rather than crashing the app; the next save replaces it.
    kv.get(key).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
}

fn new_id() -> String {
    let n: u64 = rand::random();
    format!("p{n:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{MemoryKv, MemorySecretStore};

    fn state() -> (Workbench, Arc<MemoryKv>, Arc<MemorySecretStore>) {
        let kv = Arc::new(MemoryKv::default());
        let secrets = Arc::new(MemorySecretStore::new());
        let st = Workbench::new(Host { kv: kv.clone(), secrets: secrets.clone(), ..Host::in_memory() });
        (st, kv, secrets)
    }

    fn profile(name: &str) -> Profile {
        Profile { name: name.into(), corpid: "ww0123".into(), agentid: "1000002".into(), ..Default::default() }
    }

    fn seed(port: u16) -> SandboxSeed {
        SandboxSeed {
            base_url: format!("http://127.0.0.1:{port}"),
            corpid: "wwsandbox".into(),
            agentid: "1000002".into(),
            secret: Secret::new("sandbox-secret-value"),
            trusted_domains: vec!["app.example.com".into()],
            default_redirect_uri: "https://app.example.com/cb".into(),
        }
    }

    #[test]
    fn secret_goes_to_secret_store_never_to_kv() {
        let (st, kv, secrets) = state();
        let v = st.save_profile(profile("Prod"), Some("TOPSECRET-123".into())).unwrap();
        assert!(v.has_secret);
        assert_eq!(secrets.get(&v.profile.id).unwrap().unwrap().expose(), "TOPSECRET-123");
        let dump = serde_json::to_string(&kv.get(K_PROFILES).unwrap()).unwrap();
        assert!(dump.contains("ww0123"));
        assert!(!dump.contains("TOPSECRET"));
        assert!(!st.export_profiles().contains("TOPSECRET"));
    }

    #[test]
    fn save_keeps_replaces_and_deletes_secret() {
        let (st, _, secrets) = state();
        let v = st.save_profile(profile("A"), Some("one".into())).unwrap();
        let id = v.profile.id.clone();
        let mut p = v.profile.clone();
        p.notes = "edited".into();
        assert!(st.save_profile(p.clone(), None).unwrap().has_secret);
        assert_eq!(secrets.get(&id).unwrap().unwrap().expose(), "one");
        st.save_profile(p.clone(), Some("two".into())).unwrap();
        assert_eq!(secrets.get(&id).unwrap().unwrap().expose(), "two");
        assert!(!st.save_profile(p, Some(String::new())).unwrap().has_secret);
        assert_eq!(st.profile(&id).unwrap().notes, "edited");
    }

    #[test]
    fn invalid_profiles_are_rejected_with_hints() {
        let (st, _, _) = state();
        for bad in [
            Profile { corpid: " ".into(), ..profile("x") },
            Profile { agentid: "abc".into(), ..profile("x") },
            Profile { base_url: "ftp://x".into(), ..profile("x") },
            Profile { trusted_domains: vec!["https://a.com/path".into()], ..profile("x") },
            Profile { default_redirect_uri: "not a url".into(), ..profile("x") },
            profile(""),
        ] {
            let e = st.save_profile(bad, None).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            assert!(e.hint.is_some(), "{e:?}");
        }
        assert!(st.profiles().is_empty());
    }

    #[test]
    fn delete_duplicate_and_active() {
        let (st, _, secrets) = state();
        let a = st.save_profile(profile("A"), Some("sa".into())).unwrap().profile.id;
        let b = st.duplicate_profile(&a).unwrap();
        assert_eq!(b.profile.name, "A (copy)");
        assert_ne!(b.profile.id, a);
        assert_eq!(secrets.get(&b.profile.id).unwrap().unwrap().expose(), "sa");
        assert_eq!(st.profiles_view().active_id.as_deref(), Some(a.as_str()));
        st.set_active_profile(&b.profile.id).unwrap();
        assert_eq!(st.profiles_view().active_id, Some(b.profile.id.clone()));
        st.delete_profile(&b.profile.id).unwrap();
        assert!(secrets.get(&b.profile.id).unwrap().is_none());
        // The active profile falls back to one that exists.
        assert_eq!(st.profiles_view().active_id.as_deref(), Some(a.as_str()));
        assert_eq!(st.delete_profile("nope").unwrap_err().kind, ErrorKind::NotFound);
    }

    #[test]
    fn export_import_round_trip_without_secrets() {
        let (st, _, _) = state();
        st.save_profile(Profile { trusted_domains: vec!["A.example.com".into()], ..profile("A") }, Some("s".into()))
            .unwrap();
        st.ensure_sandbox_profile(&seed(1234)).unwrap();
        let json = st.export_profiles();
        assert!(!json.contains("Sandbox"));
        let (st2, _, _) = state();
        let imported = st2.import_profiles(&json).unwrap();
        assert_eq!(imported.len(), 1);
        assert_eq!(imported[0].profile.name, "A");
        assert_eq!(imported[0].profile.trusted_domains, vec!["a.example.com"]);
        assert!(!imported[0].has_secret);
        assert_eq!(st2.import_profiles("{\"x\":1}").unwrap_err().kind, ErrorKind::InvalidInput);
        // A file with one bad profile imports nothing.
        let bad = r#"{"profiles":[{"name":"ok","corpid":"c"},{"name":"","corpid":"c"}]}"#;
        assert!(st2.import_profiles(bad).is_err());
        assert_eq!(st2.profiles().len(), 1);
    }

    #[test]
    fn sandbox_profile_created_once_then_follows_port() {
        let (st, _, secrets) = state();
        let v1 = st.ensure_sandbox_profile(&seed(1111)).unwrap();
        assert!(v1.is_sandbox && v1.has_secret);
        assert_eq!(st.profiles_view().active_id, Some(v1.profile.id.clone()));
        // Simulate a lost keyring entry and a new port on the next start.
        secrets.delete(&v1.profile.id).unwrap();
        let v2 = st.ensure_sandbox_profile(&seed(2222)).unwrap();
        assert_eq!(v2.profile.id, v1.profile.id);
        assert_eq!(v2.profile.base_url, "http://127.0.0.1:2222");
        assert!(v2.has_secret && v2.is_sandbox);
        assert_eq!(st.profiles().len(), 1);
    }

    #[test]
    fn settings_validate_and_persist() {
        let (st, _, _) = state();
        assert_eq!(st.settings(), Settings::default());
        let s = Settings { theme: Theme::Dark, proxy: Some(" http://127.0.0.1:7890 ".into()), ..Default::default() };
        let saved = st.save_settings(s).unwrap();
        assert_eq!(saved.proxy.as_deref(), Some("http://127.0.0.1:7890"));
        assert_eq!(st.settings().theme, Theme::Dark);
        assert!(st.save_settings(Settings { timeout_secs: 0, ..Default::default() }).is_err());
        assert!(st.save_settings(Settings { proxy: Some("nonsense".into()), ..Default::default() }).is_err());
        assert_eq!(st.settings().theme, Theme::Dark);
    }

    #[test]
    fn link_history_dedups_and_caps() {
        let (st, _, _) = state();
        for i in 0..(LINK_HISTORY_MAX + 10) {
            st.remember_link(LinkHistoryItem {
                url: format!("https://x/{i}"),
                kind: "oauth".into(),
                created_at: 0,
                profile_id: None,
                note: None,
            })
            .unwrap();
        }
        let h = st.links();
        assert_eq!(h.len(), LINK_HISTORY_MAX);
        assert_eq!(h[0].url, format!("https://x/{}", LINK_HISTORY_MAX + 9));
        assert!(h[0].created_at > 0);
        st.remember_link(LinkHistoryItem { url: "https://x/100".into(), ..h[0].clone() }).unwrap();
        let h = st.links();
        assert_eq!(h[0].url, "https://x/100");
        assert_eq!(h.iter().filter(|x| x.url == "https://x/100").count(), 1);
        st.clear_links().unwrap();
        assert!(st.links().is_empty());
    }
}
