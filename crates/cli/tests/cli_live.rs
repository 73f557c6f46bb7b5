//! Black-box test of `wwdev live`'s human output: one line per event, the cause named
//! in the user's language.

mod common;

use common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

fn live_lines(lang: &str) -> Vec<String> {
    live_run(&Sandbox::start(), lang, false).0
}

/// Run `wwdev live`, report one failed agentConfig through the intake as probe.js
/// would, and answer the lines printed up to that event, and the paste it used.
fn live_run(sb: &Sandbox, lang: &str, json_out: bool) -> (Vec<String>, String) {
    let (agentid, _) = sb.app(0);
    let mut child = sb
        .wwdev_process(0)
        .env("LANG", lang)
        .args(["live", "--port", "0", "--no-log"])
        .args(if json_out { &["--json"][..] } else { &[][..] })
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let base = if json_out {
        serde_json::from_str::<Value>(&first).unwrap()["base_url"].as_str().unwrap().to_owned()
    } else {
        first.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap_or_else(|| panic!("no URL in {first:?}")).to_owned()
    };
    let http = reqwest::blocking::Client::builder().no_proxy().build().unwrap();
    let probe = http.get(format!("{base}/__wwdev/probe.js")).send().unwrap().text().unwrap();
    let token = probe.split("\"token\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    let page = "http://localhost:5173/app?x=1";
    let sig: Value = http.get(format!("{base}/__wwdev/signature")).query(&[("url", page)]).send().unwrap().json().unwrap();
    let batch = json!({"session": "abc123", "events": [{
        "type": "agentConfig", "href": page, "entry": page, "api": "agentConfig",
        "params": {"corpid": sb.corpid(), "agentid": agentid, "timestamp": sig["config"]["timestamp"].to_string(),
                   "nonceStr": sig["config"]["nonceStr"], "signature": sig["config"]["signature"], "jsApiList": ["getContext"]},
        "result": {"err_msg": "agentConfig:fail ticket no available, e=42012"}}]});
    let r = http.post(format!("{base}/__wwdev/events?token={token}")).body(batch.to_string()).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let mut lines = Vec::new();
    for line in out.lines() {
        let line = line.unwrap();
        let done = line.contains("agentConfig [") || line.contains("\"type\":\"agentConfig\"");
        lines.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let c = &sig["config"];
    let paste = format!("signature: {}\nnonceStr: {}\ntimestamp: {}\n", c["signature"].as_str().unwrap(), c["nonceStr"].as_str().unwrap(), c["timestamp"]);
    (lines, paste)
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn the_event_carries_the_object_wwdev_diagnose_json_prints() {
    let sb = Sandbox::start();
    let (lines, paste) = live_run(&sb, "C", true);
    let ev: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let live = &ev["diagnosis"];
    let (_, cli) = json_out(sb.wwdev(0).args(["diagnose", "--json", "--no-log", "--kind", "agentConfig", "--url", "http://localhost:5173/app?x=1"]).write_stdin(paste));
    assert_eq!(keys(live), keys(&cli), "same shape");
    assert_eq!(live["valid"], cli["valid"]);
    let ids = |v: &Value| v["causes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(live), ids(&cli));
    assert_eq!(ids(live)[0], "wrong_ticket_kind");
    assert_eq!(keys(&live["causes"][0]), keys(&cli["causes"][0]));
}

#[test]
fn failed_agent_config_names_the_cause_in_english_and_chinese() {
    let en = live_lines("en_US.UTF-8");
    let line = en.iter().find(|l| l.contains("agentConfig [")).unwrap();
    assert!(line.contains("FAIL agentConfig:fail ticket no available, e=42012"), "{line}");
    assert!(line.contains("cause: Signed with the wrong kind of ticket") && line.contains("(wrong_ticket_kind)"), "{line}");
    let zh = live_lines("zh_CN.UTF-8");
    let line = zh.iter().find(|l| l.contains("agentConfig [")).unwrap();
    assert!(line.contains("原因：用错了 ticket 类型"), "{line}");
}
