//! Profiles (one WeCom app each), their one set of rules, their export format, and
//! where their secrets live.
//!
//! A profile holds no secret: secrets go to a [`SecretStore`] (the OS keyring in the
//! app, [`MemorySecretStore`] in tests and one-shot CLI runs).

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::client::DEFAULT_BASE_URL;
use crate::error::{CoreError, UiError, UiResult};
use crate::secret::Secret;

/// A corp/app profile as stored and as the UI edits it (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "Profile.ts"))]
#[serde(default)]
pub struct Profile {
    /// Empty for a new profile; the store assigns one.
    pub id: String,
    pub name: String,
    pub corpid: String,
    /// Empty for corp-level work only (`config` without `agentConfig`).
    pub agentid: String,
    pub base_url: String,
    pub trusted_domains: Vec<String>,
    pub default_redirect_uri: String,
    pub notes: String,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            id: String::new(),
            name: String::new(),
            corpid: String::new(),
            agentid: String::new(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            trusted_domains: Vec::new(),
            default_redirect_uri: String::new(),
            notes: String::new(),
        }
    }
}

impl Profile {
    /// The cache key for this profile.
    pub fn credential_key(&self) -> crate::cache::CredentialKey {
        crate::cache::CredentialKey::new(&self.base_url, &self.corpid, &self.agentid)
    }

    /// Trims and checks every field; the one set of rules for saving and importing.
    pub fn normalised(mut self) -> UiResult<Profile> {
        self.name = self.name.trim().to_owned();
        self.corpid = self.corpid.trim().to_owned();
        self.agentid = self.agentid.trim().to_owned();
        self.base_url = self.base_url.trim().trim_end_matches('/').to_owned();
        self.default_redirect_uri = self.default_redirect_uri.trim().to_owned();
        if self.name.is_empty() {
            return Err(UiError::invalid_input("The profile has no name.", "配置档案没有名称。")
                .hint2("Give it a name, e.g. the corp and app.", "请起一个名称，例如企业名加应用名。"));
        }
        if self.corpid.is_empty() {
            return Err(UiError::invalid_input("corpid is empty.", "corpid（企业ID）为空。").hint2(
                "Copy the 企业ID from the admin console: 我的企业 → 企业信息.",
                "请从管理后台复制企业ID：我的企业 → 企业信息。",
            ));
        }
        if !self.agentid.is_empty() && !self.agentid.chars().all(|c| c.is_ascii_digit()) {
            return Err(UiError::invalid_input(
                format!("agentid \"{}\" is not a number.", self.agentid),
                format!("agentid「{}」不是数字。", self.agentid),
            )
            .hint2(
                "The AgentId is the number shown on the app's page in 应用管理.",
                "AgentId 是「应用管理」中应用页面上显示的数字。",
            ));
        }
        if self.base_url.is_empty() {
            self.base_url = DEFAULT_BASE_URL.to_owned();
        }
        match url::Url::parse(&self.base_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            _ => {
                return Err(UiError::invalid_input(
                    format!("API base URL \"{}\" is not an http(s) URL.", self.base_url),
                    format!("API 地址「{}」不是 http(s) 地址。", self.base_url),
                )
                .hint2(
                    format!("Use {DEFAULT_BASE_URL}, the sandbox URL, or your proxy's URL."),
                    format!("请使用 {DEFAULT_BASE_URL}、沙箱地址或你的代理地址。"),
                ));
            }
        }
        let mut domains = Vec::new();
        for d in self.trusted_domains.iter().map(|d| d.trim().to_ascii_lowercase()).filter(|d| !d.is_empty()) {
            let valid = !d.contains("://")
                && !d.contains('/')
                && url::Url::parse(&format!("https://{d}/")).map(|u| u.host().is_some()).unwrap_or(false);
            if !valid {
                return Err(UiError::invalid_input(
                    format!("Trusted domain \"{d}\" is not a bare domain."),
                    format!("可信域名「{d}」不是单纯的域名。"),
                )
                .hint2(
                    "Write only the host (and port if any), e.g. app.example.com — no scheme, no path.",
                    "只写主机名（如有端口也写上），例如 app.example.com —— 不要协议，不要路径。",
                ));
            }
            if !domains.contains(&d) {
                domains.push(d);
            }
        }
        self.trusted_domains = domains;
        if !self.default_redirect_uri.is_empty() {
            match url::Url::parse(&self.default_redirect_uri) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => {
                    return Err(UiError::invalid_input(
                        format!("Default redirect URI \"{}\" is not an http(s) URL.", self.default_redirect_uri),
                        format!("默认回调地址「{}」不是 http(s) 地址。", self.default_redirect_uri),
                    )
                    .hint2(
                        "Write the full URL, e.g. https://app.example.com/oauth/callback.",
                        "请填写完整地址，例如 https://app.example.com/oauth/callback。",
                    ));
                }
            }
        }
        Ok(self)
    }
}

/// The `format` field of a profile export.
pub const EXPORT_FORMAT: &str = "wwdev-profiles";

/// Profiles as pretty JSON (never with secrets: profiles have none).
pub fn export_profiles(profiles: &[Profile]) -> String {
    let doc = serde_json::json!({ "format": EXPORT_FORMAT, "version": 1, "profiles": profiles });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn not_an_export(en: String, zh: String) -> UiError {
    UiError::invalid_input(en, zh)
        .hint2("Choose a file written by \"Export profiles\".", "请选择由「导出配置档案」生成的文件。")
}

/// Reads an export (or a bare JSON array of profiles) and normalises every profile
/// with fresh (empty) ids; the first bad profile fails the whole import, so a bad file
/// changes nothing. Unknown fields such as a stray `secret` are ignored.
pub fn import_profiles(json: &str) -> UiResult<Vec<Profile>> {
    let doc: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        not_an_export(format!("The file is not valid JSON: {e}"), format!("文件不是有效的 JSON（详情：{e}）"))
    })?;
    let list = match doc {
        serde_json::Value::Array(_) => doc,
        serde_json::Value::Object(mut m) => {
            match m.get("format").and_then(|f| f.as_str()) {
                Some(EXPORT_FORMAT) | None => {}
                Some(other) => {
                    return Err(not_an_export(
                        format!("The file's format is \"{other}\", not \"{EXPORT_FORMAT}\"."),
                        format!("文件格式是「{other}」，不是「{EXPORT_FORMAT}」。"),
                    ));
                }
            }
            m.remove("profiles").ok_or_else(|| {
                not_an_export("The JSON has no \"profiles\" list.".into(), "JSON 中没有「profiles」列表。".into())
            })?
        }
        _ => {
            return Err(not_an_export(
                "Expected an export object or an array of profiles.".into(),
                "应为导出对象或配置档案数组。".into(),
            ));
        }
    };
    let incoming: Vec<Profile> = serde_json::from_value(list).map_err(|e| {
        not_an_export(format!("A profile in the file is malformed: {e}"), format!("文件中有配置档案格式不正确（详情：{e}）"))
    })?;
    incoming.into_iter().map(|p| Profile { id: String::new(), ..p }.normalised()).collect()
}

/// Where secrets are kept, by profile id.
pub trait SecretStore: Send + Sync {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>, CoreError>;
    fn set(&self, profile_id: &str, secret: &Secret) -> Result<(), CoreError>;
    fn delete(&self, profile_id: &str) -> Result<(), CoreError>;
}

/// In-memory store (tests, CLI runs, and the app when no keyring is available).
#[derive(Default)]
pub struct MemorySecretStore(Mutex<HashMap<String, Secret>>);

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>, CoreError> {
        Ok(self.0.lock().unwrap_or_else(|p| p.into_inner()).get(profile_id).cloned())
    }
    fn set(&self, profile_id: &str, secret: &Secret) -> Result<(), CoreError> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(profile_id.to_string(), secret.clone());
        Ok(())
    }
    fn delete(&self, profile_id: &str) -> Result<(), CoreError> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(profile_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn p(name: &str) -> Profile {
        Profile {
            name: name.into(),
            corpid: "ww123".into(),
            agentid: "1000002".into(),
            trusted_domains: vec!["App.Example.com".into()],
            default_redirect_uri: "https://app.example.com/cb".into(),
            ..Default::default()
        }
    }

    #[test]
    fn round_trip_normalises_and_drops_ids_and_stray_secrets() {
        let a = Profile { id: "p1".into(), ..p("测试应用").normalised().unwrap() };
        let json = export_profiles(std::slice::from_ref(&a));
        let got = import_profiles(&json).unwrap();
        assert_eq!(got, vec![Profile { id: String::new(), ..a.clone() }]);
        assert_eq!(got[0].trusted_domains, vec!["app.example.com"]);
        let bare = r#"[{"id":"x","name":"n","corpid":"ww1","secret":"SHOULD-NOT-MATTER"}]"#;
        let got = import_profiles(bare).unwrap();
        assert_eq!(got[0].base_url, DEFAULT_BASE_URL);
        assert_eq!(got[0].agentid, "", "an empty agentid is allowed (corp-level work)");
        assert!(!export_profiles(&got).contains("SHOULD-NOT-MATTER"));
    }

    #[test]
    fn bad_profiles_and_files_are_refused_in_both_languages() {
        for bad in [
            Profile { corpid: " ".into(), ..p("x") },
            Profile { agentid: "abc".into(), ..p("x") },
            Profile { base_url: "ftp://x".into(), ..p("x") },
            Profile { trusted_domains: vec!["https://a.com/path".into()], ..p("x") },
            Profile { default_redirect_uri: "not a url".into(), ..p("x") },
            p(""),
        ] {
            let e = bad.normalised().unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            assert!(e.hint.is_some() && e.hint_zh.is_some(), "{e:?}");
            assert_ne!(e.message, e.message_zh, "{e:?}");
        }
        for file in ["{", "{\"x\":1}", r#"{"format":"other","profiles":[]}"#, "42", r#"[{"name":5}]"#] {
            let e = import_profiles(file).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{file}");
            assert!(e.hint_zh.is_some());
            // serde's own (English) text is only a labelled detail of the Chinese message.
            assert_eq!(crate::error::english_in(&e.message_zh), None, "{e:?}");
        }
        // One bad profile fails the whole file.
        assert!(import_profiles(r#"{"profiles":[{"name":"ok","corpid":"c"},{"name":"","corpid":"c"}]}"#).is_err());
    }

    #[test]
    fn memory_store() {
        let s = MemorySecretStore::new();
        assert!(s.get("a").unwrap().is_none());
        s.set("a", &Secret::new("s1")).unwrap();
        assert_eq!(s.get("a").unwrap().unwrap().expose(), "s1");
        s.delete("a").unwrap();
        s.delete("a").unwrap();
        assert!(s.get("a").unwrap().is_none());
    }
}
