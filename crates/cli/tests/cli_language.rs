//! Black-box tests of the language of the CLI's human output: Chinese under a `zh*`
//! locale (LC_ALL, then LC_MESSAGES, then LANG), English otherwise. Warnings, notes,
//! summaries and hints follow it, not only error messages; machine-readable output
//! (JSON, field labels, URLs) stays the same.

mod common;

use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use wwdev_core::error::english_in;

const ZH: &str = "zh_CN.UTF-8";

/// `wwdev` with `LANG=lang` and no other locale variable, recording nowhere.
fn wwdev(lang: &str) -> assert_cmd::Command {
    let mut c = wwdev_in(lang);
    c.env_remove("WWDEV_BASE_URL")
        .env_remove("WWDEV_SECRET")
        .env_remove("WWDEV_CORPID")
        .env_remove("WWDEV_AGENTID");
    assert_cmd::Command::from_std(c)
}

/// (exit code, stdout, stderr)
fn run(c: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

const SIGN: [&str; 9] = [
    "sign",
    "--no-log",
    "--url",
    "https://app.example.com/p?id=1#/home",
    "--ticket",
    "T1",
    "--nonce-str",
    "abc",
    "--timestamp",
];

#[test]
fn sign_warns_about_milliseconds_and_notes_the_fragment_in_the_users_language() {
    let (code, out, err) = run(wwdev(ZH).args(SIGN).arg("1700000000000"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.trim(),
        "警告：timestamp 1700000000000 像是毫秒；企业微信要求以秒为单位（这是 40093 的常见原因）"
    );
    assert!(out.starts_with("提示：已去掉片段"), "{out}");
    // The result lines are field names and values, the same in both languages.
    assert!(out.contains("\nsignature  ") && out.contains("\nstring1    jsapi_ticket=T1&noncestr=abc&"), "{out}");

    let (code, out, err) = run(wwdev("C").args(SIGN).arg("1700000000000"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.trim(), "warning: timestamp 1700000000000 looks like milliseconds; WeCom expects seconds (a common cause of 40093)");
    assert!(out.starts_with("note: removed the fragment"), "{out}");
}

#[test]
fn lc_all_wins_over_lang_and_an_empty_one_is_skipped() {
    let (_, _, err) = run(wwdev(ZH).env("LC_ALL", "C").args(SIGN).arg("1700000000000"));
    assert!(err.starts_with("warning: timestamp"), "{err}");
    let (_, _, err) = run(wwdev("C").env("LC_ALL", "").env("LC_MESSAGES", "zh_TW.UTF-8").args(SIGN).arg("1700000000000"));
    assert!(err.starts_with("警告："), "{err}");
}

#[test]
fn log_search_and_export_summaries_follow_the_locale() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.sqlite3");
    let (code, out, err) = run(wwdev(ZH).env("WWDEV_LOG_FILE", &log).args(["log", "search", "nothing-like-this"]));
    assert_eq!((code, out.as_str(), err.trim()), (0, "", "没有匹配的条目"));
    let (code, out, err) = run(wwdev("C").env("WWDEV_LOG_FILE", &log).args(["log", "search", "nothing-like-this"]));
    assert_eq!((code, out.as_str(), err.trim()), (0, "", "no entries match"));

    let (code, out, err) = run(wwdev(ZH).env("WWDEV_LOG_FILE", &log).args(["log", "export"]));
    assert_eq!((code, err.trim()), (0, "已导出 0 条记录"));
    assert!(serde_json::from_str::<Value>(&out).is_ok(), "the export itself is JSON: {out}");
    let (code, _, err) = run(wwdev("C").env("WWDEV_LOG_FILE", &log).args(["log", "export"]));
    assert_eq!((code, err.trim()), (0, "exported 0 entries"));
}

/// The CLI has no profiles: a configuration error points at its options instead.
#[test]
fn a_configuration_error_names_the_clis_options_not_profiles() {
    let (code, _, err) = run(wwdev(ZH).args(["--base-url", "ftp://qyapi.weixin.qq.com", "token", "--no-log"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("错误：配置错误：API 地址"), "{err}");
    assert!(
        err.contains("怎么办：请检查 --base-url（或环境变量 WWDEV_BASE_URL）和 --timeout；代理来自环境变量 HTTPS_PROXY / HTTP_PROXY / NO_PROXY。"),
        "{err}"
    );
    assert!(!err.contains("配置档案"), "{err}");
    assert_eq!(english_in(&err), None, "{err}");

    let (_, _, err) = run(wwdev("C").args(["--base-url", "ftp://qyapi.weixin.qq.com", "token", "--no-log"]));
    assert!(err.contains("what to do: Check --base-url (or WWDEV_BASE_URL) and --timeout;"), "{err}");
    assert!(!err.contains("profile"), "{err}");

    let (code, out, _) = run(wwdev("C").env("WWDEV_BASE_URL", "ftp://x").args(["token", "--no-log", "--json"]));
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["kind"], "config");
    assert!(v["error"]["hint"].as_str().unwrap().contains("--base-url") && v["error"]["hint_zh"].as_str().unwrap().contains("--base-url"), "{v}");
}

#[test]
fn domain_check_output_is_chinese_throughout() {
    let (code, out, err) = run(wwdev(ZH).args(["domain-check", " ", "--no-log"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.starts_with("错误 域名为空"), "{out}");
    assert!(err.starts_with("错误：domain 无效：域名检查发现了问题"), "{err}");
    for text in [&out, &err] {
        assert_eq!(english_in(text), None, "{text}");
    }
    let (_, out, _) = run(wwdev("C").args(["domain-check", " ", "--no-log"]));
    assert!(out.starts_with("error   the domain is empty"), "{out}");
}

#[test]
fn link_problems_are_tagged_in_the_users_language() {
    let link = "https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%3A%2F%2Fa.example.com%2Fcb&response_type=code&scope=snsapi_basic";
    let (code, _, err) = run(wwdev(ZH).args(["explain-url", link, "--no-log"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("错误：["), "{err}");
    assert!(!err.contains("error:") && !err.contains("warning:"), "{err}");
    let (_, _, err) = run(wwdev("C").args(["explain-url", link, "--no-log"]));
    assert!(err.contains("error: ["), "{err}");
}

#[test]
fn token_call_and_identity_output_follow_the_locale() {
    let sb = Sandbox::start();
    let (code, out, err) = run(sb.wwdev(0).env("LANG", ZH).args(["token"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\n过期时间      ") && out.contains(" 秒后）"), "{out}");
    assert!(out.contains("（已打码；加 --reveal 显示完整的 token）"), "{out}");
    assert!(!out.contains("expires at") && !out.contains("masked"), "{out}");
    let (_, out, _) = run(sb.wwdev(0).args(["token"]));
    assert!(out.contains("\nexpires at    ") && out.contains("(masked; add --reveal"), "{out}");

    let (corpid, (_, secret)) = (sb.corpid().to_owned(), sb.app(0));
    let gettoken = ["call", "/cgi-bin/gettoken", "--no-token", "-q", &format!("corpid={corpid}"), "-q", &format!("corpsecret={secret}")];
    let (code, _, err) = run(sb.wwdev(0).env("LANG", ZH).args(gettoken));
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("HTTP 200，用时 ") && err.trim_end().ends_with(" 毫秒"), "{err}");
    let (_, _, err) = run(sb.wwdev(0).args(gettoken));
    assert!(err.starts_with("HTTP 200 in "), "{err}");

    // A code WeCom does not know: the steps, and the error in the user's language.
    let (code, out, err) = run(sb.wwdev(0).env("LANG", ZH).args(["userinfo", "NOT-A-REAL-CODE"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("成功 gettoken") && out.contains("失败 auth/getuserinfo"), "{out}");
    assert!(err.starts_with("错误：企业微信返回错误码") && err.contains("怎么办："), "{err}");
    assert!(!err.contains("error:") && !err.contains("what to do"), "{err}");
    let (_, out, err) = run(sb.wwdev(0).args(["userinfo", "NOT-A-REAL-CODE"]));
    assert!(out.contains("FAIL auth/getuserinfo"), "{out}");
    assert!(err.starts_with("error: WeCom returned errcode") && err.contains("what to do: "), "{err}");
}

/// The first lines `wwdev sandbox` prints under `lang`.
fn sandbox_banner(lang: &str) -> Vec<String> {
    let mut child = wwdev_in(lang)
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for line in out.lines().map_while(Result::ok) {
        let done = line.contains("--base-url");
        lines.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lines
}

#[test]
fn the_sandbox_banner_follows_the_locale() {
    let zh = sandbox_banner(ZH).join("\n");
    assert!(zh.starts_with("企业微信沙箱监听于 http://127.0.0.1:") && zh.contains("（按 Ctrl+C 停止）"), "{zh}");
    assert!(zh.contains("\n应用     ") && zh.contains("可信域名") && zh.contains("\n成员     "), "{zh}");
    assert!(zh.contains("\n试试     wwdev --base-url ") && zh.contains("（先把 WWDEV_SECRET 设为某个应用的 secret）"), "{zh}");
    assert!(!zh.contains("listening") && !zh.contains("trusted domains"), "{zh}");
    let en = sandbox_banner("C").join("\n");
    assert!(en.starts_with("WeCom sandbox listening on http://127.0.0.1:") && en.contains("\napp      "), "{en}");
}
