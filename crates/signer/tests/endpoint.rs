//! The signing endpoint over real HTTP, with tickets from a running sandbox.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use wwdev_core::cache::{CredentialKey, TicketKind, TokenCache};
use wwdev_core::client::{ClientConfig, WeComClient};
use wwdev_core::clock::SystemClock;
use wwdev_core::record::{RequestRecord, RequestSink};
use wwdev_core::secret::Secret;
use wwdev_sandbox::{SandboxConfig, SandboxHandle};
use wwdev_signer::{CacheTicketSource, SignerConfig, SignerHandle, SigningEvent};

const PAGE_ORIGIN: &str = "http://localhost:5173";
const PAGE: &str = "http://localhost:5173/app?x=1&y=%E4%B8%AD#/orders/7";

#[derive(Default)]
struct VecSink(Mutex<Vec<RequestRecord>>);

impl RequestSink for VecSink {
    fn record(&self, record: RequestRecord) {
        self.0.lock().unwrap().push(record);
    }
}

struct World {
    sb: SandboxHandle,
    signer: SignerHandle,
    cache: Arc<TokenCache>,
    client: WeComClient,
    key: CredentialKey,
    secret: Secret,
    sink: Arc<VecSink>,
    http: reqwest::Client,
}

async fn world(origins: &[&str]) -> World {
    let sb = wwdev_sandbox::start(SandboxConfig::default()).await.unwrap();
    let app = &sb.seed().apps[0];
    let secret = Secret::new(app.secret.clone());
    let key = CredentialKey::new(sb.base_url(), sb.seed().corpid.clone(), app.agentid.to_string());
    let client = WeComClient::new(ClientConfig { base_url: sb.base_url(), ..Default::default() }, None).unwrap();
    let cache = Arc::new(TokenCache::new(Arc::new(SystemClock)));
    let sink = Arc::new(VecSink::default());
    let source = CacheTicketSource { cache: cache.clone(), client: client.clone(), key: key.clone(), secret: secret.clone() };
    let signer = wwdev_signer::start(
        SignerConfig {
            allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
            sink: Some(sink.clone()),
            profile: "dev".into(),
            ..Default::default()
        },
        Arc::new(source),
    )
    .await
    .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    World { sb, signer, cache, client, key, secret, sink, http }
}

impl World {
    fn endpoint(&self) -> String {
        format!("{}/jssdk/signature", self.signer.base_url())
    }
    async fn get(&self, url: Option<&str>, origin: Option<&str>) -> reqwest::Response {
        let mut r = self.http.get(self.endpoint());
        if let Some(u) = url {
            r = r.query(&[("url", u)]);
        }
        if let Some(o) = origin {
            r = r.header("Origin", o);
        }
        r.send().await.unwrap()
    }
    async fn ticket(&self, kind: TicketKind) -> String {
        self.cache.ticket(&self.client, &self.key, &self.secret, kind, false).await.unwrap().value.expose().to_owned()
    }
    async fn verify(&self, kind: &str, sig: &Value, agentid: Option<i64>) -> Value {
        self.http
            .post(format!("{}/sandbox/jssdk/verify", self.sb.base_url()))
            .json(&json!({"kind": kind, "url": PAGE, "timestamp": sig["timestamp"], "nonceStr": sig["nonceStr"],
                          "signature": sig["signature"], "agentid": agentid}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn signatures_are_correct_and_accepted_by_the_sandbox_client() {
    let w = world(&[PAGE_ORIGIN]).await;
    let r = w.get(Some(PAGE), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["corpId"], w.sb.seed().corpid);
    assert_eq!(v["agentId"], w.key.agentid);
    assert_eq!(v["url"], "http://localhost:5173/app?x=1&y=%E4%B8%AD", "fragment stripped, encoding kept: {v}");
    for (part, kind) in [("config", TicketKind::Corp), ("agentConfig", TicketKind::Agent)] {
        let s = &v[part];
        assert!(s["timestamp"].is_i64(), "timestamp is a number of seconds: {v}");
        assert!(s["timestamp"].as_i64().unwrap() < 10_000_000_000, "seconds, not ms");
        let ticket = w.ticket(kind).await;
        let again = wwdev_core::signature::sign(&ticket, s["nonceStr"].as_str().unwrap(), &s["timestamp"].to_string(), PAGE);
        assert_eq!(s["signature"], again.signature, "{part}");
    }
    assert_ne!(v["config"]["signature"], v["agentConfig"]["signature"]);
    // What the WeCom client would decide, registering from the page with its fragment.
    let agentid: i64 = w.key.agentid.parse().unwrap();
    let c = w.verify("config", &v["config"], None).await;
    assert_eq!(c["valid"], true, "{c}");
    let a = w.verify("agentConfig", &v["agentConfig"], Some(agentid)).await;
    assert_eq!(a["valid"], true, "{a}");
    // Swapped: agentConfig with the config signature is refused.
    let x = w.verify("agentConfig", &v["config"], Some(agentid)).await;
    assert_eq!(x["valid"], false, "{x}");
}

#[tokio::test]
async fn cors_only_for_listed_origins() {
    let w = world(&[PAGE_ORIGIN, "https://app.example.test"]).await;
    let r = w.get(Some(PAGE), Some(PAGE_ORIGIN)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["access-control-allow-origin"], PAGE_ORIGIN);
    // Preflight from a listed origin.
    let pre = |origin: &str| {
        w.http
            .request(reqwest::Method::OPTIONS, w.endpoint())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .send()
    };
    let r = pre("https://app.example.test").await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], "https://app.example.test");
    assert!(r.headers()["access-control-allow-methods"].to_str().unwrap().contains("GET"));
    // Another origin: refused outright, preflight or not, with no CORS headers.
    let r = pre("http://evil.test").await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let r = w.get(Some(PAGE), Some("http://evil.test")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["kind"], "origin_not_allowed");
    assert!(v["error"]["message"].as_str().unwrap().contains("--allow-origin http://evil.test"), "{v}");
    assert!(v.get("config").is_none());

    // No list at all: same-origin and non-browser clients only, no CORS headers.
    let w = world(&[]).await;
    let r = w.get(Some(PAGE), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert_eq!(w.get(Some(PAGE), Some(PAGE_ORIGIN)).await.status(), StatusCode::FORBIDDEN);
    let own = w.signer.base_url();
    assert_eq!(w.get(Some(PAGE), Some(&own)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_urls_are_400_with_a_clear_message() {
    let w = world(&[]).await;
    for (url, needle) in [(None, "missing the `url`"), (Some(""), "missing the `url`"), (Some("localhost:5173/app"), "full http(s) URL"), (Some("#/home"), "full http(s) URL")] {
        let r = w.get(url, None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{url:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["kind"], "invalid_input");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{url:?}: {v}");
        let zh = v["error"]["message_zh"].as_str().unwrap();
        assert!(zh.contains("`url`"), "{url:?}: {v}");
        assert_eq!(wwdev_core::error::english_in(zh), None, "{url:?}: {v}");
    }
}

#[tokio::test]
async fn wecom_failure_is_502_with_the_errcode() {
    let w = world(&[]).await;
    let r = w
        .http
        .post(format!("{}/sandbox/admin/faults", w.sb.base_url()))
        .json(&json!({"path": "/cgi-bin/get_jsapi_ticket", "kind": "errcode", "errcode": 45009}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let r = w.get(Some(PAGE), None).await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["kind"], "wecom");
    assert_eq!(v["error"]["errcode"], 45009);
    assert!(v["error"]["hint"].as_str().is_some_and(|h| !h.is_empty()), "{v}");
    let zh = v["error"]["message_zh"].as_str().unwrap();
    // The signer's own words are Chinese; the rest is the core's WeCom message, which
    // quotes WeCom's English errmsg as is.
    assert!(zh.starts_with("无法获取用于签名的 ticket：企业微信返回错误码 45009"), "{v}");
    let hint_zh = v["error"]["hint_zh"].as_str().unwrap();
    assert!(!hint_zh.is_empty(), "{v}");
    assert_eq!(wwdev_core::error::english_in(hint_zh), None, "{v}");
    // Fault cleared: the next request succeeds.
    w.http.delete(format!("{}/sandbox/admin/faults", w.sb.base_url())).send().await.unwrap();
    assert_eq!(w.get(Some(PAGE), None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_request_is_broadcast_and_recorded_without_tickets() {
    let w = world(&[PAGE_ORIGIN]).await;
    let mut events = w.signer.subscribe();
    assert_eq!(w.get(Some(PAGE), Some(PAGE_ORIGIN)).await.status(), StatusCode::OK);
    assert_eq!(w.get(Some("nope"), None).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(w.get(Some(PAGE), Some("http://evil.test")).await.status(), StatusCode::FORBIDDEN);
    let mut got: Vec<SigningEvent> = Vec::new();
    for _ in 0..3 {
        got.push(tokio::time::timeout(Duration::from_secs(10), events.recv()).await.unwrap().unwrap());
    }
    assert!(got[0].ok && got[0].error.is_none());
    assert_eq!(got[0].origin.as_deref(), Some(PAGE_ORIGIN));
    assert_eq!(got[0].url.as_deref(), Some("http://localhost:5173/app?x=1&y=%E4%B8%AD"));
    assert!(!got[1].ok && got[1].error.as_deref().unwrap().contains("full http(s) URL"));
    assert_eq!(got[1].url.as_deref(), Some("nope"));
    assert!(!got[2].ok && got[2].origin.as_deref() == Some("http://evil.test"));

    let records = w.sink.0.lock().unwrap().clone();
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r.feature == "signing-endpoint" && r.method == "GET" && r.path == "/jssdk/signature" && r.profile == "dev"));
    assert_eq!(records.iter().map(|r| r.status).collect::<Vec<_>>(), [Some(200), Some(400), Some(403)]);
    let all = serde_json::to_string(&records).unwrap();
    for kind in [TicketKind::Corp, TicketKind::Agent] {
        let t = w.ticket(kind).await;
        assert!(!all.contains(&t), "a ticket leaked into the request log");
    }
    assert!(!all.contains(w.secret.expose()));
    // The signatures themselves are masked in the stored body.
    let body: Value = serde_json::from_str(records[0].response_body.as_deref().unwrap()).unwrap();
    assert!(body["config"]["signature"].as_str().unwrap().contains("***"), "{body}");
    assert_eq!(body["url"], "http://localhost:5173/app?x=1&y=%E4%B8%AD");
    w.signer.shutdown().await;
}
