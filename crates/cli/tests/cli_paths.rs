//! Black-box tests of the CLI paths the other files do not drive: `log tail --follow`,
//! `--secret-stdin`, `weblogin-url`, `explain-url`, `domain-check`, `openid`, and the
//! limits on what the CLI reads.

mod common;

use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

fn no_redirect() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[test]
fn log_tail_follow_prints_a_call_made_while_following() {
    let sb = Sandbox::start();
    assert_eq!(json_out(sb.wwdev(0).args(["token", "--json"])).0, 0);
    let mut tail = std::process::Command::new(env!("CARGO_BIN_EXE_wwdev"))
        .args(["log", "tail", "--follow", "--json", "-n", "1"])
        .env("WWDEV_LOG_FILE", sb.log_file())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel::<Value>();
    let out = tail.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(serde_json::from_str(&line).unwrap()).is_err() {
                break;
            }
        }
    });
    // The newest entry first: once it is printed, the tail is following.
    let first = rx.recv_timeout(Duration::from_secs(20)).expect("the newest entry");
    assert_eq!(first["path"], "/cgi-bin/gettoken", "{first}");
    assert_eq!(json_out(sb.wwdev(0).args(["user", "lisi", "--json"])).0, 0);
    // That process fetches its own token first, then the member.
    let mut paths = Vec::new();
    while let Ok(next) = rx.recv_timeout(Duration::from_secs(20)) {
        assert!(next["id"].as_i64() > first["id"].as_i64(), "{next}");
        paths.push(next["path"].as_str().unwrap().to_owned());
        if paths.last().unwrap() == "/cgi-bin/user/get" {
            break;
        }
    }
    let _ = tail.kill();
    let _ = tail.wait();
    assert_eq!(paths, ["/cgi-bin/gettoken", "/cgi-bin/user/get"], "the new calls show up while following");
}

/// `wwdev ARGS --secret-stdin` with `stdin` and no WWDEV_SECRET.
fn with_stdin(sb: &Sandbox, args: &[&str], stdin: &[u8]) -> (i32, Value, String) {
    let mut child = wwdev_in("C")
        .args(args)
        .arg("--secret-stdin")
        .env("WWDEV_BASE_URL", sb.base())
        .env("WWDEV_CORPID", sb.corpid())
        .env("WWDEV_LOG_FILE", sb.log_file())
        .env_remove("WWDEV_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data); // the CLI may stop reading early: that is the point
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v = serde_json::from_str(text.trim()).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), v, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn secret_stdin_reads_the_first_line_and_refuses_what_is_not_a_secret() {
    let sb = Sandbox::start();
    let (_, secret) = sb.app(0);
    let (code, v, _) = with_stdin(&sb, &["token", "--json"], format!("{secret}\nthe rest is not read\n").as_bytes());
    assert_eq!(code, 0, "{v}");
    assert!(v["access_token"].is_string());
    // A wrong secret reaches WeCom and is WeCom's error (40001), not a parse error.
    let (code, v, _) = with_stdin(&sb, &["token", "--json"], b"not-the-secret\n");
    assert_eq!((code, v["error"]["errcode"].as_i64()), (1, Some(40001)), "{v}");
    // Nothing on stdin.
    let (code, v, _) = with_stdin(&sb, &["token", "--json"], b"");
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("standard input was empty"), "{v}");
    assert_eq!(v["error"]["message_zh"], "secret 无效：指定了 --secret-stdin，但标准输入为空", "{v}");
    // A file piped by mistake: refused at the limit, not read whole.
    let (code, v, _) = with_stdin(&sb, &["token", "--json"], &vec![b'x'; 5 * 1024 * 1024]);
    assert_eq!(code, 2, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("--secret-stdin") && msg.contains("at most 1024 bytes"), "{msg}");
}

#[test]
fn weblogin_url_builds_a_link_the_sandbox_logs_in_with() {
    let sb = Sandbox::start();
    let redirect = "http://localhost:5173/login-cb";
    let (code, v) = json_out(sb.wwdev(0).args(["weblogin-url", "--redirect-uri", redirect, "--state", "web7", "--lang", "en", "--host", sb.base(), "--json"]));
    assert_eq!(code, 0, "{v}");
    let link = v["url"].as_str().unwrap();
    assert!(link.starts_with(&format!("{}/wwlogin/sso/login?", sb.base())), "{link}");
    let (agentid, _) = sb.app(0);
    for part in ["login_type=CorpApp", &format!("appid={}", sb.corpid()), &format!("agentid={agentid}"), "state=web7", "lang=en", "redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Flogin-cb"] {
        assert!(link.contains(part), "{part} missing from {link}");
    }
    // http://localhost is allowed, with a warning only.
    let problems = v["problems"].as_array().unwrap();
    assert!(problems.iter().all(|p| p["severity"] == "warning"), "{v}");
    // The sandbox accepts the link and sends a member back with a code.
    let resp = no_redirect().get(format!("{link}&sandbox_userid=lisi")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    let callback = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(callback.starts_with(redirect) && callback.contains("state=web7"), "{callback}");
    let (code, v) = json_out(sb.wwdev(0).args(["userinfo", "--json", &callback]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["userinfo"]["userid"], "lisi");
    // Without a redirect URI the user is told what is missing.
    let out = sb.wwdev(0).args(["weblogin-url", "--redirect-uri", "", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn explain_url_lists_the_problems_of_a_link() {
    let sb = Sandbox::start();
    let (code, v) = json_out(sb.wwdev(0).args(["oauth-url", "--redirect-uri", "https://app.example.test/cb", "--state", "s1", "--json"]));
    assert_eq!(code, 0, "{v}");
    let good = v["url"].as_str().unwrap().to_owned();
    let (code, v) = json_out(sb.wwdev(0).args(["explain-url", &good, "--trusted-domain", "app.example.test", "--json"]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["explanation"]["problems"], serde_json::json!([]), "{v}");
    // Scope misspelled, #wechat_redirect dropped, redirect outside the trusted domain.
    let bad = good.replace("snsapi_base", "snsapi_basic").replace("#wechat_redirect", "");
    let (code, v) = json_out(sb.wwdev(0).args(["explain-url", &bad, "--trusted-domain", "other.example.test", "--json"]));
    assert_eq!(code, 2, "{v}");
    assert_eq!(v["ok"], false);
    let ids: Vec<&str> = v["explanation"]["problems"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(ids.len() >= 3, "{ids:?}");
    for p in v["explanation"]["problems"].as_array().unwrap() {
        assert!(p["message_en"].as_str().is_some_and(|m| !m.is_empty()) && p["message_zh"].as_str().is_some_and(|m| !m.is_empty()), "{p}");
    }
    // Human output names each problem.
    let out = sb.wwdev(0).args(["explain-url", &bad, "--trusted-domain", "other.example.test"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    for id in &ids {
        assert!(err.contains(&format!("[{id}]")), "{id} not shown: {err}");
    }
}

/// A one-file web server on 127.0.0.1 for the domain check: `name` answers `body`, anything else 404.
fn verify_server(name: &'static str, body: &'static str) -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut s in l.incoming().map_while(Result::ok) {
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let path = req.split_whitespace().nth(1).unwrap_or("");
            let (status, body) = if path == format!("/{name}") { ("200 OK", body) } else { ("404 Not Found", "no") };
            let _ = write!(s, "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        }
    });
    format!("127.0.0.1:{}", addr.port())
}

#[test]
fn domain_check_fetches_the_verify_file_and_checks_urls() {
    let domain = verify_server("WW_verify_Zx81Qw72Er63Ty54.txt", "Zx81Qw72Er63Ty54");
    let run = |file: &str, urls: &[String]| {
        let mut c = assert_cmd::Command::from_std(wwdev_in("C"));
        c.args(["domain-check", &domain, "--file", file, "--json", "--no-log", "--timeout", "5"]);
        for u in urls {
            c.args(["--url", u]);
        }
        json_out(&mut c)
    };
    let (code, v) = run("WW_verify_Zx81Qw72Er63Ty54.txt", &[format!("https://{domain}/cb"), "https://elsewhere.test/cb".into()]);
    let checks = v["report"]["checks"].as_array().unwrap();
    let by_id = |id: &str| checks.iter().filter(|c| c["id"] == id).collect::<Vec<_>>();
    let http = by_id("verify_file_http");
    assert_eq!(http.len(), 1, "{v}");
    assert!(http[0]["message_en"].as_str().unwrap().contains("matches"), "{v}");
    assert_eq!(by_id("verify_file_https")[0]["severity"], "error", "this server has no TLS: {v}");
    let urls = by_id("url_under_domain");
    assert_eq!((urls[0]["severity"].as_str(), urls[1]["severity"].as_str()), (Some("ok"), Some("error")), "{v}");
    assert_eq!((code, &v["ok"]), (2, &Value::Bool(false)), "{v}");
    // A file that is not served is reported as not found over http.
    let (code, v) = run("WW_verify_0000000000000000.txt", &[]);
    assert_eq!(code, 2);
    let checks = v["report"]["checks"].as_array().unwrap();
    let http = checks.iter().find(|c| c["id"] == "verify_file_http").unwrap();
    assert_eq!(http["severity"], "error", "{v}");
    assert!(http["message_en"].as_str().unwrap().contains("404"), "{http}");
}

#[test]
fn openid_converts_a_member_and_explains_an_unknown_one() {
    let sb = Sandbox::start();
    let (code, a) = json_out(sb.wwdev(0).args(["openid", "zhangsan", "--json"]));
    assert_eq!(code, 0, "{a}");
    assert_eq!(a["userid"], "zhangsan");
    let openid = a["openid"].as_str().unwrap();
    assert!(!openid.is_empty());
    let (_, again) = json_out(sb.wwdev(0).args(["openid", "zhangsan", "--json"]));
    assert_eq!(again["openid"], openid, "stable for one member");
    let (_, other) = json_out(sb.wwdev(0).args(["openid", "lisi", "--json"]));
    assert_ne!(other["openid"], openid, "another member, another openid");
    let out = sb.wwdev(0).args(["openid", "zhangsan"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), openid);
    let (code, v) = json_out(sb.wwdev(0).args(["openid", "nobody-here", "--json"]));
    assert_eq!(code, 1, "{v}");
    assert!(v["error"]["errcode"].as_i64().is_some_and(|c| c != 0), "{v}");
}

#[test]
fn arguments_and_pastes_beyond_the_limits_are_refused_clearly() {
    let sb = Sandbox::start();
    let long_url = format!("https://app.example.test/p?x={}", "a".repeat(17 * 1024));
    for args in [
        vec!["explain-url", long_url.as_str()],
        vec!["sign", "--ticket", "t", "--url", long_url.as_str()],
        vec!["userinfo", long_url.as_str()],
    ] {
        let (code, v) = json_out(sb.wwdev(0).args(&args).arg("--json"));
        assert_eq!(code, 2, "{args:?}: {v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains("at most 16384 bytes"), "{args:?}: {msg}");
    }
    // The JSON holds both languages whatever the locale; a Chinese locale reads Chinese.
    let (_, v) = json_out(sb.wwdev(0).env("LANG", "zh_CN.UTF-8").args(["explain-url", &long_url, "--json"]));
    assert!(v["error"]["message"].as_str().unwrap().contains("at most 16384 bytes"), "{v}");
    let zh = v["error"]["message_zh"].as_str().unwrap();
    assert!(zh.contains("最多接受 16384 字节") && !zh.contains("at most"), "{v}");
    let out = sb.wwdev(0).env("LANG", "zh_CN.UTF-8").args(["explain-url", &long_url]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("错误：") && err.contains("最多接受 16384 字节") && !err.contains("at most"), "{err}");
    // diagnose: a paste over 1 MiB is refused, not parsed.
    let mut child = wwdev_in("C")
        .args(["diagnose", "--ticket", "t", "--url", "https://app.example.test/", "--json", "--no-log"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(format!("{{signature: '{}'}}", "a".repeat(2 * 1024 * 1024)).as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.to_string().contains("longer than 1048576 bytes"), "{v}");
}

#[test]
fn a_missing_setting_is_explained_fully_in_chinese() {
    let sb = Sandbox::start();
    let out = sb.wwdev(0).env_remove("WWDEV_CORPID").env("LANG", "zh_CN.UTF-8").args(["token", "--no-log"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("corpid 无效：没有提供企业ID，请传入 --corpid 或设置 WWDEV_CORPID（管理后台 → 我的企业 → 企业ID）"), "{err}");
    assert!(!err.contains("admin console") && !err.contains("no corp ID"), "{err}");
    let (code, v) = json_out(sb.wwdev(0).env_remove("WWDEV_CORPID").args(["token", "--no-log", "--json"]));
    assert_eq!(code, 2);
    assert!(v["error"]["message"].as_str().unwrap().starts_with("invalid corpid: no corp ID given"), "{v}");
}

#[test]
fn request_log_failures_are_storage_errors_in_both_languages() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let log = blocker.join("requests.sqlite3");
    // Reading the log: the command fails, as the app's own data (exit code 2).
    let (code, v) = json_out(sb.wwdev(0).env("WWDEV_LOG_FILE", &log).args(["log", "tail", "--json"]));
    assert_eq!((code, v["error"]["kind"].as_str()), (2, Some("storage")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("could not create the request log directory"), "{v}");
    let zh = v["error"]["message_zh"].as_str().unwrap();
    assert!(zh.starts_with("无法创建请求日志目录") && zh.contains("（详情："), "{v}");
    assert!(!zh.contains("could not create") && !zh.contains("配置错误"), "{v}");
    // Recording a call: a warning in the user's language, and the call still runs.
    let out = sb.wwdev(0).env("WWDEV_LOG_FILE", &log).env("LANG", "zh_CN.UTF-8").args(["token"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("警告：这次调用不会记入请求日志：无法创建请求日志目录"), "{err}");
    assert!(!err.contains("warning:"), "{err}");
}
