//! A deliberately tiny fake WeCom server for this crate's unit tests. The full
//! simulator lives in wwdev-sandbox; this one only counts calls and produces the
//! failure shapes the client must classify.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::client::{ClientConfig, WeComClient};
use crate::record::{RequestRecord, RequestSink};

pub const CORPID: &str = "wwtestcorp0001";
pub const SECRET: &str = "test-secret-value-0123456789";

#[derive(Default)]
pub struct Fake {
    pub gettoken: AtomicUsize,
    pub corp_ticket: AtomicUsize,
    pub agent_ticket: AtomicUsize,
    /// Tokens issued before this generation answer 40014.
    pub min_valid_token: AtomicUsize,
    /// When set, tickets answer 42001 (token expired) once and clear the flag.
    pub expire_next_ticket: AtomicBool,
    pub slow_token: AtomicBool,
}

type S = Arc<Fake>;
type Q = Query<HashMap<String, String>>;

fn err(code: i64, msg: &str) -> Response {
    let mut h = HeaderMap::new();
    h.insert("error-code", code.to_string().parse().unwrap());
    let body = json!({"errcode": code, "errmsg": format!("{msg}, hint: [1700000000_12_abc], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e={code}")});
    (h, Json(body)).into_response()
}

fn ok(mut v: Value) -> Response {
    v["errcode"] = json!(0);
    v["errmsg"] = json!("ok");
    Json(v).into_response()
}

#[allow(clippy::result_large_err)] // test-only helper
fn check_token(s: &Fake, q: &HashMap<String, String>) -> Result<(), Response> {
    let Some(t) = q.get("access_token") else { return Err(err(41001, "access_token missing")) };
    let n: usize = t.strip_prefix("TOKEN-").and_then(|n| n.parse().ok()).ok_or_else(|| err(40014, "invalid access_token"))?;
    if n < s.min_valid_token.load(Ordering::SeqCst) {
        return Err(err(40014, "invalid access_token"));
    }
    Ok(())
}

async fn gettoken(State(s): State<S>, Query(q): Q) -> Response {
    let n = s.gettoken.fetch_add(1, Ordering::SeqCst) + 1;
    if s.slow_token.load(Ordering::SeqCst) {
        // Widen the race window for the single-flight test (no timing is asserted).
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if q.get("corpid").map(String::as_str) != Some(CORPID) {
        return err(40013, "invalid corpid");
    }
    if q.get("corpsecret").map(String::as_str) != Some(SECRET) {
        return err(40001, "invalid credential");
    }
    ok(json!({"access_token": format!("TOKEN-{n}"), "expires_in": 7200}))
}

async fn corp_ticket(State(s): State<S>, Query(q): Q) -> Response {
    if let Err(r) = check_token(&s, &q) {
        return r;
    }
    if s.expire_next_ticket.swap(false, Ordering::SeqCst) {
        return err(42001, "access_token expired");
    }
    let n = s.corp_ticket.fetch_add(1, Ordering::SeqCst) + 1;
    ok(json!({"ticket": format!("CORPTICKET-{n}"), "expires_in": 7200}))
}

async fn agent_ticket(State(s): State<S>, Query(q): Q) -> Response {
    if let Err(r) = check_token(&s, &q) {
        return r;
    }
    if q.get("type").map(String::as_str) != Some("agent_config") {
        return err(40058, "invalid parameter type");
    }
    let n = s.agent_ticket.fetch_add(1, Ordering::SeqCst) + 1;
    ok(json!({"ticket": format!("AGENTTICKET-{n}"), "expires_in": 7200}))
}

async fn getuserinfo(State(s): State<S>, Query(q): Q) -> Response {
    if let Err(r) = check_token(&s, &q) {
        return r;
    }
    match q.get("code").map(String::as_str) {
        Some("CODE-PRIV") => ok(json!({"userid": "zhangsan", "user_ticket": "UT-SECRET-abcdefgh", "expires_in": 1800})),
        Some("CODE-BASE") => ok(json!({"userid": "lisi"})),
        Some("CODE-EXT") => ok(json!({"openid": "oOPENID1", "external_userid": "wmEXT1"})),
        Some("CODE-NOBODY") => ok(json!({"userid": "ghost"})),
        Some("CODE-WEIRD") => ok(json!({"foo": 1})),
        _ => err(40029, "invalid code"),
    }
}

async fn getuserinfo_legacy(State(s): State<S>, Query(q): Q) -> Response {
    if let Err(r) = check_token(&s, &q) {
        return r;
    }
    match q.get("code").map(String::as_str) {
        Some("CODE-PRIV") => ok(json!({"UserId": "zhangsan", "DeviceId": "dev1", "user_ticket": "UT-SECRET-abcdefgh", "expires_in": 1800})),
        Some("CODE-EXT") => ok(json!({"OpenId": "oOPENID1", "DeviceId": "dev1"})),
        _ => err(40029, "invalid code"),
    }
}

async fn getuserdetail(State(s): State<S>, Query(q): Q, Json(body): Json<Value>) -> Response {
    if let Err(r) = check_token(&s, &q) {
        return r;
    }
    if body["user_ticket"] != "UT-SECRET-abcdefgh" {
        return err(40058, "invalid user_ticket");
    }
    ok(json!({"userid": "zhangsan", "gender": "1", "avatar": "https://a.test/1.png", "qr_code": "https://a.test/q", "mobile": "13800000000", "email": "zs@example.com", "biz_mail": "zs@corp.example.com", "address": "广州"}))
}

async fn user_get(State(s): State<S>, Query(q): Q) -> Response {
    if let Err(r) = check_token(&s, &q) {
        return r;
    }
    match q.get("userid").map(String::as_str) {
        Some(u @ ("zhangsan" | "lisi")) => ok(json!({
            "userid": u, "name": "张三", "department": [1, 2], "order": [0, 5], "position": "工程师",
            "is_leader_in_dept": [1, 0], "direct_leader": ["wangwu"], "telephone": "020-1234", "alias": "Sam",
            "open_userid": "woOPEN1", "main_department": 1, "status": 1,
            "extattr": {"attrs": []}, "external_profile": {"external_attr": []},
            "hide_mobile": 0, "english_name": "Sam Zhang"
        })),
        _ => err(60111, "userid not found"),
    }
}

async fn convert_to_openid(State(s): State<S>, Query(q): Q, Json(body): Json<Value>) -> Response {
    if let Err(r) = check_token(&s, &q) {
        return r;
    }
    if body["userid"] == "zhangsan" { ok(json!({"openid": "oZHANGSAN"})) } else { err(43004, "not bound") }
}

async fn externalcontact(State(s): State<S>, Query(q): Q) -> Response {
    if let Err(r) = check_token(&s, &q) {
        return r;
    }
    if q.get("external_userid").map(String::as_str) != Some("wmEXT1") {
        return err(84061, "not external contact");
    }
    ok(json!({
        "external_contact": {"external_userid": "wmEXT1", "name": "客户甲", "type": 1, "gender": 2, "unionid": "uid1", "corp_name": "甲公司"},
        "follow_user": [{"userid": "zhangsan", "remark": "老客户", "createtime": 1700000000, "add_way": 1, "tags": []}],
        "next_cursor": if q.contains_key("cursor") { "" } else { "CURSOR2" }
    }))
}

async fn ip_list(State(s): State<S>, Query(q): Q) -> Response {
    if let Err(_r) = check_token(&s, &q) {
        // On error the real body still carries an empty ip_list.
        return Json(json!({"errcode": 40014, "errmsg": "invalid access_token", "ip_list": []})).into_response();
    }
    ok(json!({"ip_list": ["1.1.1.1", "2.2.2.0/24"]}))
}

async fn html_502() -> Response {
    (StatusCode::BAD_GATEWAY, [("content-type", "text/html")], "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>").into_response()
}

async fn bad_json() -> Response {
    (StatusCode::OK, [("content-type", "application/json")], "{\"errcode\": 0, \"access_token\": \"TOK").into_response()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(10)).await;
    ok(json!({}))
}

async fn forced(Query(q): Q) -> Response {
    let code: i64 = q.get("code").and_then(|c| c.parse().ok()).unwrap_or(-1);
    err(code, "forced")
}

async fn echo(Query(q): Q, body: Option<Json<Value>>) -> Response {
    ok(json!({"query": q, "body": body.map(|b| b.0)}))
}

/// Start the fake on 127.0.0.1 with a random port; returns its base URL.
pub async fn start() -> (String, Arc<Fake>) {
    let state: S = Arc::new(Fake { min_valid_token: AtomicUsize::new(0), ..Default::default() });
    let app = Router::new()
        .route("/cgi-bin/gettoken", get(gettoken))
        .route("/cgi-bin/get_jsapi_ticket", get(corp_ticket))
        .route("/cgi-bin/ticket/get", get(agent_ticket))
        .route("/cgi-bin/auth/getuserinfo", get(getuserinfo))
        .route("/cgi-bin/user/getuserinfo", get(getuserinfo_legacy))
        .route("/cgi-bin/auth/getuserdetail", post(getuserdetail))
        .route("/cgi-bin/user/get", get(user_get))
        .route("/cgi-bin/user/convert_to_openid", post(convert_to_openid))
        .route("/cgi-bin/externalcontact/get", get(externalcontact))
        .route("/cgi-bin/get_api_domain_ip", get(ip_list))
        .route("/cgi-bin/getcallbackip", get(ip_list))
        .route("/cgi-bin/fault/html", get(html_502))
        .route("/cgi-bin/fault/badjson", get(bad_json))
        .route("/cgi-bin/fault/slow", get(slow))
        .route("/cgi-bin/fault/errcode", get(forced))
        .route("/cgi-bin/echo", get(echo).post(echo))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), state)
}

/// A server that accepts connections and closes them without answering.
pub async fn start_dropper() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            if let Ok((sock, _)) = listener.accept().await {
                drop(sock);
            }
        }
    });
    format!("http://{addr}")
}

/// A base URL where nothing listens.
pub async fn refused_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[derive(Default)]
pub struct VecSink(pub Mutex<Vec<RequestRecord>>);

impl RequestSink for VecSink {
    fn record(&self, record: RequestRecord) {
        self.0.lock().unwrap().push(record);
    }
}

impl VecSink {
    pub fn take(&self) -> Vec<RequestRecord> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

pub fn client(base: &str, sink: Option<Arc<VecSink>>) -> WeComClient {
    let cfg = ClientConfig {
        base_url: base.to_string(),
        timeout: Duration::from_millis(1500),
        proxy: None,
        profile: "test".into(),
        feature: "unit".into(),
    };
    WeComClient::new(cfg, sink.map(|s| s as Arc<dyn RequestSink>)).unwrap()
}
