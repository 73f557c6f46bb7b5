//! `/sandbox/admin/*` (JSON) and `POST /sandbox/jssdk/verify`. Sandbox-only: none of
//! this exists on WeCom.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::jssdk::VerifyInput;
use crate::routes::App;
use crate::state::{Consent, Fault, Invalidate};

pub(crate) fn router() -> Router<App> {
    Router::new()
        .route("/clock", get(clock))
        .route("/clock/advance", post(clock_advance))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/codes", get(codes))
        .route("/tokens", get(tokens))
        .route("/seed", get(seed))
        .route("/reset", post(reset))
        .route("/stats", get(stats))
        .route("/limits", get(limits).post(set_limits))
        .route("/invalidate", post(invalidate))
        .route("/visible_range", get(visible_ranges).post(set_visible_range))
        .route("/consent", get(consent).post(set_consent))
}

/// 400 with the reason in English (`error`) and Chinese (`error_zh`).
fn bad_request((en, zh): (String, String)) -> Response {
    let zh = format!("请求无效（沙箱管理接口）：{zh}");
    (StatusCode::BAD_REQUEST, Json(json!({"error": en, "error_zh": zh}))).into_response()
}

/// Parse a JSON body, answering 400 with the reason and the expected shape. Every
/// admin body type refuses unknown fields, so serde's message names the stray field.
// The error is the ready response; its size does not matter on this path.
#[allow(clippy::result_large_err)]
fn parse<T: DeserializeOwned>(body: &Bytes, shape: &str) -> Result<T, Response> {
    serde_json::from_slice(body)
        .map_err(|e| {
            // serde's wording names any stray field: kept in both languages, as a detail in Chinese.
            bad_request((format!("invalid JSON body ({e}); expected {shape}"), format!("请求体无效，应为 {shape}（详情：{e}）")))
        })
}

async fn clock(State(app): State<App>) -> Response {
    Json(json!({"now": app.ctl.now(), "offset": app.ctl.clock_offset()})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: i64,
}

async fn clock_advance(State(app): State<App>, body: Bytes) -> Response {
    match parse::<Advance>(&body, r#"{"seconds": N}"#) {
        Ok(a) => {
            let now = app.ctl.advance_clock(a.seconds);
            Json(json!({"now": now, "offset": app.ctl.clock_offset()})).into_response()
        }
        Err(r) => r,
    }
}

async fn faults(State(app): State<App>) -> Response {
    Json(json!({"faults": app.ctl.faults()})).into_response()
}

async fn add_fault(State(app): State<App>, body: Bytes) -> Response {
    let shape = r#"{"path": "/cgi-bin/gettoken", "kind": "latency|http_status|html_error|malformed_json|drop_connection|errcode", "latency_ms"?, "status"?, "errcode"?, "errmsg"?, "count"?}"#;
    let fault = match parse::<Fault>(&body, shape) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if !fault.path.starts_with('/') {
        return bad_request((format!("path {:?} must start with /", fault.path), format!("path {:?} 必须以 / 开头", fault.path)));
    }
    if fault.count == Some(0) {
        return bad_request((
            "count must be at least 1 (omit it for a fault that stays)".into(),
            "count 至少为 1（要让故障一直生效，请省略 count）".into(),
        ));
    }
    if let Some(s) = fault.status
        && StatusCode::from_u16(s).is_err()
    {
        return bad_request((format!("status {s} is not an HTTP status"), format!("status {s} 不是 HTTP 状态码")));
    }
    app.ctl.add_fault(fault);
    Json(json!({"faults": app.ctl.faults()})).into_response()
}

async fn clear_faults(State(app): State<App>) -> Response {
    app.ctl.clear_faults();
    Json(json!({"faults": []})).into_response()
}

async fn codes(State(app): State<App>) -> Response {
    Json(json!({"codes": app.ctl.codes()})).into_response()
}

async fn tokens(State(app): State<App>) -> Response {
    Json(json!({"now": app.ctl.now(), "tokens": app.ctl.credentials()})).into_response()
}

async fn seed(State(app): State<App>) -> Response {
    Json(app.ctl.seed()).into_response()
}

async fn reset(State(app): State<App>) -> Response {
    app.ctl.reset();
    Json(json!({"reset": true, "now": app.ctl.now()})).into_response()
}

async fn stats(State(app): State<App>) -> Response {
    Json(app.ctl.stats()).into_response()
}

async fn limits(State(app): State<App>) -> Response {
    Json(app.ctl.limits()).into_response()
}

/// A partial [`Limits`]: fields left out keep their current value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsPatch {
    api_per_minute: Option<u32>,
    ticket_per_hour_corp: Option<u32>,
    ticket_per_hour_app: Option<u32>,
    secret_failures_per_hour: Option<u32>,
}

async fn set_limits(State(app): State<App>, body: Bytes) -> Response {
    let shape = r#"{"api_per_minute"?, "ticket_per_hour_corp"?, "ticket_per_hour_app"?, "secret_failures_per_hour"?}"#;
    let patch = match parse::<LimitsPatch>(&body, shape) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut l = app.ctl.limits();
    l.api_per_minute = patch.api_per_minute.unwrap_or(l.api_per_minute);
    l.ticket_per_hour_corp = patch.ticket_per_hour_corp.unwrap_or(l.ticket_per_hour_corp);
    l.ticket_per_hour_app = patch.ticket_per_hour_app.unwrap_or(l.ticket_per_hour_app);
    l.secret_failures_per_hour = patch.secret_failures_per_hour.unwrap_or(l.secret_failures_per_hour);
    if l.secret_failures_per_hour == 0 {
        return bad_request(("secret_failures_per_hour must be at least 1".into(), "secret_failures_per_hour 至少为 1".into()));
    }
    app.ctl.set_limits(l);
    Json(l).into_response()
}

async fn visible_ranges(State(app): State<App>) -> Response {
    let seed = app.ctl.seed();
    let apps: Vec<_> = seed
        .apps
        .iter()
        .map(|a| json!({"agentid": a.agentid, "userids": a.visible_userids, "departments": a.visible_departments}))
        .collect();
    Json(json!({"apps": apps})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VisibleRange {
    agentid: i64,
    #[serde(default)]
    userids: Vec<String>,
    #[serde(default)]
    departments: Vec<i64>,
}

/// Replace one app's visible range (members listed plus members of the departments).
async fn set_visible_range(State(app): State<App>, body: Bytes) -> Response {
    let v = match parse::<VisibleRange>(&body, r#"{"agentid": N, "userids"?: [..], "departments"?: [..]}"#) {
        Ok(v) => v,
        Err(r) => return r,
    };
    match app.ctl.set_visible_range(v.agentid, v.userids, v.departments) {
        Ok((userids, departments)) => {
            Json(json!({"agentid": v.agentid, "userids": userids, "departments": departments})).into_response()
        }
        Err(e) => bad_request(e),
    }
}

async fn consent(State(app): State<App>) -> Response {
    Json(json!({"presets": app.ctl.consent_presets()})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentPreset {
    /// `allow`, `decline`, or null to clear the preset.
    decision: Option<Consent>,
    /// One member; everyone when absent.
    #[serde(default)]
    userid: Option<String>,
}

/// Preset what members answer on the snsapi_privateinfo consent page when the link
/// does not say (`sandbox_consent`).
async fn set_consent(State(app): State<App>, body: Bytes) -> Response {
    let c = match parse::<ConsentPreset>(&body, r#"{"decision": "allow|decline|null", "userid"?}"#) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match app.ctl.set_consent(c.userid.as_deref(), c.decision) {
        Ok(()) => Json(json!({"presets": app.ctl.consent_presets()})).into_response(),
        Err(e) => bad_request(e),
    }
}

async fn invalidate(State(app): State<App>, body: Bytes) -> Response {
    let what = match parse::<Invalidate>(&body, r#"{"kind": "access_token|jsapi_ticket|agent_ticket", "agentid"?}"#) {
        Ok(w) => w,
        Err(r) => return r,
    };
    match app.ctl.invalidate(&what) {
        Ok(n) => Json(json!({"invalidated": n})).into_response(),
        Err(e) => bad_request(e),
    }
}

pub(crate) async fn jssdk_verify(State(app): State<App>, body: Bytes) -> Response {
    let shape = r#"{"kind": "config|agentConfig", "url", "timestamp", "nonceStr", "signature", "agentid"?, "corpId"?, "entryUrl"?}"#;
    match parse::<VerifyInput>(&body, shape) {
        Ok(input) => Json(app.ctl.verify_jssdk(&input)).into_response(),
        Err(r) => r,
    }
}
