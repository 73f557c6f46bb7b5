//! Black-box tests of the `wwdev` binary against a real sandbox process over HTTP.

mod common;

use assert_cmd::Command;
use common::*;
use serde_json::Value;

#[test]
fn sandbox_json_line_has_the_contract_fields() {
    let sb = Sandbox::start();
    assert!(sb.base().starts_with("http://127.0.0.1:"));
    assert!(sb.corpid().starts_with("ww"));
    assert!(sb.info["apps"].as_array().unwrap().len() >= 2);
    for app in sb.info["apps"].as_array().unwrap() {
        assert!(app["agentid"].is_i64() && app["secret"].is_string() && app["name"].is_string() && app["trusted_domains"].is_array());
    }
    let members = sb.info["members"].as_array().unwrap();
    assert!(members.len() >= 8);
    assert!(members.iter().all(|m| m["userid"].is_string() && m["name"].is_string()));
}

#[test]
fn sign_contract_matches_the_official_vector() {
    let (code, v) = json_out(Command::new(env!("CARGO_BIN_EXE_wwdev")).args([
        "sign", "--json", "--ticket", "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
        "--nonce-str", "Wm3WZYTPz0wzccnW", "--timestamp", "1414587457", "--url", "http://mp.weixin.qq.com?params=value#frag",
    ]));
    assert_eq!(code, 0);
    assert_eq!(v["signature"], "0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    assert!(v["string1"].as_str().unwrap().ends_with("&url=http://mp.weixin.qq.com?params=value"));
    assert_eq!(v["stripped_fragment"], "#frag");
}

#[test]
fn full_oauth_flow_from_link_to_member_details() {
    let sb = Sandbox::start();
    let redirect = "http://localhost:5173/callback?from=test";
    // 1. the link, alone on a line
    let out = sb
        .wwdev(0)
        .args(["oauth-url", "--redirect-uri", redirect, "--scope", "snsapi_privateinfo", "--state", "qa42", "--oauth-host", sb.base()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let link = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(link.ends_with("#wechat_redirect") && link.contains("scope=snsapi_privateinfo"), "{link}");
    // 2. authorize as a member, skipping the picker
    let no_redirect = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = no_redirect.get(link.replace("#wechat_redirect", "") + "&sandbox_userid=zhangsan").send().unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    let callback = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(callback.starts_with("http://localhost:5173/callback?from=test&code="), "{callback}");
    // 3. the whole callback URL → identity
    let (code, v) = json_out(sb.wwdev(0).args(["userinfo", "--json", &callback]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["state"], "qa42");
    assert_eq!(v["userinfo"]["userid"], "zhangsan");
    assert_eq!(v["user"]["userid"], "zhangsan");
    assert!(v["user"]["name"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!(v["detail"]["userid"], "zhangsan", "privateinfo scope yields getuserdetail: {v}");
    // 4. the same code again: single use → 40029, exit code 1
    let (code, v) = json_out(sb.wwdev(0).args(["userinfo", "--json", &callback]));
    assert_eq!(code, 1);
    assert_eq!(v["error"]["errcode"], 40029);
    assert!(v["error"]["hint"].as_str().is_some_and(|h| !h.is_empty()));
}

#[test]
fn tickets_short_form_and_masking() {
    let sb = Sandbox::start();
    let (agentid, secret) = sb.app(0);
    let out = Command::new(env!("CARGO_BIN_EXE_wwdev"))
        .env("WWDEV_BASE_URL", sb.base())
        .env("WWDEV_AGENTID", &agentid)
        .args(["ticket", sb.corpid(), &secret, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let corp = v["jsapi_ticket"]["ticket"].as_str().unwrap();
    assert!(corp.contains("***"), "masked by default: {corp}");
    assert!(v["agent_ticket"]["expires_at"].as_i64().unwrap() > v["agent_ticket"]["fetched_at"].as_i64().unwrap());
    // the secret never appears in output
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&secret));
}

#[test]
fn exit_codes_distinguish_wecom_input_and_network_failures() {
    let sb = Sandbox::start();
    // WeCom errcode: wrong secret → 40001 → exit 1
    let (code, v) = json_out(sb.wwdev(0).env("WWDEV_SECRET", "wrong-secret").args(["token", "--json"]));
    assert_eq!((code, v["error"]["errcode"].as_i64()), (1, Some(40001)));
    // bad input → exit 2
    let out = sb.wwdev(0).args(["oauth-url", "--redirect-uri", "not a url", "--state", "s"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    // network: nothing listens there → exit 3
    let (code, v) = json_out(sb.wwdev(0).env("WWDEV_BASE_URL", "http://127.0.0.1:9").args(["token", "--json"]));
    assert_eq!(code, 3, "{v}");
    assert_eq!(v["error"]["kind"], "network");
}

#[test]
fn injected_faults_give_clear_errors() {
    let sb = Sandbox::start();
    sb.admin("faults", serde_json::json!({ "path": "/cgi-bin/gettoken", "kind": "errcode", "errcode": 60020 }));
    let (code, v) = json_out(sb.wwdev(0).args(["token", "--json"]));
    assert_eq!((code, v["error"]["errcode"].as_i64()), (1, Some(60020)));
    assert!(v["error"]["hint"].as_str().unwrap().to_lowercase().contains("ip"), "{v}");

    sb.admin("faults", serde_json::json!({ "path": "/cgi-bin/gettoken", "kind": "html_error" }));
    let (code, v) = json_out(sb.wwdev(0).args(["token", "--json"]));
    assert_eq!(code, 3, "{v}");
    assert!(["http", "decode"].contains(&v["error"]["kind"].as_str().unwrap()), "{v}");
}

#[test]
fn errcode_lookup_and_call_path() {
    let (code, v) = json_out(Command::new(env!("CARGO_BIN_EXE_wwdev")).args(["errcode", "40029", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(v["entries"][0]["entry"]["code"], 40029);
    let sb = Sandbox::start();
    let (code, v) = json_out(sb.wwdev(0).args(["call", "/cgi-bin/user/get", "-q", "userid=lisi", "--json"]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["body"]["userid"], "lisi");
    let (code, v) = json_out(sb.wwdev(0).args(["call", "/cgi-bin/user/get", "-q", "userid=nobody", "--json"]));
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["errcode"], 60111);
}
