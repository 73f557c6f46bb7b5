//! The WeCom wire format: HTTP 200, `{"errcode","errmsg"}`, `Error-Code`/`Error-Msg`
//! headers, and errmsg suffixed with a hint, the caller's IP and a "more info" link.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::RngExt;
use serde_json::{Map, Value, json};

/// A WeCom API error as the server would answer it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub errcode: i64,
    /// The short English message before the hint, e.g. `invalid credential`.
    pub message: String,
    /// Extra fields some endpoints keep on errors (e.g. `ip_list: []`).
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(errcode: i64, message: impl Into<String>) -> Self {
        Self { errcode, message: message.into(), extra: Map::new() }
    }
    /// The standard message for a code, as WeCom words it.
    pub fn code(errcode: i64) -> Self {
        Self::new(errcode, default_message(errcode))
    }
    pub fn with(mut self, key: &str, v: Value) -> Self {
        self.extra.insert(key.into(), v);
        self
    }
}

/// WeCom's own English wording for the codes the sandbox produces. Wordings seen in
/// public answers are kept as seen; the rest (84014, 84015, 84025, 91040, 41035, 50001)
/// are assumed — clients must key on errcode, not errmsg (D/90313).
pub fn default_message(errcode: i64) -> &'static str {
    match errcode {
        -1 => "system busy",
        40001 => "invalid credential",
        40003 => "invalid userid",
        40013 => "invalid corpid",
        40014 => "invalid access_token",
        40029 => "invalid code",
        40056 => "invalid agentid",
        40058 => "invalid parameter",
        40063 => "some parameters are empty",
        40091 => "secret is invalid",
        40093 => "invalid jsapi signature",
        40094 => "invalid URL",
        40096 => "invalid external userid",
        41001 => "access_token missing",
        41002 => "corpid missing",
        41004 => "corpsecret missing",
        41008 => "missing code",
        41009 => "missing userid",
        41011 => "missing agentid",
        41035 => "missing external_userid",
        42001 => "access_token expired",
        42009 => "suite_access_token expired",
        42012 => "jsapi ticket not available",
        43004 => "require subscribe",
        45009 => "api freq out of limit",
        45033 => "api concurrent out of limit",
        46004 => "user no exist",
        48001 => "api unauthorized",
        48002 => "api forbidden",
        50001 => "redirect_uri unauthorized",
        50002 => "user out of agent privilege",
        50003 => "application is disabled",
        60011 => "no privilege to access/modify contact/party/agent",
        60020 => "not allow to access from your ip",
        60021 => "userid not in agent privilege",
        60111 => "userid not found",
        84014 => "user_ticket expired",
        84015 => "invalid user_ticket",
        84025 => "invalid state",
        84061 => "not external contact",
        91040 => "invalid ticket type",
        301002 => "no permission for this application",
        _ => "unknown error",
    }
}

/// `"<message>, hint: [<digits>], from ip: <ip>, more info at https://open.work.weixin.qq.com/devtool/query?e=<code>"`.
///
/// Since about 2022 the hint is one long number that starts with the Unix time, e.g.
/// `hint: [1658286717354964018506079]` (25 digits, seen in public issue threads); the
/// older `[1595733128_47_<32 hex>]` form is no longer sent.
pub fn full_errmsg(errcode: i64, message: &str, now: i64, ip: &str) -> String {
    let mut rng = rand::rng();
    let tail: u64 = rng.random_range(0..1_000_000_000_000_000);
    format!(
        "{message}, hint: [{now}{tail:015}], from ip: {ip}, more info at https://open.work.weixin.qq.com/devtool/query?e={errcode}"
    )
}

/// Render an error exactly like WeCom: HTTP 200, JSON body, `Error-Code`/`Error-Msg` headers.
pub fn error_response(err: &ApiError, now: i64, ip: &str) -> Response {
    let errmsg = full_errmsg(err.errcode, &err.message, now, ip);
    let mut body = Map::new();
    body.insert("errcode".into(), json!(err.errcode));
    body.insert("errmsg".into(), json!(errmsg));
    for (k, v) in &err.extra {
        body.insert(k.clone(), v.clone());
    }
    let mut resp = (StatusCode::OK, axum::Json(Value::Object(body))).into_response();
    let h = resp.headers_mut();
    h.insert("Error-Code", HeaderValue::from(err.errcode));
    if let Ok(v) = HeaderValue::from_str(&errmsg) {
        h.insert("Error-Msg", v);
    }
    resp
}

/// A success body: `errcode: 0, errmsg: "ok"` first, then the fields.
pub fn ok_response(fields: Value) -> Response {
    let mut body = Map::new();
    body.insert("errcode".into(), json!(0));
    body.insert("errmsg".into(), json!("ok"));
    if let Value::Object(m) = fields {
        body.extend(m);
    }
    let mut resp = (StatusCode::OK, axum::Json(Value::Object(body))).into_response();
    resp.headers_mut().insert("Error-Code", HeaderValue::from(0));
    resp.headers_mut().insert("Error-Msg", HeaderValue::from_static("ok"));
    resp
}

/// A random token-like string of WeCom's alphabet.
pub fn random_token(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

/// Show the start and end of a token only (admin listings must not leak live credentials).
pub fn mask(s: &str) -> String {
    if s.len() <= 12 {
        return "*".repeat(s.len());
    }
    format!("{}…{}", &s[..6], &s[s.len() - 4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errmsg_has_wecom_suffix() {
        let m = full_errmsg(40001, "invalid credential", 1_700_000_000, "127.0.0.1");
        assert!(m.starts_with("invalid credential, hint: [1700000000"), "{m}");
        // the current form: one long number, no underscores or hex
        let hint = m.split("hint: [").nth(1).and_then(|r| r.split(']').next()).unwrap();
        assert_eq!(hint.len(), 25, "{hint}");
        assert!(hint.bytes().all(|b| b.is_ascii_digit()), "{hint}");
        assert!(m.ends_with("from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=40001"));
    }

    #[test]
    fn mask_hides_the_middle() {
        let t = random_token(64);
        let m = mask(&t);
        assert!(!m.contains(&t[6..60]));
        assert!(m.starts_with(&t[..6]));
    }
}
