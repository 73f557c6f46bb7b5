//! The simulated WeCom client behind client.js: `POST /__wwdev/invoke` answers each
//! `WeixinJSBridge.invoke` as WeCom desktop would, registrations decided by
//! [`wwdev_core::jssdk::decide`] against the bridge's tickets.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use wwdev_core::jssdk::{self, AppFacts, CorpFacts, VerifyInput};

use crate::events::{self, BridgeEvent};
use crate::{AppState, guard, now_ms, serve};

/// APIs the simulator implements; `checkJsApi` answers true for these.
pub const SUPPORTED: &[&str] = &["config", "agentConfig", "checkJsApi", "getContext", "getCurExternalContact", "getCurExternalChat"];

/// The corp facts to decide with: the embedder's, else the configured identity only.
fn corp_facts(st: &AppState, corpid: &str, agentid: &str) -> CorpFacts {
    if let Some(c) = &st.corp {
        return (**c).clone();
    }
    CorpFacts {
        corpid: corpid.to_owned(),
        apps: agentid.trim().parse().map(|a| vec![AppFacts { agentid: a, name: String::new(), trusted_domains: None }]).unwrap_or_default(),
        apps_complete: false,
    }
}

fn verify_input(kind: &str, params: &Value, href: &str, entry: Option<String>) -> VerifyInput {
    VerifyInput {
        kind: kind.to_owned(),
        url: href.to_owned(),
        timestamp: params["timestamp"].clone(),
        nonce_str: params["nonceStr"].as_str().unwrap_or("").to_owned(),
        signature: params["signature"].as_str().unwrap_or("").to_owned(),
        agentid: params.get("agentid").cloned().filter(|v| !v.is_null()),
        corpid: params["corpid"].as_str().map(str::to_owned),
        entry_url: entry,
    }
}

/// For a registration the real client refused (reported by probe.js): the engine's diagnosis.
pub(crate) async fn attach_diagnosis(st: &AppState, ev: &mut BridgeEvent, kind: &str, params: &Value, href: &str, entry: Option<String>) {
    let now = st.clock.now();
    let (known, corp) = match (st.source.known_tickets(now).await, st.source.tickets().await) {
        (Ok(k), Ok(t)) => (k, corp_facts(st, &t.corpid, &t.agentid)),
        (Err(e), _) | (_, Err(e)) => {
            ev.detail.insert("diagnosis_error".into(), json!(e.to_ui().message));
            return;
        }
    };
    let input = verify_input(kind, params, href, entry);
    let di = jssdk::diagnose_input(&input, &corp, &known, now);
    let d = wwdev_core::diagnose::diagnose(&di);
    ev.diagnosis = Some(jssdk::diagnosis_json(&d, &di));
}

/// A client answer object.
fn answer(err_msg: String, err_code: Option<i64>, extra: Value) -> Value {
    let mut v = json!({ "err_msg": err_msg });
    if let Some(c) = err_code {
        v["errCode"] = json!(c);
    }
    if let (Some(m), Value::Object(e)) = (v.as_object_mut(), extra) {
        m.extend(e);
    }
    v
}

/// `POST /__wwdev/invoke?token=`: `{session, href, entry, name, params}` → the answer.
pub(crate) async fn invoke(State(st): State<AppState>, req: Request) -> Response {
    let (body, _) = match guard::admit(&st, req).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let session: String = body["session"].as_str().unwrap_or("").chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(64).collect();
    let name: String = body["name"].as_str().unwrap_or("").chars().take(80).collect();
    if session.is_empty() || name.is_empty() {
        return guard::error(
            StatusCode::BAD_REQUEST,
            "invalid_input",
            "expected {\"session\", \"href\", \"name\", \"params\"}".into(),
            "应为 {\"session\", \"href\", \"name\", \"params\"}".into(),
        );
    }
    let href = body["href"].as_str().unwrap_or("").to_owned();
    let entry = body["entry"].as_str().unwrap_or(&st.entry).to_owned();
    let params = body.get("params").cloned().unwrap_or(json!({}));
    let s = st.session_update(&session, |s| {
        if s.entry_url.is_none() {
            s.entry_url = body["entryUrl"].as_str().map(str::to_owned);
        }
    });
    let mut ev = BridgeEvent {
        time_ms: now_ms(),
        kind: "jsapi".into(),
        session: session.clone(),
        href: Some(href.clone()),
        ok: None,
        err_msg: None,
        err_code: None,
        source: "simulator".into(),
        diagnosis: None,
        detail: Map::new(),
    };
    ev.detail.insert("api".into(), json!(name));
    if let Some(ua) = body["ua"].as_str() {
        ev.detail.insert("ua".into(), events::parse_ua(ua));
    }
    let result = if let Some(kind) = events::registration_kind(&name) {
        ev.kind = kind.to_owned();
        let reg = events::registration_params(kind, &params);
        let r = register(&st, &session, kind, &reg, &href, s.entry_url.clone(), &mut ev).await;
        ev.detail.insert("params".into(), reg);
        r
    } else {
        ev.detail.insert("params".into(), params.clone());
        api(&name, &params, &s, &entry, &st)
    };
    let err_msg = result["err_msg"].as_str().unwrap_or("").to_owned();
    ev.ok = Some(events::answer_ok(&err_msg));
    ev.err_code = result["errCode"].as_i64();
    ev.err_msg = Some(err_msg);
    ev.detail.insert("result".into(), result.clone());
    ev.detail.insert("entry".into(), json!(entry));
    serve::emit(&st, ev);
    (StatusCode::OK, axum::Json(result)).into_response()
}

async fn register(st: &AppState, session: &str, kind: &str, reg: &Value, href: &str, entry_url: Option<String>, ev: &mut BridgeEvent) -> Value {
    let now = st.clock.now();
    let (known, tickets) = match (st.source.known_tickets(now).await, st.source.tickets().await) {
        (Ok(k), Ok(t)) => (k, t),
        (Err(e), _) | (_, Err(e)) => {
            // No tickets at all: the client cannot verify anything.
            let ui = e.to_ui();
            ev.detail.insert("reason".into(), json!(format!("wwdev could not get the tickets: {}", ui.message)));
            ev.detail.insert("reason_zh".into(), json!(format!("wwdev 无法获取 ticket：{}", ui.message_zh)));
            return answer(format!("{kind}:fail wwdev could not get the tickets"), None, json!({}));
        }
    };
    let corp = corp_facts(st, &tickets.corpid, &tickets.agentid);
    let input = verify_input(kind, reg, href, entry_url);
    let d = jssdk::decide(&input, &corp, &known, now);
    let o = &d.outcome;
    ev.detail.insert("reason".into(), json!(o.reason));
    ev.detail.insert("reason_zh".into(), json!(o.reason_zh));
    if o.valid {
        let list = events::api_list(&reg["jsApiList"]);
        st.session_update(session, |s| {
            if kind == "config" {
                s.config_ok = Some(list);
            } else {
                s.agent_ok = Some(list);
            }
        });
        return answer(o.err_msg.clone(), None, json!({ "errMsg": o.err_msg }));
    }
    // A refused registration forgets an earlier success of the same kind (the page re-registered).
    st.session_update(session, |s| {
        if kind == "config" {
            s.config_ok = None;
        } else {
            s.agent_ok = None;
        }
    });
    let (diag, di) = match d.diagnosis {
        Some(x) => x,
        None => {
            // Decided before any hashing (domain, corpid, agentid): the engine still says
            // what the signature itself is worth.
            let di = jssdk::diagnose_input(&input, &corp, &known, now);
            (wwdev_core::diagnose::diagnose(&di), di)
        }
    };
    ev.diagnosis = Some(jssdk::diagnosis_json(&diag, &di));
    // The SDK would otherwise prefix the bridge name (`preVerifyJSAPI:`); pages in the
    // field see `config:…` / `agentConfig:…` (public threads), so errMsg is set as given.
    answer(o.err_msg.clone(), o.errcode, json!({ "errMsg": o.err_msg }))
}

fn no_permission(name: &str) -> Value {
    answer(format!("{name}:fail no permission"), None, json!({}))
}

/// Any API after registration, as WeCom desktop answers it (or a clear refusal).
fn api(name: &str, params: &Value, s: &crate::Session, entry: &str, st: &AppState) -> Value {
    // Assumed, not verified against WeCom's docs: these need a successful agentConfig
    // listing them, and the chat APIs answer only inside a chat toolbar (the brief's rule;
    // `getCurExternalContact:fail no permission` itself is seen in public threads).
    let agent_allows = |api: &str| s.agent_ok.as_ref().is_some_and(|l| l.iter().any(|x| x == api));
    match name {
        "checkJsApi" => {
            let list = events::api_list(&params["jsApiList"]);
            let mut res = Map::new();
            for a in list {
                res.insert(a.clone(), json!(SUPPORTED.contains(&a.as_str())));
            }
            answer("checkJsApi:ok".into(), None, json!({ "checkResult": res }))
        }
        "getContext" => {
            if !agent_allows("getContext") {
                return no_permission(name);
            }
            answer("getContext:ok".into(), None, json!({ "entry": entry, "shareTicket": "" }))
        }
        "getCurExternalContact" => match (&st.sim.external_userid, agent_allows(name) && entry == "single_chat_tools") {
            (Some(u), true) => answer(format!("{name}:ok"), None, json!({ "userId": u })),
            (None, true) => answer(format!("{name}:fail the wwdev simulator has no external contact to return; configure one"), None, json!({})),
            _ => no_permission(name),
        },
        "getCurExternalChat" => match (&st.sim.chat_id, agent_allows(name) && entry == "group_chat_tools") {
            (Some(c), true) => answer(format!("{name}:ok"), None, json!({ "chatId": c })),
            (None, true) => answer(format!("{name}:fail the wwdev simulator has no group chat to return; configure one"), None, json!({})),
            _ => no_permission(name),
        },
        other => answer(
            format!("{other}:fail the wwdev simulator does not support {other}; try it in the WeCom client"),
            None,
            json!({ "errMsg_zh": format!("wwdev 模拟器不支持 {other}，请在企业微信客户端中调试") }),
        ),
    }
}
