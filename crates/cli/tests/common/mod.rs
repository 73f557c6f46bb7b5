//! Shared by the black-box CLI tests: a sandbox child process and JSON output reading.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

/// The `wwdev` binary in the locale `lang` alone: LANG set, and LC_ALL / LC_MESSAGES
/// (which would win over it) removed, whatever the machine running the tests has set.
/// A later `.env("LANG", …)` switches the language.
pub fn wwdev_in(lang: &str) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_wwdev"));
    c.env("LANG", lang).env_remove("LC_ALL").env_remove("LC_MESSAGES");
    c
}

/// A `wwdev sandbox --json` child process, killed on drop.
pub struct Sandbox {
    pub child: Child,
    pub info: Value,
    /// Holds this test's request log, so tests never touch the user's real one.
    pub data: tempfile::TempDir,
}

impl Sandbox {
    pub fn start() -> Self {
        Self::start_with(&[])
    }
    /// `wwdev sandbox --port 0 --json` plus `extra` arguments.
    pub fn start_with(extra: &[&str]) -> Self {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wwdev"))
            .args(["sandbox", "--port", "0", "--json"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn wwdev sandbox");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let info: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad JSON line {line:?}: {e}"));
        Sandbox { child, info, data: tempfile::tempdir().unwrap() }
    }
    pub fn base(&self) -> &str {
        self.info["base_url"].as_str().unwrap()
    }
    pub fn corpid(&self) -> &str {
        self.info["corpid"].as_str().unwrap()
    }
    pub fn app(&self, i: usize) -> (String, String) {
        let a = &self.info["apps"][i];
        (a["agentid"].to_string(), a["secret"].as_str().unwrap().to_owned())
    }
    /// `wwdev` with base URL, corpid, agentid and secret of app `i` in the environment.
    pub fn wwdev(&self, i: usize) -> Command {
        Command::from_std(self.wwdev_process(i))
    }
    /// The same as a plain process, for servers a test spawns and talks to.
    pub fn wwdev_process(&self, i: usize) -> std::process::Command {
        let (agentid, secret) = self.app(i);
        let mut c = wwdev_in("C");
        c.env("WWDEV_BASE_URL", self.base())
            .env("WWDEV_CORPID", self.corpid())
            .env("WWDEV_AGENTID", agentid)
            .env("WWDEV_SECRET", secret)
            .env("WWDEV_LOG_FILE", self.log_file());
        c
    }
    pub fn log_file(&self) -> std::path::PathBuf {
        self.data.path().join("requests.sqlite3")
    }
    pub fn admin(&self, path: &str, body: Value) {
        let r = reqwest::blocking::Client::new()
            .post(format!("{}/sandbox/admin/{path}", self.base()))
            .json(&body)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "admin {path}: {}", r.status());
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn json_out(c: &mut Command) -> (i32, Value) {
    let out = c.output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let text = String::from_utf8_lossy(&out.stdout);
    let v = serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("stdout not JSON ({e}): {text} / stderr {}", String::from_utf8_lossy(&out.stderr)));
    (code, v)
}

