//! Redaction applied again at insert, as defence in depth: the client is expected
//! to hand over redacted records, but a sloppy caller must still never get a
//! secret onto disk.
//!
//! `record::redact_*` mask whatever value they see, so running them over an
//! already redacted record would mask the mask (`abcd***(32)` becomes
//! `ab***(11)`) and lose the prefix and length that tell entries apart. The
//! functions here skip values that already are masks and otherwise delegate to
//! `secret::mask` with the same key list (`record::is_sensitive_key`).

use serde_json::Value;

use crate::record::{RequestRecord, is_sensitive_key, redact_pairs};
use crate::secret::mask;

/// Header names whose whole value is a credential.
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// True when `v` is exactly what `secret::mask` produces: up to 4 kept
/// characters (4 for 16+ chars, 2 for 8+, else 0), `***`, `(length)`.
pub(crate) fn looks_masked(v: &str) -> bool {
    let Some(star) = v.find("***(") else {
        return false;
    };
    let prefix = &v[..star];
    let rest = &v[star + 4..];
    let Some(digits) = rest.strip_suffix(')') else {
        return false;
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(n) = digits.parse::<usize>() else {
        return false;
    };
    let keep = if n >= 16 {
        4
    } else if n >= 8 {
        2
    } else {
        0
    };
    n > 0 && prefix.chars().count() == keep && !prefix.contains('*')
}

/// Mask a sensitive value unless it already is a mask.
fn ensure_masked(v: &str) -> String {
    if v.is_empty() || looks_masked(v) {
        v.to_owned()
    } else {
        mask(v)
    }
}

pub(crate) fn query(q: &[(String, String)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(k, v)| {
            let v = if is_sensitive_key(k) {
                ensure_masked(v)
            } else {
                text(v)
            };
            (k.clone(), v)
        })
        .collect()
}

fn json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if is_sensitive_key(k) => *s = ensure_masked(s),
                    // A sensitive key holding a number (e.g. a numeric code) is still a secret.
                    Value::Number(n) if is_sensitive_key(k) => {
                        *v = Value::String(ensure_masked(&n.to_string()))
                    }
                    Value::String(s) => {
                        // URLs inside JSON (redirect links, callback URLs) carry codes and tokens.
                        if s.contains('=') {
                            *s = text(s);
                        }
                    }
                    _ => json(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(json),
        _ => {}
    }
}

pub(crate) fn body(b: &str) -> String {
    match serde_json::from_str::<Value>(b) {
        Ok(mut v) if v.is_object() || v.is_array() => {
            json(&mut v);
            v.to_string()
        }
        _ => text(b),
    }
}

/// Mask `key=value` pairs of sensitive keys in free text; values that already
/// are masks are left alone. The scanner is `record::redact_pairs`; values here
/// also end at a tab, comma or semicolon.
pub(crate) fn text(t: &str) -> String {
    redact_pairs(
        t,
        &['&', '"', '\'', ' ', '<', '>', '#', '\n', '\r', '\t', ',', ';'],
        ensure_masked,
    )
}

fn header(name: &str, value: &str) -> String {
    let n = name.to_ascii_lowercase();
    if SENSITIVE_HEADERS.contains(&n.as_str()) || is_sensitive_key(&n) {
        ensure_masked(value)
    } else {
        text(value)
    }
}

/// The record as it may be written to disk.
pub(crate) fn record(r: &RequestRecord) -> RequestRecord {
    RequestRecord {
        id: r.id,
        time_ms: r.time_ms,
        profile: r.profile.clone(),
        feature: r.feature.clone(),
        base_url: text(&r.base_url),
        method: r.method.clone(),
        path: text(&r.path),
        query: query(&r.query),
        request_body: r.request_body.as_deref().map(body),
        status: r.status,
        errcode: r.errcode,
        errmsg: r.errmsg.as_deref().map(text),
        latency_ms: r.latency_ms,
        response_headers: r
            .response_headers
            .iter()
            .map(|(k, v)| (k.clone(), header(k, v)))
            .collect(),
        response_body: r.response_body.as_deref().map(body),
        // Transport errors (reqwest) print the full URL, query string included.
        error: r.error.as_deref().map(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_are_recognised() {
        for secret in [
            "a",
            "abcdefg",
            "abcdefgh",
            "0123456789abcdef",
            "张三李四王五赵六钱七孙八周九吴十郑",
        ] {
            assert!(looks_masked(&mask(secret)), "{}", mask(secret));
            assert!(!looks_masked(secret));
        }
        assert!(
            !looks_masked("abcdef***(32)"),
            "prefix too long for the length"
        );
        assert!(!looks_masked("***()"));
    }

    #[test]
    fn redaction_is_idempotent_and_complete() {
        let raw = "RAWTOKENVALUE-0123456789";
        let once = query(&[("access_token".into(), raw.into())]);
        assert_ne!(once[0].1, raw);
        assert_eq!(query(&once), once, "a mask must not be masked again");

        let t = format!("GET https://x.test/a?access_token={raw}&userid=u1 (timeout)");
        let r1 = text(&t);
        assert!(!r1.contains(raw), "{r1}");
        assert!(r1.contains("userid=u1"));
        assert_eq!(text(&r1), r1);

        let b = format!(
            r#"{{"corpsecret":"{raw}","nested":{{"code":12345678,"url":"https://a.test/?code={raw}&state=1"}}}}"#
        );
        let b1 = body(&b);
        assert!(!b1.contains(raw) && !b1.contains("12345678"), "{b1}");
        assert_eq!(body(&b1), b1);
    }

    #[test]
    fn credential_headers_are_masked() {
        let v = header("Set-Cookie", "session=SESSIONSECRET-0123456789; Path=/");
        assert!(!v.contains("SESSIONSECRET"), "{v}");
        let v = header(
            "Location",
            "https://h5.test/cb?code=OAUTHCODE0123456789&state=x",
        );
        assert!(!v.contains("OAUTHCODE0123456789"), "{v}");
        assert_eq!(
            header("Content-Type", "application/json"),
            "application/json"
        );
    }
}
