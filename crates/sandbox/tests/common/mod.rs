#![allow(dead_code)]

use std::sync::Arc;

use reqwest::redirect::Policy;
use serde_json::{Value, json};
use wwdev_core::clock::ManualClock;
use wwdev_sandbox::{SandboxConfig, SandboxHandle, start};

pub const START: i64 = 1_700_000_000;
pub const H5: i64 = 1000002;
pub const CRM: i64 = 1000003;

pub struct Sb {
    pub h: SandboxHandle,
    pub c: reqwest::Client,
    pub base: String,
}

pub async fn sandbox() -> Sb {
    let h = start(SandboxConfig {
        port: 0,
        clock: Some(Arc::new(ManualClock::new(START))),
        ..Default::default()
    })
    .await
    .expect("sandbox starts");
    let c = reqwest::Client::builder()
        .redirect(Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let base = h.base_url();
    Sb { h, c, base }
}

impl Sb {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
    pub fn secret(&self, agentid: i64) -> String {
        self.h.seed().apps.iter().find(|a| a.agentid == agentid).unwrap().secret.clone()
    }
    pub fn corpid(&self) -> String {
        self.h.seed().corpid.clone()
    }
    pub async fn get(&self, path: &str, q: &[(&str, &str)]) -> Value {
        let r = self.c.get(self.url(path)).query(q).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }
    pub async fn post(&self, path: &str, q: &[(&str, &str)], body: Value) -> Value {
        let r = self.c.post(self.url(path)).query(q).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }
    pub async fn token(&self, agentid: i64) -> String {
        let v = self
            .get("/cgi-bin/gettoken", &[("corpid", &self.corpid()), ("corpsecret", &self.secret(agentid))])
            .await;
        assert_eq!(v["errcode"], 0, "{v}");
        v["access_token"].as_str().unwrap().to_owned()
    }
    pub async fn admin_post(&self, path: &str, body: Value) -> reqwest::Response {
        self.c.post(self.url(&format!("/sandbox/admin/{path}"))).json(&body).send().await.unwrap()
    }
    pub async fn admin_get(&self, path: &str) -> Value {
        let r = self.c.get(self.url(&format!("/sandbox/admin/{path}"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }
    pub async fn advance(&self, secs: i64) {
        let r = self.admin_post("clock/advance", json!({"seconds": secs})).await;
        assert_eq!(r.status(), 200);
    }
    /// Authorize with sandbox_userid (or another sandbox choice) and return (code, Location).
    pub async fn authorize(&self, extra: &[(&str, &str)], scope: &str, agentid: Option<i64>, redirect: &str) -> (String, String) {
        let corpid = self.corpid();
        let agent = agentid.map(|a| a.to_string());
        let mut q: Vec<(&str, &str)> = vec![
            ("appid", &corpid),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("scope", scope),
            ("state", "xyz123"),
        ];
        if let Some(a) = &agent {
            q.push(("agentid", a));
        }
        q.extend_from_slice(extra);
        let r = self.c.get(self.url("/connect/oauth2/authorize")).query(&q).send().await.unwrap();
        assert_eq!(r.status(), 302, "{}", r.text().await.unwrap());
        let loc = r.headers()["location"].to_str().unwrap().to_owned();
        let u = url::Url::parse(&loc).unwrap();
        let code = u.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
        (code, loc)
    }
}

/// Assert a WeCom error in the real wire format and return the body.
pub fn assert_err(v: &Value, code: i64) {
    assert_eq!(v["errcode"], code, "{v}");
    let msg = v["errmsg"].as_str().unwrap();
    assert!(msg.contains(", hint: ["), "{msg}");
    assert!(msg.ends_with(&format!("more info at https://open.work.weixin.qq.com/devtool/query?e={code}")), "{msg}");
    assert!(msg.contains("from ip: 127.0.0.1"), "{msg}");
}
