use super::*;
use crate::testsrv::{self, CORPID, SECRET, VecSink};

async fn token(c: &WeComClient) -> Secret {
    c.gettoken(CORPID, &Secret::new(SECRET)).await.unwrap().access_token
}

#[tokio::test]
async fn gettoken_and_tickets_typed() {
    let (base, fake) = testsrv::start().await;
    let sink = Arc::new(VecSink::default());
    let c = testsrv::client(&base, Some(sink.clone()));
    let t = c.gettoken(CORPID, &Secret::new(SECRET)).await.unwrap();
    assert_eq!(t.access_token.expose(), "TOKEN-1");
    assert_eq!(t.expires_in, 7200);
    let corp = c.get_jsapi_ticket(&t.access_token).await.unwrap();
    assert_eq!(corp.ticket.expose(), "CORPTICKET-1");
    let agent = c.get_agent_config_ticket(&t.access_token).await.unwrap();
    assert_eq!(agent.ticket.expose(), "AGENTTICKET-1");
    assert_eq!(fake.gettoken.load(std::sync::atomic::Ordering::SeqCst), 1);

    let recs = sink.take();
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0].path, "/cgi-bin/gettoken");
    assert_eq!(recs[0].status, Some(200));
    assert_eq!(recs[0].errcode, Some(0));
    assert_eq!(recs[0].feature, "unit");
    assert_eq!(recs[0].profile, "test");
    assert_eq!(recs[2].query.iter().find(|(k, _)| k == "type").unwrap().1, "agent_config");
    // no secret anywhere in any record
    let all = serde_json::to_string(&recs).unwrap();
    for s in [SECRET, "TOKEN-1", "CORPTICKET-1", "AGENTTICKET-1"] {
        assert!(!all.contains(s), "{s} leaked into a record: {all}");
    }
}

#[tokio::test]
async fn wrong_secret_is_wecom_error_with_catalogue() {
    let (base, _) = testsrv::start().await;
    let sink = Arc::new(VecSink::default());
    let c = testsrv::client(&base, Some(sink.clone()));
    let e = c.gettoken(CORPID, &Secret::new("wrong-secret-xyz-123")).await.unwrap_err();
    match &e {
        CoreError::WeCom { errcode, errmsg, entry } => {
            assert_eq!(*errcode, 40001);
            assert!(errmsg.contains("invalid credential"));
            assert_eq!(entry.unwrap().code, 40001);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.exit_code(), 1);
    assert!(!format!("{e} {e:?}").contains("wrong-secret-xyz-123"));
    let recs = sink.take();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].errcode, Some(40001));
    assert!(recs[0].error.is_none());
    assert!(recs[0].response_headers.iter().any(|(k, v)| k == "error-code" && v == "40001"));
    assert!(!serde_json::to_string(&recs).unwrap().contains("wrong-secret-xyz-123"));
}

#[tokio::test]
async fn empty_inputs_are_invalid_input_without_a_call() {
    let (base, fake) = testsrv::start().await;
    let sink = Arc::new(VecSink::default());
    let c = testsrv::client(&base, Some(sink.clone()));
    let e = c.gettoken(" ", &Secret::new(SECRET)).await.unwrap_err();
    assert_eq!(e.to_ui().kind, "invalid_input");
    assert_eq!(e.exit_code(), 2);
    let e = c.auth_getuserinfo(&Secret::new("TOKEN-1"), "").await.unwrap_err();
    assert!(matches!(e, CoreError::InvalidInput { ref field, .. } if field == "code"));
    assert_eq!(fake.gettoken.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert!(sink.take().is_empty());
}

#[tokio::test]
async fn userinfo_member_nonmember_and_legacy() {
    let (base, _) = testsrv::start().await;
    let c = testsrv::client(&base, None);
    let t = token(&c).await;
    match c.auth_getuserinfo(&t, "CODE-PRIV").await.unwrap() {
        UserInfo::Member { userid, user_ticket, expires_in } => {
            assert_eq!(userid, "zhangsan");
            assert_eq!(user_ticket.unwrap().expose(), "UT-SECRET-abcdefgh");
            assert_eq!(expires_in, Some(1800));
        }
        other => panic!("{other:?}"),
    }
    let base_info = c.auth_getuserinfo(&t, "CODE-BASE").await.unwrap();
    assert_eq!(base_info.userid(), Some("lisi"));
    assert!(base_info.user_ticket().is_none());
    assert_eq!(
        c.auth_getuserinfo(&t, "CODE-EXT").await.unwrap(),
        UserInfo::NonMember { openid: "oOPENID1".into(), external_userid: Some("wmEXT1".into()) }
    );
    let e = c.auth_getuserinfo(&t, "CODE-WEIRD").await.unwrap_err();
    assert_eq!(e.kind(), "decode");
    let e = c.auth_getuserinfo(&t, "CODE-USED").await.unwrap_err();
    assert_eq!(e.errcode(), Some(40029));

    let l = c.user_getuserinfo_legacy(&t, "CODE-PRIV").await.unwrap();
    assert_eq!(l.user_id.as_deref(), Some("zhangsan"));
    assert_eq!(l.device_id.as_deref(), Some("dev1"));
    assert!(l.open_id.is_none());
    let l = c.user_getuserinfo_legacy(&t, "CODE-EXT").await.unwrap();
    assert_eq!(l.open_id.as_deref(), Some("oOPENID1"));
    // serialisation keeps the wire names and never shows the ticket
    let json = serde_json::to_string(&c.user_getuserinfo_legacy(&t, "CODE-PRIV").await.unwrap()).unwrap();
    assert!(json.contains("\"UserId\""));
    assert!(!json.contains("UT-SECRET-abcdefgh"));
}

#[tokio::test]
async fn detail_user_openid_external_iplist() {
    let (base, _) = testsrv::start().await;
    let sink = Arc::new(VecSink::default());
    let c = testsrv::client(&base, Some(sink.clone()));
    let t = token(&c).await;
    let d = c.auth_getuserdetail(&t, &Secret::new("UT-SECRET-abcdefgh")).await.unwrap();
    assert_eq!(d.gender.as_deref(), Some("1"));
    assert_eq!(d.biz_mail.as_deref(), Some("zs@corp.example.com"));
    // the POST body with the user_ticket is recorded redacted
    let rec = sink.take().into_iter().find(|r| r.path == "/cgi-bin/auth/getuserdetail").unwrap();
    assert_eq!(rec.method, "POST");
    assert!(!rec.request_body.unwrap().contains("UT-SECRET-abcdefgh"));

    let u = c.user_get(&t, "zhangsan").await.unwrap();
    assert_eq!(u.name.as_deref(), Some("张三"));
    assert_eq!(u.department, Some(vec![1, 2]));
    assert_eq!(u.direct_leader, Some(vec!["wangwu".to_string()]));
    assert_eq!(u.main_department, Some(1));
    assert_eq!(u.status, Some(1));
    assert_eq!(u.extra.get("english_name").unwrap(), "Sam Zhang");
    assert!(!u.extra.contains_key("errcode"));
    assert_eq!(c.user_get(&t, "nobody").await.unwrap_err().errcode(), Some(60111));

    assert_eq!(c.convert_to_openid(&t, "zhangsan").await.unwrap(), "oZHANGSAN");
    assert_eq!(c.convert_to_openid(&t, "lisi").await.unwrap_err().errcode(), Some(43004));

    let ec = c.externalcontact_get(&t, "wmEXT1", None).await.unwrap();
    assert_eq!(ec.external_contact.contact_type, Some(1));
    assert_eq!(ec.external_contact.name.as_deref(), Some("客户甲"));
    assert_eq!(ec.follow_user[0].remark.as_deref(), Some("老客户"));
    assert!(ec.follow_user[0].extra.contains_key("tags"));
    assert_eq!(ec.next_cursor.as_deref(), Some("CURSOR2"));
    let ec2 = c.externalcontact_get(&t, "wmEXT1", Some("CURSOR2")).await.unwrap();
    assert_eq!(ec2.next_cursor.as_deref(), Some(""));
    assert_eq!(c.externalcontact_get(&t, "wmX", None).await.unwrap_err().errcode(), Some(84061));

    assert_eq!(c.get_api_domain_ip(&t).await.unwrap(), vec!["1.1.1.1", "2.2.2.0/24"]);
    assert_eq!(c.getcallbackip(&t).await.unwrap().len(), 2);
    // error body carries ip_list: [] but is still an error
    let e = c.get_api_domain_ip(&Secret::new("bogus")).await.unwrap_err();
    assert_eq!(e.errcode(), Some(40014));
}

#[tokio::test]
async fn http_error_page_is_http_kind_with_snippet() {
    let (base, _) = testsrv::start().await;
    let sink = Arc::new(VecSink::default());
    let c = testsrv::client(&base, Some(sink.clone()));
    let raw = c.call("GET", "/cgi-bin/fault/html", vec![], None).await.unwrap();
    assert_eq!(raw.status, 502);
    let e = raw.check(&c.url("/cgi-bin/fault/html")).unwrap_err();
    match &e {
        CoreError::Http { status, snippet, .. } => {
            assert_eq!(*status, 502);
            assert!(snippet.contains("502 Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.exit_code(), 3);
    assert_eq!(e.to_ui().kind, "http");
    let rec = sink.take().pop().unwrap();
    assert_eq!(rec.status, Some(502));
    assert!(rec.error.unwrap().contains("HTTP 502"));
    // unknown path → 404 → Http
    let raw = c.call("GET", "/cgi-bin/nope", vec![], None).await.unwrap();
    assert_eq!(raw.check("x").unwrap_err().kind(), "http");
}

#[tokio::test]
async fn malformed_json_is_decode_kind() {
    let (base, _) = testsrv::start().await;
    let sink = Arc::new(VecSink::default());
    let c = testsrv::client(&base, Some(sink.clone()));
    let raw = c.call("GET", "cgi-bin/fault/badjson", vec![], None).await.unwrap();
    assert!(raw.json.is_none());
    let e = raw.check("u").unwrap_err();
    assert_eq!(e.kind(), "decode");
    assert_eq!(e.exit_code(), 3);
    let rec = sink.take().pop().unwrap();
    assert!(rec.error.unwrap().contains("could not decode"));
    // the half token in the broken body is redacted in the record
    assert!(!rec.response_body.unwrap().contains("\"TOK"));
}

#[tokio::test]
async fn slow_answer_is_timeout_and_recorded() {
    let (base, _) = testsrv::start().await;
    let sink = Arc::new(VecSink::default());
    let cfg = ClientConfig { base_url: base, timeout: Duration::from_millis(300), ..Default::default() };
    let c = WeComClient::new(cfg, Some(sink.clone() as Arc<dyn RequestSink>)).unwrap();
    let e = c.call("GET", "/cgi-bin/fault/slow", vec![("access_token".into(), "TOKEN-SECRET-9".into())], None).await.unwrap_err();
    assert!(matches!(e, CoreError::Timeout { timeout_ms: 300, .. }), "{e:?}");
    assert_eq!(e.exit_code(), 3);
    let rec = sink.take().pop().unwrap();
    assert!(rec.status.is_none());
    assert!(rec.error.is_some());
    assert!(!serde_json::to_string(&rec).unwrap().contains("TOKEN-SECRET-9"));
}

#[tokio::test]
async fn dropped_and_refused_connections_are_network_kind() {
    let sink = Arc::new(VecSink::default());
    for base in [testsrv::start_dropper().await, testsrv::refused_url().await] {
        let c = testsrv::client(&base, Some(sink.clone()));
        let e = c.gettoken(CORPID, &Secret::new(SECRET)).await.unwrap_err();
        assert!(matches!(e, CoreError::Network { .. }), "{e:?}");
        assert_eq!(e.to_ui().kind, "network");
        assert!(!e.to_string().contains(SECRET), "{e}");
        assert!(!e.to_string().contains("corpsecret"), "{e}");
    }
    let recs = sink.take();
    assert_eq!(recs.len(), 2);
    assert!(recs.iter().all(|r| r.status.is_none() && r.error.is_some()));
}

#[tokio::test]
async fn generic_call_passes_query_and_body() {
    let (base, _) = testsrv::start().await;
    let c = testsrv::client(&base, None);
    let raw = c
        .call("post", "/cgi-bin/echo", vec![("a".into(), "1 2&3".into())], Some(serde_json::json!({"x": [1]})))
        .await
        .unwrap();
    raw.check("u").unwrap();
    let j = raw.json.unwrap();
    assert_eq!(j["query"]["a"], "1 2&3");
    assert_eq!(j["body"]["x"][0], 1);
    assert_eq!(raw.errcode, Some(0));
    // errcode answers come back as responses from call(), errors from check()
    let raw = c.call("GET", "/cgi-bin/fault/errcode", vec![("code".into(), "60020".into())], None).await.unwrap();
    assert_eq!(raw.errcode, Some(60020));
    let e = raw.check("u").unwrap_err();
    assert!(e.to_ui().hint.unwrap().contains("Trusted IPs"));
}

#[tokio::test]
async fn generic_call_rejects_other_paths_and_methods() {
    let c = testsrv::client("http://127.0.0.1:9", None);
    for p in ["/sandbox/admin/reset", "http://evil/cgi-bin/x", "/cgi-bin/", "/cgi-bin/../sandbox", "/cgi-bin/a?b=c", "//cgi-bin/x"] {
        let e = c.call("GET", p, vec![], None).await.unwrap_err();
        assert_eq!(e.kind(), "invalid_input", "{p}");
    }
    assert_eq!(c.call("DELETE", "/cgi-bin/x", vec![], None).await.unwrap_err().kind(), "invalid_input");
}

#[test]
fn config_errors() {
    for base in ["", "ftp://x", "not a url"] {
        let cfg = ClientConfig { base_url: base.into(), ..Default::default() };
        assert_eq!(WeComClient::new(cfg, None).unwrap_err().kind(), "config", "{base}");
    }
    let cfg = ClientConfig { proxy: Some("::not a proxy::".into()), ..Default::default() };
    assert_eq!(WeComClient::new(cfg, None).unwrap_err().kind(), "config");
    let cfg = ClientConfig { proxy: Some("http://127.0.0.1:3128".into()), ..Default::default() };
    assert!(WeComClient::new(cfg, None).is_ok());
}

#[tokio::test]
async fn with_feature_tags_records() {
    let (base, _) = testsrv::start().await;
    let sink = Arc::new(VecSink::default());
    let c = testsrv::client(&base, Some(sink.clone())).with_feature("identity");
    let _ = token(&c).await;
    assert_eq!(sink.take()[0].feature, "identity");
}
