//! The app's page bridge against a real embedded sandbox: a probe batch reporting a
//! fragment-signed config shows up as a session and a diagnosed timeline event, pushed
//! to the UI and written to the request log.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wwdev_core::cache::TicketKind;

use super::*;
use crate::commands::log::query;
use crate::commands::log::tests::{sandbox_profile, with_log};
use crate::host::RecordedEvents;
use crate::types_log::{LogFilterView, LogPageArgs};

async fn http(method: &str, url: &str, body: Option<String>) -> (u16, String) {
    let c = wwdev_core::http::client_builder().no_proxy().build().unwrap();
    let mut rq = c.request(method.parse().unwrap(), url);
    if let Some(b) = body {
        rq = rq.header("content-type", "application/json").body(b);
    }
    let r = rq.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fragment_signed_config_becomes_a_diagnosed_session() {
    let dir = tempfile::tempdir().unwrap();
    let pushed = Arc::new(RecordedEvents::default());
    let st = with_log(dir.path(), pushed.clone());
    let (pid, _) = sandbox_profile(&st).await;
    let s = start(&st, &pid, None, vec!["http://localhost:5173".into()]).await.unwrap();
    let base = s.base_url.clone().unwrap();
    assert_eq!(s.scripts.len(), 2);
    assert!(s.scripts[0].contains(&format!("{base}/__wwdev/probe.js")), "{:?}", s.scripts);
    assert!(s.proxy_vite.as_deref().unwrap().contains(&base) && s.proxy_webpack.as_deref().unwrap().contains("devServer"));

    // The token, as a page gets it: from the served probe.js.
    let (code, js) = http("GET", &format!("{base}/__wwdev/probe.js"), None).await;
    assert_eq!(code, 200);
    let token = js.split("\"token\":\"").nth(1).and_then(|t| t.split('"').next()).expect("token in probe.js").to_owned();

    // The page signs its URL with the fragment: the classic mistake.
    let seed = st.sandbox_handle().unwrap().seed().clone();
    let domain = seed.apps[0].trusted_domains[0].clone();
    let href = format!("https://{domain}/app/#/home");
    let r = st.resolve(&pid, "test").unwrap();
    let ticket = st.cache_arc_for(&r.profile.base_url).ticket(&r.client, &r.key, r.secret().unwrap(), TicketKind::Corp, false).await.unwrap();
    let ts = st.now_for(&r.profile.base_url).to_string();
    // string1 over the whole href, fragment included (`sign` would strip it).
    let signature = wwdev_core::signature::sha1_hex(&wwdev_core::signature::string1(ticket.value.expose(), "n0nce1234", &ts, &href));
    let ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.30 MicroMessenger/7.0.1";
    let batch = json!({"session": "page-1", "events": [
        {"type": "session", "href": href, "entry": href, "ua": ua},
        {"type": "config", "href": href, "entry": href, "api": "preVerifyJSAPI",
         "params": {"appId": seed.corpid, "verifyTimestamp": ts, "verifyNonceStr": "n0nce1234",
                    "verifySignature": signature, "verifyJsApiList": ["getContext"]},
         "result": {"errMsg": "config:invalid signature", "errCode": 40093}, "ua": ua},
    ]});
    let (code, body) = http("POST", &format!("{base}/__wwdev/events?token={token}"), Some(batch.to_string())).await;
    assert_eq!(code, 200, "{body}");

    let mut timeline = vec![];
    let live_pushed = || pushed.0.lock().unwrap().iter().filter(|(n, _)| n == crate::host::events::LIVE_EVENT).count();
    // The collector keeps an event, then pushes it: wait for both, so nothing arrives later.
    for _ in 0..250 {
        timeline = live_timeline(&st, "page-1", 0).await;
        if timeline.len() >= 2 && live_pushed() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(timeline.len(), 2, "{timeline:?}");
    let cfg = &timeline[1];
    assert_eq!((cfg.kind.as_str(), cfg.ok), ("config", Some(false)));
    assert_eq!(cfg.err_msg.as_deref(), Some("config:invalid signature"));
    let cause = cfg.top_cause.as_ref().unwrap_or_else(|| panic!("a diagnosed cause: {cfg:?}"));
    assert_eq!(cause.id, "fragment_in_url", "{:?}", cfg.diagnosis);
    assert!(!cause.fix.is_empty() && !cause.fix_zh.is_empty() && !cause.title_zh.is_empty(), "{cause:?}");
    assert_eq!(cfg.diagnosis.as_ref().unwrap()["valid"], false);
    assert_eq!(cfg.detail["params"]["nonceStr"], "n0nce1234");
    assert!(cfg.detail["params"]["signature"].as_str().unwrap().contains("***"), "params masked like the log");
    assert!(live_timeline(&st, "page-1", cfg.seq).await.is_empty());
    assert!(live_timeline(&st, "another", 0).await.is_empty());

    let sessions = live_sessions(&st).await;
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let s = &sessions[0];
    assert_eq!((s.client.as_str(), s.os.as_str(), s.wxwork_version.as_deref()), ("wxwork", "iOS", Some("4.1.30")));
    assert_eq!(s.entry_url.as_deref(), Some(href.as_str()));
    assert_eq!((s.events, s.failures, s.last_cause.as_deref()), (2, 1, Some("fragment_in_url")));

    // Pushed to the UI as it happened.
    let pushed = pushed.0.lock().unwrap().clone();
    let live: Vec<_> = pushed.iter().filter(|(n, _)| n == crate::host::events::LIVE_EVENT).collect();
    assert_eq!(live.len(), 2, "{pushed:?}");
    assert_eq!(live[1].1["top_cause"]["id"], "fragment_in_url");
    assert_eq!(live[1].1["session"], "page-1");

    // And in the request log.
    let logged =
        query(&st, &LogFilterView { text: Some("config".into()), ..Default::default() }, LogPageArgs { before_id: None, limit: 20 }).await.unwrap();
    assert!(logged.items.iter().any(|i| i.feature == wwdev_signer::EVENTS_FEATURE), "{logged:?}");

    stop(&st).await;
    assert!(live_sessions(&st).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_allowed_origin_is_refused_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let st = with_log(dir.path(), Arc::new(RecordedEvents::default()));
    let (pid, _) = sandbox_profile(&st).await;
    for (origin, zh) in [("not a url", "不是 URL"), ("ftp://localhost:5173", "必须形如 http(s)://host[:port]")] {
        let e = start(&st, &pid, None, vec![origin.into()]).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
        assert!(e.message.starts_with(&format!("allowed origin {origin:?}")), "{e:?}");
        assert!(e.message_zh.starts_with(&format!("允许的来源 {origin:?} ")) && e.message_zh.contains(zh), "{e:?}");
        assert!(!e.message_zh.contains("allowed origin") && !e.message_zh.contains("write it like"), "{e:?}");
        assert!(e.hint_zh.as_deref().is_some_and(|h| h.contains("location.origin")), "{e:?}");
    }
}
