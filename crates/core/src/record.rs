//! One call to WeCom as the request log stores it, and the redaction applied
//! before a record leaves the client. The API client builds a [`RequestRecord`]
//! for every call and hands it to a [`RequestSink`] (the SQLite log in the app and
//! the CLI, a Vec in tests).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Parameter and JSON field names whose values are secrets or single-use credentials.
pub const SENSITIVE_KEYS: &[&str] = &[
    "access_token",
    "corpsecret",
    "secret",
    "ticket",
    "jsapi_ticket",
    "user_ticket",
    "code",
    "suite_access_token",
    "provider_access_token",
    "signature",
];

/// True when a query parameter or JSON field of this name must be masked.
pub fn is_sensitive_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SENSITIVE_KEYS.contains(&k.as_str())
}

/// One recorded call. Every string in it is already redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Row id once stored.
    pub id: Option<i64>,
    /// When the request was sent, Unix milliseconds.
    pub time_ms: i64,
    /// Profile name ("" when the CLI ran without a profile).
    pub profile: String,
    /// Which feature made the call: "token", "ticket", "identity", "console", "cli", ...
    pub feature: String,
    pub base_url: String,
    pub method: String,
    /// Path such as `/cgi-bin/gettoken`.
    pub path: String,
    /// Query parameters in order, values redacted.
    pub query: Vec<(String, String)>,
    /// Request body (JSON text), redacted.
    pub request_body: Option<String>,
    /// HTTP status, `None` when no response arrived.
    pub status: Option<u16>,
    pub errcode: Option<i64>,
    pub errmsg: Option<String>,
    pub latency_ms: u64,
    pub response_headers: Vec<(String, String)>,
    /// Response body, redacted.
    pub response_body: Option<String>,
    /// Transport failure (timeout, connection refused, bad JSON), if any.
    pub error: Option<String>,
}

/// Where the client sends each record.
pub trait RequestSink: Send + Sync {
    fn record(&self, record: RequestRecord);
}

/// Redact the values of sensitive query parameters.
pub fn redact_query(query: &[(String, String)]) -> Vec<(String, String)> {
    query
        .iter()
        .map(|(k, v)| {
            let v = if is_sensitive_key(k) { crate::secret::mask(v) } else { v.clone() };
            (k.clone(), v)
        })
        .collect()
}

/// Redact sensitive fields anywhere in a JSON value.
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_sensitive_key(k) {
                    if let Value::String(s) = v {
                        *s = crate::secret::mask(s);
                    }
                } else {
                    redact_json(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// Redact a body: JSON bodies field by field; any other text is scanned for
/// `key=value` pairs of sensitive keys (query strings, form bodies, URLs in HTML).
pub fn redact_body(body: &str) -> String {
    if let Ok(mut v) = serde_json::from_str::<Value>(body) {
        redact_json(&mut v);
        return v.to_string();
    }
    redact_text(body)
}

/// Redact `key=value` occurrences of sensitive keys inside free text.
pub fn redact_text(text: &str) -> String {
    redact_pairs(text, &['&', '"', '\'', ' ', '<', '>', '#', '\n', '\r'], crate::secret::mask)
}

/// The `key=value` scanner shared by [`redact_text`] and the request log's
/// idempotent re-redaction: a key must not be the tail of a longer word, the value
/// ends at the first of `stop`, and `mask` turns the value into what is written.
pub(crate) fn redact_pairs(text: &str, stop: &[char], mask: impl Fn(&str) -> String) -> String {
    if !text.contains('=') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for key in SENSITIVE_KEYS {
            let pat_len = key.len() + 1;
            // Compare bytes: slicing `rest` at key.len() could split a multi-byte char.
            if rest.len() > pat_len
                && rest.as_bytes()[..key.len()].eq_ignore_ascii_case(key.as_bytes())
                && rest.as_bytes()[key.len()] == b'='
                && !out.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            {
                let value_end = rest[pat_len..].find(stop).map(|i| i + pat_len).unwrap_or(rest.len());
                out.push_str(&rest[..pat_len]);
                out.push_str(&mask(&rest[pat_len..value_end]));
                rest = &rest[value_end..];
                continue 'outer;
            }
        }
        let ch = rest.chars().next().unwrap_or(' ');
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_tokens_are_masked() {
        let q = vec![
            ("access_token".to_string(), "TOKENVALUE1234567890".to_string()),
            ("userid".to_string(), "zhangsan".to_string()),
        ];
        let r = redact_query(&q);
        assert!(!r[0].1.contains("TOKENVALUE1234567890"));
        assert_eq!(r[1].1, "zhangsan");
    }

    #[test]
    fn json_fields_are_masked_at_any_depth() {
        let body = r#"{"errcode":0,"ticket":"TICKETSECRET123456","inner":[{"user_ticket":"UT-SECRET-99999999"}],"userid":"lisi"}"#;
        let r = redact_body(body);
        assert!(!r.contains("TICKETSECRET123456"));
        assert!(!r.contains("UT-SECRET-99999999"));
        assert!(r.contains("lisi"));
    }

    #[test]
    fn text_pairs_are_masked() {
        let t = "<a href=\"https://x.test/cb?code=CODESECRET12345678&state=s1\">go</a> access_token=ABCDEFGHIJKLMNOP";
        let r = redact_text(t);
        assert!(!r.contains("CODESECRET12345678"), "{r}");
        assert!(!r.contains("ABCDEFGHIJKLMNOP"), "{r}");
        assert!(r.contains("state=s1"));
        // a key that merely ends with a sensitive name is not touched
        assert_eq!(redact_text("zipcode=12345"), "zipcode=12345");
        // multi-byte text right where a key could start must not panic
        assert_eq!(redact_text("<title>企业微信</title>"), "<title>企业微信</title>");
        assert_eq!(redact_text("企code=ABCDEFGH12345678"), "企code=ABCD***(16)");
    }
}
