//! Profiles (one WeCom app each) and where their secrets live.
//!
//! A profile holds no secret: secrets go to a [`SecretStore`] (the OS keyring in the
//! app, [`MemorySecretStore`] in tests and one-shot CLI runs).

use crate::client::DEFAULT_BASE_URL;
use crate::error::CoreError;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;

fn default_base_url() -> String {
    DEFAULT_BASE_URL.to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub corpid: String,
    pub agentid: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default)]
    pub trusted_domains: Vec<String>,
    #[serde(default)]
    pub default_redirect_uri: Option<String>,
    #[serde(default)]
    pub notes: String,
}

impl Profile {
    /// Check the fields a profile needs to be usable.
    pub fn validate(&self) -> Result<(), CoreError> {
        let id = self.id.trim();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(CoreError::invalid("id", format!("{:?} must be non-empty letters, digits, - or _", self.id)));
        }
        if self.name.trim().is_empty() {
            return Err(CoreError::invalid("name", "is empty"));
        }
        if self.corpid.trim().is_empty() {
            return Err(CoreError::invalid("corpid", "is empty"));
        }
        if self.agentid.trim().parse::<u64>().is_err() {
            return Err(CoreError::invalid("agentid", format!("{:?} is not an integer", self.agentid)));
        }
        match url::Url::parse(self.base_url.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
            _ => return Err(CoreError::invalid("base_url", format!("{:?} is not an http(s) URL", self.base_url))),
        }
        if let Some(r) = self.default_redirect_uri.as_deref().filter(|r| !r.trim().is_empty()) {
            match url::Url::parse(r.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => return Err(CoreError::invalid("default_redirect_uri", format!("{r:?} is not an absolute http(s) URL"))),
            }
        }
        if let Some(d) = self.trusted_domains.iter().find(|d| d.trim().is_empty() || d.contains(char::is_whitespace)) {
            return Err(CoreError::invalid("trusted_domains", format!("{d:?} is not a domain")));
        }
        Ok(())
    }

    /// The cache key for this profile.
    pub fn credential_key(&self) -> crate::cache::CredentialKey {
        crate::cache::CredentialKey::new(&self.base_url, &self.corpid, &self.agentid)
    }
}

/// Where secrets are kept, by profile id.
pub trait SecretStore: Send + Sync {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>, CoreError>;
    fn set(&self, profile_id: &str, secret: &Secret) -> Result<(), CoreError>;
    fn delete(&self, profile_id: &str) -> Result<(), CoreError>;
}

/// In-memory store (tests, CLI runs with `--secret`).
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

#[derive(Serialize, Deserialize)]
struct ExportFile {
    format: String,
    version: u32,
    profiles: Vec<Profile>,
}

const EXPORT_FORMAT: &str = "wwdev-profiles";

/// Profiles as pretty JSON (never with secrets: profiles have none).
pub fn export_profiles(profiles: &[Profile]) -> String {
    let f = ExportFile { format: EXPORT_FORMAT.into(), version: 1, profiles: profiles.to_vec() };
    serde_json::to_string_pretty(&f).unwrap_or_default()
}

/// Parse an export (or a bare JSON array of profiles), validating each one and
/// rejecting duplicate ids. Unknown fields such as a stray `secret` are ignored.
pub fn import_profiles(json: &str) -> Result<Vec<Profile>, CoreError> {
    let v: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| CoreError::invalid("profiles", format!("not valid JSON: {e}")))?;
    let list = match &v {
        serde_json::Value::Array(_) => v,
        serde_json::Value::Object(m) => {
            if m.get("format").and_then(|f| f.as_str()) != Some(EXPORT_FORMAT) {
                return Err(CoreError::invalid("profiles", format!("not a wwdev profile export (format should be {EXPORT_FORMAT:?})")));
            }
            m.get("profiles").cloned().unwrap_or(serde_json::Value::Null)
        }
        _ => return Err(CoreError::invalid("profiles", "expected an export object or an array of profiles")),
    };
    let profiles: Vec<Profile> = serde_json::from_value(list)
        .map_err(|e| CoreError::invalid("profiles", format!("a profile is malformed: {e}")))?;
    let mut ids = std::collections::HashSet::new();
    for (i, p) in profiles.iter().enumerate() {
        p.validate().map_err(|e| match e {
            CoreError::InvalidInput { field, message } => {
                CoreError::invalid(format!("profiles[{i}].{field}"), message)
            }
            other => other,
        })?;
        if !ids.insert(p.id.trim().to_string()) {
            return Err(CoreError::invalid(format!("profiles[{i}].id"), format!("duplicate id {:?}", p.id)));
        }
    }
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str) -> Profile {
        Profile {
            id: id.into(),
            name: "测试应用".into(),
            corpid: "ww123".into(),
            agentid: "1000002".into(),
            base_url: DEFAULT_BASE_URL.into(),
            trusted_domains: vec!["app.example.com".into()],
            default_redirect_uri: Some("https://app.example.com/cb".into()),
            notes: String::new(),
        }
    }

    #[test]
    fn round_trip_and_defaults() {
        let all = vec![p("a"), p("b")];
        let json = export_profiles(&all);
        assert_eq!(import_profiles(&json).unwrap(), all);
        let bare = r#"[{"id":"x","name":"n","corpid":"ww1","agentid":"1","secret":"SHOULD-NOT-MATTER"}]"#;
        let got = import_profiles(bare).unwrap();
        assert_eq!(got[0].base_url, DEFAULT_BASE_URL);
        assert!(!export_profiles(&got).contains("SHOULD-NOT-MATTER"));
    }

    #[test]
    fn import_validates() {
        let mut bad = p("a");
        bad.agentid = "abc".into();
        let e = import_profiles(&export_profiles(&[bad])).unwrap_err();
        assert!(matches!(e, CoreError::InvalidInput { ref field, .. } if field == "profiles[0].agentid"), "{e}");
        let e = import_profiles(&export_profiles(&[p("a"), p("a")])).unwrap_err();
        assert!(e.to_string().contains("duplicate"));
        assert!(import_profiles("{").is_err());
        assert!(import_profiles(r#"{"format":"other","profiles":[]}"#).is_err());
        let mut b = p("a");
        b.base_url = "qyapi".into();
        assert!(b.validate().is_err());
        let mut b = p("a b");
        b.name = "x".into();
        assert!(b.validate().is_err());
    }

    #[test]
    fn memory_store() {
        let s = MemorySecretStore::new();
        assert!(s.get("a").unwrap().is_none());
        s.set("a", &Secret::new("s1")).unwrap();
        assert_eq!(s.get("a").unwrap().unwrap().expose(), "s1");
        s.delete("a").unwrap();
        assert!(s.get("a").unwrap().is_none());
    }
}
