//! Multi-step flows shared by the desktop app and the CLI, so both run the same steps
//! and report them the same way.

use crate::cache::{CredentialKey, TokenCache};
use crate::callback::{Callback, parse_callback};
use crate::client::{User, UserDetail, UserInfo, WeComClient};
use crate::clock::SharedClock;
use crate::error::{CoreError, UiError};
use crate::secret::Secret;
use crate::signature::{Signed, new_nonce, sign};
use serde::Serialize;

/// One step of a flow and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "Step.ts"))]
pub struct Step {
    /// e.g. `parse_callback`, `gettoken`, `auth/getuserinfo`, `user/get`, `auth/getuserdetail`.
    pub name: String,
    pub ok: bool,
    pub error: Option<UiError>,
}

impl Step {
    fn ok(name: &str) -> Self {
        Step { name: name.into(), ok: true, error: None }
    }
    fn failed(name: &str, e: &CoreError) -> Self {
        Step { name: name.into(), ok: false, error: Some(e.to_ui()) }
    }
}

/// Who a code belongs to, and each step taken to find out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentityReport {
    pub callback: Option<Callback>,
    pub userinfo: Option<UserInfo>,
    pub user: Option<User>,
    pub detail: Option<UserDetail>,
    pub steps: Vec<Step>,
    /// A plain-language summary of what was found or what went wrong, in English…
    pub explanation: String,
    /// …and in Chinese.
    pub explanation_zh: String,
}

impl IdentityReport {
    /// The first failed step's error: the one that decides the CLI exit code.
    pub fn first_error(&self) -> Option<&UiError> {
        self.steps.iter().find_map(|s| s.error.as_ref())
    }
    /// True when the code was exchanged (later optional steps may still have failed).
    pub fn identified(&self) -> bool {
        self.userinfo.is_some()
    }
}

/// Code or callback URL → `auth/getuserinfo` → `user/get` (members) →
/// `auth/getuserdetail` (when a user_ticket came back). Never returns early with an
/// error: every outcome is in the report.
pub async fn identity_lookup(
    client: &WeComClient,
    cache: &TokenCache,
    key: &CredentialKey,
    secret: &Secret,
    input: &str,
) -> IdentityReport {
    let client = client.with_feature("identity");
    let mut r = IdentityReport {
        callback: None,
        userinfo: None,
        user: None,
        detail: None,
        steps: Vec::new(),
        explanation: String::new(),
        explanation_zh: String::new(),
    };
    let cb = match parse_callback(input) {
        Ok(cb) => cb,
        Err(e) => {
            r.steps.push(Step::failed("parse_callback", &e));
            r.explanation = format!("Could not read a code from the input: {e}");
            r.explanation_zh = format!("无法从输入中读出 code：{}", e.message_zh());
            return r;
        }
    };
    r.steps.push(Step::ok("parse_callback"));
    let code = cb.code.clone();
    r.callback = Some(cb);

    let token = match cache.access_token(&client, key, secret, false).await {
        Ok(t) => t.value,
        Err(e) => {
            r.steps.push(Step::failed("gettoken", &e));
            r.explanation = format!("Could not get an access_token, so the code was not used (it is still valid): {e}");
            r.explanation_zh = format!("获取 access_token 失败，所以 code 没有被使用（仍然有效）：{}", e.message_zh());
            return r;
        }
    };
    r.steps.push(Step::ok("gettoken"));

    let info = match client.auth_getuserinfo(&token, &code).await {
        Ok(i) => i,
        Err(e) => {
            cache.note_error(key, &e);
            r.steps.push(Step::failed("auth/getuserinfo", &e));
            (r.explanation, r.explanation_zh) = match e.errcode() {
                Some(40029) => (
                    "The code was rejected (40029): codes work once and for 5 minutes — authorize again for a fresh one.".into(),
                    "code 被拒绝（40029）：code 只能使用一次，且 5 分钟内有效 —— 请重新授权获取新的 code。".into(),
                ),
                Some(50001) => (
                    "The redirect domain is not a trusted domain of the app (50001).".into(),
                    "回调域名不是该应用的可信域名（50001）。".into(),
                ),
                _ => (format!("Exchanging the code failed: {e}"), format!("用 code 换取身份失败：{}", e.message_zh())),
            };
            return r;
        }
    };
    r.steps.push(Step::ok("auth/getuserinfo"));
    r.userinfo = Some(info.clone());

    match &info {
        UserInfo::NonMember { openid, external_userid } => {
            (r.explanation, r.explanation_zh) = match external_userid {
                Some(x) => (
                    format!("Not a member of the corp: openid {openid}, a customer with external_userid {x}."),
                    format!("不是企业成员：openid {openid}，是 external_userid 为 {x} 的客户。"),
                ),
                None => (
                    format!("Not a member of the corp: openid {openid} (not a customer of any follower in range)."),
                    format!("不是企业成员：openid {openid}（不是可见范围内任何跟进人的客户）。"),
                ),
            };
        }
        UserInfo::Member { userid, user_ticket, .. } => {
            let mut notes = vec![format!("Member {userid}.")];
            let mut notes_zh = vec![format!("成员 {userid}。")];
            match client.user_get(&token, userid).await {
                Ok(u) => {
                    r.steps.push(Step::ok("user/get"));
                    if let Some(n) = &u.name {
                        notes.push(format!("Name: {n}."));
                        notes_zh.push(format!("姓名：{n}。"));
                    }
                    r.user = Some(u);
                }
                Err(e) => {
                    cache.note_error(key, &e);
                    notes.push(format!("user/get failed: {e}."));
                    notes_zh.push(format!("user/get 失败：{}。", e.message_zh()));
                    r.steps.push(Step::failed("user/get", &e));
                }
            }
            match user_ticket {
                None => {
                    notes.push(
                        "No user_ticket: the link used snsapi_base, or the member is outside the app's visible range, so no sensitive details."
                            .into(),
                    );
                    notes_zh.push("没有 user_ticket：链接使用了 snsapi_base，或成员不在应用的可见范围内，因此没有敏感信息。".into());
                }
                Some(t) => match client.auth_getuserdetail(&token, t).await {
                    Ok(d) => {
                        r.steps.push(Step::ok("auth/getuserdetail"));
                        notes.push("Sensitive details fetched with the user_ticket (snsapi_privateinfo).".into());
                        notes_zh.push("已用 user_ticket 获取敏感信息（snsapi_privateinfo）。".into());
                        r.detail = Some(d);
                    }
                    Err(e) => {
                        cache.note_error(key, &e);
                        notes.push(format!("auth/getuserdetail failed: {e}."));
                        notes_zh.push(format!("auth/getuserdetail 失败：{}。", e.message_zh()));
                        r.steps.push(Step::failed("auth/getuserdetail", &e));
                    }
                },
            }
            r.explanation = notes.join(" ");
            r.explanation_zh = notes_zh.concat();
        }
    }
    r
}

/// Any `/cgi-bin/` call with the cached access_token put into the query (replacing an
/// `access_token` already there). A token WeCom rejects (40001/40014/42001) is dropped
/// from the cache so the next call fetches a fresh one; the call itself is not retried
/// (a debugging tool shows what happened). Used by the API console, log replay and
/// `wwdev call`.
#[allow(clippy::too_many_arguments)] // the call's own parts plus what resolves the token
pub async fn call_with_token(
    client: &WeComClient,
    cache: &TokenCache,
    key: &CredentialKey,
    secret: &Secret,
    method: &str,
    path: &str,
    mut query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
) -> Result<crate::client::RawResponse, CoreError> {
    let token = cache.access_token(client, key, secret, false).await?;
    query.retain(|(k, _)| k != "access_token" && !k.trim().is_empty());
    query.push(("access_token".into(), token.value.expose().to_owned()));
    let resp = client.call(method, path, query, body).await?;
    if let Some(code) = resp.errcode
        && crate::cache::TOKEN_INVALID_CODES.contains(&code)
    {
        cache.forget_token(key);
    }
    Ok(resp)
}

/// Every ticket the cache knows for `key` (current and history, newest first) as
/// diagnosis candidates of `profile`; `is_current` marks the one the cache serves now.
/// The app, the CLI and the page bridge diagnose against these.
pub fn ticket_candidates(cache: &TokenCache, key: &CredentialKey, profile: &str) -> Vec<crate::diagnose::TicketCandidate> {
    use crate::cache::TicketKind;
    use crate::diagnose::TicketCandidate;
    let snap = cache.snapshot(key);
    cache
        .expose_history_values(key)
        .into_iter()
        .map(|t| {
            let current = match t.kind {
                TicketKind::Corp => &snap.corp_ticket,
                TicketKind::Agent => &snap.agent_ticket,
            };
            TicketCandidate {
                kind: t.kind,
                is_current: current.as_ref().is_some_and(|c| c.value == t.value),
                value: t.value,
                fetched_at: t.fetched_at,
                expires_at: t.expires_at,
                profile: profile.to_owned(),
            }
        })
        .collect()
}

/// APIs the snippet lists by default: the ones H5 pages usually test first.
pub const DEFAULT_JSAPI_LIST: &[&str] = &["getContext", "getCurExternalContact", "selectExternalContact", "shareAppMessage"];

/// Both JS-SDK signatures for one page, with the values to hand to `ww.register`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignReport {
    /// Signed with the corp jsapi_ticket (`getConfigSignature` / `wx.config`).
    pub config: Signed,
    /// Signed with the agent ticket (`getAgentConfigSignature` / `wx.agentConfig`).
    pub agent_config: Signed,
    pub corpid: String,
    pub agentid: String,
    pub corp_ticket_expires_at: i64,
    pub agent_ticket_expires_at: i64,
    /// Ready-to-paste `ww.register({...})` call.
    pub ww_register_snippet: String,
}

/// Sign `url` with both tickets (fetched through the cache). `nonce` defaults to a
/// fresh 16-character nonce, `timestamp` to the clock's now (seconds).
#[allow(clippy::too_many_arguments)]
pub async fn sign_both(
    cache: &TokenCache,
    client: &WeComClient,
    key: &CredentialKey,
    secret: &Secret,
    url: &str,
    nonce: Option<String>,
    timestamp: Option<String>,
    clock: &SharedClock,
) -> Result<SignReport, CoreError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(CoreError::invalid(
            "url",
            "is empty: give the full URL of the page that calls ww.register",
            "不能为空，请填写调用 ww.register 的页面的完整 URL",
        ));
    }
    let nonce = nonce.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(new_nonce);
    let timestamp = match timestamp.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) {
        Some(t) if t.chars().all(|c| c.is_ascii_digit()) => t,
        Some(t) => {
            return Err(CoreError::invalid(
                "timestamp",
                format!("{t:?} is not a number of seconds"),
                format!("{t:?} 不是以秒为单位的数字"),
            ));
        }
        None => clock.now().to_string(),
    };
    let client = client.with_feature("ticket");
    let corp = cache.jsapi_ticket(&client, key, secret, false).await?;
    let agent = cache.agent_ticket(&client, key, secret, false).await?;
    let config = sign(corp.value.expose(), &nonce, &timestamp, url);
    let agent_config = sign(agent.value.expose(), &nonce, &timestamp, url);
    let ww_register_snippet = ww_register_snippet(&key.corpid, &key.agentid, DEFAULT_JSAPI_LIST, &config, &agent_config);
    Ok(SignReport {
        config,
        agent_config,
        corpid: key.corpid.clone(),
        agentid: key.agentid.clone(),
        corp_ticket_expires_at: corp.expires_at,
        agent_ticket_expires_at: agent.expires_at,
        ww_register_snippet,
    })
}

/// A `ww.register` call (from `@wecom/jssdk`) with fixed signatures, for pasting into
/// a page while debugging. Values are JSON-escaped.
pub fn ww_register_snippet(corpid: &str, agentid: &str, jsapi_list: &[&str], config: &Signed, agent: &Signed) -> String {
    let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    // A numeric timestamp is passed as a number, anything else as a string.
    let ts = |s: &Signed| {
        if !s.timestamp.is_empty() && s.timestamp.chars().all(|c| c.is_ascii_digit()) { s.timestamp.clone() } else { js(&s.timestamp) }
    };
    let list = jsapi_list.iter().map(|a| js(a)).collect::<Vec<_>>().join(", ");
    let agent_id = if !agentid.is_empty() && agentid.chars().all(|c| c.is_ascii_digit()) { agentid.to_string() } else { js(agentid) };
    format!(
        "ww.register({{\n  corpId: {corp},\n  agentId: {agent_id},\n  jsApiList: [{list}],\n  getConfigSignature() {{\n    return {{ timestamp: {cts}, nonceStr: {cn}, signature: {cs} }}\n  }},\n  getAgentConfigSignature() {{\n    return {{ timestamp: {ats}, nonceStr: {an}, signature: {asig} }}\n  }}\n}})\n",
        corp = js(corpid),
        cts = ts(config),
        cn = js(&config.nonce_str),
        cs = js(&config.signature),
        ats = ts(agent),
        an = js(&agent.nonce_str),
        asig = js(&agent.signature),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::testsrv::{self, CORPID, SECRET};
    use std::sync::Arc;
    use std::sync::atomic::Ordering::SeqCst;

    fn setup(base: &str) -> (TokenCache, SharedClock, CredentialKey, Secret) {
        let clock: SharedClock = Arc::new(ManualClock::new(1_700_000_000));
        (TokenCache::new(clock.clone()), clock, CredentialKey::new(base, CORPID, "1000002"), Secret::new(SECRET))
    }

    fn names(r: &IdentityReport) -> Vec<(&str, bool)> {
        r.steps.iter().map(|s| (s.name.as_str(), s.ok)).collect()
    }

    #[tokio::test]
    async fn member_with_privateinfo_gets_user_and_detail() {
        let (base, _) = testsrv::start().await;
        let (cache, _, key, secret) = setup(&base);
        let sink = Arc::new(testsrv::VecSink::default());
        let client = testsrv::client(&base, Some(sink.clone()));
        let r = identity_lookup(&client, &cache, &key, &secret, "https://app.example.com/cb?code=CODE-PRIV&state=s1").await;
        assert_eq!(
            names(&r),
            vec![("parse_callback", true), ("gettoken", true), ("auth/getuserinfo", true), ("user/get", true), ("auth/getuserdetail", true)]
        );
        assert_eq!(r.callback.as_ref().unwrap().state.as_deref(), Some("s1"));
        assert_eq!(r.user.as_ref().unwrap().userid, "zhangsan");
        assert_eq!(r.detail.as_ref().unwrap().mobile.as_deref(), Some("13800000000"));
        assert!(r.explanation.contains("Member zhangsan"));
        assert!(r.explanation_zh.contains("成员 zhangsan"), "{}", r.explanation_zh);
        assert!(r.first_error().is_none());
        let recs = sink.take();
        assert_eq!(recs.len(), 4);
        assert!(recs.iter().all(|r| r.feature == "identity"));
        // the report shown to the UI never carries the user_ticket
        assert!(!serde_json::to_string(&r).unwrap().contains("UT-SECRET-abcdefgh"));
    }

    #[tokio::test]
    async fn base_scope_non_member_and_failures() {
        let (base, fake) = testsrv::start().await;
        let (cache, _, key, secret) = setup(&base);
        let client = testsrv::client(&base, None);
        let r = identity_lookup(&client, &cache, &key, &secret, "CODE-BASE").await;
        assert_eq!(names(&r).len(), 4);
        assert!(r.detail.is_none());
        assert!(r.explanation.contains("No user_ticket"));

        let r = identity_lookup(&client, &cache, &key, &secret, "CODE-NOBODY").await;
        assert_eq!(names(&r).last().unwrap(), &("user/get", false));
        assert_eq!(r.first_error().unwrap().errcode, Some(60111));
        assert!(r.identified());

        let r = identity_lookup(&client, &cache, &key, &secret, "CODE-EXT").await;
        assert!(matches!(r.userinfo, Some(UserInfo::NonMember { .. })));
        assert!(r.user.is_none());
        assert!(r.explanation.contains("external_userid wmEXT1"));

        let r = identity_lookup(&client, &cache, &key, &secret, "CODE-USED").await;
        assert_eq!(r.first_error().unwrap().errcode, Some(40029));
        assert_eq!(r.first_error().unwrap().exit_code(), 1);
        assert!(r.explanation.contains("codes work once"));

        let r = identity_lookup(&client, &cache, &key, &secret, "https://app.example.com/cb?state=1").await;
        assert_eq!(names(&r), vec![("parse_callback", false)]);
        assert_eq!(r.first_error().unwrap().kind, "invalid_input");
        // the token was fetched once for all of these
        assert_eq!(fake.gettoken.load(SeqCst), 1);

        let r = identity_lookup(&client, &cache, &key, &Secret::new("wrong-secret-0000"), "CODE-BASE").await;
        assert_eq!(names(&r), vec![("parse_callback", true), ("gettoken", false)]);
    }

    #[tokio::test]
    async fn sign_both_uses_each_ticket() {
        let (base, fake) = testsrv::start().await;
        let (cache, clock, key, secret) = setup(&base);
        let client = testsrv::client(&base, None);
        let url = "https://app.example.com/page?a=1#/route";
        let r = sign_both(&cache, &client, &key, &secret, url, Some("Wm3WZYTPz0wzccnW".into()), None, &clock).await.unwrap();
        assert_eq!(r.config.timestamp, "1700000000");
        assert_eq!(r.config, sign("CORPTICKET-1", "Wm3WZYTPz0wzccnW", "1700000000", url));
        assert_eq!(r.agent_config, sign("AGENTTICKET-1", "Wm3WZYTPz0wzccnW", "1700000000", url));
        assert_eq!(r.config.stripped_fragment.as_deref(), Some("#/route"));
        assert_ne!(r.config.signature, r.agent_config.signature);
        let s = &r.ww_register_snippet;
        assert!(s.contains("corpId: \"wwtestcorp0001\""));
        assert!(s.contains("agentId: 1000002"));
        assert!(s.contains(&format!("signature: \"{}\"", r.config.signature)));
        assert!(s.contains(&format!("signature: \"{}\"", r.agent_config.signature)));
        assert!(s.contains("timestamp: 1700000000, nonceStr: \"Wm3WZYTPz0wzccnW\""));
        assert_eq!(r.corp_ticket_expires_at, 1_700_000_000 + 7200);

        // second signing reuses the cached tickets; defaults fill nonce
        let r2 = sign_both(&cache, &client, &key, &secret, url, None, Some("1700000100".into()), &clock).await.unwrap();
        assert_eq!(r2.config.nonce_str.len(), 16);
        assert_eq!(r2.config.timestamp, "1700000100");
        assert_eq!((fake.gettoken.load(SeqCst), fake.corp_ticket.load(SeqCst), fake.agent_ticket.load(SeqCst)), (1, 1, 1));
        // the report never shows the tickets themselves... except inside string1, which
        // is the point of a signing report; the snippet carries no ticket
        assert!(!s.contains("CORPTICKET"));

        let e = sign_both(&cache, &client, &key, &secret, url, None, Some("17e9".into()), &clock).await.unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(sign_both(&cache, &client, &key, &secret, " ", None, None, &clock).await.is_err());
    }

    #[test]
    fn snippet_escapes_values() {
        let s = sign("T", "n\"x", "abc", "https://a.b");
        let out = ww_register_snippet("ww'1", "x", &["getContext"], &s, &s);
        assert!(out.contains("nonceStr: \"n\\\"x\""));
        assert!(out.contains("timestamp: \"abc\""));
        assert!(out.contains("agentId: \"x\""));
        assert!(out.contains("jsApiList: [\"getContext\"]"));
    }
}
