//! The core error type and its UI/CLI projections.
//!
//! Messages never contain secrets: callers build them from redacted values only
//! (errmsg from WeCom carries no credentials; bodies are redacted before snippets).

use crate::errcode::{self, ErrcodeEntry};
use serde::{Deserialize, Serialize};

/// Longest body excerpt kept in an error.
pub const SNIPPET_LEN: usize = 300;

#[derive(thiserror::Error, Debug)]
pub enum CoreError {
    /// WeCom answered with a non-zero errcode.
    #[error("WeCom returned errcode {errcode}: {errmsg}")]
    WeCom {
        errcode: i64,
        errmsg: String,
        entry: Option<&'static ErrcodeEntry>,
    },
    /// Could not connect, DNS failure, connection dropped mid-way.
    #[error("network error calling {url}: {message}")]
    Network { url: String, message: String },
    /// No answer within the configured timeout.
    #[error("no answer from {url} within {timeout_ms} ms")]
    Timeout { url: String, timeout_ms: u64 },
    /// A non-200 HTTP status (WeCom answers errors with 200 + JSON, so this usually
    /// means a proxy, a wrong base URL or an HTML error page).
    #[error("HTTP {status} from {url}: {snippet}")]
    Http { status: u16, url: String, snippet: String },
    /// The body was not the JSON we expected.
    #[error("could not decode the answer from {url}: {message}; body starts with: {snippet}")]
    Decode { url: String, message: String, message_zh: String, snippet: String },
    /// The user gave something unusable. `field` is an identifier (kept as is in both
    /// languages); `message` / `message_zh` say what is wrong with it.
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String, message_zh: String },
    /// A setting (base URL, timeout, proxy, …) is unusable.
    #[error("configuration error: {message}")]
    Config { message: String, message_zh: String },
    /// The OS keyring refused or is not available. The message says what to do.
    #[error("{message}")]
    Keyring { message: String, message_zh: String },
    /// The app's own data (the request log) could not be read or written.
    #[error("{message}")]
    Storage { message: String, message_zh: String },
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// What went wrong, so the UI can pick an icon, a colour and an action, and the CLI an
/// exit code. The one list of error kinds: the app, the CLI and the bindings use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "ErrorKind.ts"))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// WeCom (or the sandbox) answered with a non-zero errcode.
    Wecom,
    Network,
    Timeout,
    Http,
    Decode,
    InvalidInput,
    /// The OS keyring refused or is not available.
    Keyring,
    /// The app's own data (store file, request log) could not be read or written.
    Storage,
    NotFound,
    /// A profile setting is unusable.
    Config,
    Io,
    Internal,
}

impl ErrorKind {
    /// The snake_case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Wecom => "wecom",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Http => "http",
            ErrorKind::Decode => "decode",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Keyring => "keyring",
            ErrorKind::Storage => "storage",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Config => "config",
            ErrorKind::Io => "io",
            ErrorKind::Internal => "internal",
        }
    }

    /// The CLI exit code: 1 WeCom errcode, 3 network-ish failures, 2 everything else.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Wecom => 1,
            ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Http | ErrorKind::Decode => 3,
            _ => 2,
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The one error type users see — in the app, in `--json` CLI output and inside results
/// (identity steps, connection tests): what happened and what to do, in English and
/// Chinese. Never holds a secret (built from redacted values only).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "UiError.ts"))]
#[error("{message}")]
pub struct UiError {
    pub kind: ErrorKind,
    pub message: String,
    pub message_zh: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub errcode: Option<i64>,
    pub hint: Option<String>,
    pub hint_zh: Option<String>,
}

impl UiError {
    /// An error with the same text in both languages where no translation exists yet
    /// (e.g. a library's own message); prefer [`UiError::new2`].
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let message = message.into();
        Self { kind, message_zh: message.clone(), message, errcode: None, hint: None, hint_zh: None }
    }
    /// An error in English and Chinese.
    pub fn new2(kind: ErrorKind, en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self { kind, message: en.into(), message_zh: zh.into(), errcode: None, hint: None, hint_zh: None }
    }
    /// What to do, in English and Chinese.
    pub fn hint2(mut self, en: impl Into<String>, zh: impl Into<String>) -> Self {
        self.hint = Some(en.into());
        self.hint_zh = Some(zh.into());
        self
    }
    pub fn invalid_input(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::new2(ErrorKind::InvalidInput, en, zh)
    }
    pub fn not_found(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::new2(ErrorKind::NotFound, en, zh)
    }
    pub fn storage(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::new2(ErrorKind::Storage, en, zh)
    }
    pub fn keyring(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::new2(ErrorKind::Keyring, en, zh)
    }
    /// A bug or an impossible state. The text is technical (often a library's own), so
    /// the Chinese message quotes it as a labelled detail.
    pub fn internal(message: impl Into<String>) -> Self {
        let m = message.into();
        Self::new2(ErrorKind::Internal, format!("Internal error: {m}"), format!("内部错误（详情：{m}）"))
    }
    /// The CLI exit code for this error kind (same mapping as [`CoreError::exit_code`]).
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
    /// Message and hint in the language asked for (`zh*` → Chinese, else English).
    pub fn localized(&self, lang: &str) -> (&str, Option<&str>) {
        if lang.starts_with("zh") {
            (&self.message_zh, self.hint_zh.as_deref().or(self.hint.as_deref()))
        } else {
            (&self.message, self.hint.as_deref())
        }
    }
}

impl From<CoreError> for UiError {
    fn from(e: CoreError) -> Self {
        e.to_ui()
    }
}

/// Result of anything that reports a [`UiError`].
pub type UiResult<T> = Result<T, UiError>;

impl CoreError {
    /// Build a WeCom error, attaching the catalogue entry.
    pub fn wecom(errcode: i64, errmsg: impl Into<String>) -> Self {
        CoreError::WeCom { errcode, errmsg: errmsg.into(), entry: errcode::lookup(errcode) }
    }

    /// Unusable input in `field`: what is wrong, in English and Chinese.
    pub fn invalid(field: impl Into<String>, en: impl Into<String>, zh: impl Into<String>) -> Self {
        CoreError::InvalidInput { field: field.into(), message: en.into(), message_zh: zh.into() }
    }

    /// An unusable setting, in English and Chinese.
    pub fn config(en: impl Into<String>, zh: impl Into<String>) -> Self {
        CoreError::Config { message: en.into(), message_zh: zh.into() }
    }

    /// A keyring failure, in English and Chinese.
    pub fn keyring(en: impl Into<String>, zh: impl Into<String>) -> Self {
        CoreError::Keyring { message: en.into(), message_zh: zh.into() }
    }

    /// The app's own data could not be read or written, in English and Chinese.
    pub fn storage(en: impl Into<String>, zh: impl Into<String>) -> Self {
        CoreError::Storage { message: en.into(), message_zh: zh.into() }
    }

    /// The errcode, when WeCom returned one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            CoreError::WeCom { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::WeCom { .. } => ErrorKind::Wecom,
            CoreError::Network { .. } => ErrorKind::Network,
            CoreError::Timeout { .. } => ErrorKind::Timeout,
            CoreError::Http { .. } => ErrorKind::Http,
            CoreError::Decode { .. } => ErrorKind::Decode,
            CoreError::InvalidInput { .. } => ErrorKind::InvalidInput,
            CoreError::Config { .. } => ErrorKind::Config,
            CoreError::Keyring { .. } => ErrorKind::Keyring,
            CoreError::Storage { .. } => ErrorKind::Storage,
            CoreError::Io(_) => ErrorKind::Io,
        }
    }

    /// CLI exit code: 1 WeCom errcode, 2 bad input, 3 network-ish failures.
    pub fn exit_code(&self) -> i32 {
        self.kind().exit_code()
    }

    /// What to do about it, in English.
    pub fn hint(&self) -> Option<String> {
        match self {
            CoreError::WeCom { errcode, entry, .. } => Some(match entry {
                Some(e) => format!("{} See {}", e.fix_en, errcode::doc_url(*errcode)),
                None => format!(
                    "This errcode is not in wwdev's catalogue; look it up at {}",
                    errcode::doc_url(*errcode)
                ),
            }),
            CoreError::Network { .. } => Some(
                "Check the base URL, your network, DNS and proxy settings (HTTPS_PROXY / NO_PROXY); \
                 if you use the sandbox, make sure it is running."
                    .into(),
            ),
            CoreError::Timeout { .. } => Some(
                "The server did not answer in time. Check connectivity or a proxy, or raise the timeout. \
                 wwdev does not retry automatically."
                    .into(),
            ),
            CoreError::Http { status, .. } => Some(if *status == 404 {
                "The path does not exist on this server: check the base URL and the /cgi-bin/ path.".into()
            } else if (300..400).contains(status) {
                "The server redirected: WeCom redirects plain http:// to https://; use an https base URL.".into()
            } else {
                "WeCom answers errors with HTTP 200 and JSON, so a non-200 usually comes from a proxy, \
                 a gateway or a wrong base URL. Check the body snippet."
                    .into()
            }),
            CoreError::Decode { .. } => Some(
                "The answer was not the expected JSON: check that the base URL points at WeCom (or the sandbox) \
                 and not at a proxy or login page."
                    .into(),
            ),
            CoreError::InvalidInput { .. } => Some("Correct the input and try again.".into()),
            CoreError::Config { .. } => Some("Check the profile settings.".into()),
            // Their messages already say what to do.
            CoreError::Keyring { .. } | CoreError::Storage { .. } | CoreError::Io(_) => None,
        }
    }

    /// What happened, in Chinese (the English text is `Display`).
    pub fn message_zh(&self) -> String {
        match self {
            CoreError::WeCom { errcode, errmsg, entry } => match entry {
                Some(e) => format!("企业微信返回错误码 {errcode}：{errmsg} — {}", e.meaning_zh),
                None => format!("企业微信返回错误码 {errcode}：{errmsg}"),
            },
            // `message` is the HTTP library's English text: quoted as a labelled detail.
            CoreError::Network { url, message } => format!("调用 {url} 时网络出错（详情：{message}）"),
            CoreError::Timeout { url, timeout_ms } => format!("{url} 在 {timeout_ms} 毫秒内没有应答"),
            CoreError::Http { status, url, snippet } => format!("{url} 返回 HTTP {status}：{snippet}"),
            CoreError::Decode { url, message_zh, snippet, .. } => {
                format!("无法解析 {url} 的应答：{message_zh}；应答开头：{snippet}")
            }
            CoreError::InvalidInput { field, message_zh, .. } => format!("{field} 无效：{message_zh}"),
            CoreError::Config { message_zh, .. } => format!("配置错误：{message_zh}"),
            CoreError::Keyring { message_zh, .. } | CoreError::Storage { message_zh, .. } => message_zh.clone(),
            CoreError::Io(e) => format!("读写出错（详情：{e}）"),
        }
    }

    /// What to do about it, in Chinese.
    pub fn hint_zh(&self) -> Option<String> {
        match self {
            CoreError::WeCom { errcode, entry, .. } => Some(match entry {
                Some(e) => format!("{} 参见 {}", e.fix_zh, errcode::doc_url(*errcode)),
                None => format!("wwdev 的错误码目录中没有此错误码，请在 {} 查询", errcode::doc_url(*errcode)),
            }),
            CoreError::Network { .. } => Some(
                "请检查 API 地址、网络、DNS 和代理设置（HTTPS_PROXY / NO_PROXY）；如使用沙箱，请确认沙箱正在运行。".into(),
            ),
            CoreError::Timeout { .. } => {
                Some("服务器未及时应答。请检查网络连接或代理，或调大超时时间。wwdev 不会自动重试。".into())
            }
            CoreError::Http { status, .. } => Some(if *status == 404 {
                "服务器上不存在该路径：请检查 API 地址和 /cgi-bin/ 路径。".into()
            } else if (300..400).contains(status) {
                "服务器做了重定向：企业微信会把 http:// 重定向到 https://，请使用 https 的 API 地址。".into()
            } else {
                "企业微信的错误以 HTTP 200 加 JSON 返回，非 200 通常来自代理、网关或错误的 API 地址。请查看应答片段。".into()
            }),
            CoreError::Decode { .. } => Some(
                "应答不是预期的 JSON：请确认 API 地址指向企业微信（或沙箱），而不是代理或登录页。".into(),
            ),
            CoreError::InvalidInput { .. } => Some("请更正输入后重试。".into()),
            CoreError::Config { .. } => Some("请检查配置档案的设置。".into()),
            CoreError::Keyring { .. } | CoreError::Storage { .. } | CoreError::Io(_) => None,
        }
    }

    pub fn to_ui(&self) -> UiError {
        // WeCom errors carry the catalogue meaning in the message, so the user reads
        // what it means without opening the catalogue.
        let message = match self {
            CoreError::WeCom { entry: Some(entry), .. } => format!("{self} — {}", entry.meaning_en),
            _ => self.to_string(),
        };
        UiError {
            kind: self.kind(),
            message,
            message_zh: self.message_zh(),
            errcode: self.errcode(),
            hint: self.hint(),
            hint_zh: self.hint_zh(),
        }
    }
}

/// A body excerpt safe to put into an error: redacted, whitespace-collapsed, cut at
/// [`SNIPPET_LEN`] characters.
pub fn snippet(body: &str) -> String {
    let redacted = redact_any(body);
    let collapsed: String = redacted.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = collapsed.chars().take(SNIPPET_LEN).collect();
    if collapsed.chars().count() > SNIPPET_LEN {
        out.push('…');
    }
    out
}

/// [`crate::record::redact_body`], plus masking of `"key": "value` pairs inside text
/// that is not valid JSON (a truncated answer can still hold most of a token).
pub fn redact_any(body: &str) -> String {
    if serde_json::from_str::<serde_json::Value>(body).is_ok() {
        return crate::record::redact_body(body);
    }
    let text = crate::record::redact_text(body);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(q) = rest.find('"') {
        out.push_str(&rest[..q]);
        rest = &rest[q..];
        // rest starts with a quote: try `"key"\s*:\s*"value`
        let masked = (|| {
            let end_key = rest[1..].find('"')? + 1;
            let key = &rest[1..end_key];
            if !crate::record::is_sensitive_key(key) {
                return None;
            }
            let after = &rest[end_key + 1..];
            let colon = after.trim_start();
            let after_colon = colon.strip_prefix(':')?.trim_start();
            let value = after_colon.strip_prefix('"')?;
            let vlen = value.find('"').unwrap_or(value.len());
            let consumed = rest.len() - value.len() + vlen;
            let head = &rest[..rest.len() - value.len()];
            Some((format!("{head}{}", crate::secret::mask(&value[..vlen])), consumed))
        })();
        match masked {
            Some((s, consumed)) => {
                out.push_str(&s);
                rest = &rest[consumed..];
            }
            None => {
                out.push('"');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// An English phrase (two ASCII words in a row) in `zh`, outside the labelled
/// `（详情：…）` details that quote a library's or the OS's own text on purpose.
/// For tests (here, and in other crates through the `test-util` feature).
#[cfg(any(test, feature = "test-util"))]
#[doc(hidden)]
pub fn english_in(zh: &str) -> Option<String> {
    let mut rest = zh.to_string();
    while let Some(start) = rest.find("（详情：") {
        let end = rest[start..].find('）').map_or(rest.len(), |e| start + e + '）'.len_utf8());
        rest.replace_range(start..end, "");
    }
    rest.split(|c: char| !(c.is_ascii_alphabetic() || c == ' '))
        .map(str::trim)
        .find(|run| run.split(' ').filter(|w| !w.is_empty()).count() >= 2)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wecom_error_carries_catalogue_fix() {
        let e = CoreError::wecom(40029, "invalid code");
        let ui = e.to_ui();
        assert_eq!(ui.kind, "wecom");
        assert!(ui.message_zh.contains(errcode::lookup(40029).unwrap().meaning_zh), "{ui:?}");
        assert!(ui.hint_zh.unwrap().contains(errcode::lookup(40029).unwrap().fix_zh));
        assert_eq!(ui.errcode, Some(40029));
        let hint = ui.hint.unwrap();
        assert!(hint.contains(errcode::lookup(40029).unwrap().fix_en));
        assert!(hint.contains("devtool/query?e=40029"));
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn unknown_errcode_still_has_hint() {
        let ui = CoreError::wecom(99999, "x").to_ui();
        assert!(ui.hint.unwrap().contains("e=99999"));
    }

    #[test]
    fn kinds_and_exit_codes() {
        let cases: Vec<(CoreError, &str, i32)> = vec![
            (CoreError::Network { url: "u".into(), message: "m".into() }, "network", 3),
            (CoreError::Timeout { url: "u".into(), timeout_ms: 1 }, "timeout", 3),
            (CoreError::Http { status: 502, url: "u".into(), snippet: "s".into() }, "http", 3),
            (CoreError::Decode { url: "u".into(), message: "m".into(), message_zh: "m".into(), snippet: "s".into() }, "decode", 3),
            (CoreError::invalid("code", "is empty", "不能为空"), "invalid_input", 2),
            (CoreError::config("c", "c"), "config", 2),
            (CoreError::keyring("k", "k"), "keyring", 2),
            (CoreError::storage("s", "s"), "storage", 2),
        ];
        for (e, kind, code) in cases {
            assert_eq!(e.to_ui().kind, kind);
            assert_eq!(e.exit_code(), code);
            assert_eq!(e.to_ui().exit_code(), code);
            assert!(e.to_ui().errcode.is_none());
        }
    }

    #[test]
    fn english_in_finds_english_phrases_only() {
        assert_eq!(english_in("corpid 无效：is empty").as_deref(), Some("is empty"));
        assert_eq!(english_in("配置错误：代理地址 \"x\" 无效（详情：builder error for url）"), None);
        assert_eq!(english_in("请传入 --corpid 或设置 WWDEV_CORPID"), None);
    }

    /// Every Chinese message built by core's own call sites is Chinese: the English
    /// sentence of `message` never appears in `message_zh`.
    #[test]
    fn chinese_messages_hold_no_english_sentences() {
        use crate::client::{ClientConfig, RawResponse, WeComClient, decode_userinfo, normalize_cgi_path};
        let client = |base: &str, timeout_ms: u64, proxy: Option<&str>| {
            WeComClient::new(
                ClientConfig {
                    base_url: base.into(),
                    timeout: std::time::Duration::from_millis(timeout_ms),
                    proxy: proxy.map(str::to_owned),
                    ..Default::default()
                },
                None,
            )
            .expect_err("the configuration is refused")
        };
        let ok = "https://qyapi.weixin.qq.com";
        let raw = |body: &str| RawResponse::from_http(200, vec![], body.into(), 1);
        // (error, a phrase of its English message, a phrase of its Chinese message)
        let cases: Vec<(CoreError, &str, &str)> = vec![
            (client("qyapi.weixin.qq.com", 1000, None), "is not a valid URL", "不是有效的 URL"),
            (client("ftp://qyapi.weixin.qq.com", 1000, None), "must be http(s)://host[:port]", "必须形如 http(s)://host[:port]"),
            (client(ok, 0, None), "timeout must be greater than zero", "超时时间必须大于 0"),
            (client(ok, 1000, Some("http://[::1")), "is invalid", "代理地址"),
            (normalize_cgi_path("/user/get").unwrap_err(), "is not a WeCom API path", "不是企业微信 API 路径"),
            (normalize_cgi_path("/cgi-bin/user/get?userid=zs").unwrap_err(), "put query parameters", "查询参数请放进"),
            (normalize_cgi_path("/cgi-bin/../x").unwrap_err(), "must not contain", "路径中不能包含"),
            (normalize_cgi_path("/cgi-bin/user get").unwrap_err(), "spaces or control", "空格或控制字符"),
            (crate::callback::parse_callback("").unwrap_err(), "nothing was pasted", "没有粘贴任何内容"),
            (crate::callback::parse_callback("ab cd").unwrap_err(), "contains spaces", "含有空格"),
            (crate::callback::parse_callback(&"c".repeat(600)).unwrap_err(), "bytes long", "最多 512 字节"),
            (crate::callback::parse_callback("https://app.example.com/cb?state=1").unwrap_err(), "has no `code`", "没有 `code` 参数"),
            (raw("<html>").check("u").unwrap_err(), "not JSON", "不是 JSON"),
            (raw("[1]").check("u").unwrap_err(), "not a JSON object", "不是 JSON 对象"),
            (decode_userinfo("u", raw(r#"{"errcode":0}"#)).unwrap_err(), "neither `userid` nor `openid`", "既没有 `userid` 也没有 `openid`"),
            (
                crate::client::decode_as::<crate::client::TokenResponse>("u", raw(r#"{"errcode":0}"#)).unwrap_err(),
                "unexpected JSON shape",
                "JSON 结构与预期不符",
            ),
            (
                CoreError::Network { url: "u".into(), message: "error sending request: connection refused".into() },
                "error sending request",
                "网络出错（详情：error sending request",
            ),
            (CoreError::Io(std::io::Error::other("disk is full")), "disk is full", "读写出错（详情：disk is full）"),
            (crate::log::LogError::NoDataDir.into(), "no data directory", "找不到存放请求日志的数据目录"),
        ];
        for (e, en, zh) in cases {
            let ui = e.to_ui();
            assert!(ui.message.contains(en), "English keeps its text: {ui:?}");
            assert!(ui.message_zh.contains(zh), "{ui:?}");
            assert!(!ui.message_zh.contains(en) || ui.message_zh.contains(&format!("（详情：{en}")), "{ui:?}");
            assert_eq!(english_in(&ui.message_zh), None, "{ui:?}");
            assert_eq!(english_in(ui.hint_zh.as_deref().unwrap_or("")), None, "{ui:?}");
        }
        // The field name is an identifier and stays as it is.
        assert_eq!(CoreError::invalid("corpid", "is empty", "不能为空").message_zh(), "corpid 无效：不能为空");
        let config = client("ftp://x", 1000, None);
        assert!(config.message_zh().starts_with("配置错误：API 地址 \"ftp://x\""), "{config:?}");
        assert_eq!(CoreError::keyring("k", "密钥环").message_zh(), "密钥环");
    }

    #[test]
    fn broken_json_values_are_masked() {
        let r = redact_any(r#"{"errcode": 0, "access_token" : "TOKENPART12345678"#);
        assert!(!r.contains("TOKENPART12345678"), "{r}");
        assert!(r.contains("errcode"));
        let r = redact_any(r#"x "ticket":"T1234567890abcdef", "userid":"zs" "#);
        assert!(!r.contains("T1234567890abcdef") && r.contains("\"userid\":\"zs\""), "{r}");
        // odd quotes never panic
        for s in ["\"", "\"\"", "\"code\"", "\"code\":", "\"code\": \"", "é\"ticket\":\"é"] {
            let _ = redact_any(s);
        }
    }

    #[test]
    fn snippet_redacts_and_truncates() {
        let body = format!("<html>access_token=SUPERSECRETTOKEN123 {}</html>", "x".repeat(1000));
        let s = snippet(&body);
        assert!(!s.contains("SUPERSECRETTOKEN123"));
        assert!(s.chars().count() <= SNIPPET_LEN + 1);
    }
}
