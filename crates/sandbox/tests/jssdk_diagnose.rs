//! `/sandbox/jssdk/verify` names the cause with wwdev-core's diagnosis engine:
//! the client's verdict stays, `causes` and the reason text come from the engine.

mod common;

use common::*;
use serde_json::{Value, json};
use wwdev_core::signature::{sha1_hex, string1};

const PAGE: &str = "http://localhost:5173/app?x=1";
const NONCE: &str = "Wm3WZYTPz0wzccnW";

/// Post a registration whose signature is `sha1(string1(ticket, NONCE, signed_ts, signed_url))`,
/// made the way a buggy backend would, while the page registers with `reg_ts`.
#[allow(clippy::too_many_arguments)] // each case varies a different one; a struct would hide that
async fn verify(sb: &Sb, kind: &str, agentid: Option<i64>, page: &str, ticket: &str, signed_url: &str, signed_ts: &str, reg_ts: &str) -> Value {
    let signature = sha1_hex(&string1(ticket, NONCE, signed_ts, signed_url));
    let r = sb
        .c
        .post(sb.url("/sandbox/jssdk/verify"))
        .json(&json!({"kind": kind, "url": page, "timestamp": reg_ts, "nonceStr": NONCE, "signature": signature, "agentid": agentid}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn tickets(sb: &Sb, agentid: i64) -> (String, String) {
    let t = sb.token(agentid).await;
    let corp = sb.get("/cgi-bin/get_jsapi_ticket", &[("access_token", &t)]).await["ticket"].as_str().unwrap().to_owned();
    let agent = sb.get("/cgi-bin/ticket/get", &[("access_token", &t), ("type", "agent_config")]).await["ticket"].as_str().unwrap().to_owned();
    (corp, agent)
}

fn top(v: &Value) -> &str {
    v["causes"][0]["id"].as_str().unwrap_or_else(|| panic!("no causes: {v}"))
}

fn ts() -> String {
    START.to_string()
}

#[tokio::test]
async fn valid_signatures_carry_no_causes() {
    let sb = sandbox().await;
    let (corp, agent) = tickets(&sb, H5).await;
    let v = verify(&sb, "config", None, &format!("{PAGE}#/home"), &corp, PAGE, &ts(), &ts()).await;
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["causes"], json!([]));
    let v = verify(&sb, "agentConfig", Some(H5), PAGE, &agent, PAGE, &ts(), &ts()).await;
    assert_eq!(v["valid"], true, "{v}");
}

#[tokio::test]
async fn fragment_and_timestamp_ms_are_named_with_fixes() {
    let sb = sandbox().await;
    let (corp, _) = tickets(&sb, H5).await;
    let page_hash = format!("{PAGE}#/orders/7");
    let v = verify(&sb, "config", None, &page_hash, &corp, &page_hash, &ts(), &ts()).await;
    assert_eq!((v["valid"].as_bool(), v["errcode"].as_i64()), (Some(false), Some(40093)), "{v}");
    assert_eq!(v["err_msg"], "config:invalid signature");
    assert_eq!(top(&v), "fragment_in_url");
    assert_eq!(v["causes"][0]["confidence"], "exact");
    // The reason is the engine's: what happened plus the fix, in both languages.
    let reason = v["reason"].as_str().unwrap();
    assert!(reason.contains("#/orders/7") && reason.contains(v["causes"][0]["fix"].as_str().unwrap()), "{reason}");
    assert!(v["reason_zh"].as_str().unwrap().contains(v["causes"][0]["fix_zh"].as_str().unwrap()));

    // Signed with Date.now(), registered with seconds.
    let ms = format!("{START}000");
    let v = verify(&sb, "config", None, PAGE, &corp, PAGE, &ms, &ts()).await;
    assert_eq!(v["valid"], false);
    assert_eq!(top(&v), "timestamp_ms", "{v}");
}

#[tokio::test]
async fn ticket_mistakes_keep_the_client_errcode() {
    let sb = sandbox().await;
    let (corp, agent) = tickets(&sb, H5).await;
    let (_, crm_agent) = tickets(&sb, CRM).await;
    // wx.config with the agent ticket: 40093, wrong kind.
    let v = verify(&sb, "config", None, PAGE, &agent, PAGE, &ts(), &ts()).await;
    assert_eq!(v["errcode"], 40093);
    assert_eq!(top(&v), "wrong_ticket_kind", "{v}");
    assert!(v["reason"].as_str().unwrap().contains("agent ticket"), "{v}");
    // agentConfig with the corp ticket: the client says 42012, the engine says wrong kind.
    let v = verify(&sb, "agentConfig", Some(H5), PAGE, &corp, PAGE, &ts(), &ts()).await;
    assert_eq!(v["errcode"], 42012);
    assert_eq!(v["err_msg"], "agentConfig:fail ticket no available, e=42012");
    assert_eq!(top(&v), "wrong_ticket_kind", "{v}");
    // agentConfig with another app's ticket.
    let v = verify(&sb, "agentConfig", Some(H5), PAGE, &crm_agent, PAGE, &ts(), &ts()).await;
    assert_eq!(v["errcode"], 42012);
    assert_eq!(top(&v), "other_profile_ticket", "{v}");
    assert!(v["reason"].as_str().unwrap().contains("1000003"), "{v}");
}

#[tokio::test]
async fn expired_ticket_is_stale_and_the_new_one_is_valid() {
    let sb = sandbox().await;
    let (old, _) = tickets(&sb, H5).await;
    sb.advance(7300).await;
    let (new, _) = tickets(&sb, H5).await;
    assert_ne!(old, new);
    let now = (START + 7300).to_string();
    let v = verify(&sb, "config", None, PAGE, &old, PAGE, &now, &now).await;
    assert_eq!((v["valid"].as_bool(), v["errcode"].as_i64()), (Some(false), Some(40093)), "{v}");
    assert_eq!(top(&v), "stale_ticket");
    assert!(v["reason"].as_str().unwrap().contains("expired"), "{v}");
    assert_eq!(verify(&sb, "config", None, PAGE, &new, PAGE, &now, &now).await["valid"], true);
}

#[tokio::test]
async fn non_signature_refusals_and_unexplained_ones() {
    let sb = sandbox().await;
    let (corp, _) = tickets(&sb, H5).await;
    // A domain refusal is decided before any hashing: no signature causes.
    let v = verify(&sb, "config", None, "http://other.test/p", &corp, "http://other.test/p", &ts(), &ts()).await;
    assert_eq!(v["err_msg"], "config:invalid url domain");
    assert_eq!(v["causes"], json!([]));
    // A ticket the sandbox never issued: only `unknown`, with a fix to follow.
    let v = verify(&sb, "config", None, PAGE, "made-up-ticket", PAGE, &ts(), &ts()).await;
    assert_eq!(v["errcode"], 40093);
    let causes = v["causes"].as_array().unwrap();
    assert_eq!(causes.last().unwrap()["id"], "unknown", "{v}");
    assert!(causes.iter().all(|c| !c["fix"].as_str().unwrap().is_empty()));
    assert!(!v["reason"].as_str().unwrap().is_empty());
}
