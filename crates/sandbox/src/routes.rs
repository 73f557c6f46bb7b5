//! The router, the shared request context and the gate every non-admin request
//! passes (call counting, injected faults, per-minute limit).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get, post};
use tokio::sync::Notify;

use crate::state::{Control, FaultKind};
use crate::wire::{ApiError, error_response};
use crate::{admin, api, pages};

/// Request context shared by handlers.
#[derive(Clone)]
pub(crate) struct App {
    pub ctl: Control,
    /// Host names answered besides loopback ([`crate::SandboxConfig::allowed_hosts`]).
    pub allowed_hosts: Arc<Vec<String>>,
}

/// Largest request body any sandbox route accepts (WeCom's own bodies here are a few
/// hundred bytes); beyond it the answer is 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The peer address, inserted by the connection loop.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub SocketAddr);

/// Lets a handler close its TCP connection without an answer (the drop fault).
#[derive(Clone, Debug)]
pub(crate) struct ConnKill(pub Arc<Notify>);

/// The caller's IP for `from ip:` in errmsg.
pub(crate) struct Ip(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Ip {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ip(parts
            .extensions
            .get::<Peer>()
            .map(|p| p.0.ip().to_string())
            .unwrap_or_else(|| "127.0.0.1".into())))
    }
}

/// The WeCom API paths; the per-minute limit counts these.
pub(crate) const API_PATHS: &[&str] = &[
    "/cgi-bin/gettoken",
    "/cgi-bin/auth/getuserinfo",
    "/cgi-bin/user/getuserinfo",
    "/cgi-bin/auth/getuserdetail",
    "/cgi-bin/user/get",
    "/cgi-bin/user/convert_to_openid",
    "/cgi-bin/get_jsapi_ticket",
    "/cgi-bin/ticket/get",
    "/cgi-bin/externalcontact/get",
    "/cgi-bin/get_api_domain_ip",
    "/cgi-bin/getcallbackip",
];

pub(crate) fn router(ctl: Control, allowed_hosts: Vec<String>) -> Router {
    let app = App { ctl, allowed_hosts: Arc::new(allowed_hosts) };
    Router::new()
        .route("/", get(pages::index))
        // WeCom accepts GET APIs whatever the method; the POST ones check it themselves.
        .route("/cgi-bin/gettoken", any(api::gettoken))
        .route("/cgi-bin/auth/getuserinfo", any(api::auth_getuserinfo))
        .route("/cgi-bin/user/getuserinfo", any(api::legacy_getuserinfo))
        .route("/cgi-bin/auth/getuserdetail", any(api::getuserdetail))
        .route("/cgi-bin/user/get", any(api::user_get))
        .route("/cgi-bin/user/convert_to_openid", any(api::convert_to_openid))
        .route("/cgi-bin/get_jsapi_ticket", any(api::get_jsapi_ticket))
        .route("/cgi-bin/ticket/get", any(api::ticket_get))
        .route("/cgi-bin/externalcontact/get", any(api::externalcontact_get))
        .route("/cgi-bin/get_api_domain_ip", any(api::get_api_domain_ip))
        .route("/cgi-bin/getcallbackip", any(api::getcallbackip))
        .route("/connect/oauth2/authorize", get(pages::authorize))
        .route("/wwlogin/sso/login", get(pages::weblogin))
        .route("/wwopen/sso/qrConnect", get(pages::qrconnect))
        .route("/sandbox/jssdk/verify", post(admin::jssdk_verify))
        .nest("/sandbox/admin", admin::router())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), gate))
        // Outermost: every route, admin included, first checks Host and body size.
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(app)
}

/// A JSON refusal with English and Chinese text.
fn refusal(status: StatusCode, en: String, zh: String) -> Response {
    (status, axum::Json(serde_json::json!({"error": en, "error_zh": zh}))).into_response()
}

/// Refuse a Host that does not name loopback (DNS rebinding) and bodies announced
/// larger than [`MAX_BODY_BYTES`] (chunked ones are cut by `DefaultBodyLimit`, also 413).
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default();
    if !wwdev_core::loopback::host_allowed(&host, &app.allowed_hosts) {
        let (en, zh) = wwdev_core::loopback::refusal_text(&host);
        return refusal(StatusCode::FORBIDDEN, en, zh);
    }
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body too large: the sandbox accepts at most {MAX_BODY_BYTES} bytes"),
            format!("请求体过大：沙箱最多接受 {MAX_BODY_BYTES} 字节"),
        );
    }
    next.run(req).await
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html("<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"),
    )
        .into_response()
}

const GATEWAY_PAGE: &str = "<html>\r\n<head><title>{S}</title></head>\r\n<body>\r\n<center><h1>{S}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

const WECOM_ERROR_PAGE: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>企业微信</title></head><body><div class=\"weui-msg\"><h2>系统繁忙，请稍后再试</h2><p>System busy, please try again later.</p></div></body></html>";

/// Count the call, play any injected fault, then enforce the per-minute limit.
async fn gate(State(app): State<App>, ip: Ip, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/sandbox/") {
        return next.run(req).await;
    }
    app.ctl.count_call(&path);

    if let Some(fault) = app.ctl.take_fault(&path) {
        match fault.kind {
            FaultKind::Latency => {
                tokio::time::sleep(std::time::Duration::from_millis(fault.latency_ms.unwrap_or(1000)))
                    .await;
            }
            FaultKind::HttpStatus => {
                let status = StatusCode::from_u16(fault.status.unwrap_or(502))
                    .unwrap_or(StatusCode::BAD_GATEWAY);
                let title = format!(
                    "{} {}",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or("Error")
                );
                return (status, Html(GATEWAY_PAGE.replace("{S}", &title))).into_response();
            }
            FaultKind::HtmlError => {
                let status =
                    StatusCode::from_u16(fault.status.unwrap_or(200)).unwrap_or(StatusCode::OK);
                return (status, Html(WECOM_ERROR_PAGE)).into_response();
            }
            FaultKind::MalformedJson => {
                return (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
                    "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"kR8x",
                )
                    .into_response();
            }
            FaultKind::DropConnection => {
                if let Some(kill) = req.extensions().get::<ConnKill>() {
                    kill.0.notify_one();
                    // The connection task drops this request with the socket.
                    std::future::pending::<()>().await;
                }
                // Not served by our connection loop (e.g. a unit test calling the router).
                return StatusCode::BAD_GATEWAY.into_response();
            }
            FaultKind::Errcode => {
                let code = fault.errcode.unwrap_or(-1);
                let mut err = match fault.errmsg {
                    Some(m) => ApiError::new(code, m),
                    None => ApiError::code(code),
                };
                if path.ends_with("/get_api_domain_ip") || path.ends_with("/getcallbackip") {
                    err = err.with("ip_list", serde_json::json!([]));
                }
                return error_response(&err, app.ctl.now(), &ip.0);
            }
        }
    }

    // getuserinfo with a valid code is exempt from the frequency limits (D/90312).
    let exempt = (path == "/cgi-bin/auth/getuserinfo" || path == "/cgi-bin/user/getuserinfo")
        && crate::api::params(req.uri().query().map(str::to_owned))
            .get("code")
            .is_some_and(|c| app.ctl.code_is_valid(c.trim()));
    if API_PATHS.contains(&path.as_str())
        && !exempt
        && let Err(err) = app.ctl.check_minute_limit(&path)
    {
        return error_response(&err, app.ctl.now(), &ip.0);
    }
    next.run(req).await
}
