//! Issue 10 and the sandbox side of issue 11: WeCom's answers as its documents state
//! them (docs/FACTS.md names the source of each), and the sandbox's own guards.

mod common;

use std::sync::Arc;

use common::*;
use serde_json::{Value, json};
use wwdev_core::clock::ManualClock;
use wwdev_sandbox::{SandboxConfig, start};

const CB: &str = "http://localhost:5173/callback";

/// Open an authorize link and return (status, Location, body).
async fn open_authorize(sb: &Sb, scope: &str, userid: &str, extra: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let corpid = sb.corpid();
    let agent = H5.to_string();
    let mut q: Vec<(&str, &str)> = vec![
        ("appid", &corpid),
        ("redirect_uri", CB),
        ("response_type", "code"),
        ("scope", scope),
        ("state", "s1"),
        ("agentid", &agent),
        ("sandbox_userid", userid),
    ];
    q.extend_from_slice(extra);
    let r = sb.c.get(sb.url("/connect/oauth2/authorize")).query(&q).send().await.unwrap();
    let status = r.status().as_u16();
    let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    (status, loc, r.text().await.unwrap())
}

async fn open_weblogin(sb: &Sb, redirect: &str, userid: &str, extra: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let corpid = sb.corpid();
    let agent = H5.to_string();
    let mut q: Vec<(&str, &str)> = vec![
        ("login_type", "CorpApp"),
        ("appid", &corpid),
        ("agentid", &agent),
        ("redirect_uri", redirect),
        ("state", "web_login@gyoss9"),
        ("sandbox_userid", userid),
    ];
    q.extend_from_slice(extra);
    let r = sb.c.get(sb.url("/wwlogin/sso/login")).query(&q).send().await.unwrap();
    let status = r.status().as_u16();
    let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    (status, loc, r.text().await.unwrap())
}

fn code_of(loc: &str) -> Option<String> {
    url::Url::parse(loc).unwrap().query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn members_outside_the_visible_range_get_an_error_page_not_a_code() {
    let sb = sandbox().await;
    // sunqi (sales) is outside the H5 app's range in the seed.
    let (status, loc, body) = open_authorize(&sb, "snsapi_privateinfo", "sunqi", &[]).await;
    assert_eq!((status, loc.as_deref()), (200, None), "{body}");
    assert!(body.contains("成员不在应用可见范围内"), "{body}");
    let (status, loc, body) = open_weblogin(&sb, CB, "sunqi", &[]).await;
    assert_eq!((status, loc.as_deref()), (200, None), "{body}");
    assert!(body.contains("无权限"), "{body}");
    // snsapi_base is silent authorization: still a code.
    let (status, loc, _) = open_authorize(&sb, "snsapi_base", "sunqi", &[]).await;
    assert_eq!(status, 302);
    assert!(code_of(&loc.unwrap()).is_some());

    // The admin API moves the range: now zhangsan is out and sunqi in.
    let r = sb.admin_post("visible_range", json!({"agentid": H5, "userids": ["sunqi"], "departments": [3]})).await;
    assert_eq!(r.status(), 200);
    let (status, _, body) = open_authorize(&sb, "snsapi_privateinfo", "zhangsan", &[]).await;
    assert_eq!(status, 200, "{body}");
    let (status, loc, _) = open_authorize(&sb, "snsapi_privateinfo", "sunqi", &[]).await;
    assert_eq!(status, 302);
    let t = sb.token(H5).await;
    let code = code_of(&loc.unwrap()).unwrap();
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await;
    assert!(v["user_ticket"].is_string(), "{v}");
    let ranges = sb.admin_get("visible_range").await;
    assert!(ranges["apps"].as_array().unwrap().iter().any(|a| a["agentid"] == H5 && a["userids"] == json!(["sunqi"])));

    // Bad input names what is wrong, in both languages.
    let r = sb.admin_post("visible_range", json!({"agentid": H5, "userids": ["nobody"]})).await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains("nobody"), "{v}");
    let zh = v["error_zh"].as_str().unwrap();
    assert!(zh.contains("\"nobody\" 不是沙箱企业的成员"), "{v}");
    assert_eq!(wwdev_core::error::english_in(zh), None, "{v}");
    let r = sb.admin_post("visible_range", json!({"agentid": 42})).await;
    assert_eq!(r.status(), 400);

    // reset restores the seeded range
    sb.admin_post("reset", json!({})).await;
    let (status, _, _) = open_authorize(&sb, "snsapi_privateinfo", "zhangsan", &[]).await;
    assert_eq!(status, 302);
}

#[tokio::test]
async fn declining_privateinfo_yields_only_base_fields() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    // The picker offers a decline link for snsapi_privateinfo.
    let corpid = sb.corpid();
    let page = sb
        .c
        .get(sb.url("/connect/oauth2/authorize"))
        .query(&[("appid", corpid.as_str()), ("redirect_uri", CB), ("response_type", "code"), ("scope", "snsapi_privateinfo"), ("agentid", "1000002")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-decline-userid=\"zhangsan\"") && page.contains("sandbox_consent=decline"), "{page}");

    let (status, loc, _) = open_authorize(&sb, "snsapi_privateinfo", "zhangsan", &[("sandbox_consent", "decline")]).await;
    assert_eq!(status, 302);
    let code = code_of(&loc.unwrap()).unwrap();
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await;
    assert_eq!(v["userid"], "zhangsan");
    let ut = v["user_ticket"].as_str().unwrap().to_owned();
    let d = sb.post("/cgi-bin/auth/getuserdetail", &[("access_token", &t)], json!({"user_ticket": ut})).await;
    assert_eq!(d["errcode"], 0, "{d}");
    assert_eq!(d["gender"], "0");
    for f in ["qr_code", "mobile", "email", "biz_mail", "address"] {
        assert!(d.get(f).is_none(), "{f} must be held back: {d}");
    }
    assert!(d["avatar"].as_str().unwrap().contains("default"));
    let codes = sb.admin_get("codes").await;
    assert!(codes["codes"].as_array().unwrap().iter().any(|c| c["code"] == code.as_str() && c["consent"] == false));

    // The admin preset makes a plain sandbox_userid link decline too; null clears it.
    let r = sb.admin_post("consent", json!({"decision": "decline", "userid": "lisi"})).await;
    assert_eq!(r.status(), 200);
    let (_, loc, _) = open_authorize(&sb, "snsapi_privateinfo", "lisi", &[]).await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code_of(&loc.unwrap()).unwrap())]).await;
    let d = sb.post("/cgi-bin/auth/getuserdetail", &[("access_token", &t)], json!({"user_ticket": v["user_ticket"]})).await;
    assert!(d.get("mobile").is_none(), "{d}");
    sb.admin_post("consent", json!({"decision": null, "userid": "lisi"})).await;
    let (_, loc, _) = open_authorize(&sb, "snsapi_privateinfo", "lisi", &[]).await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code_of(&loc.unwrap()).unwrap())]).await;
    let d = sb.post("/cgi-bin/auth/getuserdetail", &[("access_token", &t)], json!({"user_ticket": v["user_ticket"]})).await;
    assert!(d["mobile"].is_string(), "{d}");
    assert_eq!(sb.admin_get("consent").await["presets"], json!({}));

    // Web login declined: back to redirect_uri with state and no code.
    let (status, loc, _) = open_weblogin(&sb, CB, "zhangsan", &[("sandbox_consent", "decline")]).await;
    assert_eq!(status, 302);
    let loc = loc.unwrap();
    assert!(code_of(&loc).is_none() && loc.contains("state=web_login%40gyoss9"), "{loc}");
}

#[tokio::test]
async fn repeated_wrong_secrets_lock_the_caller_out_for_an_hour() {
    let sb = sandbox().await;
    assert_eq!(sb.admin_get("limits").await["secret_failures_per_hour"], 2000);
    let r = sb.admin_post("limits", json!({"secret_failures_per_hour": 3})).await;
    assert_eq!(r.status(), 200);
    let corpid = sb.corpid();
    let good = sb.secret(H5);
    for _ in 0..3 {
        assert_err(&sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", "wrong")]).await, 40001);
    }
    // Locked out: even the right secret answers 45009 for an hour.
    assert_err(&sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", &good)]).await, 45009);
    sb.advance(3599).await;
    assert_err(&sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", &good)]).await, 45009);
    sb.advance(1).await;
    let v = sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", &good)]).await;
    assert_eq!(v["errcode"], 0, "{v}");
    // Failures older than an hour do not count.
    sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", "wrong")]).await;
    sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", "wrong")]).await;
    sb.advance(3601).await;
    sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", "wrong")]).await;
    assert_eq!(sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", &good)]).await["errcode"], 0);
}

#[tokio::test]
async fn official_errcodes_for_missing_external_userid_and_hint_form() {
    let sb = sandbox().await;
    let crm = sb.token(CRM).await;
    let v = sb.get("/cgi-bin/externalcontact/get", &[("access_token", &crm)]).await;
    assert_err(&v, 41035);
    assert_err(&sb.get("/cgi-bin/externalcontact/get", &[("access_token", &crm), ("external_userid", "wmNope")]).await, 40096);
    // hint: one long number that starts with the sandbox time (the current form).
    let msg = v["errmsg"].as_str().unwrap();
    let hint = msg.split("hint: [").nth(1).unwrap().split(']').next().unwrap();
    assert!(hint.starts_with(&START.to_string()) && hint.len() == 25, "{msg}");
    assert!(hint.bytes().all(|b| b.is_ascii_digit()), "{msg}");
    assert!(msg.starts_with("missing external_userid, hint: ["), "{msg}");
}

#[tokio::test]
async fn getuserinfo_with_a_valid_code_is_not_rate_limited() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    sb.admin_post("limits", json!({"api_per_minute": 2})).await;
    // Two bad codes use up the minute...
    for _ in 0..2 {
        assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", "bad")]).await, 40029);
    }
    assert_err(&sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", "bad")]).await, 45009);
    // ...but a valid code still goes through (D/90312: 若code合法则不受上述频率限制).
    let (code, _) = sb.authorize(&[("sandbox_userid", "lisi")], "snsapi_base", Some(H5), CB).await;
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code)]).await;
    assert_eq!(v["userid"], "lisi", "{v}");
}

#[tokio::test]
async fn web_login_accepts_the_web_login_callback_domain_and_any_url_encoded_state() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    // login.example.test is the H5 app's "Web网页授权回调域名", not a trusted domain.
    let (status, loc, body) = open_weblogin(&sb, "https://login.example.test/cb", "zhangsan", &[]).await;
    assert_eq!(status, 302, "{body}");
    let loc = loc.unwrap();
    assert!(loc.contains("state=web_login%40gyoss9"), "{loc}");
    let v = sb.get("/cgi-bin/auth/getuserinfo", &[("access_token", &t), ("code", &code_of(&loc).unwrap())]).await;
    assert_eq!(v["userid"], "zhangsan", "{v}");
    // OAuth does not use that domain; a subdomain of a trusted domain is not trusted either.
    for redirect in ["https://login.example.test/cb", "https://sub.app.example.test/cb"] {
        let corpid = sb.corpid();
        let r = sb
            .c
            .get(sb.url("/connect/oauth2/authorize"))
            .query(&[("appid", corpid.as_str()), ("redirect_uri", redirect), ("response_type", "code"), ("scope", "snsapi_base"), ("agentid", "1000002"), ("sandbox_userid", "zhangsan")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{redirect}");
        assert!(r.text().await.unwrap().contains("redirect_uri需使用应用可信域名"));
    }
}

#[tokio::test]
async fn every_route_refuses_a_non_loopback_host() {
    let sb = sandbox().await;
    let port = sb.h.addr().port();
    for path in ["/cgi-bin/gettoken", "/sandbox/admin/seed", "/", "/connect/oauth2/authorize", "/nope"] {
        let r = sb.c.get(sb.url(path)).header("Host", format!("evil.example:{port}")).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"].as_str().unwrap().contains("evil.example") && v["error_zh"].as_str().unwrap().contains("回环"), "{v}");
        // the seed (with its secrets) never reaches the refused caller
        assert!(!v.to_string().contains("sbx-h5"), "{v}");
    }
    let r = sb.c.post(sb.url("/sandbox/admin/reset")).header("Host", "evil.example").send().await.unwrap();
    assert_eq!(r.status(), 403);
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        let r = sb.c.get(sb.url("/sandbox/admin/clock")).header("Host", host.clone()).send().await.unwrap();
        assert_eq!(r.status(), 200, "{host}");
    }

    // The opt-in names another host explicitly.
    let h = start(SandboxConfig {
        clock: Some(Arc::new(ManualClock::new(START))),
        allowed_hosts: vec!["dev.box".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    let r = sb.c.get(format!("{}/sandbox/admin/clock", h.base_url())).header("Host", "dev.box:1").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = sb.c.get(format!("{}/sandbox/admin/clock", h.base_url())).header("Host", "other.box").send().await.unwrap();
    assert_eq!(r.status(), 403);
    h.shutdown().await;
}

#[tokio::test]
async fn admin_bodies_refuse_unknown_fields_and_naming_them() {
    let sb = sandbox().await;
    for (path, body, field) in [
        ("limits", json!({"per_minute_api": 5}), "per_minute_api"),
        ("clock/advance", json!({"seconds": 5, "minutes": 1}), "minutes"),
        ("faults", json!({"path": "/cgi-bin/gettoken", "kind": "errcode", "errcod": 1}), "errcod"),
        ("invalidate", json!({"kind": "access_token", "agent": 1}), "agent"),
        ("consent", json!({"decision": "allow", "user": "x"}), "user"),
        ("visible_range", json!({"agentid": 1000002, "users": []}), "users"),
    ] {
        let r = sb.admin_post(path, body).await;
        assert_eq!(r.status(), 400, "{path}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"].as_str().unwrap().contains(field), "{path}: {v}");
        let zh = v["error_zh"].as_str().unwrap();
        assert!(zh.contains(field), "{path}: {v}");
        // serde's English wording is only the labelled detail.
        assert_eq!(wwdev_core::error::english_in(zh), None, "{path}: {v}");
    }
    // nothing was applied
    assert_eq!(sb.admin_get("limits").await["api_per_minute"], 10_000);
    assert_eq!(sb.admin_get("clock").await["offset"], 0);
    assert_eq!(sb.admin_get("faults").await["faults"], json!([]));
}

#[tokio::test]
async fn request_bodies_are_bounded() {
    let sb = sandbox().await;
    let big = "x".repeat(wwdev_sandbox::MAX_BODY_BYTES + 1);
    let r = sb.c.post(sb.url("/sandbox/admin/limits")).body(big.clone()).send().await.unwrap();
    assert_eq!(r.status(), 413);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains(&wwdev_sandbox::MAX_BODY_BYTES.to_string()) && v["error_zh"].is_string());
    let t = sb.token(H5).await;
    let r = sb.c.post(sb.url("/cgi-bin/auth/getuserdetail")).query(&[("access_token", &t)]).body(big).send().await.unwrap();
    assert_eq!(r.status(), 413);
    // at the limit is fine (and then refused for its content, not its size)
    let r = sb.c.post(sb.url("/sandbox/admin/limits")).body("x".repeat(wwdev_sandbox::MAX_BODY_BYTES)).send().await.unwrap();
    assert_eq!(r.status(), 400);
}
