//! App state shared by all commands, and the logic behind the profile, settings and
//! link-history commands. No Tauri types here, so all of it is tested without a desktop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wwdev_core::clock::{SharedClock, SystemClock};
use wwdev_core::secret::Secret;

use crate::dto::*;
use crate::error::{UiError, UiResult};
use crate::kv::KvStore;
use crate::secrets::{SecretStore, keyring_ui_error};

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

pub struct AppState {
    kv: Arc<dyn KvStore>,
    secrets: Arc<dyn SecretStore>,
    pub keyring: KeyringStatus,
    pub clock: SharedClock,
    pub system_locale: String,
    pub sandbox_base_url: Mutex<Option<String>>,
    pub exit_when_ready: bool,
    ready: AtomicBool,
    /// Serialises read-modify-write cycles on the store.
    write: Mutex<()>,
    /// The embedded sandbox, once started.
    pub sandbox: std::sync::OnceLock<wwdev_sandbox::SandboxHandle>,
    /// Token/ticket cache for real WeCom (wall clock).
    pub system_cache: Arc<wwdev_core::cache::TokenCache>,
    /// Token/ticket cache for profiles that point at the sandbox: it runs on the
    /// sandbox clock, so advancing that clock expires cached tokens too.
    pub sandbox_cache: std::sync::OnceLock<Arc<wwdev_core::cache::TokenCache>>,
    /// One HTTP client per (base URL, timeout, proxy), so connections are pooled.
    pub clients: Mutex<std::collections::HashMap<String, wwdev_core::client::WeComClient>>,
    /// Where every WeCom call is recorded (the request log); none until it is attached.
    pub request_sink: Option<Arc<dyn wwdev_core::record::RequestSink>>,
    /// The request log (also the `request_sink`), when it could be opened.
    pub log: Option<wwdev_core::log::LogStore>,
    /// Shown once by the UI: the log was recovered from a broken file, or could not open.
    pub log_message: Option<String>,
    /// The local signing endpoint, while it runs.
    pub signer: tokio::sync::Mutex<Option<crate::commands::signer::Running>>,
}

impl AppState {
    pub fn new(kv: Arc<dyn KvStore>, secrets: Arc<dyn SecretStore>, keyring: KeyringStatus) -> Self {
        Self {
            kv,
            secrets,
            keyring,
            clock: Arc::new(SystemClock),
            system_locale: "zh-CN".into(),
            sandbox_base_url: Mutex::new(None),
            exit_when_ready: false,
            ready: AtomicBool::new(false),
            write: Mutex::new(()),
            sandbox: std::sync::OnceLock::new(),
            system_cache: Arc::new(wwdev_core::cache::TokenCache::new(Arc::new(SystemClock))),
            sandbox_cache: std::sync::OnceLock::new(),
            clients: Mutex::new(Default::default()),
            request_sink: None,
            log: None,
            log_message: None,
            signer: Default::default(),
        }
    }

    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    fn load<T: DeserializeOwned + Default>(&self, key: &str) -> T {
        // A value that no longer parses (e.g. written by a newer version) is treated as
        // absent rather than crashing the app; the next save replaces it.
        self.kv.get(key).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
    }

    fn save<T: Serialize>(&self, key: &str, value: &T) -> UiResult<()> {
        let v = serde_json::to_value(value).map_err(|e| UiError::internal(e.to_string()))?;
        self.kv.set(key, v)
    }

    /// Marks the first screen as rendered; returns true the first time.
    pub fn mark_ready(&self) -> bool {
        !self.ready.swap(true, Ordering::SeqCst)
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            sandbox_base_url: self.sandbox_base_url.lock().unwrap().clone(),
            keyring: self.keyring.clone(),
            system_locale: self.system_locale.clone(),
            log_recovered_message: self.log_message.clone(),
            store_recovered: crate::store_recovery::recovered(),
        }
    }

    // ---- settings ----

    pub fn settings_get(&self) -> Settings {
        self.load(K_SETTINGS)
    }

    pub fn settings_set(&self, mut s: Settings) -> UiResult<Settings> {
        if !(1..=120).contains(&s.timeout_secs) {
            return Err(UiError::invalid_input(format!(
                "Timeout {} s is out of range.",
                s.timeout_secs
            ))
            .with_hint("Use a timeout between 1 and 120 seconds."));
        }
        s.proxy = s.proxy.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        if let Some(p) = &s.proxy {
            let ok = url::Url::parse(p)
                .map(|u| matches!(u.scheme(), "http" | "https" | "socks5" | "socks5h") && u.host().is_some())
                .unwrap_or(false);
            if !ok {
                return Err(UiError::invalid_input(format!("\"{p}\" is not a proxy URL."))
                    .with_hint("Write it like http://127.0.0.1:7890 or socks5://127.0.0.1:1080, or leave it empty."));
            }
        }
        let _g = self.write.lock().unwrap();
        self.save(K_SETTINGS, &s)?;
        // New retention limits apply at once, not at the next start.
        if let Some(log) = &self.log
            && let Err(e) = log.set_retention(crate::commands::log::retention_of(&s))
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
            UiError::not_found(format!("Profile {id} does not exist."))
                .with_hint("It may have been deleted; pick another profile.")
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

    pub fn profiles_list(&self) -> ProfilesView {
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
    pub fn profile_save(&self, p: Profile, secret: Option<String>) -> UiResult<ProfileView> {
        let mut p = normalise(p)?;
        let _g = self.write.lock().unwrap();
        let mut all = self.profiles();
        if p.id.is_empty() {
            p.id = new_id();
            all.push(p.clone());
        } else if let Some(slot) = all.iter_mut().find(|x| x.id == p.id) {
            *slot = p.clone();
        } else {
            return Err(UiError::not_found(format!("Profile {} does not exist.", p.id))
                .with_hint("It was deleted meanwhile; save it as a new profile."));
        }
        // The secret first: if the keyring refuses it, nothing is half-saved.
        match secret {
            Some(s) if s.trim().is_empty() => self.secrets.delete(&p.id).map_err(keyring_ui_error)?,
            Some(s) => self.secrets.set(&p.id, &Secret::new(s.trim())).map_err(keyring_ui_error)?,
            None => {}
        }
        self.save(K_PROFILES, &all)?;
        Ok(self.view(p, &self.sandbox_profile_id()))
    }

    pub fn profile_delete(&self, id: &str) -> UiResult<()> {
        let _g = self.write.lock().unwrap();
        let mut all = self.profiles();
        let before = all.len();
        all.retain(|p| p.id != id);
        if all.len() == before {
            return Err(UiError::not_found(format!("Profile {id} does not exist.")));
        }
        self.secrets.delete(id).map_err(keyring_ui_error)?;
        self.save(K_PROFILES, &all)?;
        if self.sandbox_profile_id().as_deref() == Some(id) {
            // Deleting the sandbox profile is allowed; it comes back on the next start.
            self.kv.set(K_SANDBOX_ID, Value::Null)?;
        }
        Ok(())
    }

    pub fn profile_duplicate(&self, id: &str) -> UiResult<ProfileView> {
        let src = self.profile(id)?;
        let secret = self.secrets.get(id).map_err(keyring_ui_error)?;
        let copy = Profile { id: String::new(), name: format!("{} (copy)", src.name), ..src };
        self.profile_save(copy, secret.map(|s| s.expose().to_owned()))
    }

    pub fn profile_set_active(&self, id: &str) -> UiResult<()> {
        self.profile(id)?;
        let _g = self.write.lock().unwrap();
        self.save(K_ACTIVE, &id)
    }

    /// JSON of all non-sandbox profiles, without secrets (there are none in `Profile`).
    pub fn profiles_export(&self) -> UiResult<String> {
        let sandbox = self.sandbox_profile_id();
        let profiles: Vec<Profile> =
            self.profiles().into_iter().filter(|p| Some(&p.id) != sandbox.as_ref()).collect();
        let doc = serde_json::json!({ "format": "wwdev-profiles", "version": 1, "profiles": profiles });
        serde_json::to_string_pretty(&doc).map_err(|e| UiError::internal(e.to_string()))
    }

    /// Imports profiles as new ones (fresh ids; the secrets must be entered again).
    pub fn profiles_import(&self, json: &str) -> UiResult<Vec<ProfileView>> {
        let doc: Value = serde_json::from_str(json).map_err(|e| {
            UiError::invalid_input(format!("The file is not valid JSON: {e}"))
                .with_hint("Choose a file written by \"Export profiles\".")
        })?;
        let list = doc.get("profiles").cloned().or_else(|| doc.is_array().then(|| doc.clone()));
        let Some(list) = list else {
            return Err(UiError::invalid_input("The JSON has no \"profiles\" list.")
                .with_hint("Choose a file written by \"Export profiles\"."));
        };
        let incoming: Vec<Profile> = serde_json::from_value(list).map_err(|e| {
            UiError::invalid_input(format!("A profile in the file is malformed: {e}"))
        })?;
        // Validate all before saving any, so a bad file changes nothing.
        let incoming = incoming
            .into_iter()
            .map(|p| normalise(Profile { id: String::new(), ..p }))
            .collect::<UiResult<Vec<_>>>()?;
        let mut out = Vec::new();
        for p in incoming {
            out.push(self.profile_save(p, None)?);
        }
        Ok(out)
    }

    /// Creates the sandbox profile on first start; on later starts points it at the
    /// sandbox's new port (and restores its secret if the keyring lost it).
    pub fn ensure_sandbox_profile(&self, seed: &SandboxSeed) -> UiResult<ProfileView> {
        *self.sandbox_base_url.lock().unwrap() = Some(seed.base_url.clone());
        let existing = self.sandbox_profile_id().and_then(|id| self.profile(&id).ok());
        let view = match existing {
            Some(mut p) => {
                p.base_url = seed.base_url.clone();
                let secret = match self.secrets.get(&p.id) {
                    Ok(Some(_)) => None,
                    _ => Some(seed.secret.expose().to_owned()),
                };
                self.profile_save(p, secret)?
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
                    notes: "The embedded WeCom simulator. Works offline, no credentials needed.".into(),
                };
                let v = self.profile_save(p, Some(seed.secret.expose().to_owned()))?;
                let _g = self.write.lock().unwrap();
                self.save(K_SANDBOX_ID, &v.profile.id)?;
                drop(_g);
                if self.load::<Option<String>>(K_ACTIVE).is_none() {
                    self.profile_set_active(&v.profile.id)?;
                }
                ProfileView { is_sandbox: true, ..v }
            }
        };
        Ok(view)
    }

    // ---- link history ----

    pub fn link_history(&self) -> Vec<LinkHistoryItem> {
        self.load(K_LINKS)
    }

    pub fn link_history_add(&self, mut item: LinkHistoryItem) -> UiResult<()> {
        if item.created_at == 0 {
            item.created_at = self.clock.now();
        }
        let _g = self.write.lock().unwrap();
        let mut all = self.link_history();
        // Building the same link again moves it to the top instead of duplicating it.
        all.retain(|x| x.url != item.url);
        all.insert(0, item);
        all.truncate(LINK_HISTORY_MAX);
        self.save(K_LINKS, &all)
    }

    pub fn link_history_clear(&self) -> UiResult<()> {
        let _g = self.write.lock().unwrap();
        self.save(K_LINKS, &Vec::<LinkHistoryItem>::new())
    }
}

fn new_id() -> String {
    let n: u64 = rand::random();
    format!("p{n:016x}")
}

/// Trims and validates a profile before it is stored.
fn normalise(mut p: Profile) -> UiResult<Profile> {
    p.name = p.name.trim().to_owned();
    p.corpid = p.corpid.trim().to_owned();
    p.agentid = p.agentid.trim().to_owned();
    p.base_url = p.base_url.trim().trim_end_matches('/').to_owned();
    p.default_redirect_uri = p.default_redirect_uri.trim().to_owned();
    if p.name.is_empty() {
        return Err(UiError::invalid_input("The profile has no name.").with_hint("Give it a name, e.g. the corp and app."));
    }
    if p.corpid.is_empty() {
        return Err(UiError::invalid_input("corpid is empty.")
            .with_hint("Copy the 企业ID from the admin console: 我的企业 → 企业信息."));
    }
    if !p.agentid.is_empty() && !p.agentid.chars().all(|c| c.is_ascii_digit()) {
        return Err(UiError::invalid_input(format!("agentid \"{}\" is not a number.", p.agentid))
            .with_hint("The AgentId is the number shown on the app's page in 应用管理."));
    }
    if p.base_url.is_empty() {
        p.base_url = DEFAULT_BASE_URL.to_owned();
    }
    match url::Url::parse(&p.base_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
        _ => {
            return Err(UiError::invalid_input(format!("API base URL \"{}\" is not an http(s) URL.", p.base_url))
                .with_hint(format!("Use {DEFAULT_BASE_URL}, the sandbox URL, or your proxy's URL.")));
        }
    }
    let mut domains = Vec::new();
    for d in p.trusted_domains.iter().map(|d| d.trim().to_ascii_lowercase()).filter(|d| !d.is_empty()) {
        let valid = !d.contains("://")
            && !d.contains('/')
            && url::Url::parse(&format!("https://{d}/")).map(|u| u.host().is_some()).unwrap_or(false);
        if !valid {
            return Err(UiError::invalid_input(format!("Trusted domain \"{d}\" is not a bare domain."))
                .with_hint("Write only the host (and port if any), e.g. app.example.com — no scheme, no path."));
        }
        if !domains.contains(&d) {
            domains.push(d);
        }
    }
    p.trusted_domains = domains;
    if !p.default_redirect_uri.is_empty() {
        match url::Url::parse(&p.default_redirect_uri) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return Err(UiError::invalid_input(format!(
                    "Default redirect URI \"{}\" is not an http(s) URL.",
                    p.default_redirect_uri
                ))
                .with_hint("Write the full URL, e.g. https://app.example.com/oauth/callback."));
            }
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::kv::MemoryKv;
    use crate::secrets::MemorySecretStore;

    fn state() -> (AppState, Arc<MemoryKv>, Arc<MemorySecretStore>) {
        let kv = Arc::new(MemoryKv::default());
        let secrets = Arc::new(MemorySecretStore::new());
        let st = AppState::new(kv.clone(), secrets.clone(), KeyringStatus { available: false, message: None });
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
        let v = st.profile_save(profile("Prod"), Some("TOPSECRET-123".into())).unwrap();
        assert!(v.has_secret);
        assert_eq!(secrets.get(&v.profile.id).unwrap().unwrap().expose(), "TOPSECRET-123");
        let dump = serde_json::to_string(&kv.get(K_PROFILES).unwrap()).unwrap();
        assert!(dump.contains("ww0123"));
        assert!(!dump.contains("TOPSECRET"));
        assert!(!st.profiles_export().unwrap().contains("TOPSECRET"));
    }

    #[test]
    fn save_keeps_replaces_and_deletes_secret() {
        let (st, _, secrets) = state();
        let v = st.profile_save(profile("A"), Some("one".into())).unwrap();
        let id = v.profile.id.clone();
        let mut p = v.profile.clone();
        p.notes = "edited".into();
        assert!(st.profile_save(p.clone(), None).unwrap().has_secret);
        assert_eq!(secrets.get(&id).unwrap().unwrap().expose(), "one");
        st.profile_save(p.clone(), Some("two".into())).unwrap();
        assert_eq!(secrets.get(&id).unwrap().unwrap().expose(), "two");
        assert!(!st.profile_save(p, Some(String::new())).unwrap().has_secret);
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
            let e = st.profile_save(bad, None).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            assert!(e.hint.is_some(), "{e:?}");
        }
        assert!(st.profiles().is_empty());
    }

    #[test]
    fn delete_duplicate_and_active() {
        let (st, _, secrets) = state();
        let a = st.profile_save(profile("A"), Some("sa".into())).unwrap().profile.id;
        let b = st.profile_duplicate(&a).unwrap();
        assert_eq!(b.profile.name, "A (copy)");
        assert_ne!(b.profile.id, a);
        assert_eq!(secrets.get(&b.profile.id).unwrap().unwrap().expose(), "sa");
        assert_eq!(st.profiles_list().active_id.as_deref(), Some(a.as_str()));
        st.profile_set_active(&b.profile.id).unwrap();
        assert_eq!(st.profiles_list().active_id, Some(b.profile.id.clone()));
        st.profile_delete(&b.profile.id).unwrap();
        assert!(secrets.get(&b.profile.id).unwrap().is_none());
        // The active profile falls back to one that exists.
        assert_eq!(st.profiles_list().active_id.as_deref(), Some(a.as_str()));
        assert_eq!(st.profile_delete("nope").unwrap_err().kind, ErrorKind::NotFound);
    }

    #[test]
    fn export_import_round_trip_without_secrets() {
        let (st, _, _) = state();
        st.profile_save(Profile { trusted_domains: vec!["A.example.com".into()], ..profile("A") }, Some("s".into()))
            .unwrap();
        st.ensure_sandbox_profile(&seed(1234)).unwrap();
        let json = st.profiles_export().unwrap();
        assert!(!json.contains("Sandbox"));
        let (st2, _, _) = state();
        let imported = st2.profiles_import(&json).unwrap();
        assert_eq!(imported.len(), 1);
        assert_eq!(imported[0].profile.name, "A");
        assert_eq!(imported[0].profile.trusted_domains, vec!["a.example.com"]);
        assert!(!imported[0].has_secret);
        assert_eq!(st2.profiles_import("{\"x\":1}").unwrap_err().kind, ErrorKind::InvalidInput);
        // A file with one bad profile imports nothing.
        let bad = r#"{"profiles":[{"name":"ok","corpid":"c"},{"name":"","corpid":"c"}]}"#;
        assert!(st2.profiles_import(bad).is_err());
        assert_eq!(st2.profiles().len(), 1);
    }

    #[test]
    fn sandbox_profile_created_once_then_follows_port() {
        let (st, _, secrets) = state();
        let v1 = st.ensure_sandbox_profile(&seed(1111)).unwrap();
        assert!(v1.is_sandbox && v1.has_secret);
        assert_eq!(st.profiles_list().active_id, Some(v1.profile.id.clone()));
        // Simulate a lost keyring entry and a new port on the next start.
        secrets.delete(&v1.profile.id).unwrap();
        let v2 = st.ensure_sandbox_profile(&seed(2222)).unwrap();
        assert_eq!(v2.profile.id, v1.profile.id);
        assert_eq!(v2.profile.base_url, "http://127.0.0.1:2222");
        assert!(v2.has_secret && v2.is_sandbox);
        assert_eq!(st.profiles().len(), 1);
        assert_eq!(st.app_info().sandbox_base_url.as_deref(), Some("http://127.0.0.1:2222"));
    }

    #[test]
    fn settings_validate_and_persist() {
        let (st, _, _) = state();
        assert_eq!(st.settings_get(), Settings::default());
        let s = Settings { theme: Theme::Dark, proxy: Some(" http://127.0.0.1:7890 ".into()), ..Default::default() };
        let saved = st.settings_set(s).unwrap();
        assert_eq!(saved.proxy.as_deref(), Some("http://127.0.0.1:7890"));
        assert_eq!(st.settings_get().theme, Theme::Dark);
        assert!(st.settings_set(Settings { timeout_secs: 0, ..Default::default() }).is_err());
        assert!(st.settings_set(Settings { proxy: Some("nonsense".into()), ..Default::default() }).is_err());
        assert_eq!(st.settings_get().theme, Theme::Dark);
    }

    #[test]
    fn link_history_dedups_and_caps() {
        let (st, _, _) = state();
        for i in 0..(LINK_HISTORY_MAX + 10) {
            st.link_history_add(LinkHistoryItem {
                url: format!("https://x/{i}"),
                kind: "oauth".into(),
                created_at: 0,
                profile_id: None,
                note: None,
            })
            .unwrap();
        }
        let h = st.link_history();
        assert_eq!(h.len(), LINK_HISTORY_MAX);
        assert_eq!(h[0].url, format!("https://x/{}", LINK_HISTORY_MAX + 9));
        assert!(h[0].created_at > 0);
        st.link_history_add(LinkHistoryItem { url: "https://x/100".into(), ..h[0].clone() }).unwrap();
        let h = st.link_history();
        assert_eq!(h[0].url, "https://x/100");
        assert_eq!(h.iter().filter(|x| x.url == "https://x/100").count(), 1);
        st.link_history_clear().unwrap();
        assert!(st.link_history().is_empty());
    }
}
