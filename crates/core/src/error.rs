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
    Decode { url: String, message: String, snippet: String },
    /// The user gave something unusable.
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String },
    #[error("configuration error: {0}")]
    Config(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// What the UI (and `--json` CLI output) shows for an error.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct UiError {
    /// snake_case: wecom, network, timeout, http, decode, invalid_input, config, io
    pub kind: String,
    pub message: String,
    pub errcode: Option<i64>,
    pub hint: Option<String>,
}

impl UiError {
    /// The CLI exit code for this error kind (same mapping as [`CoreError::exit_code`]).
    pub fn exit_code(&self) -> i32 {
        match self.kind.as_str() {
            "wecom" => 1,
            "network" | "timeout" | "http" | "decode" => 3,
            _ => 2,
        }
    }
}

impl CoreError {
    /// Build a WeCom error, attaching the catalogue entry.
    pub fn wecom(errcode: i64, errmsg: impl Into<String>) -> Self {
        CoreError::WeCom { errcode, errmsg: errmsg.into(), entry: errcode::lookup(errcode) }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        CoreError::InvalidInput { field: field.into(), message: message.into() }
    }

    /// The errcode, when WeCom returned one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            CoreError::WeCom { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            CoreError::WeCom { .. } => "wecom",
            CoreError::Network { .. } => "network",
            CoreError::Timeout { .. } => "timeout",
            CoreError::Http { .. } => "http",
            CoreError::Decode { .. } => "decode",
            CoreError::InvalidInput { .. } => "invalid_input",
            CoreError::Config(_) => "config",
            CoreError::Io(_) => "io",
        }
    }

    /// CLI exit code: 1 WeCom errcode, 2 bad input, 3 network-ish failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            CoreError::WeCom { .. } => 1,
            CoreError::InvalidInput { .. } | CoreError::Config(_) | CoreError::Io(_) => 2,
            CoreError::Network { .. }
            | CoreError::Timeout { .. }
            | CoreError::Http { .. }
            | CoreError::Decode { .. } => 3,
        }
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
            CoreError::Config(_) => Some("Check the profile settings.".into()),
            CoreError::Io(_) => None,
        }
    }

    pub fn to_ui(&self) -> UiError {
        UiError {
            kind: self.kind().to_string(),
            message: self.to_string(),
            errcode: self.errcode(),
            hint: self.hint(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wecom_error_carries_catalogue_fix() {
        let e = CoreError::wecom(40029, "invalid code");
        let ui = e.to_ui();
        assert_eq!(ui.kind, "wecom");
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
            (CoreError::Decode { url: "u".into(), message: "m".into(), snippet: "s".into() }, "decode", 3),
            (CoreError::invalid("code", "empty"), "invalid_input", 2),
            (CoreError::Config("c".into()), "config", 2),
        ];
        for (e, kind, code) in cases {
            assert_eq!(e.to_ui().kind, kind);
            assert_eq!(e.exit_code(), code);
            assert_eq!(e.to_ui().exit_code(), code);
            assert!(e.to_ui().errcode.is_none());
        }
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
