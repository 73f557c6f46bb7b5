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

/// A raw GET with a chosen Host header (reqwest always sends the URL's host).
fn get_with_host(base: &str, path: &str, host: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn sandbox_answers_only_loopback_hosts_unless_allowed() {
    let sb = Sandbox::start_with(&["--allow-host", "dev.box"]);
    let port = sb.base().rsplit(':').next().unwrap().to_owned();
    let ok = get_with_host(sb.base(), "/sandbox/admin/clock", &format!("localhost:{port}"));
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let allowed = get_with_host(sb.base(), "/sandbox/admin/clock", &format!("dev.box:{port}"));
    assert!(allowed.starts_with("HTTP/1.1 200"), "{allowed}");
    let refused = get_with_host(sb.base(), "/sandbox/admin/clock", &format!("evil.example:{port}"));
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(refused.contains("--allow-host"), "the refusal says the way out: {refused}");
}

#[test]
fn sign_contract_matches_the_official_vector() {
    let (code, v) = json_out(Command::new(env!("CARGO_BIN_EXE_wwdev")).args([
        "sign", "--no-log", "--json", "--ticket", "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
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
        .env("WWDEV_LOG_FILE", sb.log_file())
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

#[test]
fn calls_land_in_the_request_log_without_secrets() {
    let sb = Sandbox::start();
    let (_, secret) = sb.app(0);
    // a token in full (so we know the value to look for), a ticket, a failing call
    let (code, v) = json_out(sb.wwdev(0).args(["token", "--json", "--reveal"]));
    assert_eq!(code, 0, "{v}");
    let token = v["access_token"].as_str().unwrap().to_owned();
    let (code, v) = json_out(sb.wwdev(0).args(["ticket", "--json", "--reveal"]));
    assert_eq!(code, 0, "{v}");
    let ticket = v["jsapi_ticket"]["ticket"].as_str().unwrap().to_owned();
    let (code, _) = json_out(sb.wwdev(0).args(["user", "nobody", "--json"]));
    assert_eq!(code, 1);
    // --no-log leaves no trace
    let (code, _) = json_out(sb.wwdev(0).args(["user", "lisi", "--json", "--no-log"]));
    assert_eq!(code, 0);

    let tail = sb.wwdev(0).args(["log", "tail", "--json", "-n", "50"]).output().unwrap();
    assert!(tail.status.success());
    let entries: Vec<Value> = String::from_utf8_lossy(&tail.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paths: Vec<&str> = entries.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"/cgi-bin/gettoken") && paths.contains(&"/cgi-bin/get_jsapi_ticket"), "{paths:?}");
    assert_eq!(entries.iter().filter(|e| e["path"] == "/cgi-bin/user/get").count(), 1, "--no-log call must not be recorded");
    assert!(entries.iter().any(|e| e["errcode"] == 60111));

    let found = sb.wwdev(0).args(["log", "search", "nobody", "--json"]).output().unwrap();
    let hits: Vec<Value> = String::from_utf8_lossy(&found.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["path"], "/cgi-bin/user/get");

    let har = sb.wwdev(0).args(["log", "export", "--format", "har"]).output().unwrap();
    let har: Value = serde_json::from_slice(&har.stdout).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    assert!(har["log"]["entries"].as_array().unwrap().len() >= 3);

    // No secret in the database, its WAL, or any export.
    let mut haystack = Vec::new();
    for f in ["requests.sqlite3", "requests.sqlite3-wal"] {
        if let Ok(b) = std::fs::read(sb.data.path().join(f)) {
            haystack.extend(b);
        }
    }
    for fmt in ["json", "har", "curl"] {
        haystack.extend(sb.wwdev(0).args(["log", "export", "--format", fmt]).output().unwrap().stdout);
    }
    let hay = String::from_utf8_lossy(&haystack);
    for s in [secret.as_str(), token.as_str(), ticket.as_str()] {
        assert!(!hay.contains(s), "a secret leaked into the log");
    }
}

#[test]
fn errors_are_chinese_under_a_chinese_locale_and_json_carries_both() {
    let sb = Sandbox::start();
    let zh = sb.wwdev(0).env("LANG", "zh_CN.UTF-8").env("WWDEV_SECRET", "wrong-secret").args(["token"]).assert().code(1);
    let err = String::from_utf8_lossy(&zh.get_output().stderr).into_owned();
    assert!(err.contains("错误：") && err.contains("企业微信返回错误码 40001"), "{err}");
    assert!(err.contains("怎么办："), "{err}");
    let en = sb.wwdev(0).env("LANG", "en_US.UTF-8").env("WWDEV_SECRET", "wrong-secret").args(["token"]).assert().code(1);
    let err = String::from_utf8_lossy(&en.get_output().stderr).into_owned();
    assert!(err.contains("error:") && err.contains("WeCom returned errcode 40001"), "{err}");
    let (code, v) = json_out(sb.wwdev(0).env("WWDEV_SECRET", "wrong-secret").args(["token", "--json"]));
    assert_eq!(code, 1);
    assert_eq!(v["error"]["kind"], "wecom");
    assert!(v["error"]["message_zh"].as_str().unwrap().contains("企业微信返回错误码 40001"), "{v}");
    assert!(v["error"]["hint_zh"].is_string() && v["error"]["hint"].is_string(), "{v}");
}
