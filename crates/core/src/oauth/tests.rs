use super::*;
use proptest::prelude::*;

fn trusted() -> Vec<String> {
    vec!["app.example.com".into(), "dev.example.com:8443".into()]
}

fn params(scope: Scope) -> OAuthParams {
    OAuthParams {
        corpid: "ww1234567890abcdef".into(),
        agentid: Some("1000002".into()),
        redirect_uri: "https://app.example.com/cb?from=menu&x=1".into(),
        scope,
        state: "abc123".into(),
    }
}

fn ids(p: &[Problem]) -> Vec<&'static str> {
    p.iter().map(|p| p.id).collect()
}

#[test]
fn builds_the_documented_link() {
    let b = build_oauth_url(&params(Scope::PrivateInfo), &trusted()).unwrap();
    assert_eq!(
        b.url,
        "https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1234567890abcdef\
         &redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Ffrom%3Dmenu%26x%3D1\
         &response_type=code&scope=snsapi_privateinfo&state=abc123&agentid=1000002#wechat_redirect"
    );
    assert!(b.problems.is_empty(), "{:?}", b.problems);
}

#[test]
fn blocking_problems_are_errors() {
    let mut p = params(Scope::PrivateInfo);
    p.corpid = " ".into();
    p.state = "has space".into();
    p.agentid = None;
    let e = build_oauth_url(&p, &[]).unwrap_err();
    let msg = e.to_string();
    assert_eq!(e.kind(), "invalid_input");
    assert!(msg.contains("corp ID") && msg.contains("state may only") && msg.contains("agentid is missing"), "{msg}");
    // The Chinese names the same problems, in Chinese.
    let zh = e.message_zh();
    for problem in validate_oauth(&p, &[]).iter().filter(|p| p.severity == Severity::Error) {
        assert!(zh.contains(&problem.message_zh), "{zh}");
    }
    assert!(!zh.contains("state may only") && !zh.contains("agentid is missing"), "{zh}");

    let mut p = params(Scope::Base);
    p.redirect_uri = "/relative/cb".into();
    assert!(matches!(build_oauth_url(&p, &[]).unwrap_err(), CoreError::InvalidInput { ref field, .. } if field == "redirect_uri"));
    let mut p = params(Scope::Base);
    p.state = "a".repeat(129);
    assert_eq!(ids(&validate_oauth(&p, &[])), vec!["state_too_long"]);
    p.state = "a".repeat(128);
    assert!(validate_oauth(&p, &[]).is_empty());
    let mut p = params(Scope::PrivateInfo);
    p.agentid = Some("10000x2".into());
    assert_eq!(ids(&validate_oauth(&p, &[])), vec!["agentid_not_integer"]);
    // base scope needs no agentid
    let mut p = params(Scope::Base);
    p.agentid = None;
    let b = build_oauth_url(&p, &trusted()).unwrap();
    assert!(!b.url.contains("agentid"));
}

#[test]
fn warnings_do_not_block() {
    let mut p = params(Scope::Base);
    p.redirect_uri = "http://evil.test/cb".into();
    let b = build_oauth_url(&p, &trusted()).unwrap();
    assert_eq!(ids(&b.problems), vec!["redirect_not_https", "redirect_not_trusted"]);
    assert!(b.problems.iter().all(|p| p.severity == Severity::Warning));
    // without a trusted list there is nothing to compare with
    assert_eq!(ids(&build_oauth_url(&p, &[]).unwrap().problems), vec!["redirect_not_https"]);
}

#[test]
fn trusted_domains_and_ports() {
    let t = trusted();
    assert!(host_is_trusted("app.example.com", None, &t));
    assert!(host_is_trusted("APP.example.com", None, &t));
    // WeCom matches exactly: a subdomain of a trusted domain is not trusted (D/90313 50001).
    assert!(!host_is_trusted("sub.app.example.com", None, &t));
    assert!(!host_is_trusted("evilapp.example.com", None, &t));
    assert!(!host_is_trusted("app.example.com.evil.test", None, &t));
    // a non-default port must be part of the trusted entry
    assert!(!host_is_trusted("app.example.com", Some(8080), &t));
    assert!(host_is_trusted("dev.example.com", Some(8443), &t));
    assert!(!host_is_trusted("dev.example.com", None, &t));
    assert!(host_is_trusted("app.example.com", Some(443), &t));
    assert!(host_is_trusted("x.test", None, &["https://x.test/".to_string()]));
}

#[test]
fn subdomain_redirect_is_reported_untrusted() {
    // Issue 10 item 1: `oauth-url --redirect-uri https://sub.app.example.test/cb
    // --trusted-domain app.example.test` used to report nothing.
    let mut p = params(Scope::Base);
    p.redirect_uri = "https://sub.app.example.test/cb".into();
    let t = vec!["app.example.test".to_string()];
    let b = build_oauth_url(&p, &t).unwrap();
    assert_eq!(ids(&b.problems), vec!["redirect_not_trusted"]);
    let pr = &b.problems[0];
    assert!(pr.message_en.contains("exactly") && pr.message_en.contains("50001"), "{}", pr.message_en);
    assert!(pr.message_zh.contains("完全匹配") && pr.message_zh.contains("50001"), "{}", pr.message_zh);
    assert_eq!(ids(&explain_url(&b.url, &t).problems), vec!["redirect_not_trusted"]);
    // the same host with another port is not trusted either
    p.redirect_uri = "https://app.example.test:8443/cb".into();
    assert_eq!(ids(&validate_oauth(&p, &t)), vec!["redirect_not_trusted"]);
}

#[test]
fn weblogin_state_is_only_url_encoded() {
    // D/98171: web-login state must be URL-encoded, nothing more; the official
    // example uses `web_login@gyoss9`. The a-zA-Z0-9 rule (84025) is OAuth's.
    let w = WebLoginParams {
        corpid: "ww1234567890abcdef".into(),
        agentid: "1000002".into(),
        redirect_uri: "https://app.example.com/login".into(),
        state: "web_login@gyoss9".into(),
        lang: None,
        legacy: false,
    };
    let b = build_weblogin_url(&w, &trusted()).unwrap();
    assert!(b.url.contains("&state=web_login%40gyoss9"), "{}", b.url);
    assert!(explain_url(&b.url, &trusted()).problems.is_empty());
    let legacy = build_weblogin_url(&WebLoginParams { legacy: true, ..w.clone() }, &trusted()).unwrap();
    assert!(explain_url(&legacy.url, &trusted()).problems.is_empty());
    // still bounded by 128 bytes
    let long = WebLoginParams { state: "a@".repeat(65), ..w };
    assert!(build_weblogin_url(&long, &[]).unwrap_err().to_string().contains("128"));
    // the OAuth link keeps the rule and names 84025
    let mut p = params(Scope::Base);
    p.state = "web_login@gyoss9".into();
    let pr = validate_oauth(&p, &[]);
    assert_eq!(ids(&pr), vec!["state_charset"]);
    assert!(pr[0].message_en.contains("84025") && pr[0].message_zh.contains("84025"));
}

#[test]
fn weblogin_untrusted_redirect_mentions_the_callback_domain() {
    let w = WebLoginParams {
        corpid: "ww1234567890abcdef".into(),
        agentid: "1000002".into(),
        redirect_uri: "https://login.other.test/cb".into(),
        state: "s".into(),
        lang: None,
        legacy: false,
    };
    let b = build_weblogin_url(&w, &trusted()).unwrap();
    assert_eq!(ids(&b.problems), vec!["redirect_not_trusted"]);
    assert!(b.problems[0].message_zh.contains("Web网页授权回调域名"));
    assert!(b.problems[0].message_en.contains("Web网页授权回调域名"));
}

#[test]
fn sandbox_host_override() {
    let b = build_oauth_url_at(&params(Scope::Base), &[], Some("http://127.0.0.1:5555/")).unwrap();
    assert!(b.url.starts_with("http://127.0.0.1:5555/connect/oauth2/authorize?appid="));
    assert!(build_oauth_url_at(&params(Scope::Base), &[], Some("nohost")).is_err());
    let e = explain_url(&b.url, &[]);
    assert_eq!(e.kind, LinkKind::OAuth);
    assert_eq!(ids(&e.problems), vec!["unofficial_host"]);
}

#[test]
fn weblogin_links() {
    let mut w = WebLoginParams {
        corpid: "ww1234567890abcdef".into(),
        agentid: "1000002".into(),
        redirect_uri: "https://app.example.com/login".into(),
        state: "s1".into(),
        lang: Some("en".into()),
        legacy: false,
    };
    let b = build_weblogin_url(&w, &trusted()).unwrap();
    assert_eq!(
        b.url,
        "https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=CorpApp&appid=ww1234567890abcdef&agentid=1000002&redirect_uri=https%3A%2F%2Fapp.example.com%2Flogin&state=s1&lang=en"
    );
    let e = explain_url(&b.url, &trusted());
    assert_eq!(e.kind, LinkKind::WebLogin);
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    w.legacy = true;
    w.lang = None;
    let b = build_weblogin_url(&w, &trusted()).unwrap();
    assert_eq!(
        b.url,
        "https://open.work.weixin.qq.com/wwopen/sso/qrConnect?appid=ww1234567890abcdef&agentid=1000002&redirect_uri=https%3A%2F%2Fapp.example.com%2Flogin&state=s1"
    );
    assert_eq!(explain_url(&b.url, &trusted()).kind, LinkKind::WebLoginLegacy);
    w.lang = Some("fr".into());
    w.agentid = "".into();
    let e = build_weblogin_url(&w, &[]).unwrap_err().to_string();
    assert!(e.contains("agentid") && e.contains("zh or en"), "{e}");
    let s = build_weblogin_url_at(&WebLoginParams { legacy: false, lang: None, agentid: "1".into(), ..w }, &[], Some("http://127.0.0.1:9"))
        .unwrap();
    assert!(s.url.starts_with("http://127.0.0.1:9/wwlogin/sso/login?login_type=CorpApp&"));
}

#[test]
fn explain_lists_every_problem() {
    let url = "http://open.weixin.qq.com/connect/oauth2/authorize?redirect_uri=https://evil.test/cb?a=1&response_type=token&scope=snsapi_privateinfo&state=a-b&state=x";
    let e = explain_url(url, &trusted());
    assert_eq!(e.kind, LinkKind::OAuth);
    let got = ids(&e.problems);
    for id in [
        "link_not_https",
        "duplicate_param",
        "appid_missing",
        "redirect_not_encoded",
        "redirect_not_trusted",
        "state_charset",
        "response_type_invalid",
        "agentid_missing",
        "missing_wechat_redirect",
    ] {
        assert!(got.contains(&id), "{id} not in {got:?}");
    }
    // decoded fields in order
    assert_eq!(e.fields[0], ("redirect_uri".to_string(), "https://evil.test/cb?a=1".to_string()));
}

#[test]
fn explain_scope_fragment_and_encoding_problems() {
    let base = "https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%253A%252F%252Fapp.example.com%252Fcb&response_type=code&scope=snsapi_userinfo#wechat_redirect&agentid=1";
    let got = explain_url(base, &trusted());
    let got = ids(&got.problems);
    assert!(got.contains(&"redirect_double_encoded"), "{got:?}");
    assert!(got.contains(&"scope_unknown"), "{got:?}");
    assert!(got.contains(&"params_after_fragment"), "{got:?}");
    let no_scope = explain_url("https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%3A%2F%2Fapp.example.com&response_type=code", &[]);
    assert_eq!(ids(&no_scope.problems), vec!["scope_missing", "missing_wechat_redirect"]);
    let miss_rt = explain_url("https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%3A%2F%2Fapp.example.com&scope=snsapi_base#wechat_redirect", &[]);
    assert_eq!(ids(&miss_rt.problems), vec!["response_type_missing"]);
    let no_redirect = explain_url("https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&response_type=code&scope=snsapi_base#wechat_redirect", &[]);
    assert_eq!(ids(&no_redirect.problems), vec!["redirect_missing"]);
    let rel = explain_url("https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=%2Fcb&response_type=code&scope=snsapi_base#wechat_redirect", &[]);
    assert_eq!(ids(&rel.problems), vec!["redirect_not_absolute"]);
    let long_state = format!("https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%3A%2F%2Fa.b&response_type=code&scope=snsapi_base&state={}#wechat_redirect", "s".repeat(200));
    assert_eq!(ids(&explain_url(&long_state, &[]).problems), vec!["state_too_long"]);
}

#[test]
fn explain_hosts_paths_and_garbage() {
    assert_eq!(ids(&explain_url("not a url", &[]).problems), vec!["not_a_url"]);
    assert_eq!(explain_url("", &[]).kind, LinkKind::Unknown);
    let e = explain_url("https://open.weixin.qq.com/connect/oauth2/authorise?appid=ww1", &[]);
    assert_eq!((e.kind, ids(&e.problems)), (LinkKind::Unknown, vec!["wrong_path"]));
    let e = explain_url("https://example.com/x", &[]);
    assert_eq!(ids(&e.problems), vec!["unknown_link"]);
    let e = explain_url("https://open.work.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%3A%2F%2Fa.b&response_type=code&scope=snsapi_base#wechat_redirect", &[]);
    assert_eq!(ids(&e.problems), vec!["wrong_host"]);
    let e = explain_url("https://login.work.weixin.qq.com/wwlogin/sso/login?appid=ww1&redirect_uri=https%3A%2F%2Fa.b&state=1&login_type=Wrong&lang=jp", &[]);
    assert_eq!(ids(&e.problems), vec!["login_type_invalid", "agentid_missing", "lang_invalid"]);
}

#[test]
fn batch_and_exports() {
    let base = BatchBase {
        corpid: "ww1".into(),
        agentid: None,
        redirect_origin: "https://app.example.com".into(),
        trusted_domains: trusted(),
        oauth_host: None,
    };
    let items = batch(
        &[Scope::Base, Scope::PrivateInfo],
        &["s1".into(), "bad state".into()],
        &["/a".into(), "/b?x=1".into()],
        &base,
    );
    assert_eq!(items.len(), 8);
    assert_eq!(items[0].redirect_uri, "https://app.example.com/a");
    assert!(items[0].url.is_some());
    assert_eq!(items[1].redirect_uri, "https://app.example.com/b?x=1");
    assert!(items[2].url.is_none() && ids(&items[2].problems) == vec!["state_charset"]);
    // privateinfo without agentid is blocked
    assert!(items[4..].iter().all(|i| i.url.is_none()));
    assert!(ids(&items[4].problems).contains(&"agentid_missing"));
    let csv = to_csv(&items);
    assert_eq!(csv.lines().count(), 9);
    assert!(csv.starts_with("scope,state,redirect_uri,url,problems\r\n"));
    assert!(csv.contains("snsapi_base,s1,https://app.example.com/a,https://open.weixin.qq.com/"));
    let md = to_markdown(&items);
    assert_eq!(md.lines().count(), 10);
    assert!(md.contains("| snsapi_privateinfo | bad state |"));
}

#[test]
fn a_batch_against_an_unusable_oauth_host_says_so_in_each_language() {
    let base = BatchBase {
        corpid: "ww1".into(),
        agentid: None,
        redirect_origin: "https://app.example.com".into(),
        trusted_domains: trusted(),
        oauth_host: Some("ftp://sandbox.test".into()),
    };
    let items = batch(&[Scope::Base], &["s1".into()], &["/a".into()], &base);
    let p = &items[0].problems[0];
    assert_eq!((items[0].url.as_deref(), p.id), (None, "host_invalid"));
    assert!(p.message_en.contains("is not an http(s)://host[:port] base"), "{p:?}");
    assert!(p.message_zh.contains("不是 http(s)://host[:port] 形式的地址"), "{p:?}");
    assert_eq!(crate::error::english_in(&p.message_zh), None, "{p:?}");
}

#[test]
fn csv_quotes_cells() {
    let item = BatchItem { scope: Scope::Base, state: "a,\"b".into(), redirect_uri: "r".into(), url: None, problems: vec![] };
    assert!(to_csv(&[item]).contains("\"a,\"\"b\""));
}

fn arb_params() -> impl Strategy<Value = (OAuthParams, bool)> {
    (
        "ww[a-z0-9]{4,18}",
        proptest::option::of("[1-9][0-9]{0,9}"),
        prop_oneof![Just("https"), Just("http")],
        "[a-z]{1,10}(\\.[a-z]{2,5}){1,2}",
        proptest::option::of(1024u16..65535),
        "(/[a-zA-Z0-9._~%!$'()*+,;=:@-]{0,8}){0,3}",
        proptest::option::of("[a-zA-Z0-9 &=?/:#中文]{0,12}"),
        "[a-zA-Z0-9]{0,128}",
        any::<bool>(),
    )
        .prop_map(|(corpid, agentid, scheme, host, port, path, query, state, private)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let q = query.map(|q| format!("?{q}")).unwrap_or_default();
            let scope = if private && agentid.is_some() { Scope::PrivateInfo } else { Scope::Base };
            let p = OAuthParams { corpid, agentid, redirect_uri: format!("{scheme}://{host}{port}{path}{q}"), scope, state };
            (p, private)
        })
}

proptest! {
    #[test]
    fn explain_never_panics(s in "\\PC*") {
        let _ = explain_url(&s, std::slice::from_ref(&s));
    }

    #[test]
    fn explain_never_panics_on_url_like(s in "https?://[a-z./:?#&=%0-9A-Z]{0,80}") {
        let _ = explain_url(&s, &["a.b:1".to_string()]);
    }

    #[test]
    fn build_explain_round_trip((p, _) in arb_params()) {
        let trusted = vec!["example.com".to_string()];
        let built = build_oauth_url(&p, &trusted).unwrap();
        let e = explain_url(&built.url, &trusted);
        prop_assert_eq!(e.kind, LinkKind::OAuth);
        prop_assert!(!e.has_errors(), "{:?} for {}", e.problems, built.url);
        // the explainer sees exactly the warnings the builder reported
        prop_assert_eq!(ids(&e.problems), ids(&built.problems));
        prop_assert_eq!(e.field("appid"), Some(p.corpid.as_str()));
        // the builder trims surrounding whitespace
        prop_assert_eq!(e.field("redirect_uri"), Some(p.redirect_uri.trim()));
        prop_assert_eq!(e.field("scope"), Some(p.scope.as_str()));
        prop_assert_eq!(e.field("state"), Some(p.state.as_str()));
        prop_assert_eq!(e.field("response_type"), Some("code"));
        prop_assert_eq!(e.field("agentid"), p.agentid.as_deref());
        prop_assert_eq!(e.fragment.as_deref(), Some("wechat_redirect"));
    }
}
