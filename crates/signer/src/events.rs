//! Page events: what probe.js sends and what the simulated client decides, as one
//! shape ([`BridgeEvent`]) that `wwdev live --json` prints and the app shows.

use serde::Serialize;
use serde_json::{Map, Value, json};
use wwdev_core::record::{redact_json, redact_text};

/// The event types the intake accepts; anything else in a batch is dropped.
pub const EVENT_TYPES: &[&str] = &["session", "config", "agentConfig", "jsapi", "error", "console", "network"];

/// Longest string kept in an event (longer ones are cut, with an ellipsis).
const MAX_STRING: usize = 4096;

/// One thing a page did (or the simulator decided), redacted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BridgeEvent {
    /// Unix milliseconds, when wwdev received it.
    pub time_ms: i64,
    /// `session`, `config`, `agentConfig`, `jsapi`, `error`, `console`, `network`, `refused`.
    #[serde(rename = "type")]
    pub kind: String,
    /// One id per page load.
    pub session: String,
    /// `location.href` when it happened.
    pub href: Option<String>,
    /// For JS-API calls and network calls: whether it succeeded.
    pub ok: Option<bool>,
    /// The JS-API answer's errMsg (`config:invalid signature`).
    #[serde(rename = "errMsg")]
    pub err_msg: Option<String>,
    #[serde(rename = "errCode", skip_serializing_if = "Option::is_none")]
    pub err_code: Option<i64>,
    /// `probe` (reported by the page from a real client) or `simulator` (decided by client.js's server side).
    pub source: String,
    /// For a failed config / agentConfig: the object `wwdev diagnose --json` prints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<Value>,
    /// Type-specific fields: `api`, `params`, `result`, `entry`, `ua`, `message`, `level`,
    /// `method`, `url`, `status`, `duration_ms`, `reason`/`reason_zh`, ...
    #[serde(flatten)]
    pub detail: Map<String, Value>,
}

impl BridgeEvent {
    /// The top diagnosed cause id, if any.
    pub fn top_cause(&self) -> Option<&str> {
        let d = self.diagnosis.as_ref()?;
        if d["valid"] == true {
            return None;
        }
        d["causes"].get(0)?["id"].as_str()
    }
}

/// Cut long strings and mask secrets everywhere: sensitive keys like the request log,
/// and `key=value` pairs inside any string (URLs carrying `code=`, `access_token=`).
pub fn redact_event(v: &mut Value) {
    redact_json(v);
    scrub_strings(v);
}

fn scrub_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            if s.chars().count() > MAX_STRING {
                *s = s.chars().take(MAX_STRING).collect::<String>() + "…";
            }
            if s.contains('=') {
                *s = redact_text(s);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub_strings),
        Value::Object(m) => m.values_mut().for_each(scrub_strings),
        _ => {}
    }
}

/// Client, OS and WeCom version from a user agent, as a JSON object.
///
/// `wxwork/<version>` is what @wecom/jssdk itself tests (`/wxwork\/([\d.]+)/i`);
/// `MicroMessenger` without it is WeChat.
pub fn parse_ua(ua: &str) -> Value {
    let lower = ua.to_ascii_lowercase();
    let version_after = |marker: &str| {
        lower.find(marker).map(|i| {
            lower[i + marker.len()..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect::<String>()
        })
    };
    let wxwork = version_after("wxwork/").filter(|v| !v.is_empty());
    let client = if wxwork.is_some() {
        "wxwork"
    } else if lower.contains("micromessenger") {
        "wechat"
    } else {
        "browser"
    };
    let os = if lower.contains("iphone") || lower.contains("ipad") || lower.contains("ipod") {
        "iOS"
    } else if lower.contains("android") {
        "Android"
    } else if lower.contains("windows") {
        "Windows"
    } else if lower.contains("mac os") || lower.contains("macintosh") {
        "macOS"
    } else if lower.contains("linux") {
        "Linux"
    } else {
        "unknown"
    };
    json!({ "client": client, "os": os, "wxwork": wxwork, "mobile": matches!(os, "iOS" | "Android") })
}

/// `err_msg` / `errMsg` keyword after the first `:`, as the SDK reads it.
pub fn keyword(err_msg: &str) -> &str {
    err_msg.split_once(':').map(|(_, k)| k).unwrap_or(err_msg)
}

/// Whether a client answer counts as success (the SDK treats `ok` and `yes` as success).
pub fn answer_ok(err_msg: &str) -> bool {
    matches!(keyword(err_msg).trim(), "ok" | "yes")
}

/// The registration parameters a page sent, in one shape whatever the bridge call
/// (`preVerifyJSAPI` sends `appId`/`verifyTimestamp`/..., `agentConfig` sends `corpid`/`timestamp`/...).
pub fn registration_params(kind: &str, p: &Value) -> Value {
    let s = |k: &str| p.get(k).cloned().unwrap_or(Value::Null);
    if kind == "config" {
        json!({
            "corpid": s("appId"), "timestamp": s("verifyTimestamp"), "nonceStr": s("verifyNonceStr"),
            "signature": s("verifySignature"), "jsApiList": s("verifyJsApiList"),
        })
    } else {
        json!({
            "corpid": s("corpid"), "agentid": s("agentid"), "timestamp": s("timestamp"), "nonceStr": s("nonceStr"),
            "signature": s("signature"), "jsApiList": s("jsApiList"),
        })
    }
}

/// Which registration a bridge call is, if any: `preVerifyJSAPI` (any case) is config.
pub fn registration_kind(api: &str) -> Option<&'static str> {
    if api.eq_ignore_ascii_case("preVerifyJSAPI") || api == "config" {
        Some("config")
    } else if api == "agentConfig" {
        Some("agentConfig")
    } else {
        None
    }
}

/// `jsApiList` as a list of names (the SDK may send `a;b`).
pub fn api_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        Value::String(s) => s.split(';').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents() {
        let win = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81 Safari/537.36 wxwork/4.1.33 (MicroMessenger/7.0.1) WindowsWechat";
        assert_eq!(parse_ua(win), json!({"client": "wxwork", "os": "Windows", "wxwork": "4.1.33", "mobile": false}));
        let ios = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40 NetType/WIFI";
        assert_eq!(parse_ua(ios)["client"], "wechat");
        assert_eq!(parse_ua(ios)["os"], "iOS");
        assert_eq!(parse_ua("curl/8")["client"], "browser");
    }

    #[test]
    fn redaction_masks_secrets_in_keys_and_urls() {
        let mut v = json!({"url": "https://x.test/cb?code=CODESECRET12345678&state=s", "params": {"signature": "0123456789abcdef0123"}});
        redact_event(&mut v);
        let s = v.to_string();
        assert!(!s.contains("CODESECRET12345678") && !s.contains("0123456789abcdef0123"), "{s}");
        assert!(s.contains("state=s"));
    }

    #[test]
    fn answers() {
        assert!(answer_ok("config:ok") && !answer_ok("config:invalid signature") && !answer_ok("agentConfig:fail ticket no available, e=42012"));
        assert_eq!(registration_kind("preVerifyJsApi"), Some("config"));
        assert_eq!(api_list(&json!("a;b")), vec!["a", "b"]);
    }
}
