//! Types exchanged with the UI. TypeScript copies are generated into
//! `ui/src/bindings/` (see `bindings.rs`); docs/COMMANDS.md is the contract.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "Language.ts")]
pub enum Language {
    Zh,
    En,
    #[default]
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "Theme.ts")]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export_to = "Settings.ts")]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
    /// HTTP(S) or SOCKS5 proxy for calls to WeCom; null = the usual proxy variables.
    pub proxy: Option<String>,
    /// Timeout of every HTTP call, seconds (1..=120).
    pub timeout_secs: u32,
    pub log_max_entries: Option<u32>,
    pub log_max_days: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::System,
            theme: Theme::System,
            proxy: None,
            timeout_secs: 15,
            log_max_entries: Some(100_000),
            log_max_days: Some(30),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "KeyringStatus.ts")]
pub struct KeyringStatus {
    pub available: bool,
    /// Why the keyring is not usable (secrets then live in memory for this session only).
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "AppInfo.ts")]
pub struct AppInfo {
    pub version: String,
    pub sandbox_base_url: Option<String>,
    pub keyring: KeyringStatus,
    /// BCP 47 tag of the OS locale, e.g. "zh-CN" (the UI's "system" language follows it).
    pub system_locale: String,
    pub log_recovered_message: Option<String>,
}

/// A corp/app profile as stored (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export_to = "Profile.ts")]
pub struct Profile {
    /// Empty for a new profile; the backend assigns one.
    pub id: String,
    pub name: String,
    pub corpid: String,
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

pub const DEFAULT_BASE_URL: &str = "https://qyapi.weixin.qq.com";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "ProfileView.ts")]
pub struct ProfileView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub profile: Profile,
    pub has_secret: bool,
    pub is_sandbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "ProfilesView.ts")]
pub struct ProfilesView {
    pub profiles: Vec<ProfileView>,
    pub active_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "LinkHistoryItem.ts")]
pub struct LinkHistoryItem {
    pub url: String,
    /// "oauth" | "weblogin" | "batch"
    pub kind: String,
    #[ts(type = "number")]
    pub created_at: i64,
    pub profile_id: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "QrFormat.ts")]
pub enum QrFormat {
    Png,
    Svg,
}
