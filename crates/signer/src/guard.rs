//! What the bridge refuses before any handler runs: foreign `Host` headers (DNS
//! rebinding), unlisted browser origins; and, for the intake and invoke, a missing
//! token, too big a body and too many requests.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::{AppState, SIGNATURE_PATH, serve};

/// An allowed origin [`crate::start`] refuses, in English and Chinese. `start` returns
/// it inside an `io::Error` of kind `InvalidInput`; [`InvalidOrigin::of`] gets it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidOrigin {
    pub message: String,
    pub message_zh: String,
}

impl InvalidOrigin {
    /// The refused origin behind an error of [`crate::start`], if that is what failed.
    pub fn of(e: &std::io::Error) -> Option<&InvalidOrigin> {
        e.get_ref()?.downcast_ref()
    }
}

impl std::fmt::Display for InvalidOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvalidOrigin {}

/// `scheme://host[:port]`, lowercase, no path: the form browsers send in `Origin`.
pub(crate) fn normalise_origin(o: &str) -> Result<String, InvalidOrigin> {
    let u = url::Url::parse(o.trim()).map_err(|e| InvalidOrigin {
        message: format!("allowed origin {o:?} is not a URL ({e}); write it like http://localhost:5173"),
        message_zh: format!("允许的来源 {o:?} 不是 URL，请写成 http://localhost:5173 这样的形式（详情：{e}）"),
    })?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(InvalidOrigin {
            message: format!("allowed origin {o:?} must be http(s)://host[:port], like http://localhost:5173"),
            message_zh: format!("允许的来源 {o:?} 必须形如 http(s)://host[:port]，例如 http://localhost:5173"),
        });
    }
    Ok(u.origin().ascii_serialization())
}

pub(crate) fn origin_of(headers: &HeaderMap) -> Option<String> {
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// An error body in both languages.
pub(crate) fn error(status: StatusCode, kind: &str, message: String, message_zh: String) -> Response {
    (status, axum::Json(json!({ "error": { "kind": kind, "message": message, "message_zh": message_zh } }))).into_response()
}

/// A page on `evil.example` that re-pointed its name at 127.0.0.1 still sends
/// `Host: evil.example:PORT`; only loopback names (and the user's opt-in list) pass.
pub(crate) async fn refuse_foreign_hosts(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if wwdev_core::loopback::host_allowed(&host, &st.hosts) {
        return next.run(req).await;
    }
    let (en, zh) = wwdev_core::loopback::refusal_text(&host);
    error(StatusCode::FORBIDDEN, "host_not_allowed", en, zh)
}

/// A browser request from an origin the user did not list is refused here, not only
/// left without CORS headers: a simple GET or text/plain POST would otherwise still
/// run (fetch tickets, inject events) even though the page could not read the answer.
pub(crate) async fn refuse_unlisted_origins(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Some(origin) = origin_of(req.headers()) else {
        return next.run(req).await;
    };
    if normalise_origin(&origin).is_ok_and(|o| st.origins.contains(&o)) {
        return next.run(req).await;
    }
    let listed = &st.origins[..st.origins.len().saturating_sub(2)];
    let (message, message_zh) = if listed.is_empty() {
        (
            format!(
                "requests from origin {origin} are refused: no origin is allowed to call the bridge; \
                 allow the page's origin (wwdev live --allow-origin {origin})"
            ),
            format!("拒绝来自 {origin} 的请求：尚未允许任何来源调用；请允许页面的来源（wwdev live --allow-origin {origin}）"),
        )
    } else {
        (
            format!(
                "requests from origin {origin} are refused: it is not in the allowed origins ({}); \
                 add it (wwdev live --allow-origin {origin})",
                listed.join(", ")
            ),
            format!("拒绝来自 {origin} 的请求：它不在允许的来源（{}）中；请添加（wwdev live --allow-origin {origin}）", listed.join(", ")),
        )
    };
    if req.uri().path() == SIGNATURE_PATH || req.uri().path() == crate::BRIDGE_SIGNATURE_PATH {
        let url = serve::url_param(req.uri().query());
        let body = json!({ "error": { "kind": "origin_not_allowed", "message": message } });
        serve::finish_signing(&st, req.uri().path(), Some(origin.clone()), url, StatusCode::FORBIDDEN, req.method().as_str(), &body, Some(message.clone()), Instant::now());
    }
    let path = req.uri().path();
    if path == crate::EVENTS_PATH || path == crate::INVOKE_PATH {
        // Say it where the developer looks: the page itself stays silent (probe.js gives up quietly).
        let mut detail = serde_json::Map::new();
        detail.insert("origin".into(), json!(origin));
        detail.insert("path".into(), json!(path));
        detail.insert("message".into(), json!(message));
        detail.insert("message_zh".into(), json!(message_zh));
        serve::emit(
            &st,
            crate::BridgeEvent {
                time_ms: crate::now_ms(),
                kind: "refused".into(),
                session: String::new(),
                href: None,
                ok: Some(false),
                err_msg: None,
                err_code: None,
                source: "bridge".into(),
                diagnosis: None,
                detail,
            },
        );
    }
    error(StatusCode::FORBIDDEN, "origin_not_allowed", message, message_zh)
}

/// The intake's and invoke's checks, in order: token (401), rate (429), size (413).
/// Answers the body on success.
pub(crate) async fn admit(st: &AppState, req: Request) -> Result<(Value, Option<String>), Response> {
    let origin = origin_of(req.headers());
    let token = url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    if token.as_deref() != Some(st.token.as_str()) {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "token_required",
            "missing or wrong bridge token: load probe.js / client.js from this wwdev run (the token changes every run)".into(),
            "缺少或错误的桥接令牌：请从本次运行的 wwdev 加载 probe.js / client.js（每次运行令牌都会变）".into(),
        ));
    }
    {
        let now_s = crate::now_ms() / 1000;
        let mut w = st.window.lock().unwrap_or_else(|p| p.into_inner());
        if w.0 != now_s {
            *w = (now_s, 0);
        }
        w.1 += 1;
        if w.1 > st.max_per_sec {
            let mut r = error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("more than {} bridge requests in one second; the page is sending too fast (a loop?)", st.max_per_sec),
                format!("一秒内超过 {} 次桥接请求；页面发送过快（是否有循环？）", st.max_per_sec),
            );
            r.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
            return Err(r);
        }
    }
    let limit = st.max_batch_bytes;
    let too_big = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("a batch may be at most {limit} bytes; probe.js cuts bodies, so this did not come from it unchanged"),
            format!("每批最多 {limit} 字节；probe.js 会截断内容，此请求不是未修改的 probe.js 发出的"),
        )
    };
    if req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok()).is_some_and(|n| n > limit) {
        return Err(too_big());
    }
    let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| too_big())?;
    let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            "invalid_input",
            format!("the body is not JSON ({e}); expected {{\"session\": \"…\", \"events\": [...]}}"),
            format!("请求体不是 JSON：应为 {{\"session\": \"…\", \"events\": [...]}}（详情：{e}）"),
        )
    })?;
    Ok((body, origin))
}
