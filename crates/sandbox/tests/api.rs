//! The /cgi-bin/ endpoints over real HTTP: shapes, errcodes, lifetimes, limits.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn gettoken_shape_reuse_and_errors() {
    let sb = sandbox().await;
    let corpid = sb.corpid();
    let secret = sb.secret(H5);
    let r = sb
        .c
        .get(sb.url("/cgi-bin/gettoken"))
        .query(&[("corpid", &corpid), ("corpsecret", &secret)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["error-code"], "0");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["errcode"], 0);
    assert_eq!(v["errmsg"], "ok");
    assert_eq!(v["expires_in"], 7200);
    let t1 = v["access_token"].as_str().unwrap().to_owned();
    assert!(t1.len() >= 64 && t1.len() <= 512);

    // Same token while valid, expires_in counts down with the clock.
    sb.advance(100).await;
    let v = sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", &secret)]).await;
    assert_eq!(v["access_token"], t1.as_str());
    assert_eq!(v["expires_in"], 7100);
    // A token per app.
    assert_ne!(sb.token(CRM).await, t1);

    assert_err(&sb.get("/cgi-bin/gettoken", &[("corpsecret", &secret)]).await, 41002);
    assert_err(&sb.get("/cgi-bin/gettoken", &[("corpid", "wwffffffffffffffff"), ("corpsecret", &secret)]).await, 40013);
    assert_err(&sb.get("/cgi-bin/gettoken", &[("corpid", &corpid)]).await, 41004);
    assert_err(&sb.get("/cgi-bin/gettoken", &[("corpid", &corpid), ("corpsecret", "nope")]).await, 40001);

    // Error wire format: HTTP 200 plus Error-Code / Error-Msg headers.
    let r = sb.c.get(sb.url("/cgi-bin/gettoken")).query(&[("corpid", corpid.as_str()), ("corpsecret", "x")]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["error-code"], "40001");
    assert!(r.headers()["error-msg"].to_str().unwrap().starts_with("invalid credential, hint: ["));
}

#[tokio::test]
async fn token_rules_missing_bad_expired_in_header() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    assert_eq!(sb.get("/cgi-bin/getcallbackip", &[("access_token", &t)]).await["errcode"], 0);
    assert_err(&sb.get("/cgi-bin/getcallbackip", &[]).await, 41001);
    assert_err(&sb.get("/cgi-bin/getcallbackip", &[("access_token", "garbage")]).await, 40014);
    // A token in a header is not looked at.
    let v: serde_json::Value = sb
        .c
        .get(sb.url("/cgi-bin/user/get"))
        .query(&[("userid", "zhangsan")])
        .header("access_token", &t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_err(&v, 41001);

    sb.advance(7199).await;
    assert_eq!(sb.get("/cgi-bin/getcallbackip", &[("access_token", &t)]).await["errcode"], 0);
    sb.advance(1).await;
    assert_err(&sb.get("/cgi-bin/getcallbackip", &[("access_token", &t)]).await, 42001);
    let t2 = sb.token(H5).await;
    assert_ne!(t, t2);

    // Early invalidation (WeCom may do it) gives 40014.
    let r = sb.admin_post("invalidate", json!({"kind": "access_token", "agentid": H5})).await;
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["invalidated"], 1);
    assert_err(&sb.get("/cgi-bin/getcallbackip", &[("access_token", &t2)]).await, 40014);
}

#[tokio::test]
async fn ip_list_endpoints_keep_ip_list_on_error() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    for p in ["/cgi-bin/get_api_domain_ip", "/cgi-bin/getcallbackip"] {
        let v = sb.get(p, &[("access_token", &t)]).await;
        assert!(v["ip_list"].as_array().unwrap().len() >= 2, "{v}");
        let e = sb.get(p, &[("access_token", "bad")]).await;
        assert_err(&e, 40014);
        assert_eq!(e["ip_list"], json!([]));
    }
}

#[tokio::test]
async fn user_get_shape_and_errors() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    let v = sb.get("/cgi-bin/user/get", &[("access_token", &t), ("userid", "wangwu")]).await;
    assert_eq!(v["errcode"], 0);
    assert_eq!(v["name"], "王五");
    assert_eq!(v["department"], json!([3]));
    assert_eq!(v["main_department"], 3);
    assert_eq!(v["status"], 1);
    assert_eq!(v["is_leader_in_dept"], json!([1]));
    assert!(v["open_userid"].is_string());
    // Apps created after 2022-06-20 get no mobile/gender/email here.
    assert!(v.get("mobile").is_none() && v.get("gender").is_none() && v.get("email").is_none());

    assert_err(&sb.get("/cgi-bin/user/get", &[("access_token", &t), ("userid", "nobody")]).await, 60111);
    assert_err(&sb.get("/cgi-bin/user/get", &[("access_token", &t)]).await, 41009);
    // sunqi (sales) is outside the H5 app's visible range but inside the CRM app's.
    assert_err(&sb.get("/cgi-bin/user/get", &[("access_token", &t), ("userid", "sunqi")]).await, 60011);
    let crm = sb.token(CRM).await;
    assert_eq!(sb.get("/cgi-bin/user/get", &[("access_token", &crm), ("userid", "sunqi")]).await["name"], "孙七");
    // A disabled member is still returned, with status 2.
    assert_eq!(sb.get("/cgi-bin/user/get", &[("access_token", &crm), ("userid", "zhouba")]).await["status"], 2);
}

#[tokio::test]
async fn convert_to_openid_rules_and_body_mistakes() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    let q = [("access_token", t.as_str())];
    let v = sb.post("/cgi-bin/user/convert_to_openid", &q, json!({"userid": "zhangsan"})).await;
    assert_eq!(v["errcode"], 0);
    let openid = v["openid"].as_str().unwrap().to_owned();
    assert!(openid.starts_with('o'));
    // Stable per member, different between members.
    let again = sb.post("/cgi-bin/user/convert_to_openid", &q, json!({"userid": "zhangsan"})).await;
    assert_eq!(again["openid"], openid.as_str());
    assert_ne!(sb.post("/cgi-bin/user/convert_to_openid", &q, json!({"userid": "lisi"})).await["openid"], openid.as_str());

    assert_err(&sb.post("/cgi-bin/user/convert_to_openid", &q, json!({"userid": "wujiu"})).await, 43004);
    assert_err(&sb.post("/cgi-bin/user/convert_to_openid", &q, json!({"userid": "ghost"})).await, 40003);
    assert_err(&sb.post("/cgi-bin/user/convert_to_openid", &q, json!({"userid": 12})).await, 40058);
    assert_err(&sb.post("/cgi-bin/user/convert_to_openid", &q, json!({})).await, 41009);
    // Wrong method, form body, bad JSON.
    assert_err(&sb.get("/cgi-bin/user/convert_to_openid", &q).await, 40063);
    let form: serde_json::Value = sb
        .c
        .post(sb.url("/cgi-bin/user/convert_to_openid"))
        .query(&q)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("userid=zhangsan")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_err(&form, 40063);
    let bad: serde_json::Value = sb
        .c
        .post(sb.url("/cgi-bin/user/convert_to_openid"))
        .query(&q)
        .body("{\"userid\": ")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Broken JSON is 40058 (D/90313 "json不合法"); 47001 is a WeChat Official Account code.
    assert_err(&bad, 40058);
    // Token in the body instead of the query.
    assert_err(
        &sb.post("/cgi-bin/user/convert_to_openid", &[], json!({"userid": "zhangsan", "access_token": t})).await,
        41001,
    );
}

#[tokio::test]
async fn tickets_shape_reuse_and_hourly_limit() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    let q = [("access_token", t.as_str())];
    let corp = sb.get("/cgi-bin/get_jsapi_ticket", &q).await;
    assert_eq!(corp["errcode"], 0);
    assert_eq!(corp["expires_in"], 7200);
    let agent = sb.get("/cgi-bin/ticket/get", &[("access_token", &t), ("type", "agent_config")]).await;
    assert_eq!(agent["expires_in"], 7200);
    assert_ne!(agent["ticket"], corp["ticket"]);
    // Missing or bad type: 91040 获取ticket的类型无效 (D/90313), not 40058.
    assert_err(&sb.get("/cgi-bin/ticket/get", &q).await, 91040);
    assert_err(&sb.get("/cgi-bin/ticket/get", &[("access_token", &t), ("type", "jsapi")]).await, 91040);
    // The CRM app's token fetches the CRM app's own agent ticket.
    let crm = sb.token(CRM).await;
    let crm_agent = sb.get("/cgi-bin/ticket/get", &[("access_token", &crm), ("type", "agent_config")]).await;
    assert_ne!(crm_agent["ticket"], agent["ticket"]);

    // Reuse while valid; a new ticket after expiry.
    sb.advance(7000).await;
    let again = sb.get("/cgi-bin/get_jsapi_ticket", &[("access_token", &sb.token(H5).await)]).await;
    assert_eq!(again["ticket"], corp["ticket"]);
    assert_eq!(again["expires_in"], 200);
    sb.advance(200).await;
    let t = sb.token(H5).await;
    let fresh = sb.get("/cgi-bin/get_jsapi_ticket", &[("access_token", &t)]).await;
    assert_ne!(fresh["ticket"], corp["ticket"]);

    // Hourly limit per app, then per corp.
    let r = sb.admin_post("limits", json!({"ticket_per_hour_app": 3, "ticket_per_hour_corp": 5})).await;
    assert_eq!(r.status(), 200);
    let q = [("access_token", t.as_str())];
    for _ in 0..3 {
        assert_eq!(sb.get("/cgi-bin/get_jsapi_ticket", &q).await["errcode"], 0);
    }
    assert_err(&sb.get("/cgi-bin/get_jsapi_ticket", &q).await, 45009);
    assert_err(&sb.get("/cgi-bin/ticket/get", &[("access_token", &t), ("type", "agent_config")]).await, 45009);
    let crm = sb.token(CRM).await;
    let cq = [("access_token", crm.as_str()), ("type", "agent_config")];
    assert_eq!(sb.get("/cgi-bin/ticket/get", &cq).await["errcode"], 0);
    assert_eq!(sb.get("/cgi-bin/ticket/get", &cq).await["errcode"], 0);
    // 5 fetches for the corp now.
    assert_err(&sb.get("/cgi-bin/ticket/get", &cq).await, 45009);
    sb.advance(3601).await;
    let t = sb.token(H5).await;
    assert_eq!(sb.get("/cgi-bin/get_jsapi_ticket", &[("access_token", &t)]).await["errcode"], 0);
}

#[tokio::test]
async fn per_minute_limit_blocks_for_sixty_seconds() {
    let sb = sandbox().await;
    // Align to the start of a minute so the 60 s block is tested across a window edge.
    let now = sb.admin_get("clock").await["now"].as_i64().unwrap();
    sb.advance(60 - now.rem_euclid(60)).await;
    let t = sb.token(H5).await;
    sb.admin_post("limits", json!({"api_per_minute": 5})).await;
    let q = [("access_token", t.as_str())];
    for _ in 0..5 {
        assert_eq!(sb.get("/cgi-bin/getcallbackip", &q).await["errcode"], 0);
    }
    assert_err(&sb.get("/cgi-bin/getcallbackip", &q).await, 45009);
    // Counted per API: another path still answers.
    assert_eq!(sb.get("/cgi-bin/get_api_domain_ip", &q).await["errcode"], 0);
    // A new minute window starts, but the block lasts 60 s from the overflow.
    sb.advance(59).await;
    assert_err(&sb.get("/cgi-bin/getcallbackip", &q).await, 45009);
    sb.advance(1).await;
    assert_eq!(sb.get("/cgi-bin/getcallbackip", &q).await["errcode"], 0);
}

#[tokio::test]
async fn externalcontact_get_rules() {
    let sb = sandbox().await;
    let seed = sb.h.seed().clone();
    let wechat = &seed.external_contacts[0];
    let wecom = &seed.external_contacts[1];
    let crm = sb.token(CRM).await;
    let v = sb.get("/cgi-bin/externalcontact/get", &[("access_token", &crm), ("external_userid", &wechat.external_userid)]).await;
    assert_eq!(v["errcode"], 0, "{v}");
    let c = &v["external_contact"];
    assert_eq!(c["external_userid"], wechat.external_userid.as_str());
    assert_eq!(c["type"], 1);
    assert!(c["gender"].is_i64());
    assert!(c["unionid"].is_string());
    assert!(v["follow_user"].as_array().unwrap().iter().any(|f| f["userid"] == "sunqi"));
    assert_eq!(v["next_cursor"], "");
    let v = sb.get("/cgi-bin/externalcontact/get", &[("access_token", &crm), ("external_userid", &wecom.external_userid)]).await;
    assert_eq!(v["external_contact"]["type"], 2);
    assert_eq!(v["external_contact"]["corp_name"], wecom.corp_name.as_str());

    assert_err(&sb.get("/cgi-bin/externalcontact/get", &[("access_token", &crm), ("external_userid", "wmnope")]).await, 40096);
    let h5 = sb.token(H5).await;
    assert_err(&sb.get("/cgi-bin/externalcontact/get", &[("access_token", &h5), ("external_userid", &wechat.external_userid)]).await, 48002);
}

#[tokio::test]
async fn unknown_path_is_404_and_index_describes_the_sandbox() {
    let sb = sandbox().await;
    let r = sb.c.get(sb.url("/cgi-bin/no/such/api")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = sb.c.get(sb.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(&sb.corpid()));
    assert!(html.contains(&sb.secret(H5)));
    assert!(html.contains("张三"));
    assert!(html.contains("/connect/oauth2/authorize?"));
}

#[tokio::test]
async fn admin_stats_tokens_codes_seed_reset() {
    let sb = sandbox().await;
    let t = sb.token(H5).await;
    sb.token(H5).await;
    sb.get("/cgi-bin/get_jsapi_ticket", &[("access_token", &t)]).await;
    let stats = sb.admin_get("stats").await;
    assert_eq!(stats["calls"]["/cgi-bin/gettoken"], 2);
    assert_eq!(stats["calls"]["/cgi-bin/get_jsapi_ticket"], 1);
    assert_eq!(stats["total"], 3);

    let tokens = sb.admin_get("tokens").await;
    let text = tokens.to_string();
    assert!(!text.contains(&t), "tokens are masked");
    let list = tokens["tokens"].as_array().unwrap();
    assert!(list.iter().any(|x| x["kind"] == "access_token" && x["agentid"] == H5 && x["status"] == "valid" && x["expires_in"] == 7200));
    assert!(list.iter().any(|x| x["kind"] == "jsapi_ticket"));

    let (code, _) = sb.authorize(&[("sandbox_userid", "lisi")], "snsapi_base", Some(H5), "http://localhost:5173/cb").await;
    let codes = sb.admin_get("codes").await;
    let c = &codes["codes"][0];
    assert_eq!(c["code"], code.as_str());
    assert_eq!(c["userid"], "lisi");
    assert_eq!(c["state"], "xyz123");
    assert_eq!(c["used"], false);
    assert_eq!(c["expires_at"], START + 300);

    let seed = sb.admin_get("seed").await;
    assert_eq!(seed["corpid"], sb.corpid().as_str());
    assert!(seed["apps"][0]["secret"].is_string());

    sb.advance(50).await;
    let r = sb.admin_post("reset", json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(sb.admin_get("clock").await["now"], START);
    assert_eq!(sb.admin_get("codes").await["codes"], json!([]));
    assert_eq!(sb.admin_get("tokens").await["tokens"], json!([]));
    assert_eq!(sb.admin_get("stats").await["total"], 0);
    assert_err(&sb.get("/cgi-bin/getcallbackip", &[("access_token", &t)]).await, 40014);

    // Bad admin payloads say what was expected.
    let r = sb.admin_post("clock/advance", json!({"secs": 1})).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("seconds"));
}

#[tokio::test]
async fn binds_loopback_and_shuts_down() {
    let sb = sandbox().await;
    assert!(sb.h.addr().ip().is_loopback());
    assert!(sb.base.starts_with("http://127.0.0.1:"));
    let sum = sb.h.summary();
    assert_eq!(sum["base_url"], sb.base.as_str());
    assert_eq!(sum["apps"][0]["agentid"], H5);
    assert_eq!(sum["apps"][1]["trusted_domains"][0], "crm.example.test");
    assert_eq!(sum["members"][0], json!({"userid": "zhangsan", "name": "张三"}));
    assert!(!sum.to_string().contains('\n'));
    let url = sb.url("/");
    // Keep-alive connection open while shutting down must not hang the shutdown.
    sb.c.get(&url).send().await.unwrap();
    sb.h.shutdown().await;
    let fresh = reqwest::Client::builder().no_proxy().build().unwrap();
    assert!(fresh.get(&url).send().await.is_err());
}
