//! Argument forms users type: values that start with `-`, global options on either
//! side of the subcommand. Black-box tests of the binary.

mod common;

use assert_cmd::Command;
use common::*;
use sha1::{Digest, Sha1};

fn wwdev() -> Command {
    let mut c = wwdev_in("C");
    c.env_remove("WWDEV_SECRET").env_remove("WWDEV_CORPID").env_remove("WWDEV_AGENTID");
    Command::from_std(c)
}

/// Tickets and nonces are base64url: a few in a hundred start with `-`.
#[test]
fn sign_takes_ticket_and_nonce_values_that_start_with_a_dash() {
    let ticket = "-T1YSGz1Cja_k3-LQpZ0u8vW";
    let nonce = "-8ooyhTfH";
    let url = "https://app.example.test/p?id=1";
    let (code, v) = json_out(wwdev().args([
        "sign", "--no-log", "--json", "--ticket", ticket, "--nonce-str", nonce, "--timestamp", "1414587457", "--url", url,
    ]));
    assert_eq!(code, 0, "{v}");
    let string1 = format!("jsapi_ticket={ticket}&noncestr={nonce}&timestamp=1414587457&url={url}");
    assert_eq!(v["string1"], string1.as_str());
    assert_eq!(v["noncestr"], nonce);
    assert_eq!(v["signature"], hex::encode(Sha1::digest(string1.as_bytes())));
}

#[test]
fn a_value_that_looks_like_a_short_flag_is_still_a_value_for_every_option() {
    // `-q` is `call`'s own short option: after `--body`, `-q` is the value, not the flag.
    let out = wwdev().args(["call", "--no-log", "--no-token", "/cgi-bin/x", "--method", "POST", "--body", "-q"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("body") && err.contains("not valid JSON"), "the body `-q` reached the JSON check: {err}");
}

#[test]
fn ticket_accepts_the_global_options_after_the_subcommand() {
    let sb = Sandbox::start();
    let (_, secret) = sb.app(0);
    let (code, v) = json_out(
        wwdev()
            .env("WWDEV_LOG_FILE", sb.log_file())
            .args(["ticket", "--base-url", sb.base(), "--corpid", sb.corpid(), "--secret", &secret, "--kind", "corp", "--json"]),
    );
    assert_eq!(code, 0, "{v}");
    assert!(v["jsapi_ticket"]["ticket"].as_str().is_some_and(|t| !t.is_empty()), "{v}");
    // The short form still works and means the same.
    let (code, v) = json_out(wwdev().env("WWDEV_LOG_FILE", sb.log_file()).args([
        "ticket", sb.corpid(), &secret, "--base-url", sb.base(), "--kind", "corp", "--json",
    ]));
    assert_eq!(code, 0, "{v}");
    assert!(v["jsapi_ticket"]["ticket"].is_string(), "{v}");
}

/// Every subcommand, from `wwdev --help`, with leaf subcommands for groups such as `log`.
fn subcommands() -> Vec<Vec<String>> {
    fn names(help: &str) -> Vec<String> {
        help.lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
            .filter(|n| n != "help")
            .collect()
    }
    let help = |path: &[String]| {
        let out = wwdev().args(path).arg("--help").output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let mut all = Vec::new();
    for top in names(&help(&[])) {
        let nested = names(&help(std::slice::from_ref(&top)));
        if nested.is_empty() {
            all.push(vec![top]);
        } else {
            all.extend(nested.into_iter().map(|n| vec![top.clone(), n]));
        }
    }
    assert!(all.len() >= 16, "{all:?}");
    all
}

#[test]
fn global_options_parse_before_and_after_every_subcommand() {
    // Values that start with `-` included: secrets and corp IDs are whatever the user has.
    let globals = [
        "--base-url", "http://127.0.0.1:9", "--corpid", "-ww1", "--agentid", "1000002", "--secret", "-secret-x",
        "--json", "--timeout", "3", "--no-log", "--log-file", "/nonexistent/wwdev-test.sqlite3", "--secret-stdin",
    ];
    for sub in subcommands() {
        // `--help` last: it only prints when everything before it parsed.
        let after: Vec<&str> = sub.iter().map(String::as_str).chain(globals).chain(["--help"]).collect();
        let out = wwdev().args(&after).output().unwrap();
        assert!(out.status.success(), "wwdev {}: {}", after.join(" "), String::from_utf8_lossy(&out.stderr));
        let before: Vec<&str> = globals.iter().copied().chain(sub.iter().map(String::as_str)).chain(["--help"]).collect();
        let out = wwdev().args(&before).output().unwrap();
        assert!(out.status.success(), "wwdev {}: {}", before.join(" "), String::from_utf8_lossy(&out.stderr));
    }
}
