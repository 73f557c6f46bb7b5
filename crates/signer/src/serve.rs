//! The signing endpoint, the two scripts and the event intake.

use std::time::Instant;

use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use wwdev_core::error::UiError;
use wwdev_core::record::{RequestRecord, redact_json, redact_query};
use wwdev_core::secret::Secret;
use wwdev_core::signature::{new_nonce, sign, strip_fragment};

use crate::events::{self, BridgeEvent, EVENT_TYPES};
use crate::{AppState, BRIDGE_SIGNATURE_PATH, EVENTS_FEATURE, FEATURE, SigningEvent, guard, now_ms, sim};

const PROBE_JS: &str = include_str!("../static/probe.js");
const CLIENT_JS: &str = include_str!("../static/client.js");
/// Events kept from one batch; probe.js sends at most 50.
const MAX_EVENTS_PER_BATCH: usize = 100;

pub(crate) fn url_param(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).find(|(k, _)| k == "url").map(|(_, v)| v.into_owned())
}

pub(crate) async fn not_found(req: Request) -> Response {
    guard::error(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("{} is not a bridge path; the bridge serves /__wwdev/signature, /__wwdev/probe.js, /__wwdev/client.js", req.uri().path()),
        format!("{} 不是桥接路径；可用 /__wwdev/signature、/__wwdev/probe.js、/__wwdev/client.js", req.uri().path()),
    )
}

/// A script with this run's settings in place of its `__WWDEV_CONFIG__` placeholder.
fn script(st: &AppState, text: &str, extra: Value) -> Response {
    let mut cfg = json!({ "token": st.token.as_str(), "base": st.base_url });
    if let (Some(c), Value::Object(e)) = (cfg.as_object_mut(), extra) {
        c.extend(e);
    }
    let body = text.replacen("__WWDEV_CONFIG__", &cfg.to_string(), 1);
    (
        [
            (header::CONTENT_TYPE, "application/javascript; charset=utf-8"),
            // The token changes every run: never cache.
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn probe_js(State(st): State<AppState>, Query(q): Query<Vec<(String, String)>>) -> Response {
    let on = |k: &str| q.iter().any(|(n, v)| n == k && (v == "1" || v == "true"));
    script(&st, PROBE_JS, json!({ "consoleLog": on("console_log"), "bodies": on("bodies") }))
}

pub(crate) async fn client_js(State(st): State<AppState>, Query(q): Query<Vec<(String, String)>>) -> Response {
    let entry = q.iter().find(|(n, _)| n == "entry").map(|(_, v)| v.clone()).unwrap_or_else(|| st.entry.to_string());
    let version = q.iter().find(|(n, _)| n == "wxwork").map(|(_, v)| v.clone()).unwrap_or_else(|| "4.1.36".into());
    let version: String = version.chars().filter(|c| c.is_ascii_digit() || *c == '.').take(16).collect();
    let entry: String = entry.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(40).collect();
    script(&st, CLIENT_JS, json!({ "entry": entry, "wxwork": version }))
}

/// Broadcast a signing event and record the request.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finish_signing(
    st: &AppState,
    path: &str,
    origin: Option<String>,
    url: Option<String>,
    status: StatusCode,
    method: &str,
    body: &Value,
    error: Option<String>,
    started: Instant,
) {
    let time_ms = now_ms();
    // No receivers is normal (nobody is watching).
    let _ = st.signing.send(SigningEvent { time_ms, origin, url: url.clone(), ok: error.is_none(), error: error.clone() });
    if let Some(sink) = &st.sink {
        let mut shown = body.clone();
        redact_json(&mut shown);
        let query: Vec<(String, String)> = url.into_iter().map(|u| ("url".to_owned(), u)).collect();
        sink.record(RequestRecord {
            id: None,
            time_ms,
            profile: st.profile.clone(),
            feature: FEATURE.into(),
            base_url: st.base_url.clone(),
            method: method.to_owned(),
            path: path.to_owned(),
            query: redact_query(&query),
            request_body: None,
            status: Some(status.as_u16()),
            errcode: body["error"]["errcode"].as_i64(),
            errmsg: None,
            latency_ms: started.elapsed().as_millis() as u64,
            response_headers: Vec::new(),
            response_body: Some(shown.to_string()),
            error,
        });
    }
}

/// `{error: {kind, message, message_zh, errcode?, hint?, hint_zh?}}`: the error as the
/// app and the CLI's `--json` carry it, with the fields it does not have left out.
fn error_body(e: &UiError) -> Value {
    let mut v = json!(e);
    if let Some(fields) = v.as_object_mut() {
        fields.retain(|_, x| !x.is_null());
    }
    json!({ "error": v })
}

pub(crate) async fn signature(State(st): State<AppState>, req: Request) -> Response {
    let started = Instant::now();
    let path = req.uri().path().to_owned();
    let origin = guard::origin_of(req.headers());
    let raw = url_param(req.uri().query());
    let refresh = url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes()).any(|(k, v)| k == "refresh" && v == "1");
    let (status, body, error, url) = answer(&st, raw.clone(), refresh).await;
    finish_signing(&st, &path, origin, url.or(raw), status, "GET", &body, error, started);
    (status, axum::Json(body)).into_response()
}

/// The response for one `url` parameter: status, body, error text, URL signed.
async fn answer(st: &AppState, raw: Option<String>, refresh: bool) -> (StatusCode, Value, Option<String>, Option<String>) {
    let bad = |message: String, message_zh: String| {
        let body = error_body(&UiError::invalid_input(message.clone(), message_zh));
        (StatusCode::BAD_REQUEST, body, Some(message), None)
    };
    let Some(raw) = raw.filter(|u| !u.trim().is_empty()) else {
        return bad(
            format!("missing the `url` query parameter: call {BRIDGE_SIGNATURE_PATH}?url=' + encodeURIComponent(location.href.split('#')[0])"),
            format!("缺少查询参数 `url`：请这样调用 {BRIDGE_SIGNATURE_PATH}?url=' + encodeURIComponent(location.href.split('#')[0])"),
        );
    };
    let (page, _) = strip_fragment(raw.trim());
    match url::Url::parse(page) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
        _ => {
            return bad(
                format!(
                    "`url` must be the page's full http(s) URL (location.href without #...), got {page:?}: \
                     WeCom signs the whole URL, scheme and query included; encode it with encodeURIComponent"
                ),
                format!(
                    "`url` 必须是页面完整的 http(s) 地址（即去掉 #... 的 location.href），收到的是 {page:?}：\
                     企业微信对整个地址签名，包括协议和查询串；请用 encodeURIComponent 编码后再传"
                ),
            );
        }
    }
    let fetched = if refresh { st.source.refresh().await } else { st.source.tickets().await };
    let tickets = match fetched {
        Ok(t) => t,
        Err(e) => {
            let ui = e.to_ui();
            let status = if e.exit_code() == 2 { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::BAD_GATEWAY };
            let msg = format!("cannot get the tickets to sign with: {}", ui.message);
            let body = error_body(&UiError {
                message: msg.clone(),
                message_zh: format!("无法获取用于签名的 ticket：{}", ui.message_zh),
                ..ui
            });
            return (status, body, Some(msg), Some(page.to_owned()));
        }
    };
    let ts = st.clock.now();
    let ts_s = ts.to_string();
    let one = |ticket: &Secret| {
        let s = sign(ticket.expose(), &new_nonce(), &ts_s, page);
        json!({ "timestamp": ts, "nonceStr": s.nonce_str, "signature": s.signature })
    };
    let body = json!({
        "corpId": tickets.corpid,
        "agentId": tickets.agentid,
        "url": page,
        "config": one(&tickets.corp),
        "agentConfig": one(&tickets.agent),
    });
    (StatusCode::OK, body, None, Some(page.to_owned()))
}

/// Redact, broadcast and record one page event.
pub(crate) fn emit(st: &AppState, mut ev: BridgeEvent) {
    let mut v = serde_json::to_value(&ev).unwrap_or(Value::Null);
    redact_event(&mut v);
    // Re-read the redacted strings into the typed event.
    if let Value::Object(m) = v.clone() {
        ev.href = m.get("href").and_then(|h| h.as_str()).map(str::to_owned);
        ev.diagnosis = m.get("diagnosis").cloned();
        ev.detail = m
            .into_iter()
            .filter(|(k, _)| !matches!(k.as_str(), "time_ms" | "type" | "session" | "href" | "ok" | "errMsg" | "errCode" | "source" | "diagnosis"))
            .collect();
    }
    if let Some(sink) = &st.sink {
        sink.record(RequestRecord {
            id: None,
            time_ms: ev.time_ms,
            profile: st.profile.clone(),
            feature: EVENTS_FEATURE.into(),
            base_url: st.base_url.clone(),
            method: "EVENT".into(),
            path: format!("/__wwdev/events/{}", ev.kind),
            query: Vec::new(),
            request_body: None,
            status: None,
            errcode: ev.err_code,
            errmsg: ev.err_msg.clone(),
            latency_ms: 0,
            response_headers: Vec::new(),
            response_body: Some(v.to_string()),
            error: if ev.ok == Some(false) { ev.err_msg.clone() } else { None },
        });
    }
    let _ = st.page.send(ev);
}

use events::redact_event;

/// `POST /__wwdev/events?token=`: `{"session": "...", "events": [{"type": ..., ...}]}`.
pub(crate) async fn intake(State(st): State<AppState>, req: Request) -> Response {
    let (body, _origin) = match guard::admit(&st, req).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let session: String = body["session"].as_str().unwrap_or("").chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(64).collect();
    let Some(list) = body["events"].as_array().filter(|_| !session.is_empty()) else {
        return guard::error(
            StatusCode::BAD_REQUEST,
            "invalid_input",
            "expected {\"session\": \"<id>\", \"events\": [...]}".into(),
            "应为 {\"session\": \"<id>\", \"events\": [...]}".into(),
        );
    };
    let mut accepted = 0usize;
    for raw in list.iter().take(MAX_EVENTS_PER_BATCH) {
        let Some(kind) = raw["type"].as_str().filter(|k| EVENT_TYPES.contains(k)) else { continue };
        let ev = from_probe(&st, &session, kind, raw).await;
        emit(&st, ev);
        accepted += 1;
    }
    (StatusCode::OK, axum::Json(json!({ "accepted": accepted }))).into_response()
}

/// A probe event in the bridge's shape; failed registrations get their diagnosis.
async fn from_probe(st: &AppState, session: &str, kind: &str, raw: &Value) -> BridgeEvent {
    let href = raw["href"].as_str().map(str::to_owned);
    let mut detail = Map::new();
    let keep = ["api", "params", "result", "entry", "message", "stack", "level", "method", "url", "status", "duration_ms", "errcode", "scripts", "wxBefore", "wwBefore", "filename", "line", "column", "requestBody", "responseBody", "args"];
    for k in keep {
        if let Some(v) = raw.get(k).filter(|v| !v.is_null()) {
            detail.insert(k.to_owned(), v.clone());
        }
    }
    if let Some(ua) = raw["ua"].as_str() {
        detail.insert("userAgent".into(), json!(ua));
        detail.insert("ua".into(), events::parse_ua(ua));
    }
    let result = &raw["result"];
    let err_msg = result["errMsg"].as_str().or(result["err_msg"].as_str()).map(str::to_owned);
    let err_code = result["errCode"].as_i64().or(result["err_code"].as_i64()).or(raw["errcode"].as_i64());
    let mut ok = raw["ok"].as_bool();
    if matches!(kind, "config" | "agentConfig" | "jsapi") {
        ok = err_msg.as_deref().map(events::answer_ok);
    }
    let mut ev = BridgeEvent {
        time_ms: now_ms(),
        kind: kind.to_owned(),
        session: session.to_owned(),
        href: href.clone(),
        ok,
        err_msg,
        err_code,
        source: "probe".into(),
        diagnosis: None,
        detail,
    };
    if matches!(kind, "config" | "agentConfig") {
        let params = events::registration_params(kind, &raw["params"]);
        let entry = raw["entry"].as_str().map(str::to_owned);
        if ok == Some(false) {
            sim::attach_diagnosis(st, &mut ev, kind, &params, href.as_deref().unwrap_or(""), entry).await;
        }
        ev.detail.insert("params".into(), params);
    }
    ev
}
