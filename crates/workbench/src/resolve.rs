//! Resolving a profile into what a WeCom call needs: the stored profile, its secret,
//! the credential cache it shares with every other feature, and a pooled client.

use std::time::Duration;

use wwdev_core::cache::{CredentialKey, TokenCache};
use wwdev_core::client::{ClientConfig, WeComClient};
use wwdev_core::secret::Secret;

use wwdev_core::error::{UiError, UiResult};
use wwdev_core::profile::Profile;

use crate::secrets::keyring_error;
use crate::state::{SandboxSeed, Workbench};

pub struct Resolved<'a> {
    pub profile: Profile,
    pub key: CredentialKey,
    pub client: WeComClient,
    pub cache: &'a TokenCache,
    secret: Option<Secret>,
}

impl Resolved<'_> {
    /// The app secret, or an error that says how to add one.
    pub fn secret(&self) -> UiResult<&Secret> {
        self.secret.as_ref().ok_or_else(|| {
            UiError::invalid_input(
                format!("Profile \"{}\" has no secret.", self.profile.name),
                format!("配置档案「{}」没有 Secret。", self.profile.name),
            )
            .hint2(
                "Edit the profile and paste the app's Secret (应用管理 → the app → Secret). It is stored in the system keyring only.",
                "编辑配置档案，粘贴应用的 Secret（应用管理 → 应用 → Secret）。它只保存在系统密钥环中。",
            )
        })
    }
}

impl Workbench {
    /// Attaches the started embedded sandbox and makes sure the "Sandbox" profile
    /// points at it.
    pub fn attach_sandbox(&self, handle: wwdev_sandbox::SandboxHandle) -> UiResult<()> {
        let seed = handle.seed();
        let app = seed.apps.first().ok_or_else(|| UiError::internal("the sandbox seed has no app"))?;
        let first_domain = app.trusted_domains.first().cloned().unwrap_or_else(|| "localhost".into());
        let sb = SandboxSeed {
            base_url: handle.base_url(),
            corpid: seed.corpid.clone(),
            agentid: app.agentid.to_string(),
            secret: Secret::new(app.secret.clone()),
            trusted_domains: app.trusted_domains.clone(),
            default_redirect_uri: format!("https://{first_domain}/oauth/callback"),
        };
        let _ = self.sandbox_cache.set(std::sync::Arc::new(TokenCache::new(handle.clock())));
        let _ = self.sandbox.set(handle);
        self.ensure_sandbox_profile(&sb)?;
        Ok(())
    }

    pub fn sandbox_handle(&self) -> UiResult<&wwdev_sandbox::SandboxHandle> {
        self.sandbox.get().ok_or_else(|| {
            UiError::not_found("The embedded sandbox is not running.", "内置沙箱没有运行。").hint2(
                "It starts with the app; see the app's log for why it failed to bind 127.0.0.1.",
                "它随应用启动；请查看应用日志，了解它为何无法监听 127.0.0.1。",
            )
        })
    }

    /// True when `base_url` is the embedded sandbox's.
    pub fn is_sandbox_url(&self, base_url: &str) -> bool {
        self.sandbox.get().is_some_and(|h| h.base_url() == base_url.trim_end_matches('/'))
    }

    pub fn cache_for(&self, base_url: &str) -> &TokenCache {
        if self.is_sandbox_url(base_url)
            && let Some(c) = self.sandbox_cache.get()
        {
            return c;
        }
        &self.system_cache
    }

    /// The shared cache itself, for servers that outlive one command (the signing endpoint).
    pub fn cache_arc_for(&self, base_url: &str) -> std::sync::Arc<TokenCache> {
        if self.is_sandbox_url(base_url)
            && let Some(c) = self.sandbox_cache.get()
        {
            return c.clone();
        }
        self.system_cache.clone()
    }

    /// The current time on the clock that governs `base_url` (the sandbox clock may
    /// have been advanced), so UI countdowns match the cache.
    pub fn now_for(&self, base_url: &str) -> i64 {
        self.cache_for(base_url).now()
    }

    pub fn client_for(&self, base_url: &str, profile_name: &str, feature: &str) -> UiResult<WeComClient> {
        let settings = self.settings();
        let key = format!("{base_url}|{profile_name}|{}|{:?}", settings.timeout_secs, settings.proxy);
        let mut clients = self.clients.lock().unwrap();
        if let Some(c) = clients.get(&key) {
            return Ok(c.with_feature(feature));
        }
        let client = WeComClient::new(
            ClientConfig {
                base_url: base_url.to_owned(),
                timeout: Duration::from_secs(settings.timeout_secs as u64),
                proxy: settings.proxy.clone(),
                profile: profile_name.to_owned(),
                feature: feature.to_owned(),
            },
            self.request_sink(),
        )?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// Everything a WeCom call for `profile_id` needs. The secret may be absent; call
    /// [`Resolved::secret`] where it is required.
    pub fn resolve(&self, profile_id: &str, feature: &str) -> UiResult<Resolved<'_>> {
        let profile = self.profile(profile_id)?;
        let secret = self.secrets().get(&profile.id).map_err(keyring_error)?;
        let client = self.client_for(&profile.base_url, &profile.name, feature)?;
        let key = CredentialKey::new(&profile.base_url, &profile.corpid, &profile.agentid);
        let cache = self.cache_for(&profile.base_url);
        Ok(Resolved { profile, key, client, cache, secret })
    }
}

