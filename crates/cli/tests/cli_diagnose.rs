//! Black-box tests of `wwdev diagnose` and `wwdev sign-server`.

mod common;

use assert_cmd::Command;
use common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use wwdev_core::signature::{sha1_hex, string1};

const CORP: &str = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
const AGENT: &str = "kgt8ON7yVITDhtdwci0qeZ8pLqSf0n1hKEf_yVWm4b6K1sbxPYcZ3E6u8nFcaQzPcGzt1PVhZ0ffBZzWfg0gRg";
const PAGE: &str = "https://app.example.com/p?id=1#/orders/7";
const PAGE_NO_FRAG: &str = "https://app.example.com/p?id=1";
const NONCE: &str = "Wm3WZYTPz0wzccnW";

fn now() -> String {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs().to_string()
}

/// The object a backend's getConfigSignature returned, signed the given way.
fn paste(ticket: &str, ts: &str, signed_url: &str) -> String {
    let sig = sha1_hex(&string1(ticket, NONCE, ts, signed_url));
    format!("getConfigSignature :>> {{ timestamp: {ts}, nonceStr: '{NONCE}', signature: '{sig}' }}")
}

fn diagnose(args: &[&str], stdin: String) -> Command {
    let mut c = wwdev_in("C");
    c.arg("diagnose").args(args).arg("--no-log").env_remove("WWDEV_SECRET");
    let mut c = Command::from_std(c);
    c.write_stdin(stdin);
    c
}

fn ids(v: &Value) -> Vec<String> {
    v["causes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn valid_signature_exits_0_with_the_contract_shape() {
    let ts = now();
    let (code, v) = json_out(&mut diagnose(
        &["--json", "--kind", "config", "--url", PAGE, "--ticket", CORP],
        paste(CORP, &ts, PAGE_NO_FRAG),
    ));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["causes"], json!([]));
    assert!(v["fields"].as_array().unwrap().iter().all(|f| f["ok"] == true), "{v}");
    assert_eq!(v["expected"]["urlSigned"], PAGE_NO_FRAG);
    assert!(v["expected"]["string1"].as_str().unwrap().contains("***"), "ticket masked: {v}");
    assert!(!v.to_string().contains(CORP), "the ticket is never printed");
}

#[test]
fn fragment_in_url_exits_1_with_fix_in_both_languages() {
    let ts = now();
    let (code, v) = json_out(&mut diagnose(&["--json", "--kind", "config", "--url", PAGE, "--ticket", CORP], paste(CORP, &ts, PAGE)));
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["valid"], false);
    assert_eq!(ids(&v)[0], "fragment_in_url");
    let c = &v["causes"][0];
    assert_eq!(c["confidence"], "exact");
    for k in ["fix", "fix_zh", "title", "title_zh", "detail", "detail_zh"] {
        assert!(c[k].as_str().is_some_and(|s| !s.is_empty()), "{k}: {c}");
    }
    assert!(c["fix"].as_str().unwrap().contains('#'));
    // explained vs expected differ exactly where the fragment starts.
    let exp = v["expected"]["string1"].as_str().unwrap();
    let idx = v["explained"]["firstDiffIndex"].as_u64().unwrap() as usize;
    assert_eq!(idx, exp.chars().count());
    assert_eq!(v["explained"]["string1"].as_str().unwrap().chars().nth(idx), Some('#'));
    assert!(!v.to_string().contains(CORP));
}

#[test]
fn wrong_ticket_kind_and_timestamp_ms() {
    let ts = now();
    // agentConfig signed with the corp ticket.
    let (code, v) = json_out(&mut diagnose(
        &["--json", "--kind", "agentConfig", "--url", PAGE, "--ticket", CORP, "--agent-ticket", AGENT],
        paste(CORP, &ts, PAGE_NO_FRAG),
    ));
    assert_eq!(code, 1, "{v}");
    assert_eq!(ids(&v)[0], "wrong_ticket_kind", "{v}");
    assert_eq!(v["causes"][0]["ticket"]["kind"], "corp");
    // The same paste as config is valid.
    let (code, _) = json_out(&mut diagnose(
        &["--json", "--kind", "config", "--url", PAGE, "--ticket", CORP, "--agent-ticket", AGENT],
        paste(CORP, &ts, PAGE_NO_FRAG),
    ));
    assert_eq!(code, 0);
    // Date.now() as the timestamp, signed and registered.
    let ms = format!("{ts}123");
    let (code, v) = json_out(&mut diagnose(&["--json", "--kind", "config", "--url", PAGE, "--ticket", CORP], paste(CORP, &ms, PAGE_NO_FRAG)));
    assert_eq!(code, 1, "{v}");
    assert_eq!(ids(&v)[0], "timestamp_ms", "{v}");
    // An older ticket given second is found as stale.
    let (code, v) = json_out(&mut diagnose(
        &["--json", "--kind", "config", "--url", PAGE, "--ticket", "NEWER-TICKET-0123456789", "--ticket", CORP],
        paste(CORP, &ts, PAGE_NO_FRAG),
    ));
    assert_eq!(code, 1);
    assert_eq!(ids(&v)[0], "stale_ticket", "{v}");
}

#[test]
fn garbage_and_bad_arguments_exit_2_with_a_clear_message() {
    let (code, v) = json_out(&mut diagnose(&["--json", "--url", PAGE, "--ticket", CORP], "hello, this is not a signature\n".into()));
    assert_eq!(code, 2, "{v}");
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["kind"], "invalid_input");
    assert_eq!(v["error"]["parse_error"], "nothing_recognised");
    assert!(v["error"]["message"].as_str().unwrap().contains("signature"), "{v}");
    // Human: the message on stderr, nothing on stdout.
    let out = diagnose(&["--url", PAGE, "--ticket", CORP], "signature: abc".into()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("40 hexadecimal"), "{err}");
    // A relative URL is bad input too.
    let (code, v) = json_out(&mut diagnose(&["--json", "--url", "/p?id=1", "--ticket", CORP], paste(CORP, &now(), PAGE_NO_FRAG)));
    assert_eq!(code, 2);
    assert_eq!(v["error"]["field"], "url");
    // No ticket given and no credentials: say how to give them.
    let out = diagnose(&["--url", PAGE], paste(CORP, &now(), PAGE_NO_FRAG)).env_remove("WWDEV_CORPID").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("WWDEV_SECRET"));
}

#[test]
fn human_output_marks_the_first_difference_and_speaks_chinese() {
    let ts = now();
    let out = diagnose(&["--kind", "config", "--url", PAGE, "--ticket", CORP], paste(CORP, &ts, PAGE)).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("invalid") && text.contains("[fragment_in_url]") && text.contains("fix:"), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    let caret = lines.iter().position(|l| l.trim() == "^").unwrap_or_else(|| panic!("no caret line:\n{text}"));
    let col = lines[caret].chars().count() - 1;
    assert_eq!(lines[caret - 1].chars().nth(col), Some('#'), "caret under the '#':\n{text}");
    let out = diagnose(&["--kind", "config", "--url", PAGE, "--ticket", CORP], paste(CORP, &ts, PAGE))
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("签名无效") && text.contains("修复"), "{text}");
    // Labels, marks and the confidence are Chinese too; the caret still sits under the
    // '#' on screen, Chinese labels taking two columns a character.
    assert!(text.contains("实际签名  ") && text.contains("（确定）"), "{text}");
    for english in ["expected ", "signed ", "DIFF", "(exact)", "fix:"] {
        assert!(!text.contains(english), "{english:?} in:\n{text}");
    }
    let lines: Vec<&str> = text.lines().collect();
    let caret = lines.iter().position(|l| l.trim() == "^").unwrap_or_else(|| panic!("no caret line:\n{text}"));
    let signed = lines[caret - 1];
    let before_hash = &signed[..signed.find('#').unwrap()];
    let columns = before_hash.chars().map(|c| if ('\u{4e00}'..='\u{9fff}').contains(&c) { 2 } else { 1 }).sum::<usize>();
    assert_eq!(columns, lines[caret].len() - 1, "caret under the '#':\n{text}");
}

#[test]
fn tickets_are_fetched_through_the_profile_flags() {
    let sb = Sandbox::start();
    let (code, t) = json_out(sb.wwdev(0).args(["ticket", "--reveal", "--json"]));
    assert_eq!(code, 0, "{t}");
    let corp = t["jsapi_ticket"]["ticket"].as_str().unwrap().to_owned();
    let agent = t["agent_ticket"]["ticket"].as_str().unwrap().to_owned();
    let ts = now();
    // The sandbox hands out the same current tickets to the diagnosis process.
    let (code, v) = json_out(sb.wwdev(0).args(["diagnose", "--json", "--kind", "agentConfig", "--url", PAGE]).write_stdin(paste(&agent, &ts, PAGE_NO_FRAG)));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["valid"], true);
    let (code, v) = json_out(sb.wwdev(0).args(["diagnose", "--json", "--kind", "config", "--url", PAGE]).write_stdin(paste(&agent, &ts, PAGE_NO_FRAG)));
    assert_eq!(code, 1, "{v}");
    assert_eq!(ids(&v)[0], "wrong_ticket_kind");
    assert!(!v.to_string().contains(&corp) && !v.to_string().contains(&agent));
    // A wrong secret: WeCom's errcode, exit 1, one JSON document.
    let (code, v) = json_out(sb.wwdev(0).env("WWDEV_SECRET", "wrong").args(["diagnose", "--json", "--url", PAGE]).write_stdin(paste(&agent, &ts, PAGE_NO_FRAG)));
    assert_eq!((code, v["error"]["errcode"].as_i64()), (1, Some(40001)), "{v}");
}

#[test]
fn sign_server_serves_signatures_the_sandbox_accepts() {
    let sb = Sandbox::start();
    let (agentid, _) = sb.app(0);
    let mut child = sb
        .wwdev_process(0)
        .args(["sign-server", "--port", "0", "--allow-origin", "http://localhost:5173", "--json"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad JSON line {line:?}: {e}"));
    let http = reqwest::blocking::Client::builder().no_proxy().build().unwrap();
    let page = "http://localhost:5173/app?x=1#/home";
    let r = http
        .get(info["endpoint"].as_str().unwrap())
        .query(&[("url", page)])
        .header("Origin", "http://localhost:5173")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], "http://localhost:5173");
    let v: Value = r.json().unwrap();
    for (kind, part, agent) in [("config", "config", Value::Null), ("agentConfig", "agentConfig", json!(agentid.parse::<i64>().unwrap()))] {
        let s = &v[part];
        let d: Value = http
            .post(format!("{}/sandbox/jssdk/verify", sb.base()))
            .json(&json!({"kind": kind, "url": page, "timestamp": s["timestamp"], "nonceStr": s["nonceStr"], "signature": s["signature"], "agentid": agent}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(d["valid"], true, "{kind}: {d}");
    }
    let snippet = info["snippet"].as_str().unwrap();
    assert!(snippet.contains(info["base_url"].as_str().unwrap()) && snippet.contains("getAgentConfigSignature"), "{snippet}");
    let _ = child.kill();
    let _ = child.wait();
}
