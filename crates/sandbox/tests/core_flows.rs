//! wwdev-core (client, cache, oauth, callback, signature) driven against a running
//! sandbox over real HTTP: the flows an H5 developer debugs, end to end.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::redirect::Policy;
use serde_json::{Value, json};
use wwdev_core::cache::{CredentialKey, TicketKind, TokenCache};
use wwdev_core::callback::parse_callback;
use wwdev_core::client::{ClientConfig, UserInfo, WeComClient};
use wwdev_core::clock::{Clock, ManualClock};
use wwdev_core::errcode;
use wwdev_core::error::CoreError;
use wwdev_core::oauth::{self, OAuthParams, Scope, WebLoginParams};
use wwdev_core::record::{RequestRecord, RequestSink};
use wwdev_core::secret::Secret;
use wwdev_core::signature;
use wwdev_sandbox::{SandboxConfig, SandboxHandle, start};

const START: i64 = 1_700_000_000;
const H5: i64 = 1000002;
const CRM: i64 = 1000003;
const TTL: i64 = 7200;
const CB: &str = "http://localhost:5173/callback?from=menu";

/// Collects every record the client emits.
#[derive(Default)]
struct VecSink(Mutex<Vec<RequestRecord>>);

impl RequestSink for VecSink {
    fn record(&self, record: RequestRecord) {
        self.0.lock().unwrap().push(record);
    }
}

impl VecSink {
    fn all(&self) -> Vec<RequestRecord> {
        self.0.lock().unwrap().clone()
    }
}

struct Env {
    sb: SandboxHandle,
    /// Plain HTTP for the admin API and the authorize pages (no redirects followed).
    http: reqwest::Client,
    client: WeComClient,
    cache: Arc<TokenCache>,
    sink: Arc<VecSink>,
}

async fn env() -> Env {
    let sb = start(SandboxConfig { port: 0, clock: Some(Arc::new(ManualClock::new(START))), ..Default::default() })
        .await
        .expect("sandbox starts");
    let sink = Arc::new(VecSink::default());
    let client = client_for(&sb, Duration::from_secs(10), Some(sink.clone()));
    // The cache reads the sandbox clock, so advancing it through the admin API
    // moves both sides together, as wall time would.
    let cache = Arc::new(TokenCache::new(sb.clock()));
    let http = reqwest::Client::builder().redirect(Policy::none()).no_proxy().build().unwrap();
    Env { sb, http, client, cache, sink }
}

fn client_for(sb: &SandboxHandle, timeout: Duration, sink: Option<Arc<VecSink>>) -> WeComClient {
    let config = ClientConfig {
        base_url: sb.base_url(),
        timeout,
        proxy: None,
        profile: "integ".into(),
        feature: "test".into(),
    };
    WeComClient::new(config, sink.map(|s| s as Arc<dyn RequestSink>)).expect("client builds")
}

impl Env {
    fn base(&self) -> String {
        self.sb.base_url()
    }
    fn corpid(&self) -> String {
        self.sb.seed().corpid.clone()
    }
    fn key(&self, agentid: i64) -> CredentialKey {
        CredentialKey::new(self.base(), self.corpid(), agentid.to_string())
    }
    fn secret(&self, agentid: i64) -> Secret {
        Secret::new(self.sb.seed().apps.iter().find(|a| a.agentid == agentid).unwrap().secret.clone())
    }
    fn trusted(&self, agentid: i64) -> Vec<String> {
        self.sb.seed().apps.iter().find(|a| a.agentid == agentid).unwrap().trusted_domains.clone()
    }
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base(), path)
    }
    async fn admin_get(&self, path: &str) -> Value {
        let r = self.http.get(self.url(&format!("/sandbox/admin/{path}"))).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET admin/{path}");
        r.json().await.unwrap()
    }
    async fn admin_post(&self, path: &str, body: Value) -> Value {
        let r = self.http.post(self.url(&format!("/sandbox/admin/{path}"))).json(&body).send().await.unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert_eq!(status, 200, "POST admin/{path}: {v}");
        v
    }
    async fn advance(&self, secs: i64) {
        self.admin_post("clock/advance", json!({"seconds": secs})).await;
    }
    async fn fault(&self, f: Value) {
        self.admin_post("faults", f).await;
    }
    /// Upstream calls per path as the sandbox counted them.
    async fn calls(&self) -> BTreeMap<String, u64> {
        let v = self.admin_get("stats").await;
        serde_json::from_value(v["calls"].clone()).unwrap()
    }
    async fn count(&self, path: &str) -> u64 {
        self.calls().await.get(path).copied().unwrap_or(0)
    }
    /// Open a link as the browser would, with `extra` sandbox parameters added to its
    /// query; returns the redirect target (the page must answer 302).
    async fn follow(&self, link: &str, extra: &[(&str, &str)]) -> String {
        let (status, loc, body) = self.open(link, extra).await;
        assert_eq!(status, 302, "{link}: {body}");
        loc.unwrap()
    }
    async fn open(&self, link: &str, extra: &[(&str, &str)]) -> (u16, Option<String>, String) {
        let mut u = url::Url::parse(link).unwrap();
        u.query_pairs_mut().extend_pairs(extra);
        // The browser never sends `#wechat_redirect`; reqwest drops it too.
        let r = self.http.get(u.as_str()).send().await.unwrap();
        let status = r.status().as_u16();
        let loc = r.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        (status, loc, r.text().await.unwrap())
    }
    async fn token(&self, agentid: i64) -> Secret {
        self.cache.access_token(&self.client, &self.key(agentid), &self.secret(agentid), false).await.unwrap().value
    }
}

fn oauth_link(e: &Env, agentid: i64, scope: Scope, redirect: &str, state: &str) -> String {
    let params = OAuthParams {
        corpid: e.corpid(),
        agentid: Some(agentid.to_string()),
        redirect_uri: redirect.into(),
        scope,
        state: state.into(),
    };
    oauth::build_oauth_url_at(&params, &e.trusted(agentid), Some(&e.base())).expect("valid link").url
}

fn assert_wecom(err: &CoreError, code: i64) {
    assert_eq!(err.errcode(), Some(code), "{err:?}");
    assert_eq!(err.kind(), "wecom");
    let entry = errcode::lookup(code).unwrap_or_else(|| panic!("{code} is catalogued"));
    match err {
        CoreError::WeCom { entry: Some(e), errmsg, .. } => {
            assert_eq!(e.code, code);
            // The sandbox's real wire format reaches the user unchanged.
            assert!(errmsg.contains(&format!("more info at https://open.work.weixin.qq.com/devtool/query?e={code}")), "{errmsg}");
        }
        other => panic!("expected a catalogued WeCom error, got {other:?}"),
    }
    let hint = err.hint().unwrap();
    assert!(hint.contains(entry.fix_en), "{hint}");
    assert_eq!(err.exit_code(), 1);
}

// ---------- OAuth and web login ----------

#[tokio::test]
async fn oauth_privateinfo_link_to_user_detail() {
    let e = env().await;
    let link = oauth_link(&e, H5, Scope::PrivateInfo, CB, "st42");
    assert!(link.starts_with(&format!("{}/connect/oauth2/authorize?appid=", e.base())), "{link}");
    assert!(link.ends_with("#wechat_redirect"));

    let landed = e.follow(&link, &[("sandbox_userid", "zhangsan")]).await;
    assert!(landed.starts_with("http://localhost:5173/callback?from=menu&code="), "{landed}");
    let cb = parse_callback(&landed).unwrap();
    assert_eq!(cb.state.as_deref(), Some("st42"));

    let (client, key, secret) = (&e.client, e.key(H5), e.secret(H5));
    let code = cb.code.clone();
    let info = e.cache.with_token(client, &key, &secret, |t| async move { client.auth_getuserinfo(&t, &code).await }).await.unwrap();
    let UserInfo::Member { userid, user_ticket: Some(ut), expires_in } = info else {
        panic!("a member with a user_ticket expected, got {info:?}");
    };
    assert_eq!(userid, "zhangsan");
    // D/91023 shows no expires_in on auth/getuserinfo (the ticket lives 1800 s).
    assert_eq!(expires_in, None);

    let user = e.cache.with_token(client, &key, &secret, |t| async move { client.user_get(&t, "zhangsan").await }).await.unwrap();
    assert_eq!(user.name.as_deref(), Some("张三"));
    assert_eq!(user.department, Some(vec![2]));

    let ut2 = ut.clone();
    let detail =
        e.cache.with_token(client, &key, &secret, |t| async move { client.auth_getuserdetail(&t, &ut2).await }).await.unwrap();
    assert_eq!(detail.userid, "zhangsan");
    assert_eq!(detail.gender.as_deref(), Some("1"));
    assert!(detail.mobile.as_deref().is_some_and(|m| m.starts_with("138")), "{detail:?}");

    // The code worked once; the second exchange is 40029 with the catalogue's fix.
    let err = e
        .cache
        .with_token(client, &key, &secret, |t| async move { client.auth_getuserinfo(&t, &cb.code).await })
        .await
        .unwrap_err();
    assert_wecom(&err, 40029);

    // user_ticket lives 1800 s (the cached token is still good then).
    e.advance(1800).await;
    let err = e.cache.with_token(client, &key, &secret, |t| async move { client.auth_getuserdetail(&t, &ut).await }).await.unwrap_err();
    // An expired user_ticket is 84014 成员票据过期 (D/90313), with the catalogue's fix.
    assert_wecom(&err, 84014);
    assert!(err.hint().unwrap().contains(wwdev_core::errcode::lookup(84014).unwrap().fix_en));

    // One token served all five calls.
    assert_eq!(e.count("/cgi-bin/gettoken").await, 1);
}

#[tokio::test]
async fn code_expires_after_five_minutes() {
    let e = env().await;
    let link = oauth_link(&e, H5, Scope::Base, CB, "s");
    let code = parse_callback(&e.follow(&link, &[("sandbox_userid", "lisi")]).await).unwrap().code;
    let token = e.token(H5).await;
    e.advance(300).await;
    assert_wecom(&e.client.auth_getuserinfo(&token, &code).await.unwrap_err(), 40029);
    let codes = e.admin_get("codes").await;
    assert_eq!(codes["codes"][0]["expired"], true, "{codes}");
}

#[tokio::test]
async fn base_scope_and_members_outside_range_get_no_user_ticket() {
    let e = env().await;
    let token = e.token(H5).await;
    let code = parse_callback(&e.follow(&oauth_link(&e, H5, Scope::Base, CB, "a"), &[("sandbox_userid", "lisi")]).await)
        .unwrap()
        .code;
    let info = e.client.auth_getuserinfo(&token, &code).await.unwrap();
    assert_eq!(info.userid(), Some("lisi"));
    assert!(info.user_ticket().is_none(), "snsapi_base gives no user_ticket");

    // sunqi (sales) is outside the H5 app's visible range: snsapi_base still gives
    // the userid, snsapi_privateinfo shows an error page and issues no code (D/91022).
    let code = parse_callback(&e.follow(&oauth_link(&e, H5, Scope::Base, CB, "b"), &[("sandbox_userid", "sunqi")]).await)
        .unwrap()
        .code;
    let info = e.client.auth_getuserinfo(&token, &code).await.unwrap();
    assert_eq!(info.userid(), Some("sunqi"));
    assert!(info.user_ticket().is_none(), "{info:?}");
    let (status, loc, body) = e.open(&oauth_link(&e, H5, Scope::PrivateInfo, CB, "c"), &[("sandbox_userid", "sunqi")]).await;
    assert_eq!((status, loc), (200, None), "{body}");
    assert!(body.contains("可见范围"), "{body}");
}

#[tokio::test]
async fn non_member_path() {
    let e = env().await;
    let ext = e.sb.seed().external_contacts[0].clone();
    let token = e.token(CRM).await;
    let link = oauth_link(&e, CRM, Scope::Base, "http://localhost:3000/cb", "nm1");
    let cb = parse_callback(&e.follow(&link, &[("sandbox_nonmember", &ext.external_userid)]).await).unwrap();
    assert_eq!(cb.state.as_deref(), Some("nm1"));
    match e.client.auth_getuserinfo(&token, &cb.code).await.unwrap() {
        UserInfo::NonMember { openid, external_userid } => {
            assert_eq!(openid, ext.openid);
            assert_eq!(external_userid.as_deref(), Some(ext.external_userid.as_str()));
        }
        other => panic!("non-member expected, got {other:?}"),
    }
    // The contact can then be looked up by the app allowed to.
    let c = e.client.externalcontact_get(&token, &ext.external_userid, None).await.unwrap();
    assert_eq!(c.external_contact.external_userid, ext.external_userid);

    // A WeChat user with no relation: openid only.
    let cb = parse_callback(&e.follow(&link, &[("sandbox_nonmember", "stranger")]).await).unwrap();
    match e.client.auth_getuserinfo(&token, &cb.code).await.unwrap() {
        UserInfo::NonMember { openid, external_userid } => {
            assert!(!openid.is_empty());
            assert_eq!(external_userid, None);
        }
        other => panic!("non-member expected, got {other:?}"),
    }
}

#[tokio::test]
async fn web_login_link_current_and_legacy() {
    let e = env().await;
    let token = e.token(H5).await;
    for (legacy, who) in [(false, "chenyi"), (true, "wangwu")] {
        let params = WebLoginParams {
            corpid: e.corpid(),
            agentid: H5.to_string(),
            redirect_uri: "http://app.example.test/login?next=%2Fhome".into(),
            state: "w1".into(),
            lang: Some("zh".into()),
            legacy,
        };
        let link = oauth::build_weblogin_url_at(&params, &e.trusted(H5), Some(&e.base())).unwrap().url;
        let landed = e.follow(&link, &[("sandbox_userid", who)]).await;
        let u = url::Url::parse(&landed).unwrap();
        assert_eq!(u.host_str(), Some("app.example.test"), "{landed}");
        assert!(u.query_pairs().any(|(k, v)| k == "next" && v == "/home"), "existing query kept: {landed}");
        let cb = parse_callback(&landed).unwrap();
        assert_eq!(cb.state.as_deref(), Some("w1"));
        let info = e.client.auth_getuserinfo(&token, &cb.code).await.unwrap();
        assert_eq!(info.userid(), Some(who), "legacy={legacy}");
        let user = e.client.user_get(&token, who).await.unwrap();
        assert_eq!(user.userid, who);
    }
}

#[tokio::test]
async fn untrusted_redirect_gives_50001() {
    let e = env().await;
    let evil = "http://evil.test/cb";
    // The builder warns (WeCom decides), and the explainer names the same problem.
    let params = OAuthParams {
        corpid: e.corpid(),
        agentid: Some(H5.to_string()),
        redirect_uri: evil.into(),
        scope: Scope::Base,
        state: "u1".into(),
    };
    let built = oauth::build_oauth_url_at(&params, &e.trusted(H5), Some(&e.base())).unwrap();
    assert!(built.problems.iter().any(|p| p.id == "redirect_not_trusted"), "{:?}", built.problems);
    let explained = oauth::explain_url(&built.url, &e.trusted(H5));
    assert!(explained.problems.iter().any(|p| p.id == "redirect_not_trusted"));

    // The authorize page refuses to redirect ...
    let (status, loc, html) = e.open(&built.url, &[("sandbox_userid", "zhangsan")]).await;
    assert_eq!((status, loc), (200, None));
    assert!(html.contains("redirect_uri需使用应用可信域名"), "{html}");

    // ... and a code issued for it anyway (sandbox override) is refused with 50001.
    let landed = e.follow(&built.url, &[("sandbox_userid", "zhangsan"), ("sandbox_ignore_domain", "1")]).await;
    let cb = parse_callback(&landed).unwrap();
    let token = e.token(H5).await;
    assert_wecom(&e.client.auth_getuserinfo(&token, &cb.code).await.unwrap_err(), 50001);
}

// ---------- token and ticket cache ----------

#[tokio::test]
async fn token_reuse_single_flight_and_refresh_ahead() {
    let e = env().await;
    let (key, secret) = (e.key(H5), e.secret(H5));

    // 16 tasks ask at once, then each makes calls: one upstream gettoken.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..16 {
        let (cache, client, key, secret) = (e.cache.clone(), e.client.clone(), key.clone(), secret.clone());
        set.spawn(async move {
            let who = ["zhangsan", "lisi", "wangwu", "zhaoliu"][i % 4];
            let c2 = client.clone();
            let u = cache.with_token(&client, &key, &secret, |t| async move { c2.user_get(&t, who).await }).await?;
            let t = cache.access_token(&client, &key, &secret, false).await?;
            Ok::<_, CoreError>((u.userid, t.value))
        });
    }
    let mut tokens = Vec::new();
    while let Some(r) = set.join_next().await {
        let (_, t) = r.unwrap().unwrap();
        tokens.push(t);
    }
    assert!(tokens.windows(2).all(|w| w[0] == w[1]), "all tasks share one token");
    let calls = e.calls().await;
    assert_eq!(calls["/cgi-bin/gettoken"], 1, "{calls:?}");
    assert_eq!(calls["/cgi-bin/user/get"], 16);

    // Refresh-ahead: the default margin is 300 s before the 7200 s expiry.
    let first = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap();
    assert!(first.from_cache);
    assert_eq!(first.expires_at, START + TTL);
    e.advance(TTL - e.cache.refresh_margin() - 1).await;
    let still = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap();
    assert!(still.from_cache);
    assert_eq!(e.count("/cgi-bin/gettoken").await, 1);
    e.advance(1).await;
    let fresh = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap();
    assert!(!fresh.from_cache, "refreshed {} s before expiry", e.cache.refresh_margin());
    assert_eq!(e.count("/cgi-bin/gettoken").await, 2);
    assert_eq!(fresh.fetched_at, START + TTL - 300);
    // Like WeCom, the sandbox answers the same token while it is valid, with the
    // remaining lifetime: refresh-ahead cannot get a new one early.
    assert_eq!(fresh.value, first.value);
    assert_eq!(fresh.expires_at, START + TTL);
    let v = e.client.user_get(&fresh.value, "lisi").await.unwrap();
    assert_eq!(v.userid, "lisi");

    // A full expiry later, exactly one more fetch.
    e.advance(TTL).await;
    for _ in 0..5 {
        e.cache.access_token(&e.client, &key, &secret, false).await.unwrap();
    }
    assert_eq!(e.count("/cgi-bin/gettoken").await, 3);

    // Two apps of one corp never share a token.
    let crm = e.cache.access_token(&e.client, &e.key(CRM), &e.secret(CRM), false).await.unwrap();
    assert_ne!(crm.value, e.token(H5).await);
    assert_eq!(e.count("/cgi-bin/gettoken").await, 4);
}

#[tokio::test]
async fn ticket_history_across_expiry() {
    let e = env().await;
    let (key, secret) = (e.key(H5), e.secret(H5));
    let mut corp = Vec::new();
    let mut agent = Vec::new();
    for window in 0..3 {
        for _ in 0..4 {
            corp.push(e.cache.jsapi_ticket(&e.client, &key, &secret, false).await.unwrap());
            agent.push(e.cache.agent_ticket(&e.client, &key, &secret, false).await.unwrap());
        }
        let calls = e.calls().await;
        assert_eq!(calls["/cgi-bin/get_jsapi_ticket"], window + 1, "{calls:?}");
        assert_eq!(calls["/cgi-bin/ticket/get"], window + 1, "{calls:?}");
        assert_eq!(calls["/cgi-bin/gettoken"], window + 1, "{calls:?}");
        e.advance(TTL).await;
    }
    for (kind, got) in [(TicketKind::Corp, &corp), (TicketKind::Agent, &agent)] {
        let h = e.cache.history(&key, kind);
        assert_eq!(h.len(), 3, "{kind:?}");
        for (i, rec) in h.iter().enumerate() {
            assert_eq!(rec.kind, kind);
            assert_eq!(rec.fetched_at, START + i as i64 * TTL);
            assert_eq!(rec.expires_at, rec.fetched_at + TTL);
            // What the cache handed out in window i is what the history remembers.
            assert_eq!(rec.value, got[i * 4].value);
            assert!(got[i * 4 + 1..i * 4 + 4].iter().all(|c| c.from_cache && c.value == rec.value));
        }
        assert_ne!(h[0].value, h[1].value);
        assert_ne!(h[1].value, h[2].value);
    }
    assert_ne!(corp[0].value, agent[0].value);
    // Only the last fetch of each kind is within the last hour.
    assert_eq!(e.cache.fetches_last_hour(&key, TicketKind::Corp), 0, "clock is 1 TTL past the last fetch");
    let all = e.cache.expose_history_values(&key);
    assert_eq!(all.len(), 6);
    assert!(all.windows(2).all(|w| w[0].fetched_at >= w[1].fetched_at), "newest first");
}

#[tokio::test]
async fn cache_forgets_token_invalidated_by_sandbox() {
    let e = env().await;
    let (client, key, secret) = (&e.client, e.key(H5), e.secret(H5));
    let before = e.token(H5).await;
    let v = e.admin_post("invalidate", json!({"kind": "access_token", "agentid": H5})).await;
    assert_eq!(v["invalidated"], 1);

    let err = e.cache.with_token(client, &key, &secret, |t| async move { client.user_get(&t, "lisi").await }).await.unwrap_err();
    assert_wecom(&err, 40014);
    assert!(e.cache.snapshot(&key).token.is_none(), "token forgotten after 40014");

    let u = e.cache.with_token(client, &key, &secret, |t| async move { client.user_get(&t, "lisi").await }).await.unwrap();
    assert_eq!(u.userid, "lisi");
    assert_ne!(e.token(H5).await, before);
    assert_eq!(e.count("/cgi-bin/gettoken").await, 2);
}

#[tokio::test]
async fn cache_forgets_token_the_sandbox_calls_expired() {
    let e = env().await;
    // A cache whose clock lags the server's (skew): it still believes the token is
    // fresh when the server says 42001.
    let lagging = ManualClock::new(START);
    let cache = TokenCache::new(Arc::new(lagging.clone()));
    let (client, key, secret) = (&e.client, e.key(H5), e.secret(H5));
    let t1 = cache.access_token(client, &key, &secret, false).await.unwrap();
    e.advance(TTL).await;
    assert_eq!(lagging.now(), START);

    let err = cache.with_token(client, &key, &secret, |t| async move { client.user_get(&t, "lisi").await }).await.unwrap_err();
    assert_wecom(&err, 42001);
    let t2 = cache.access_token(client, &key, &secret, false).await.unwrap();
    assert!(!t2.from_cache, "the expired token was forgotten");
    assert_ne!(t1.value, t2.value);
    assert_eq!(client.user_get(&t2.value, "lisi").await.unwrap().userid, "lisi");

    // Ticket fetches with a dead token forget it too.
    e.admin_post("invalidate", json!({"kind": "access_token"})).await;
    assert_wecom(&cache.jsapi_ticket(client, &key, &secret, false).await.unwrap_err(), 40014);
    assert!(cache.jsapi_ticket(client, &key, &secret, false).await.is_ok());
    assert_eq!(e.count("/cgi-bin/gettoken").await, 3);
}

// ---------- faults ----------

#[tokio::test]
async fn each_injected_fault_gives_its_error_kind() {
    let e = env().await;
    let (key, secret) = (e.key(H5), e.secret(H5));
    let path = "/cgi-bin/gettoken";
    let raw_secret = secret.expose().to_owned();
    let check_clean = |err: &CoreError| {
        let text = format!("{err} {err:?} {}", err.hint().unwrap_or_default());
        assert!(!text.contains(&raw_secret), "secret leaked: {text}");
        if !matches!(err, CoreError::WeCom { .. }) {
            assert!(text.contains(&e.url(path)), "names the URL: {text}");
        }
    };

    // Latency beyond a short client timeout.
    e.fault(json!({"path": path, "kind": "latency", "latency_ms": 5000, "count": 1})).await;
    let quick = client_for(&e.sb, Duration::from_millis(200), None);
    let err = e.cache.access_token(&quick, &key, &secret, false).await.unwrap_err();
    assert!(matches!(err, CoreError::Timeout { timeout_ms: 200, .. }), "{err:?}");
    assert!(err.to_string().contains("within 200 ms"), "{err}");
    assert_eq!(err.exit_code(), 3);
    check_clean(&err);

    // A gateway's 503 page.
    e.fault(json!({"path": path, "kind": "http_status", "status": 503, "count": 1})).await;
    let err = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap_err();
    match &err {
        CoreError::Http { status, snippet, .. } => {
            assert_eq!(*status, 503);
            assert!(snippet.contains("503 Service Unavailable"), "{snippet}");
        }
        other => panic!("Http expected, got {other:?}"),
    }
    assert!(err.hint().unwrap().contains("proxy"));
    check_clean(&err);

    // An HTML error page with 200 is undecodable; with 502 it is an HTTP error.
    e.fault(json!({"path": path, "kind": "html_error", "count": 1})).await;
    let err = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap_err();
    match &err {
        CoreError::Decode { snippet, message, .. } => {
            assert!(snippet.contains("System busy") && snippet.contains("系统繁忙"), "{snippet}");
            assert!(!snippet.contains('\n'), "whitespace collapsed: {snippet:?}");
            assert!(message.contains("not JSON"), "{message}");
        }
        other => panic!("Decode expected, got {other:?}"),
    }
    check_clean(&err);
    e.fault(json!({"path": path, "kind": "html_error", "status": 502, "count": 1})).await;
    let err = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap_err();
    assert!(matches!(&err, CoreError::Http { status: 502, snippet, .. } if snippet.contains("System busy")), "{err:?}");

    // Truncated JSON: the partial token in it is masked in the snippet.
    e.fault(json!({"path": path, "kind": "malformed_json", "count": 1})).await;
    let err = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap_err();
    match &err {
        CoreError::Decode { snippet, .. } => {
            assert!(snippet.contains("errcode"), "{snippet}");
            assert!(!snippet.contains("kR8x"), "partial token masked: {snippet}");
        }
        other => panic!("Decode expected, got {other:?}"),
    }
    check_clean(&err);

    // The server closes the connection without answering.
    e.fault(json!({"path": path, "kind": "drop_connection", "count": 1})).await;
    let err = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap_err();
    assert!(matches!(err, CoreError::Network { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&format!("network error calling {}", e.url(path))), "{err}");
    assert_eq!(err.exit_code(), 3);
    check_clean(&err);

    // A forced errcode: typed, with the catalogue hint.
    e.fault(json!({"path": path, "kind": "errcode", "errcode": 60020, "count": 1})).await;
    let err = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap_err();
    assert_wecom(&err, 60020);
    assert!(err.to_string().contains("not allow to access from your ip"), "{err}");
    check_clean(&err);

    // No failure was cached: the next call goes upstream and succeeds.
    assert!(e.cache.snapshot(&key).token.is_none());
    let ok = e.cache.access_token(&e.client, &key, &secret, false).await.unwrap();
    assert!(!ok.from_cache);
    assert_eq!(e.admin_get("faults").await["faults"], json!([]));

    // Every call left exactly one record, failures with their error text.
    let recs = e.sink.all();
    // (The latency call used a client without a sink.)
    assert_eq!(recs.len(), 7, "{recs:#?}");
    assert!(recs[..5].iter().all(|r| r.error.is_some()), "{recs:#?}");
    assert_eq!(recs[4].status, None, "dropped connection: no status");
    assert_eq!(recs[5].errcode, Some(60020));
    assert_eq!(recs[6].errcode, Some(0));
}

#[tokio::test]
async fn fault_on_ticket_path_keeps_token_cached() {
    let e = env().await;
    let (key, secret) = (e.key(H5), e.secret(H5));
    e.token(H5).await;
    e.fault(json!({"path": "/cgi-bin/ticket/get", "kind": "errcode", "errcode": 60020, "count": 1})).await;
    assert_wecom(&e.cache.agent_ticket(&e.client, &key, &secret, false).await.unwrap_err(), 60020);
    assert!(e.cache.snapshot(&key).token.is_some(), "60020 does not invalidate the token");
    assert!(e.cache.agent_ticket(&e.client, &key, &secret, false).await.is_ok());
    assert_eq!(e.count("/cgi-bin/gettoken").await, 1);
    assert!(e.cache.history(&key, TicketKind::Agent).len() == 1, "the failed fetch is not in the history");
}

// ---------- limits ----------

#[tokio::test]
async fn per_minute_api_limit_gives_45009() {
    let e = env().await;
    e.admin_post("limits", json!({"api_per_minute": 3})).await;
    let (client, key, secret) = (&e.client, e.key(H5), e.secret(H5));
    for _ in 0..3 {
        e.cache.with_token(client, &key, &secret, |t| async move { client.user_get(&t, "lisi").await }).await.unwrap();
    }
    let err = e.cache.with_token(client, &key, &secret, |t| async move { client.user_get(&t, "lisi").await }).await.unwrap_err();
    assert_wecom(&err, 45009);
    assert!(e.cache.snapshot(&key).token.is_some(), "45009 does not invalidate the token");
    // Blocked for 60 s, then the next minute is open.
    e.advance(59).await;
    assert_wecom(&e.client.user_get(&e.token(H5).await, "lisi").await.unwrap_err(), 45009);
    e.advance(2).await;
    assert!(e.client.user_get(&e.token(H5).await, "lisi").await.is_ok());
}

#[tokio::test]
async fn hourly_ticket_limit_gives_45009() {
    let e = env().await;
    e.admin_post("limits", json!({"ticket_per_hour_app": 2})).await;
    let (key, secret) = (e.key(H5), e.secret(H5));
    for _ in 0..2 {
        let t = e.cache.agent_ticket(&e.client, &key, &secret, true).await.unwrap();
        assert!(!t.from_cache);
    }
    assert_eq!(e.cache.fetches_last_hour(&key, TicketKind::Agent), 2);
    let err = e.cache.agent_ticket(&e.client, &key, &secret, true).await.unwrap_err();
    assert_wecom(&err, 45009);
    // The other app has its own budget.
    assert!(e.cache.agent_ticket(&e.client, &e.key(CRM), &e.secret(CRM), true).await.is_ok());
    // The window slides: an hour later it works again.
    e.advance(3600).await;
    assert!(e.cache.agent_ticket(&e.client, &key, &secret, true).await.is_ok());
    assert_eq!(e.cache.fetches_last_hour(&key, TicketKind::Agent), 1);
}

// ---------- JS-SDK ----------

async fn verify(e: &Env, kind: &str, page: &str, agentid: Option<i64>, ticket: &Secret) -> Value {
    let s = signature::sign(ticket.expose(), &signature::new_nonce(), &e.sb.clock().now().to_string(), page);
    let r = e
        .http
        .post(e.url("/sandbox/jssdk/verify"))
        .json(&json!({"kind": kind, "url": page, "timestamp": s.timestamp, "nonceStr": s.nonce_str, "signature": s.signature, "agentid": agentid}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn jssdk_signatures_from_cached_tickets() {
    let e = env().await;
    let (key, secret) = (e.key(H5), e.secret(H5));
    let corp = e.cache.jsapi_ticket(&e.client, &key, &secret, false).await.unwrap().value;
    let agent = e.cache.agent_ticket(&e.client, &key, &secret, false).await.unwrap().value;
    let crm_agent = e.cache.agent_ticket(&e.client, &e.key(CRM), &e.secret(CRM), false).await.unwrap().value;
    assert_ne!(agent, crm_agent, "each app has its own agent ticket");
    let page = "http://localhost:5173/app?x=1#/home";

    let v = verify(&e, "config", page, None, &corp).await;
    assert_eq!(v["valid"], true, "{v}");
    let v = verify(&e, "agentConfig", page, Some(H5), &agent).await;
    assert_eq!(v["valid"], true, "{v}");
    let v = verify(&e, "agentConfig", "http://localhost:3000/crm", Some(CRM), &crm_agent).await;
    assert_eq!(v["valid"], true, "{v}");

    // The corp ticket for agentConfig, and one app's agent ticket for another app.
    let v = verify(&e, "agentConfig", page, Some(H5), &corp).await;
    assert_eq!((v["valid"].clone(), v["errcode"].clone()), (json!(false), json!(42012)), "{v}");
    assert!(v["reason"].as_str().unwrap().contains("corp jsapi_ticket"), "{v}");
    let v = verify(&e, "agentConfig", page, Some(H5), &crm_agent).await;
    assert_eq!(v["valid"], false, "{v}");
    assert!(v["reason"].as_str().unwrap().contains("1000003"), "{v}");
    let v = verify(&e, "agentConfig", "http://localhost:3000/crm", Some(CRM), &agent).await;
    assert_eq!(v["valid"], false, "{v}");

    // After expiry the cached tickets are replaced and the new ones verify.
    e.advance(TTL).await;
    assert_eq!(verify(&e, "config", page, None, &corp).await["valid"], false);
    let corp2 = e.cache.jsapi_ticket(&e.client, &key, &secret, false).await.unwrap().value;
    assert_ne!(corp2, corp);
    assert_eq!(verify(&e, "config", page, None, &corp2).await["valid"], true);
}

// ---------- secrets never reach the records ----------

#[tokio::test]
async fn request_records_hold_no_secrets() {
    let e = env().await;
    let (client, key, secret) = (&e.client, e.key(H5), e.secret(H5));
    let mut secrets: Vec<String> = vec![secret.expose().to_owned()];

    let landed = e.follow(&oauth_link(&e, H5, Scope::PrivateInfo, CB, "r1"), &[("sandbox_userid", "zhaoliu")]).await;
    let code = parse_callback(&landed).unwrap().code;
    secrets.push(code.clone());
    let token = e.cache.access_token(client, &key, &secret, false).await.unwrap().value;
    secrets.push(token.expose().to_owned());
    let info = client.auth_getuserinfo(&token, &code).await.unwrap();
    let ut = info.user_ticket().expect("privateinfo in range gives a user_ticket").clone();
    secrets.push(ut.expose().to_owned());
    client.auth_getuserdetail(&token, &ut).await.unwrap();
    client.user_get(&token, "zhaoliu").await.unwrap();
    client.convert_to_openid(&token, "zhaoliu").await.unwrap();
    client.user_getuserinfo_legacy(&token, &code).await.unwrap_err(); // reused: 40029
    let corp = e.cache.jsapi_ticket(client, &key, &secret, false).await.unwrap().value;
    let agent = e.cache.agent_ticket(client, &key, &secret, false).await.unwrap().value;
    secrets.push(corp.expose().to_owned());
    secrets.push(agent.expose().to_owned());
    // The generic call and a failing decode path record too.
    let raw = client
        .call("GET", "/cgi-bin/get_jsapi_ticket", vec![("access_token".into(), token.expose().into())], None)
        .await
        .unwrap();
    assert_eq!(raw.status, 200);
    e.fault(json!({"path": "/cgi-bin/gettoken", "kind": "malformed_json", "count": 1})).await;
    e.cache.access_token(client, &key, &secret, true).await.unwrap_err();
    // And a refresh after expiry brings new values.
    e.advance(TTL).await;
    let token2 = e.cache.access_token(client, &key, &secret, false).await.unwrap().value;
    let corp2 = e.cache.jsapi_ticket(client, &key, &secret, false).await.unwrap().value;
    secrets.push(token2.expose().to_owned());
    secrets.push(corp2.expose().to_owned());

    let recs = e.sink.all();
    let paths: std::collections::BTreeSet<&str> = recs.iter().map(|r| r.path.as_str()).collect();
    for p in [
        "/cgi-bin/gettoken",
        "/cgi-bin/auth/getuserinfo",
        "/cgi-bin/auth/getuserdetail",
        "/cgi-bin/user/get",
        "/cgi-bin/user/convert_to_openid",
        "/cgi-bin/user/getuserinfo",
        "/cgi-bin/get_jsapi_ticket",
        "/cgi-bin/ticket/get",
    ] {
        assert!(paths.contains(p), "no record for {p}: {paths:?}");
    }
    assert_eq!(recs.len(), 12, "one record per call");
    for s in &secrets {
        assert!(s.len() >= 8, "meaningful secret value {s:?}");
    }
    for r in &recs {
        let text = format!("{} {:?}", serde_json::to_string(r).unwrap(), r);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "record for {} leaks a secret: {text}", r.path);
        }
        assert_eq!(r.profile, "integ");
        assert_eq!(r.base_url, e.base());
    }
    // Redaction keeps what is useful: who was looked up, and that a token was sent.
    let get = recs.iter().find(|r| r.path == "/cgi-bin/user/get").unwrap();
    assert!(get.query.iter().any(|(k, v)| k == "userid" && v == "zhaoliu"));
    assert!(get.query.iter().any(|(k, v)| k == "access_token" && v.contains("***")));
    assert!(get.response_body.as_deref().unwrap().contains("赵六"));
}

/// Walking the clock second by second through the refresh-ahead margin into the
/// next window costs at most three fetches of each credential: the first, one early
/// attempt in the margin, and the new one at expiry. The sandbox (like WeCom) answers
/// the early attempt with the same ticket and the *remaining* lifetime; the cache must
/// not keep refreshing at half of that, and half again.
#[tokio::test]
async fn refresh_ahead_margin_costs_one_early_fetch() {
    let e = env().await;
    let (key, secret) = (e.key(H5), e.secret(H5));
    e.cache.jsapi_ticket(&e.client, &key, &secret, false).await.unwrap();
    e.advance(TTL - e.cache.refresh_margin()).await;
    for _ in 0..=e.cache.refresh_margin() {
        e.cache.jsapi_ticket(&e.client, &key, &secret, false).await.unwrap();
        e.advance(1).await;
    }
    let calls = e.calls().await;
    assert!(calls["/cgi-bin/gettoken"] <= 3, "{calls:?}");
    assert!(calls["/cgi-bin/get_jsapi_ticket"] <= 3, "{calls:?}");
}
