//! OAuth / web login pages, code exchange, user_ticket, faults and JS-SDK verification.

mod common;

use common::*;
use serde_json::{Value, json};
use wwdev_core::signature::{sha1_hex, string1};

const CB: &str = "http://localhost:5173/callback?from=menu";

#[tokio::test]
async fn oauth_privateinfo_full_flow() {
    let sb = sandbox().await;
    let (code, loc) = sb.authorize(&[("sandbox_userid", "zhangsan")], "snsapi_privateinfo", Some(H5), CB).await;
    // Existing query kept, code and state appended.
    assert!(loc.starts_with("http://localhost:5173/callback?from=menu&code="), "{loc}");
    assert!(loc.ends_with("&state=xyz123"), "{loc}");

    let t = sb.token(H5).await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["userid"], "zhangsan");
    // D/91023: userid and user_ticket only; no expires_in on this endpoint.
    assert!(v.get("expires_in").is_none(), "{v}");
    let ut = v["user_ticket"].as_str().unwrap().to_owned();

    // Code is single-use.
    assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await, 40029);
    assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", "nonsense")]).await, 40029);
    assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t)]).await, 41008);

    let d = sb.post("/cgi-bin/auth/getuserdetail", &[("access_token", &t)], json!({"user_ticket": ut})).await;
    assert_eq!(d["errcode"], 0, "{d}");
    assert_eq!(d["userid"], "zhangsan");
    assert_eq!(d["gender"], "1", "gender is a string");
    for f in ["avatar", "qr_code", "mobile", "email", "biz_mail", "address"] {
        assert!(d[f].is_string(), "{f}");
    }
    assert_err(&sb.post("/cgi-bin/auth/getuserdetail", &[("access_token", &t)], json!({})).await, 40063);
    // Unknown user_ticket: 84015 成员票据无效 (D/90313), not 40058.
    assert_err(&sb.post("/cgi-bin/auth/getuserdetail", &[("access_token", &t)], json!({"user_ticket": "zzz"})).await, 84015);

    // user_ticket lives 1800 s (the token is refreshed on the way).
    sb.advance(1799).await;
    let d = sb.post("/cgi-bin/auth/getuserdetail", &[("access_token", &t)], json!({"user_ticket": ut})).await;
    assert_eq!(d["errcode"], 0);
    sb.advance(1).await;
    // Expired: 84014 成员票据过期; 42009 is suite_access_token expired.
    assert_err(&sb.post("/cgi-bin/auth/getuserdetail", &[("access_token", &t)], json!({"user_ticket": ut})).await, 84014);
}

#[tokio::test]
async fn code_expires_after_five_minutes_and_base_scope_has_no_ticket() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    let (code, _) = sb.authorize(&[("sandbox_userid", "lisi")], "snsapi_base", Some(H5), CB).await;
    let (code2, _) = sb.authorize(&[("sandbox_userid", "lisi")], "snsapi_base", None, CB).await;
    assert_ne!(code, code2);
    sb.advance(299).await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await;
    assert_eq!(v["userid"], "lisi");
    assert!(v.get("user_ticket").is_none(), "snsapi_base gives no user_ticket");
    sb.advance(1).await;
    assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code2)]).await, 40029);
}

#[tokio::test]
async fn code_of_one_app_exchanged_with_another_apps_token() {
    let sb = sandbox().await;
    let crm = sb.token(CRM).await;
    // D/91023 / D/90313 50001: the redirect domain must be trusted by the app behind
    // the token; a code issued for the H5 app spent with the CRM app's token is 50001.
    let (code, _) = sb.authorize(&[("sandbox_userid", "zhangsan")], "snsapi_base", Some(H5), CB).await;
    assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &crm), ("code", &code)]).await, 50001);
    // Also without agentid in the link: localhost:5173 is trusted by H5 only.
    let (code, _) = sb.authorize(&[("sandbox_userid", "zhangsan")], "snsapi_base", None, CB).await;
    assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &crm), ("code", &code)]).await, 50001);
    // The same code is still good for its own app (the refused exchange did not spend it).
    let h5 = sb.token(H5).await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &h5), ("code", &code)]).await;
    assert_eq!(v["userid"], "zhangsan", "{v}");
}

#[tokio::test]
async fn legacy_getuserinfo_is_camel_case() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    let (code, _) = sb.authorize(&[("sandbox_userid", "zhaoliu")], "snsapi_privateinfo", Some(H5), CB).await;
    let v = sb.get("/cgi-bin/user/getuserinfo", &[("access_token", &t), ("code", &code)]).await;
    assert_eq!(v["UserId"], "zhaoliu");
    assert!(v["DeviceId"].is_string());
    assert!(v["user_ticket"].is_string());
    assert!(v.get("userid").is_none());
    let (code, _) = sb.authorize(&[("sandbox_nonmember", "stranger")], "snsapi_base", Some(H5), CB).await;
    let v = sb.get("/cgi-bin/user/getuserinfo", &[("access_token", &t), ("code", &code)]).await;
    assert!(v["OpenId"].as_str().unwrap().starts_with('o'));
}

#[tokio::test]
async fn non_members_get_openid_and_external_userid() {
    let sb = sandbox().await;
    let ext = sb.h.seed().external_contacts[0].clone();
    let crm = sb.token(CRM).await;
    let (code, _) = sb
        .authorize(&[("sandbox_nonmember", &ext.external_userid)], "snsapi_base", Some(CRM), "http://localhost:3000/cb")
        .await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &crm), ("code", &code)]).await;
    assert_eq!(v["openid"], ext.openid.as_str());
    assert_eq!(v["external_userid"], ext.external_userid.as_str());
    assert!(v.get("userid").is_none());

    let (code, _) = sb.authorize(&[("sandbox_nonmember", "stranger")], "snsapi_base", Some(CRM), "http://localhost:3000/cb").await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &crm), ("code", &code)]).await;
    assert!(v["openid"].is_string());
    assert!(v.get("external_userid").is_none());
}

async fn page(sb: &Sb, path: &str, q: &[(&str, &str)]) -> (u16, String) {
    let r = sb.c.get(sb.url(path)).query(q).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

#[tokio::test]
async fn authorize_picker_and_validation() {
    let sb = sandbox().await;
    let corpid = sb.corpid();
    let base = [("appid", corpid.as_str()), ("redirect_uri", CB), ("response_type", "code"), ("scope", "snsapi_base"), ("state", "s1"), ("agentid", "1000002")];
    let (status, html) = page(&sb, "/connect/oauth2/authorize", &base).await;
    assert_eq!(status, 200);
    for m in &sb.h.seed().members {
        assert!(html.contains(&m.name), "{} missing", m.name);
    }
    assert!(html.contains("data-userid=\"zhangsan\""));
    assert!(html.contains("陌生微信用户"));
    // Follow the picker link of one member: it redirects with a code.
    let start = html.find("data-userid=\"wangwu\" href=\"").unwrap() + "data-userid=\"wangwu\" href=\"".len();
    let href = html[start..].split('"').next().unwrap().replace("&amp;", "&");
    let r = sb.c.get(sb.url(&href)).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    let code = url::Url::parse(&loc).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let t = sb.token(H5).await;
    assert_eq!(sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await["userid"], "wangwu");

    let with = |k: &'static str, v: &'static str| {
        let mut q: Vec<(&str, &str)> = base.iter().filter(|(x, _)| *x != k).cloned().collect();
        if !v.is_empty() {
            q.push((k, v));
        }
        q
    };
    for (k, v, needle) in [
        ("appid", "wwffffffffffffffff", "appid"),
        ("response_type", "token", "response_type"),
        ("scope", "snsapi_userinfo", "scope"),
        ("agentid", "999", "应用不存在"),
        ("redirect_uri", "not a url", "redirect_uri"),
    ] {
        let (status, html) = page(&sb, "/connect/oauth2/authorize", &with(k, v)).await;
        assert_eq!(status, 200);
        assert!(html.contains("data-testid=\"error\"") && html.contains(needle), "{k}={v}: {html}");
    }
    // privateinfo needs agentid.
    let mut q = with("agentid", "");
    q.retain(|(k, _)| *k != "scope");
    q.push(("scope", "snsapi_privateinfo"));
    let (_, html) = page(&sb, "/connect/oauth2/authorize", &q).await;
    assert!(html.contains("agentid"), "{html}");

    // A disabled member cannot sign in.
    let mut q = base.to_vec();
    q.push(("sandbox_userid", "zhouba"));
    let (status, html) = page(&sb, "/connect/oauth2/authorize", &q).await;
    assert_eq!(status, 200);
    assert!(html.contains("禁用"));
}

#[tokio::test]
async fn untrusted_redirect_shows_error_and_codes_give_50001() {
    let sb = sandbox().await;
    let corpid = sb.corpid();
    // Port matters: localhost:5174 is not localhost:5173.
    let q = [
        ("appid", corpid.as_str()),
        ("redirect_uri", "http://localhost:5174/cb"),
        ("response_type", "code"),
        ("scope", "snsapi_base"),
        ("state", "s"),
        ("agentid", "1000002"),
        ("sandbox_userid", "zhangsan"),
    ];
    let (status, html) = page(&sb, "/connect/oauth2/authorize", &q).await;
    assert_eq!(status, 200, "no redirect");
    assert!(html.contains("redirect_uri需使用应用可信域名"));
    // The CRM app's domain is not the H5 app's.
    let mut q2 = q.to_vec();
    q2[1] = ("redirect_uri", "http://crm.example.test/cb");
    let (_, html) = page(&sb, "/connect/oauth2/authorize", &q2).await;
    assert!(html.contains("redirect_uri需使用应用可信域名"));

    let (code, _) = sb
        .authorize(&[("sandbox_userid", "zhangsan"), ("sandbox_ignore_domain", "1")], "snsapi_base", Some(H5), "http://evil.test/cb")
        .await;
    let t = sb.token(H5).await;
    assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await, 50001);
    let codes = sb.admin_get("codes").await;
    assert_eq!(codes["codes"][0]["trusted_redirect"], false);
}

#[tokio::test]
async fn web_login_pages() {
    let sb = sandbox().await;
    let corpid = sb.corpid();
    let q = [
        ("login_type", "CorpApp"),
        ("appid", corpid.as_str()),
        ("agentid", "1000002"),
        ("redirect_uri", "http://app.example.test/login"),
        ("state", "w1"),
        ("lang", "zh"),
    ];
    let (status, html) = page(&sb, "/wwlogin/sso/login", &q).await;
    assert_eq!(status, 200);
    assert!(html.contains("企业微信登录") && html.contains("张三"));
    assert!(!html.contains("陌生微信用户"), "only members can scan");

    let mut q2 = q.to_vec();
    q2.push(("sandbox_userid", "chenyi"));
    let r = sb.c.get(sb.url("/wwlogin/sso/login")).query(&q2).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let loc = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(loc.host_str(), Some("app.example.test"));
    let code = loc.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    assert_eq!(loc.query_pairs().find(|(k, _)| k == "state").unwrap().1, "w1");
    let t = sb.token(H5).await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await;
    assert_eq!(v["userid"], "chenyi");

    let bad: Vec<_> = q.iter().filter(|(k, _)| *k != "agentid").cloned().collect();
    let (_, html) = page(&sb, "/wwlogin/sso/login", &bad).await;
    assert!(html.contains("agentid") && html.contains("data-testid=\"error\""));
    let mut bad = q.to_vec();
    bad[0] = ("login_type", "ServiceApp");
    let (_, html) = page(&sb, "/wwlogin/sso/login", &bad).await;
    assert!(html.contains("login_type"));

    // Legacy qrConnect.
    let legacy = [("appid", corpid.as_str()), ("agentid", "1000002"), ("redirect_uri", "http://app.example.test/login"), ("state", "L"), ("sandbox_userid", "lisi")];
    let r = sb.c.get(sb.url("/wwopen/sso/qrConnect")).query(&legacy).send().await.unwrap();
    assert_eq!(r.status(), 302);
}

async fn add_fault(sb: &Sb, f: Value) {
    let r = sb.admin_post("faults", f).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn every_fault_kind() {
    let sb = sandbox().await;
    let corpid = sb.corpid();
    let secret = sb.secret(H5);
    let q = [("corpid", corpid.as_str()), ("corpsecret", secret.as_str())];
    let gettoken = || sb.c.get(sb.url("/cgi-bin/gettoken")).query(&q).send();

    // errcode, once, then gone.
    add_fault(&sb, json!({"path": "/cgi-bin/gettoken", "kind": "errcode", "errcode": 60020, "count": 1})).await;
    assert_eq!(sb.admin_get("faults").await["faults"][0]["errcode"], 60020);
    let v: Value = gettoken().await.unwrap().json().await.unwrap();
    assert_err(&v, 60020);
    assert!(v["errmsg"].as_str().unwrap().starts_with("not allow to access from your ip"));
    assert_eq!(sb.admin_get("faults").await["faults"], json!([]));
    assert_eq!(gettoken().await.unwrap().json::<Value>().await.unwrap()["errcode"], 0);

    // HTTP status.
    add_fault(&sb, json!({"path": "/cgi-bin/gettoken", "kind": "http_status", "status": 503})).await;
    let r = gettoken().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.text().await.unwrap().contains("503 Service Unavailable"));

    // HTML error page with 200.
    add_fault(&sb, json!({"path": "/cgi-bin/gettoken", "kind": "html_error"})).await;
    let r = gettoken().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.json::<Value>().await.is_err());

    // Malformed JSON.
    add_fault(&sb, json!({"path": "/cgi-bin/gettoken", "kind": "malformed_json"})).await;
    let r = gettoken().await.unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    assert!(r.json::<Value>().await.is_err());

    // Dropped connection: no HTTP response at all.
    sb.c.delete(sb.url("/sandbox/admin/faults")).send().await.unwrap();
    add_fault(&sb, json!({"path": "/cgi-bin/*", "kind": "drop_connection", "count": 2})).await;
    let e = gettoken().await.unwrap_err();
    assert!(e.is_request() || e.is_connect(), "{e:?}");
    assert!(e.status().is_none());
    let e = sb.c.get(sb.url("/cgi-bin/getcallbackip")).send().await.unwrap_err();
    assert!(e.status().is_none(), "{e:?}");
    // Count exhausted: the prefix fault cleared itself.
    assert_eq!(gettoken().await.unwrap().json::<Value>().await.unwrap()["errcode"], 0);

    // Latency: a client with a short timeout gives up; after clearing, it succeeds.
    add_fault(&sb, json!({"path": "/cgi-bin/gettoken", "kind": "latency", "latency_ms": 3000})).await;
    let e = sb.c.get(sb.url("/cgi-bin/gettoken")).query(&q).timeout(std::time::Duration::from_millis(200)).send().await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    add_fault(&sb, json!({"path": "/cgi-bin/gettoken", "kind": "latency", "latency_ms": 10, "count": 1})).await;
    assert_eq!(gettoken().await.unwrap().json::<Value>().await.unwrap()["errcode"], 0);

    // DELETE clears everything; bad fault payloads are refused.
    add_fault(&sb, json!({"path": "/cgi-bin/gettoken", "kind": "errcode"})).await;
    let r = sb.c.delete(sb.url("/sandbox/admin/faults")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(gettoken().await.unwrap().json::<Value>().await.unwrap()["errcode"], 0);
    let r = sb.admin_post("faults", json!({"path": "/cgi-bin/gettoken", "kind": "explode"})).await;
    assert_eq!(r.status(), 400);
}

struct Reg<'a> {
    kind: &'a str,
    url: &'a str,
    agentid: Option<i64>,
}

async fn verify(sb: &Sb, reg: Reg<'_>, ticket: &str, signed_url: &str) -> Value {
    // Hash exactly what the backend signed (including any fragment), like a buggy backend would.
    let signature = sha1_hex(&string1(ticket, "Wm3WZYTPz0wzccnW", "1700000000", signed_url));
    let r = sb
        .c
        .post(sb.url("/sandbox/jssdk/verify"))
        .json(&json!({"kind": reg.kind, "url": reg.url, "timestamp": "1700000000", "nonceStr": "Wm3WZYTPz0wzccnW", "signature": signature, "agentid": reg.agentid}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn jssdk_verify_decisions() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    let corp = sb.get("/cgi-bin/get_jsapi_ticket", &[("access_token", &t)]).await["ticket"].as_str().unwrap().to_owned();
    let agent = sb.get("/cgi-bin/ticket/get", &[("access_token", &t), ("type", "agent_config")]).await["ticket"].as_str().unwrap().to_owned();
    let crm = sb.token(CRM).await;
    let crm_agent = sb.get("/cgi-bin/ticket/get", &[("access_token", &crm), ("type", "agent_config")]).await["ticket"].as_str().unwrap().to_owned();
    let page = "http://localhost:5173/app?x=1";
    let page_hash = "http://localhost:5173/app?x=1#/home";

    let cfg = || Reg { kind: "config", url: page_hash, agentid: None };
    let agc = || Reg { kind: "agentConfig", url: page, agentid: Some(H5) };

    // Valid: the client strips the fragment before verifying.
    let v = verify(&sb, cfg(), &corp, page).await;
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["verified_url"], page);
    let v = verify(&sb, agc(), &agent, page).await;
    assert_eq!(v["valid"], true, "{v}");

    // Signed with the fragment.
    let v = verify(&sb, cfg(), &corp, page_hash).await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["errcode"], 40093);
    assert!(v["reason"].as_str().unwrap().contains('#'), "{v}");

    // agentConfig with the corp ticket or another app's ticket: 42012.
    let v = verify(&sb, agc(), &corp, page).await;
    assert_eq!(v["errcode"], 42012, "{v}");
    assert!(v["reason"].as_str().unwrap().contains("corp jsapi_ticket"));
    let v = verify(&sb, agc(), &crm_agent, page).await;
    assert_eq!(v["errcode"], 42012, "{v}");
    assert!(v["reason"].as_str().unwrap().contains("1000003"));
    assert!(!v["reason_zh"].as_str().unwrap().is_empty());

    // A made-up ticket, and a page outside the trusted domains.
    let v = verify(&sb, cfg(), "not-a-ticket", page).await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["errcode"], 40093);
    let v = verify(&sb, Reg { kind: "config", url: "http://other.test/p", agentid: None }, &corp, "http://other.test/p").await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["err_msg"], "config:invalid url domain");
    let v = verify(&sb, Reg { kind: "agentConfig", url: "http://crm.example.test/p", agentid: Some(H5) }, &agent, "http://crm.example.test/p").await;
    assert_eq!(v["err_msg"], "agentConfig:invalid url domain");
    let v = verify(&sb, Reg { kind: "agentConfig", url: page, agentid: None }, &agent, page).await;
    assert_eq!(v["errcode"], 41011);

    // Expired ticket: no longer valid, and the reason says it is stale.
    sb.advance(7200).await;
    let v = verify(&sb, cfg(), &corp, page).await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["causes"][0]["id"], "stale_ticket", "{v}");
    // A fresh ticket works; invalidating it early makes it stale too.
    let t = sb.token(H5).await;
    let corp2 = sb.get("/cgi-bin/get_jsapi_ticket", &[("access_token", &t)]).await["ticket"].as_str().unwrap().to_owned();
    assert_ne!(corp2, corp);
    assert_eq!(verify(&sb, cfg(), &corp2, page).await["valid"], true);
    sb.admin_post("invalidate", json!({"kind": "jsapi_ticket"})).await;
    let v = verify(&sb, cfg(), &corp2, page).await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["causes"][0]["id"], "stale_ticket", "{v}");
}
