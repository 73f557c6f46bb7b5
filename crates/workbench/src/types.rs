//! The app-level types the UI sees (settings, views over profiles, the credential
//! countdowns, …). Domain types come straight from wwdev-core (`Profile`, `TicketKind`,
//! `UiError`, …). TypeScript copies are generated into `ui/src/bindings/` (bindings.rs).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use wwdev_core::cache::TicketKind;
pub use wwdev_core::client::DEFAULT_BASE_URL;
pub use wwdev_core::error::{ErrorKind, UiError};
pub use wwdev_core::oauth::{Problem, Severity as ProblemSeverity};
pub use wwdev_core::flows::Step;
pub use wwdev_core::profile::Profile;

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

impl Settings {
    /// The request-log retention these settings ask for.
    pub fn retention(&self) -> wwdev_core::log::Retention {
        wwdev_core::log::Retention { max_entries: self.log_max_entries.map(u64::from), max_days: self.log_max_days }
    }
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
    /// Why the keyring is not usable (secrets then live in memory for this session only)…
    pub message: Option<String>,
    /// …in Chinese.
    pub message_zh: Option<String>,
}

/// A step of the UI's own startup, for the startup trace (`WWDEV_STARTUP_TRACE=1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "StartupMark.ts")]
pub struct StartupMark {
    pub name: String,
    /// `performance.now()` at that step: milliseconds since the page's navigation started.
    pub ms: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "AppInfo.ts")]
pub struct AppInfo {
    pub version: String,
    pub sandbox_base_url: Option<String>,
    pub keyring: KeyringStatus,
    /// BCP 47 tag of the OS locale, e.g. "zh-CN" (the UI's "system" language follows it).
    pub system_locale: String,
    /// The request log was recovered from a broken file, or could not be opened (shown once).
    pub log_recovered_message: Option<String>,
    pub log_recovered_message_zh: Option<String>,
    /// Set when the store file was damaged and moved aside at this start.
    pub store_recovered: Option<StoreRecovered>,
}

/// What the UI shows once after a damaged store file (profiles, settings, link history)
/// was moved aside at startup. The UI words the sentence (zh/en); `reason` is the
/// parser's detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "StoreRecovered.ts")]
pub struct StoreRecovered {
    /// The store file that could not be read, e.g. `~/.local/share/dev.wwdev.app/wwdev.json`.
    pub path: String,
    /// Where the damaged file now is (`wwdev.json.corrupt-20261201T200000Z`), or null
    /// when it could not be moved (then `move_error` says why).
    pub moved_to: Option<String>,
    pub move_error: Option<String>,
    pub reason: String,
}

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

// ---- domain check ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "DomainCheckParams.ts")]
pub struct DomainCheckParams {
    /// When set and `urls` is empty, the profile's default redirect URI is checked.
    pub profile_id: Option<String>,
    pub domain: String,
    pub verify_file_name: Option<String>,
    pub expected_content: Option<String>,
    pub urls: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "Severity.ts")]
pub enum Severity {
    Ok,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DomainCheck.ts")]
pub struct DomainCheck {
    pub id: String,
    pub ok: bool,
    pub severity: Severity,
    pub message_zh: String,
    pub message_en: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DomainReport.ts")]
pub struct DomainReport {
    pub domain: String,
    /// True when no check is an error.
    pub ok: bool,
    pub checks: Vec<DomainCheck>,
}

// ---- token & tickets ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "RevealWhat.ts")]
pub enum RevealWhat {
    Token,
    CorpTicket,
    AgentTicket,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "CachedView.ts")]
pub struct CachedView {
    pub masked: String,
    #[ts(type = "number")]
    pub fetched_at: i64,
    #[ts(type = "number")]
    pub expires_at: i64,
    /// When the cache will fetch a new one (expiry minus the safety margin).
    #[ts(type = "number")]
    pub refresh_at: i64,
    /// False when this call went to WeCom.
    pub from_cache: bool,
    /// Backend clock at the time of this answer (the sandbox clock for sandbox profiles).
    #[ts(type = "number")]
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "CredentialsView.ts")]
pub struct CredentialsView {
    #[ts(type = "number")]
    pub now: i64,
    pub token: Option<CachedView>,
    pub corp_ticket: Option<CachedView>,
    pub agent_ticket: Option<CachedView>,
    pub corp_fetches_last_hour: u32,
    pub agent_fetches_last_hour: u32,
    pub corp_limit_per_hour: u32,
    pub agent_limit_per_hour: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "TicketHistoryItem.ts")]
pub struct TicketHistoryItem {
    pub masked: String,
    #[ts(type = "number")]
    pub fetched_at: i64,
    #[ts(type = "number")]
    pub expires_at: i64,
    pub is_current: bool,
}

// ---- sign ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "SignedPart.ts")]
pub struct SignedPart {
    /// string1 with the ticket masked, safe to show and screenshot.
    pub string1_masked: String,
    /// The real string1; only when the command was called with `reveal: true`.
    pub string1: Option<String>,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "SignReport.ts")]
pub struct SignReport {
    pub url_signed: String,
    /// The `#...` part that was removed before signing, if any.
    pub stripped_fragment: Option<String>,
    pub nonce_str: String,
    pub timestamp: String,
    pub corpid: String,
    pub agentid: String,
    pub config: SignedPart,
    pub agent_config: SignedPart,
    pub ww_register_snippet: String,
}

// ---- links ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "BuiltLink.ts")]
pub struct BuiltLink {
    /// None when an error-severity problem stops the link from working.
    pub url: Option<String>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "OAuthParams.ts")]
pub struct OAuthParams {
    pub profile_id: String,
    pub redirect_uri: String,
    /// "snsapi_base" | "snsapi_privateinfo"
    pub scope: String,
    pub state: String,
    /// Overrides the profile's agentid; "" = leave it out of the link.
    pub agentid: Option<String>,
    /// Point the link at the embedded sandbox's authorize page instead of open.weixin.qq.com.
    pub for_sandbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "WebLoginParams.ts")]
pub struct WebLoginParams {
    pub profile_id: String,
    pub redirect_uri: String,
    pub state: String,
    /// "zh" | "en" | null
    pub lang: Option<String>,
    pub legacy: bool,
    pub for_sandbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "BatchParams.ts")]
pub struct BatchParams {
    pub profile_id: String,
    pub scopes: Vec<String>,
    pub states: Vec<String>,
    pub redirect_paths: Vec<String>,
    /// Scheme+host the paths are joined to; default: the origin of the profile's default redirect URI.
    pub redirect_origin: Option<String>,
    pub for_sandbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "BatchLink.ts")]
pub struct BatchLink {
    pub scope: String,
    pub state: String,
    pub redirect_uri: String,
    pub url: Option<String>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "BatchView.ts")]
pub struct BatchView {
    pub links: Vec<BatchLink>,
    pub csv: String,
    pub markdown: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "Explanation.ts")]
pub struct Explanation {
    /// "oauth" | "web_login" | "web_login_legacy" | "unknown"
    pub kind: String,
    pub fields: Vec<(String, String)>,
    pub fragment: Option<String>,
    pub problems: Vec<Problem>,
}

// ---- error codes ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "ErrcodeEntry.ts")]
pub struct ErrcodeEntry {
    #[ts(type = "number")]
    pub code: i64,
    pub name: String,
    pub meaning_zh: String,
    pub meaning_en: String,
    pub cause_zh: String,
    pub cause_en: String,
    pub fix_zh: String,
    pub fix_en: String,
    /// Where the meaning comes from (a WeCom document or public thread; docs/FACTS.md).
    pub source: String,
    pub doc_url: String,
}

// ---- identity ----


#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export_to = "IdentityReport.ts")]
pub struct IdentityReport {
    pub code: Option<String>,
    pub state: Option<String>,
    /// getuserinfo result: `{kind: "member", userid, user_ticket (masked), expires_in}` or
    /// `{kind: "non_member", openid, external_userid}`.
    #[ts(type = "Record<string, unknown> | null")]
    pub userinfo: Option<serde_json::Value>,
    /// user/get result (member details).
    #[ts(type = "Record<string, unknown> | null")]
    pub user: Option<serde_json::Value>,
    /// auth/getuserdetail result (sensitive fields; only with a user_ticket).
    #[ts(type = "Record<string, unknown> | null")]
    pub detail: Option<serde_json::Value>,
    pub steps: Vec<Step>,
    /// Plain-language summary of what was found or what went wrong (from wwdev-core)…
    pub summary: String,
    /// …in Chinese.
    pub summary_zh: String,
}

// ---- API console ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "ConsoleParam.ts")]
pub struct ConsoleParam {
    pub name: String,
    /// "query" | "body"
    #[serde(rename = "in")]
    pub location: String,
    pub required: bool,
    pub hint: String,
    pub hint_zh: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "ConsoleEndpoint.ts")]
pub struct ConsoleEndpoint {
    pub method: String,
    pub path: String,
    pub title_zh: String,
    pub title_en: String,
    pub params: Vec<ConsoleParam>,
    pub body_template: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "ConsoleResponse.ts")]
pub struct ConsoleResponse {
    pub status: u16,
    #[ts(type = "number")]
    pub latency_ms: u64,
    pub headers: Vec<(String, String)>,
    /// Pretty-printed body with tokens and tickets masked.
    pub body_pretty: String,
    #[ts(type = "number | null")]
    pub errcode: Option<i64>,
    pub errmsg: Option<String>,
    pub explanation: Option<ErrcodeEntry>,
}

// ---- sandbox ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "SandboxApp.ts")]
pub struct SandboxApp {
    #[ts(type = "number")]
    pub agentid: i64,
    pub name: String,
    /// The app secret of the simulated corp (not a real credential).
    pub secret: String,
    pub trusted_domains: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "SandboxMember.ts")]
pub struct SandboxMember {
    pub userid: String,
    pub name: String,
    pub position: String,
    #[ts(type = "number[]")]
    pub department: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "SandboxCode.ts")]
pub struct SandboxCode {
    pub code: String,
    pub flow: String,
    pub userid: Option<String>,
    pub openid: Option<String>,
    pub scope: String,
    pub state: String,
    pub redirect_uri: String,
    #[ts(type = "number")]
    pub issued_at: i64,
    #[ts(type = "number")]
    pub expires_at: i64,
    pub used: bool,
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "SandboxCredential.ts")]
pub struct SandboxCredential {
    pub kind: String,
    pub masked: String,
    #[ts(type = "number")]
    pub agentid: i64,
    pub app_name: String,
    pub userid: Option<String>,
    #[ts(type = "number")]
    pub issued_at: i64,
    #[ts(type = "number")]
    pub expires_at: i64,
    pub status: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "FaultKind.ts")]
pub enum FaultKind {
    Latency,
    HttpStatus,
    HtmlError,
    MalformedJson,
    DropConnection,
    Errcode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "SandboxFault.ts")]
pub struct SandboxFault {
    /// An endpoint path (`/cgi-bin/gettoken`) or a prefix ending in `*` (`/cgi-bin/*`).
    pub path: String,
    pub kind: FaultKind,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub latency_ms: Option<u64>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub errcode: Option<i64>,
    /// How many requests it hits before clearing itself; null = until cleared.
    #[serde(default)]
    pub count: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "SandboxView.ts")]
pub struct SandboxView {
    pub running: bool,
    pub base_url: Option<String>,
    #[ts(type = "number")]
    pub now: i64,
    /// Seconds the sandbox clock was moved ahead of the wall clock.
    #[ts(type = "number")]
    pub clock_offset: i64,
    pub corpid: String,
    pub corp_name: String,
    pub apps: Vec<SandboxApp>,
    pub members: Vec<SandboxMember>,
    pub codes: Vec<SandboxCode>,
    pub tokens: Vec<SandboxCredential>,
    pub faults: Vec<SandboxFault>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "ConnectionTest.ts")]
pub struct ConnectionTest {
    pub ok: bool,
    #[ts(type = "number")]
    pub latency_ms: u64,
    pub error: Option<UiError>,
    #[ts(type = "number | null")]
    pub token_expires_at: Option<i64>,
}
