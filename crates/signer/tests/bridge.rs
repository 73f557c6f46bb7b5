//! The page bridge's server side over real HTTP, tickets from a running sandbox:
//! what it refuses (token, size, rate, Host, Origin) and what it decides.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use wwdev_core::cache::{CredentialKey, TokenCache};
use wwdev_core::client::{ClientConfig, WeComClient};
use wwdev_core::clock::SystemClock;
use wwdev_core::record::{RequestRecord, RequestSink};
use wwdev_core::secret::Secret;
use wwdev_sandbox::{SandboxConfig, SandboxHandle};
use wwdev_signer::{BridgeConfig, BridgeEvent, CacheTicketSource, SignerHandle};

const ORIGIN: &str = "http://localhost:5173";
const PAGE: &str = "http://localhost:5173/app?x=1#/home";

#[derive(Default)]
struct VecSink(Mutex<Vec<RequestRecord>>);
impl RequestSink for VecSink {
    fn record(&self, record: RequestRecord) {
        self.0.lock().unwrap().push(record);
    }
}

struct World {
    sb: SandboxHandle,
    bridge: SignerHandle,
    sink: Arc<VecSink>,
    http: reqwest::Client,
    secret: String,
}

async fn world(tweak: impl FnOnce(&mut BridgeConfig)) -> World {
    let sb = wwdev_sandbox::start(SandboxConfig::default()).await.unwrap();
    let app = &sb.seed().apps[0];
    let key = CredentialKey::new(sb.base_url(), sb.seed().corpid.clone(), app.agentid.to_string());
    let client = WeComClient::new(ClientConfig { base_url: sb.base_url(), ..Default::default() }, None).unwrap();
    let cache = Arc::new(TokenCache::new(Arc::new(SystemClock)));
    let source = CacheTicketSource { cache, client, key, secret: Secret::new(app.secret.clone()) };
    let sink = Arc::new(VecSink::default());
    let mut cfg = BridgeConfig {
        allowed_origins: vec![ORIGIN.into()],
        sink: Some(sink.clone()),
        profile: "dev".into(),
        corp: Some(wwdev_sandbox::jssdk::corp_facts(sb.seed())),
        sim: wwdev_sandbox::jssdk::sim_data(sb.seed()),
        ..Default::default()
    };
    tweak(&mut cfg);
    let bridge = wwdev_signer::start(cfg, Arc::new(source)).await.unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let secret = app.secret.clone();
    World { sb, bridge, sink, http, secret }
}

impl World {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.bridge.base_url())
    }
    async fn post(&self, path: &str, token: Option<&str>, body: String) -> reqwest::Response {
        let mut u = self.url(path);
        if let Some(t) = token {
            u = format!("{u}?token={t}");
        }
        self.http.post(u).header("Origin", ORIGIN).header("Content-Type", "text/plain").body(body).send().await.unwrap()
    }
    async fn invoke(&self, session: &str, href: &str, name: &str, params: Value) -> Value {
        let body = json!({"session": session, "href": href, "entryUrl": href, "entry": "single_chat_tools", "name": name, "params": params});
        let r = self.post("/__wwdev/invoke", Some(self.bridge.token()), body.to_string()).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }
    async fn signature(&self, url: &str) -> Value {
        self.http.get(self.url("/__wwdev/signature")).query(&[("url", url)]).send().await.unwrap().json().await.unwrap()
    }
}

async fn next(rx: &mut tokio::sync::broadcast::Receiver<BridgeEvent>) -> BridgeEvent {
    tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap()
}

#[tokio::test]
async fn scripts_carry_the_run_token_and_the_intake_requires_it() {
    let w = world(|_| {}).await;
    let token = w.bridge.token().to_owned();
    assert!(token.len() >= 32);
    for path in ["/__wwdev/probe.js", "/__wwdev/client.js"] {
        let r = w.http.get(w.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/javascript"));
        assert_eq!(r.headers()["cache-control"], "no-store");
        let js = r.text().await.unwrap();
        assert!(js.contains(&token) && !js.contains("__WWDEV_CONFIG__"), "{path}");
        assert!(js.len() < 16 * 1024, "{path} stays small: {} bytes", js.len());
        assert!(!js.contains("document.cookie") && !js.contains("localStorage"), "{path} never reads cookies or storage");
    }
    let batch = json!({"session": "s1", "events": [{"type": "console", "level": "warn", "message": "hi"}]}).to_string();
    for bad in [None, Some("wrong")] {
        let r = w.post("/__wwdev/events", bad, batch.clone()).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{bad:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["kind"], "token_required");
        assert!(v["error"]["message_zh"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let r = w.post("/__wwdev/invoke", Some("wrong"), "{}".into()).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let mut rx = w.bridge.subscribe_events();
    let r = w.post("/__wwdev/events", Some(&token), batch).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["accepted"], 1);
    let e = next(&mut rx).await;
    assert_eq!((e.kind.as_str(), e.session.as_str(), e.source.as_str()), ("console", "s1", "probe"));
    assert_eq!(e.detail["message"], "hi");
    // A body that is not JSON: serde's English text is only the labelled detail in Chinese.
    let r = w.post("/__wwdev/events", Some(&token), "not json".into()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["kind"], "invalid_input");
    let zh = v["error"]["message_zh"].as_str().unwrap();
    assert!(zh.starts_with("请求体不是 JSON") && zh.contains("（详情："), "{v}");
    assert_eq!(wwdev_core::error::english_in(zh), None, "{v}");
    // Unknown types are dropped, not echoed.
    let r = w.post("/__wwdev/events", Some(&token), json!({"session": "s1", "events": [{"type": "steal"}]}).to_string()).await;
    assert_eq!(r.json::<Value>().await.unwrap()["accepted"], 0);
}

#[tokio::test]
async fn oversized_batches_are_413_and_bursts_429() {
    let w = world(|c| {
        c.max_batch_bytes = 4096;
        c.max_requests_per_sec = 5;
    })
    .await;
    let token = w.bridge.token().to_owned();
    let big = json!({"session": "s", "events": [{"type": "console", "message": "x".repeat(5000)}]}).to_string();
    let r = w.post("/__wwdev/events", Some(&token), big).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["kind"], "body_too_large");
    // Wait for a fresh one-second window, then burst.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let small = json!({"session": "s", "events": []}).to_string();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(w.post("/__wwdev/events", Some(&token), small.clone()).await.status());
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert!(statuses.iter().filter(|s| **s == StatusCode::OK).count() <= 10, "{statuses:?}");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(w.post("/__wwdev/events", Some(&token), small).await.status(), StatusCode::OK, "the limit is per second");
}

#[tokio::test]
async fn foreign_hosts_are_refused_dns_rebinding() {
    let w = world(|c| c.allowed_hosts = vec!["dev.box".into()]).await;
    let port = w.bridge.port();
    for path in ["/__wwdev/signature?url=http%3A%2F%2Flocalhost%3A5173%2Fapp", "/jssdk/signature?url=http%3A%2F%2Flocalhost%3A5173%2Fapp", "/__wwdev/probe.js"] {
        let r = w.http.get(w.url(path)).header("Host", format!("evil.example:{port}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains("host_not_allowed") && !body.contains("\"signature\"") && !body.contains(w.bridge.token()), "{path}: {body}");
    }
    let r = w.http.get(w.url("/__wwdev/signature?url=http%3A%2F%2Flocalhost%3A5173%2Fapp")).header("Host", format!("localhost:{port}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = w.http.get(w.url("/__wwdev/probe.js")).header("Host", format!("dev.box:{port}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "an opt-in host name passes");
}

#[tokio::test]
async fn near_miss_origins_are_refused_without_a_signature() {
    let w = world(|_| {}).await;
    let mut rx = w.bridge.subscribe_events();
    for origin in ["http://localhost:5174", "https://localhost:5173", "http://localhost:5173.evil.test", "null"] {
        for path in ["/__wwdev/signature?url=http%3A%2F%2Flocalhost%3A5173%2Fapp", "/jssdk/signature?url=http%3A%2F%2Flocalhost%3A5173%2Fapp"] {
            let r = w.http.get(w.url(path)).header("Origin", origin).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{origin} {path}");
            assert!(r.headers().get("access-control-allow-origin").is_none());
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["error"]["kind"], "origin_not_allowed");
            assert!(v.get("config").is_none() && !v.to_string().contains("\"signature\""), "{v}");
        }
        let r = w.http.post(format!("{}?token={}", w.url("/__wwdev/events"), w.bridge.token())).header("Origin", origin).body("{}").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "intake from {origin}");
        // The refusal is shown live (the page stays silent), naming the way out.
        let e = next(&mut rx).await;
        assert_eq!((e.kind.as_str(), e.ok), ("refused", Some(false)));
        assert!(e.detail["message"].as_str().unwrap().contains(&format!("--allow-origin {origin}")), "{:?}", e.detail);
    }
    let r = w.http.get(w.url("/__wwdev/signature?url=http%3A%2F%2Flocalhost%3A5173%2Fapp")).header("Origin", ORIGIN).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["access-control-allow-origin"], ORIGIN);
}

#[tokio::test]
async fn registrations_are_decided_like_wecom_and_diagnosed() {
    let w = world(|_| {}).await;
    let mut rx = w.bridge.subscribe_events();
    let sig = w.signature(PAGE).await;
    let corpid = w.sb.seed().corpid.clone();
    let agentid = w.sb.seed().apps[0].agentid;
    let cfg = |s: &Value, corp: &str| json!({"appId": corp, "verifyTimestamp": s["timestamp"].to_string(), "verifyNonceStr": s["nonceStr"], "verifySignature": s["signature"], "verifyJsApiList": ["getContext"]});
    let agent = |s: &Value, list: Value| json!({"corpid": corpid, "agentid": agentid.to_string(), "timestamp": s["timestamp"].to_string(), "nonceStr": s["nonceStr"], "signature": s["signature"], "jsApiList": list});

    let r = w.invoke("sA", PAGE, "preVerifyJSAPI", cfg(&sig["config"], &corpid)).await;
    assert_eq!(r["err_msg"], "config:ok", "{r}");
    let e = next(&mut rx).await;
    assert_eq!((e.kind.as_str(), e.ok, e.source.as_str()), ("config", Some(true), "simulator"));
    assert!(e.diagnosis.is_none());

    let r = w.invoke("sA", PAGE, "preVerifyJSAPI", cfg(&sig["config"], "wwNotThisCorp")).await;
    assert_eq!((r["err_msg"].as_str().unwrap(), r["errCode"].as_i64()), ("config:invalid corpId, e=40013", Some(40013)));
    next(&mut rx).await;

    let r = w.invoke("sA", PAGE, "preVerifyJSAPI", cfg(&sig["agentConfig"], &corpid)).await;
    assert_eq!((r["err_msg"].as_str().unwrap(), r["errCode"].as_i64()), ("config:invalid signature", Some(40093)));
    let e = next(&mut rx).await;
    assert_eq!(e.top_cause(), Some("wrong_ticket_kind"), "{:?}", e.diagnosis);
    assert_eq!(e.diagnosis.as_ref().unwrap()["valid"], false);

    // Before agentConfig: no permission; after it (listing the API, in a chat toolbar): the seed's contact.
    let r = w.invoke("sA", PAGE, "getCurExternalContact", json!({})).await;
    assert_eq!(r["err_msg"], "getCurExternalContact:fail no permission");
    next(&mut rx).await;
    let r = w.invoke("sA", PAGE, "agentConfig", agent(&sig["agentConfig"], json!(["getContext", "getCurExternalContact"]))).await;
    assert_eq!(r["err_msg"], "agentConfig:ok", "{r}");
    next(&mut rx).await;
    let r = w.invoke("sA", PAGE, "getCurExternalContact", json!({})).await;
    assert_eq!(r["userId"], w.sb.seed().external_contacts[0].external_userid.as_str());
    next(&mut rx).await;
    let r = w.invoke("sA", PAGE, "getCurExternalChat", json!({})).await;
    assert_eq!(r["err_msg"], "getCurExternalChat:fail no permission", "not listed, not a group toolbar");
    next(&mut rx).await;
    let r = w.invoke("sA", PAGE, "checkJsApi", json!({"jsApiList": ["getContext", "openBluetoothAdapter"]})).await;
    assert_eq!(r["checkResult"], json!({"getContext": true, "openBluetoothAdapter": false}));
    next(&mut rx).await;
    let r = w.invoke("sA", PAGE, "openBluetoothAdapter", json!({})).await;
    assert!(r["err_msg"].as_str().unwrap().starts_with("openBluetoothAdapter:fail the wwdev simulator does not support"), "{r}");
    let e = next(&mut rx).await;
    assert_eq!((e.kind.as_str(), e.ok), ("jsapi", Some(false)));

    // Another session has nothing registered.
    let r = w.invoke("sB", PAGE, "getContext", json!({})).await;
    assert_eq!(r["err_msg"], "getContext:fail no permission");
    next(&mut rx).await;

    // agentConfig with the corp ticket: 42012.
    let r = w.invoke("sC", PAGE, "agentConfig", agent(&sig["config"], json!(["getContext"]))).await;
    assert_eq!((r["err_msg"].as_str().unwrap(), r["errCode"].as_i64()), ("agentConfig:fail ticket no available, e=42012", Some(42012)));
    let e = next(&mut rx).await;
    assert_eq!(e.top_cause(), Some("wrong_ticket_kind"));

    // A page outside the app's trusted domains.
    let other = w.signature("http://localhost:9999/p").await;
    let r = w.invoke("sD", "http://localhost:9999/p", "preVerifyJSAPI", cfg(&other["config"], &corpid)).await;
    assert_eq!(r["err_msg"], "config:invalid url domain");
    let e = next(&mut rx).await;
    assert!(e.detail["reason"].as_str().unwrap().contains("trusted domain"));
    assert!(e.detail["reason_zh"].as_str().is_some_and(|z| !z.is_empty()));
}

#[tokio::test]
async fn probe_reports_are_diagnosed_redacted_and_recorded() {
    let w = world(|_| {}).await;
    let mut rx = w.bridge.subscribe_events();
    let sig = w.signature(PAGE).await;
    let token = w.bridge.token().to_owned();
    let batch = json!({"session": "p1", "events": [
        {"type": "agentConfig", "href": PAGE, "entry": PAGE, "api": "agentConfig",
         "params": {"corpid": w.sb.seed().corpid, "agentid": "1000002", "timestamp": sig["config"]["timestamp"].to_string(),
                    "nonceStr": sig["config"]["nonceStr"], "signature": sig["config"]["signature"], "jsApiList": ["getContext"]},
         "result": {"err_msg": "agentConfig:fail ticket no available, e=42012"},
         "ua": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.30 MicroMessenger/7.0.1"},
        {"type": "network", "href": "http://localhost:5173/cb?code=CODE1234567890SECRET", "method": "GET",
         "url": "https://api.example.test/me?access_token=TOKEN1234567890SECRET", "status": 200, "ok": true, "errcode": 42001},
    ]});
    let r = w.post("/__wwdev/events", Some(&token), batch.to_string()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let a = next(&mut rx).await;
    assert_eq!((a.kind.as_str(), a.ok, a.source.as_str()), ("agentConfig", Some(false), "probe"));
    assert_eq!(a.err_msg.as_deref(), Some("agentConfig:fail ticket no available, e=42012"));
    assert_eq!(a.top_cause(), Some("wrong_ticket_kind"), "{:?}", a.diagnosis);
    assert_eq!(a.detail["ua"]["os"], "iOS");
    assert_eq!(a.detail["ua"]["wxwork"], "4.1.30");
    let n = next(&mut rx).await;
    assert_eq!(n.detail["errcode"], 42001);
    let all = serde_json::to_string(&(&a, &n)).unwrap();
    assert!(!all.contains("CODE1234567890SECRET") && !all.contains("TOKEN1234567890SECRET"), "{all}");
    // `signature` fields are masked like the request log (the diagnosis keeps its own comparison).
    assert!(a.detail["params"]["signature"].as_str().unwrap().contains("***"), "{:?}", a.detail["params"]);
    let records = w.sink.0.lock().unwrap().clone();
    let events: Vec<_> = records.iter().filter(|r| r.feature == "page-bridge").collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].path, "/__wwdev/events/agentConfig");
    let stored = serde_json::to_string(&records).unwrap();
    assert!(!stored.contains("TOKEN1234567890SECRET") && !stored.contains(&w.secret));
}
