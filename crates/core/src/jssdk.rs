//! How the WeCom client decides a `wx.config` / `wx.agentConfig` registration, against
//! the tickets wwdev knows. One pure function, [`decide`], used by the sandbox's
//! `POST /sandbox/jssdk/verify` and by the live page bridge (wwdev-signer's client.js),
//! so both answer exactly alike.
//!
//! The client's verdict comes first (kind, corpid, agentid, URL, trusted domain,
//! signature against a currently valid ticket of the right kind); when a signature is
//! refused the diagnosis engine ([`crate::diagnose`]) names the cause over the whole
//! ticket history. Result shapes (`config:ok`, `config:invalid signature` 40093,
//! `agentConfig:fail ticket no available, e=42012`, `invalid corpId … e=40013`,
//! `invalid url domain`) are the ones seen in public field reports of the WeCom client;
//! WeCom's docs (D/90514 JS-SDK 使用权限签名算法) only list the error codes.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::diagnose::{self, Cause, DiagnoseInput, Diagnosis, Kind, Pasted, TicketCandidate, TicketKind};
use crate::secret::Secret;
use crate::signature::{sha1_hex, string1, strip_fragment};

/// One app of the corp, as far as wwdev knows it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppFacts {
    pub agentid: i64,
    pub name: String,
    /// `host` or `host:port` (port only when not the scheme's default). `None`: not known
    /// (a real corp's console is not readable by API), so the domain is not checked.
    pub trusted_domains: Option<Vec<String>>,
}

/// The corp the page registers with.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CorpFacts {
    pub corpid: String,
    pub apps: Vec<AppFacts>,
    /// `apps` lists every app of the corp (the sandbox), so an unknown agentid is refused
    /// (40056). False for a real corp, where wwdev knows only the configured app.
    pub apps_complete: bool,
}

impl CorpFacts {
    fn app(&self, agentid: i64) -> Option<&AppFacts> {
        self.apps.iter().find(|a| a.agentid == agentid)
    }
}

/// What the simulated client answers for the chat-toolbar APIs (the embedder's data:
/// the sandbox seed, or what the user configured).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SimData {
    /// `getCurExternalContact` answers this `userId`.
    pub external_userid: Option<String>,
    /// `getCurExternalChat` answers this `chatId`.
    pub chat_id: Option<String>,
}

/// One ticket wwdev knows, current or history.
#[derive(Clone, PartialEq, Eq)]
pub struct KnownTicket {
    pub kind: TicketKind,
    /// For agent tickets the owning app; for the corp ticket the app whose token fetched it.
    pub agentid: i64,
    pub value: Secret,
    /// Unix seconds.
    pub fetched_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// WeCom still accepts it now (not expired, not invalidated or replaced).
    pub valid: bool,
    /// The newest ticket of its kind (and app, for agent tickets).
    pub is_current: bool,
}

impl std::fmt::Debug for KnownTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnownTicket")
            .field("kind", &self.kind)
            .field("agentid", &self.agentid)
            .field("value", &self.value)
            .field("fetched_at", &self.fetched_at)
            .field("expires_at", &self.expires_at)
            .field("valid", &self.valid)
            .field("is_current", &self.is_current)
            .finish()
    }
}

/// What the page passed to `ww.register` / `wx.config` / `wx.agentConfig`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VerifyInput {
    /// `config` or `agentConfig`.
    pub kind: String,
    /// The page URL the client is on (the client drops `#...` itself).
    pub url: String,
    /// Seconds, as a string or a number.
    pub timestamp: Value,
    #[serde(rename = "nonceStr")]
    pub nonce_str: String,
    pub signature: String,
    /// Required for `agentConfig`; for `config` it narrows the trusted-domain check to that app.
    #[serde(default)]
    pub agentid: Option<Value>,
    /// `appId` of config / `corpid` of agentConfig. Absent: not checked.
    #[serde(default, rename = "corpId", alias = "corpid", alias = "appId")]
    pub corpid: Option<String>,
    /// The first URL of this page load, when known (a single-page app's entry URL).
    #[serde(default, rename = "entryUrl", skip_serializing_if = "Option::is_none")]
    pub entry_url: Option<String>,
}

/// One cause found by the diagnosis engine, as decisions and the Live screen report it
/// (the fields of [`cause_json`], without the ticket).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "DiagnosedCause.ts"))]
pub struct DiagnosedCause {
    /// Stable id from [`diagnose::CAUSE_IDS`], e.g. `fragment_in_url`.
    pub id: String,
    /// `exact` (reproduces the signature), `likely` or `hint`.
    pub confidence: String,
    pub title: String,
    pub title_zh: String,
    pub detail: String,
    pub detail_zh: String,
    pub fix: String,
    pub fix_zh: String,
}

impl From<&Cause> for DiagnosedCause {
    fn from(c: &Cause) -> Self {
        let confidence =
            serde_json::to_value(c.confidence).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        DiagnosedCause {
            id: c.id.to_owned(),
            confidence,
            title: c.title_en.to_owned(),
            title_zh: c.title_zh.to_owned(),
            detail: c.detail_en.clone(),
            detail_zh: c.detail_zh.clone(),
            fix: c.fix_en.to_owned(),
            fix_zh: c.fix_zh.to_owned(),
        }
    }
}

/// The client's verdict.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VerifyOutcome {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
    /// What the client's `err_msg` says, e.g. `config:invalid signature`.
    pub err_msg: String,
    pub reason: String,
    pub reason_zh: String,
    /// The URL the client verified against (fragment removed).
    pub verified_url: String,
    /// When the signature was refused: the diagnosis engine's causes, most likely first.
    #[serde(default)]
    pub causes: Vec<DiagnosedCause>,
}

/// A decision with the full diagnosis, for callers that show it (the bridge).
#[derive(Debug, Clone)]
pub struct Decision {
    pub outcome: VerifyOutcome,
    /// Set when the signature was refused (40093 / 42012).
    pub diagnosis: Option<(Diagnosis, DiagnoseInput)>,
}

fn outcome(kind: &str, url: &str, errcode: Option<i64>, client_msg: &str, reason: impl Into<String>, reason_zh: impl Into<String>) -> VerifyOutcome {
    VerifyOutcome {
        valid: false,
        errcode,
        err_msg: format!("{kind}:{client_msg}"),
        reason: reason.into(),
        reason_zh: reason_zh.into(),
        verified_url: url.into(),
        causes: Vec::new(),
    }
}

/// `host` or `host:port` (port only when not the scheme's default), as trusted domains are written.
pub fn host_port(u: &url::Url) -> Option<String> {
    let host = u.host_str()?;
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    })
}

fn ts_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn agentid_of(v: &Option<Value>) -> Option<i64> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64().or(Some(-1)),
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().parse::<i64>().unwrap_or(-1)),
        Some(_) => Some(-1),
    }
}

/// Decide a registration, and for a refused signature run the diagnosis engine.
pub fn decide(input: &VerifyInput, corp: &CorpFacts, tickets: &[KnownTicket], now: i64) -> Decision {
    let mut out = decide_client(input, corp, tickets, now);
    // Only signature refusals are the engine's business; a bad domain, agentid or
    // corpid is decided before the client hashes anything.
    if out.valid || !matches!(out.errcode, Some(40093) | Some(42012)) {
        return Decision { outcome: out, diagnosis: None };
    }
    let di = diagnose_input(input, corp, tickets, now);
    let d = diagnose::diagnose(&di);
    out.causes = d.causes.iter().map(DiagnosedCause::from).collect();
    // The engine's `unknown` alone says less than the client's own reason.
    if let Some(top) = d.causes.first().filter(|c| c.id != "unknown") {
        out.reason = format!("{} {}", top.detail_en, top.fix_en);
        out.reason_zh = format!("{}{}", top.detail_zh, top.fix_zh);
    }
    Decision { outcome: out, diagnosis: Some((d, di)) }
}

/// The known tickets as the engine's candidates: agent tickets belong to their app
/// ("profile" `app <agentid>`), the corp ticket to whichever app registers.
pub fn diagnose_input(input: &VerifyInput, corp: &CorpFacts, tickets: &[KnownTicket], now: i64) -> DiagnoseInput {
    let kind = if input.kind == "agentConfig" { Kind::AgentConfig } else { Kind::Config };
    let active = match agentid_of(&input.agentid) {
        Some(a) => format!("app {a}"),
        None => format!("corp {}", corp.corpid),
    };
    let mut cands: Vec<TicketCandidate> = tickets
        .iter()
        .map(|t| TicketCandidate {
            kind: t.kind,
            value: t.value.clone(),
            fetched_at: t.fetched_at,
            // An invalidated ticket's revocation time is not kept; "expired now" is the closest truth.
            expires_at: if t.valid { t.expires_at } else { t.expires_at.min(now) },
            profile: match t.kind {
                TicketKind::Corp => active.clone(),
                TicketKind::Agent => format!("app {}", t.agentid),
            },
            is_current: t.is_current && t.valid,
        })
        .collect();
    cands.sort_by_key(|c| std::cmp::Reverse(c.fetched_at));
    DiagnoseInput {
        pasted: Pasted {
            signature: Some(input.signature.clone()),
            nonce_str: Some(input.nonce_str.clone()),
            timestamp: Some(ts_string(&input.timestamp)),
            kind_hint: Some(kind),
            ..Default::default()
        },
        page_url: input.url.clone(),
        kind,
        tickets: cands,
        active_profile: active,
        entry_url: input.entry_url.clone().filter(|e| strip_fragment(e).0 != strip_fragment(&input.url).0),
        now,
        ..Default::default()
    }
}

/// A cause as `wwdev diagnose --json` prints it.
pub fn cause_json(c: &Cause) -> Value {
    json!({
        "id": c.id, "confidence": c.confidence,
        "title": c.title_en, "title_zh": c.title_zh,
        "detail": c.detail_en, "detail_zh": c.detail_zh,
        "fix": c.fix_en, "fix_zh": c.fix_zh,
        "ticket": c.ticket,
    })
}

/// The diagnosis object exactly as `wwdev diagnose --json` prints it (tickets masked).
pub fn diagnosis_json(d: &Diagnosis, input: &DiagnoseInput) -> Value {
    let p = &input.pasted;
    json!({
        "ok": true,
        "valid": d.valid,
        "kind": input.kind,
        "input": {
            "signature": p.signature, "nonceStr": p.nonce_str, "timestamp": p.timestamp, "url": p.url,
            "kindHint": p.kind_hint, "registerNonceStr": p.register_nonce, "registerTimestamp": p.register_timestamp,
            "pageUrl": input.page_url, "tickets": input.tickets.len(),
        },
        "causes": d.causes.iter().map(cause_json).collect::<Vec<_>>(),
        "fields": d.fields,
        "expected": d.expected,
        "explained": d.explained,
        "certainly_right": d.certainly_right,
        "certainly_right_zh": d.certainly_right_zh,
        "next_checks": d.next_checks_en,
        "next_checks_zh": d.next_checks_zh,
    })
}

/// The client's verdict alone, with a short reason text.
pub fn decide_client(input: &VerifyInput, corp: &CorpFacts, tickets: &[KnownTicket], now: i64) -> VerifyOutcome {
    let kind = input.kind.as_str();
    let (signed_url, fragment) = strip_fragment(&input.url);
    let signed_url = signed_url.to_owned();
    let is_agent = match kind {
        "config" => false,
        "agentConfig" => true,
        other => {
            return outcome(
                other,
                &signed_url,
                Some(40058),
                "invalid parameter",
                format!("kind must be \"config\" or \"agentConfig\", got {other:?}"),
                format!("kind 只能是 config 或 agentConfig，收到 {other:?}"),
            );
        }
    };
    if let Some(c) = input.corpid.as_deref().map(str::trim)
        && !c.is_empty()
        && !corp.corpid.is_empty()
        && c != corp.corpid
    {
        let msg = if is_agent { "fail invalid corpId, e=40013" } else { "invalid corpId, e=40013" };
        return outcome(
            kind,
            &signed_url,
            Some(40013),
            msg,
            format!("corpId {c:?} is not this corp ({}); pass the corpid the tickets belong to", corp.corpid),
            format!("corpId {c:?} 不是当前企业（{}），请传入签名 ticket 所属企业的 corpid", corp.corpid),
        );
    }

    let agentid = agentid_of(&input.agentid);
    if is_agent && agentid.is_none() {
        return outcome(
            kind,
            &signed_url,
            Some(41011),
            "missing agentid",
            "agentConfig needs the agentid of the app whose ticket signed the page",
            "agentConfig 必须传入签名所用应用的 agentid",
        );
    }
    let app = match agentid {
        Some(a) => match corp.app(a) {
            Some(app) => Some(app),
            None if corp.apps_complete || a < 0 => {
                return outcome(
                    kind,
                    &signed_url,
                    Some(40056),
                    "invalid agentid",
                    format!("agentid {:?} is not an app of corp {}", input.agentid, corp.corpid),
                    format!("agentid {:?} 不是企业 {} 的应用", input.agentid, corp.corpid),
                );
            }
            None => None,
        },
        None => None,
    };

    let parsed = match url::Url::parse(&signed_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
        _ => {
            return outcome(
                kind,
                &signed_url,
                Some(40094),
                "invalid url",
                format!("{signed_url:?} is not a full http(s) URL; sign the whole page URL including scheme"),
                format!("{signed_url:?} 不是完整的 http(s) 地址，请对包含协议的完整页面地址签名"),
            );
        }
    };
    let domain = host_port(&parsed).unwrap_or_default();
    let lists: Vec<&Vec<String>> = match app {
        Some(a) => a.trusted_domains.iter().collect(),
        None => corp.apps.iter().filter_map(|a| a.trusted_domains.as_ref()).collect(),
    };
    // Checked only when wwdev knows the trusted domains.
    if !lists.is_empty() && !lists.iter().any(|l| l.iter().any(|d| d.eq_ignore_ascii_case(&domain))) {
        let scope = match app {
            Some(a) => format!("app {} ({})", a.agentid, a.name),
            None => "any app of the corp".into(),
        };
        return outcome(
            kind,
            &signed_url,
            None,
            "invalid url domain",
            format!("page domain {domain} is not a trusted domain of {scope}; add it in the admin console (with its port if not 80/443)"),
            format!("页面域名 {domain} 不是应用可信域名，请在管理后台添加（非默认端口需带端口）"),
        );
    }

    let ts = ts_string(&input.timestamp);
    let fail = |code: i64, msg: &str, reason: String, zh: String| outcome(kind, &signed_url, Some(code), msg, reason, zh);
    // What the client says when no usable ticket signs the page (public field reports).
    let not_available = if is_agent { (42012, "fail ticket no available, e=42012") } else { (40093, "invalid signature") };
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return fail(
            40093,
            "invalid signature",
            format!("timestamp {ts:?} is not an integer number of seconds"),
            format!("timestamp {ts:?} 不是以秒为单位的整数"),
        );
    }

    let wanted = if is_agent { TicketKind::Agent } else { TicketKind::Corp };
    let right_ticket = |t: &KnownTicket| t.kind == wanted && (!is_agent || Some(t.agentid) == agentid);
    let sig = input.signature.as_str();
    // Raw string1, no fragment stripping: the fragment case below hashes the URL as given.
    let signs_with = |t: &KnownTicket, url: &str| sha1_hex(&string1(t.value.expose(), &input.nonce_str, &ts, url));

    if tickets.iter().any(|t| right_ticket(t) && t.valid && signs_with(t, &signed_url) == sig) {
        return VerifyOutcome {
            valid: true,
            errcode: None,
            err_msg: format!("{kind}:ok"),
            reason: "signature matches a valid ticket".into(),
            reason_zh: "签名正确".into(),
            verified_url: signed_url,
            causes: Vec::new(),
        };
    }

    for t in tickets {
        if signs_with(t, &signed_url) != sig {
            continue;
        }
        if right_ticket(t) {
            let what = if t.expires_at > now { "was invalidated or replaced" } else { "has expired" };
            return fail(
                40093,
                "invalid signature",
                format!("signed with a stale ticket (fetched at {}, it {what}); fetch the current ticket and sign again", t.fetched_at),
                format!("签名使用了已失效的 ticket（{} 获取），请获取最新 ticket 重新签名", t.fetched_at),
            );
        }
        return match (is_agent, t.kind) {
            (true, TicketKind::Corp) => fail(
                42012,
                not_available.1,
                "agentConfig was signed with the corp jsapi_ticket; sign it with the app's ticket from ticket/get?type=agent_config".into(),
                "agentConfig 使用了企业 jsapi_ticket 签名，应使用应用的 ticket（ticket/get?type=agent_config）".into(),
            ),
            (true, TicketKind::Agent) => fail(
                42012,
                not_available.1,
                format!("agentConfig for agentid {} was signed with the ticket of app {}; use the token of the same app to fetch the ticket", agentid.unwrap_or_default(), t.agentid),
                format!("agentConfig（agentid {}）使用了应用 {} 的 ticket 签名，请用同一应用的 token 获取 ticket", agentid.unwrap_or_default(), t.agentid),
            ),
            (false, _) => fail(
                40093,
                "invalid signature",
                format!("wx.config was signed with the agent ticket of app {}; use the corp ticket from get_jsapi_ticket", t.agentid),
                format!("wx.config 使用了应用 {} 的 agent ticket 签名，应使用 get_jsapi_ticket 获取的企业 ticket", t.agentid),
            ),
        };
    }
    if fragment.is_some() && tickets.iter().any(|t| signs_with(t, &input.url) == sig) {
        return fail(
            40093,
            "invalid signature",
            "the URL was signed with its #fragment; the client verifies the URL without # and what follows".into(),
            "签名的 URL 带有 #片段，客户端校验时会去掉 # 及其后的部分".into(),
        );
    }
    if tickets.iter().any(|t| signs_with(t, &signed_url) == sig.to_ascii_lowercase()) {
        return fail(40093, "invalid signature", "the signature must be lowercase hex".into(), "签名必须是小写十六进制".into());
    }
    if !tickets.iter().any(|t| right_ticket(t) && t.valid) {
        let which = if is_agent { "agent ticket of this app" } else { "corp jsapi_ticket" };
        let (code, msg) = not_available;
        return fail(
            code,
            msg,
            format!("no valid {which} is known; fetch one and sign with it"),
            "尚无有效的 ticket，请先获取 ticket 再签名".into(),
        );
    }
    let ms = if ts.len() >= 13 { " (the timestamp looks like milliseconds; use seconds)" } else { "" };
    fail(
        40093,
        "invalid signature",
        format!("signature does not match sha1(jsapi_ticket=…&noncestr={}&timestamp={ts}&url={signed_url}) for any known ticket{ms}; check the URL (exactly the page URL without #), nonceStr and timestamp", input.nonce_str),
        format!("签名与任何已知 ticket 计算出的结果都不一致{}；请检查 URL（完整页面地址，不含 #）、nonceStr 和 timestamp", if ms.is_empty() { "" } else { "（timestamp 像是毫秒，应使用秒）" }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://app.example.test/p?a=1";

    fn t(kind: TicketKind, agentid: i64, v: &str, valid: bool) -> KnownTicket {
        KnownTicket { kind, agentid, value: Secret::new(v), fetched_at: 0, expires_at: 7200, valid, is_current: valid }
    }
    fn corp(domains: Option<Vec<String>>) -> CorpFacts {
        CorpFacts {
            corpid: "wwC".into(),
            apps: vec![AppFacts { agentid: 1000002, name: "h5".into(), trusted_domains: domains }],
            apps_complete: true,
        }
    }
    fn input(kind: &str, sig_ticket: &str, url: &str, agentid: Option<i64>) -> VerifyInput {
        VerifyInput {
            kind: kind.into(),
            url: url.into(),
            timestamp: json!("100"),
            nonce_str: "N".into(),
            signature: sha1_hex(&string1(sig_ticket, "N", "100", strip_fragment(url).0)),
            agentid: agentid.map(|a| json!(a)),
            corpid: Some("wwC".into()),
            entry_url: None,
        }
    }

    #[test]
    fn verdicts_and_shapes() {
        let c = corp(Some(vec!["app.example.test".into()]));
        let ts = [t(TicketKind::Corp, 1000002, "CORP", true), t(TicketKind::Agent, 1000002, "AG", true)];
        let ok = decide(&input("config", "CORP", "https://app.example.test/p?a=1#/x", None), &c, &ts, 10);
        assert!(ok.outcome.valid && ok.diagnosis.is_none());
        assert_eq!(ok.outcome.err_msg, "config:ok");
        let ag = decide(&input("agentConfig", "CORP", URL, Some(1000002)), &c, &ts, 10);
        assert_eq!((ag.outcome.errcode, ag.outcome.err_msg.as_str()), (Some(42012), "agentConfig:fail ticket no available, e=42012"));
        assert_eq!(ag.diagnosis.unwrap().0.causes[0].id, "wrong_ticket_kind");
        let mut wrong = input("config", "CORP", URL, None);
        wrong.corpid = Some("wwOther".into());
        let o = decide_client(&wrong, &c, &ts, 10);
        assert_eq!((o.errcode, o.err_msg.as_str()), (Some(40013), "config:invalid corpId, e=40013"));
        let o = decide_client(&input("config", "CORP", "https://evil.test/p", None), &c, &ts, 10);
        assert_eq!(o.err_msg, "config:invalid url domain");
        // Unknown trusted domains (a real corp): not checked.
        assert!(decide_client(&input("config", "CORP", "https://evil.test/p", None), &corp(None), &ts, 10).valid);
        // Replaced ticket: refused, diagnosed stale.
        let old = [t(TicketKind::Corp, 1000002, "OLD", false), t(TicketKind::Corp, 1000002, "NEW", true)];
        let d = decide(&input("config", "OLD", URL, None), &c, &old, 10);
        assert_eq!(d.outcome.errcode, Some(40093));
        assert_eq!(d.diagnosis.as_ref().unwrap().0.causes[0].id, "stale_ticket", "{:?}", d.outcome);
        let j = diagnosis_json(&d.diagnosis.as_ref().unwrap().0, &d.diagnosis.as_ref().unwrap().1);
        assert_eq!(j["valid"], false);
        assert_eq!(j["causes"][0]["id"], "stale_ticket");
        assert!(!j.to_string().contains("OLD\""), "ticket values never printed: {j}");
    }

    #[test]
    fn spa_entry_url_is_named() {
        let c = corp(None);
        let ts = [t(TicketKind::Corp, 1000002, "CORP", true)];
        let entry = "https://app.example.test/index.html?from=menu";
        let mut i = input("config", "CORP", entry, None);
        i.url = "https://app.example.test/orders/7".into();
        i.entry_url = Some(entry.into());
        let d = decide(&i, &c, &ts, 10);
        assert!(!d.outcome.valid);
        let ids: Vec<_> = d.diagnosis.unwrap().0.causes.iter().map(|c| c.id).collect();
        assert_eq!(ids[0], "spa_entry_url", "{ids:?}");
    }
}
