//! How the WeCom client decides a `wx.config` / `wx.agentConfig` registration,
//! reproduced against the tickets the sandbox issued. [`decide`] is a pure function:
//! the client's verdict (valid, errcode, errMsg) comes from [`decide_client`]; when a
//! signature is refused, wwdev-core's diagnosis engine names the cause over the
//! sandbox's whole ticket history and supplies the reason text and fixes.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wwdev_core::signature::{sha1_hex, string1, strip_fragment};

use crate::seed::Seed;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    /// The corp jsapi_ticket (`get_jsapi_ticket`), for `wx.config`.
    Corp,
    /// An app's ticket (`ticket/get?type=agent_config`), for `wx.agentConfig`.
    Agent,
}

/// One issued ticket and its validity window.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TicketInfo {
    pub kind: TicketKind,
    /// For agent tickets the owning app; for the corp ticket the app whose token fetched it first.
    pub agentid: i64,
    pub ticket: String,
    pub issued_at: i64,
    pub expires_at: i64,
    /// Invalidated before its expiry.
    pub revoked: bool,
}

impl std::fmt::Debug for TicketInfo {
    // The ticket value stays out of Debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketInfo")
            .field("kind", &self.kind)
            .field("agentid", &self.agentid)
            .field("ticket", &crate::wire::mask(&self.ticket))
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("revoked", &self.revoked)
            .finish()
    }
}

impl TicketInfo {
    pub fn is_valid(&self, now: i64) -> bool {
        !self.revoked && self.expires_at > now
    }
}

/// What the page passed to `ww.register` / `wx.config` / `wx.agentConfig`.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VerifyOutcome {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
    /// What the JS callback's `errMsg` would say, e.g. `config:invalid signature`.
    pub err_msg: String,
    pub reason: String,
    pub reason_zh: String,
    /// The URL the client verified against (fragment removed).
    pub verified_url: String,
    /// When the signature was refused: the diagnosis engine's causes, most likely first.
    #[serde(default)]
    pub causes: Vec<DiagnosedCause>,
}

/// One cause found by `wwdev_core::diagnose`, as the sandbox reports it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DiagnosedCause {
    /// Stable id from `wwdev_core::diagnose::CAUSE_IDS`, e.g. `fragment_in_url`.
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

impl From<&wwdev_core::diagnose::Cause> for DiagnosedCause {
    fn from(c: &wwdev_core::diagnose::Cause) -> Self {
        let confidence = serde_json::to_value(c.confidence)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
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

fn outcome(
    kind: &str,
    url: &str,
    errcode: Option<i64>,
    client_msg: &str,
    reason: impl Into<String>,
    reason_zh: impl Into<String>,
) -> VerifyOutcome {
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

/// Decide a registration against the tickets issued so far at time `now`: the client's
/// verdict, and for a refused signature the diagnosis engine's causes and reason text.
pub fn decide(input: &VerifyInput, seed: &Seed, tickets: &[TicketInfo], now: i64) -> VerifyOutcome {
    let mut out = decide_client(input, seed, tickets, now);
    // Only signature refusals are the engine's business; a bad domain, agentid or
    // kind is decided before the client ever hashes anything.
    if out.valid || !matches!(out.errcode, Some(40093) | Some(42012)) {
        return out;
    }
    let d = wwdev_core::diagnose::diagnose(&diagnose_input(input, seed, tickets, now));
    out.causes = d.causes.iter().map(DiagnosedCause::from).collect();
    // The engine's `unknown` alone says less than the sandbox's own reason (e.g. "no
    // ticket issued yet"), so that reason is kept then.
    if let Some(top) = d.causes.first().filter(|c| c.id != "unknown") {
        out.reason = format!("{} {}", top.detail_en, top.fix_en);
        out.reason_zh = format!("{}{}", top.detail_zh, top.fix_zh);
    }
    out
}

/// The sandbox's ticket history as the engine's candidates. Agent tickets belong to
/// their app ("profile" `app <agentid>`); the corp ticket to whichever app registers.
fn diagnose_input(input: &VerifyInput, seed: &Seed, tickets: &[TicketInfo], now: i64) -> wwdev_core::diagnose::DiagnoseInput {
    use wwdev_core::diagnose::{DiagnoseInput, Kind, Pasted, TicketCandidate, TicketKind as K};
    use wwdev_core::secret::Secret;
    let kind = if input.kind == "agentConfig" { Kind::AgentConfig } else { Kind::Config };
    let agentid = match &input.agentid {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let active = match agentid {
        Some(a) => format!("app {a}"),
        None => format!("corp {}", seed.corpid),
    };
    let profile_of = |t: &TicketInfo| match t.kind {
        TicketKind::Corp => active.clone(),
        TicketKind::Agent => format!("app {}", t.agentid),
    };
    // The newest still-valid ticket per (kind, profile) is current; everything else is history.
    let is_current = |t: &TicketInfo| {
        t.is_valid(now)
            && !tickets.iter().any(|o| {
                o.kind == t.kind && profile_of(o) == profile_of(t) && o.is_valid(now) && o.issued_at > t.issued_at
            })
    };
    let mut cands: Vec<TicketCandidate> = tickets
        .iter()
        .map(|t| TicketCandidate {
            kind: match t.kind {
                TicketKind::Corp => K::Corp,
                TicketKind::Agent => K::Agent,
            },
            value: Secret::new(t.ticket.clone()),
            fetched_at: t.issued_at,
            // The revocation time is not kept; "expired now" is the closest truth.
            expires_at: if t.revoked { t.expires_at.min(now) } else { t.expires_at },
            profile: profile_of(t),
            is_current: is_current(t),
        })
        .collect();
    cands.sort_by_key(|c| std::cmp::Reverse(c.fetched_at));
    let ts = match &input.timestamp {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    DiagnoseInput {
        pasted: Pasted {
            signature: Some(input.signature.clone()),
            nonce_str: Some(input.nonce_str.clone()),
            timestamp: Some(ts),
            kind_hint: Some(kind),
            ..Default::default()
        },
        page_url: input.url.clone(),
        kind,
        tickets: cands,
        active_profile: active,
        now,
        ..Default::default()
    }
}

/// The client's verdict alone, with the sandbox's short reason text.
pub fn decide_client(input: &VerifyInput, seed: &Seed, tickets: &[TicketInfo], now: i64) -> VerifyOutcome {
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

    // agentid: required by agentConfig, must name an app of this corp.
    let agentid = match &input.agentid {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64().or(Some(-1)),
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().parse::<i64>().unwrap_or(-1)),
        Some(_) => Some(-1),
    };
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
        Some(a) => match seed.app(a) {
            Some(app) => Some(app),
            None => {
                return outcome(
                    kind,
                    &signed_url,
                    Some(40056),
                    "invalid agentid",
                    format!("agentid {:?} is not an app of corp {}", input.agentid, seed.corpid),
                    format!("agentid {:?} 不是企业 {} 的应用", input.agentid, seed.corpid),
                );
            }
        },
        None => None,
    };

    // The client checks the page URL, then its domain.
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
    let trusted = match app {
        Some(app) => app.trusted_domains.iter().any(|d| d.eq_ignore_ascii_case(&domain)),
        None => seed
            .apps
            .iter()
            .any(|a| a.trusted_domains.iter().any(|d| d.eq_ignore_ascii_case(&domain))),
    };
    if !trusted {
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

    let ts = match &input.timestamp {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    let fail = |code: i64, msg: &str, reason: String, zh: String| {
        outcome(kind, &signed_url, Some(code), msg, reason, zh)
    };
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return fail(
            40093,
            "invalid signature",
            format!("timestamp {ts:?} is not an integer number of seconds"),
            format!("timestamp {ts:?} 不是以秒为单位的整数"),
        );
    }

    let wanted_kind = if is_agent { TicketKind::Agent } else { TicketKind::Corp };
    let right_ticket = |t: &TicketInfo| {
        t.kind == wanted_kind && (!is_agent || Some(t.agentid) == agentid)
    };
    let sig = input.signature.as_str();
    // Raw string1, no fragment stripping: the fragment case below must hash the URL as given.
    let signs_with = |t: &TicketInfo, url: &str| sha1_hex(&string1(&t.ticket, &input.nonce_str, &ts, url));

    // Accepted: a currently valid ticket of the right kind (and app) signs exactly this.
    if tickets
        .iter()
        .any(|t| right_ticket(t) && t.is_valid(now) && signs_with(t, &signed_url) == sig)
    {
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

    // Rejected: find the likeliest reason.
    for t in tickets {
        if signs_with(t, &signed_url) != sig {
            continue;
        }
        if right_ticket(t) {
            let what = if t.revoked { "was invalidated or replaced" } else { "has expired" };
            return fail(
                40093,
                "invalid signature",
                format!("signed with a stale ticket (issued at {}, it {what}); fetch the current ticket and sign again", t.issued_at),
                format!("签名使用了已失效的 ticket（{} 签发），请获取最新 ticket 重新签名", t.issued_at),
            );
        }
        return match (is_agent, t.kind) {
            (true, TicketKind::Corp) => fail(
                42012,
                "fail, jsapi ticket not available",
                "agentConfig was signed with the corp jsapi_ticket; sign it with the app's ticket from ticket/get?type=agent_config".into(),
                "agentConfig 使用了企业 jsapi_ticket 签名，应使用应用的 ticket（ticket/get?type=agent_config）".into(),
            ),
            (true, TicketKind::Agent) => fail(
                42012,
                "fail, jsapi ticket not available",
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
        return fail(
            40093,
            "invalid signature",
            "the signature must be lowercase hex".into(),
            "签名必须是小写十六进制".into(),
        );
    }
    if !tickets.iter().any(|t| right_ticket(t) && t.is_valid(now)) {
        let (code, msg) = if is_agent {
            (42012, "fail, jsapi ticket not available")
        } else {
            (40093, "invalid signature")
        };
        let which = if is_agent { "agent ticket of this app" } else { "corp jsapi_ticket" };
        return fail(
            code,
            msg,
            format!("no valid {which} has been issued by this sandbox; fetch one and sign with it"),
            "沙箱尚未签发有效的 ticket，请先获取 ticket 再签名".into(),
        );
    }
    let ms = if ts.len() >= 13 { " (the timestamp looks like milliseconds; use seconds)" } else { "" };
    fail(
        40093,
        "invalid signature",
        format!("signature does not match sha1(jsapi_ticket=…&noncestr={}&timestamp={ts}&url={signed_url}) for any issued ticket{ms}; check the URL (exactly the page URL without #), nonceStr and timestamp", input.nonce_str),
        format!("签名与任何已签发 ticket 计算出的结果都不一致{}；请检查 URL（完整页面地址，不含 #）、nonceStr 和 timestamp", if ms.is_empty() { "" } else { "（timestamp 像是毫秒，应使用秒）" }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ticket(kind: TicketKind, agentid: i64, t: &str) -> TicketInfo {
        TicketInfo { kind, agentid, ticket: t.into(), issued_at: 0, expires_at: 7200, revoked: false }
    }

    fn input(kind: &str, ts: &str, sig: String, agentid: Option<i64>) -> VerifyInput {
        VerifyInput {
            kind: kind.into(),
            url: "https://app.example.test/p?a=1".into(),
            timestamp: json!(ts),
            nonce_str: "N".into(),
            signature: sig,
            agentid: agentid.map(|a| json!(a)),
        }
    }

    fn sig(t: &str, ts: &str) -> String {
        sha1_hex(&string1(t, "N", ts, "https://app.example.test/p?a=1"))
    }

    #[test]
    fn decisions_without_a_server() {
        let seed = Seed::default();
        let tickets = [ticket(TicketKind::Corp, 1000002, "CORP"), ticket(TicketKind::Agent, 1000002, "AG")];
        assert!(decide(&input("config", "100", sig("CORP", "100"), None), &seed, &tickets, 10).valid);
        // Numeric timestamps are accepted like strings.
        let mut i = input("config", "100", sig("CORP", "100"), None);
        i.timestamp = json!(100);
        assert!(decide(&i, &seed, &tickets, 10).valid);
        // Expired at 7200.
        let o = decide(&input("config", "100", sig("CORP", "100"), None), &seed, &tickets, 7200);
        assert!(!o.valid);
        assert_eq!(o.causes[0].id, "stale_ticket", "{o:?}");
        // Uppercase hex.
        let o = decide(&input("config", "100", sig("CORP", "100").to_uppercase(), None), &seed, &tickets, 10);
        assert!(!o.valid && o.reason.contains("lowercase"));
        // Milliseconds are called out.
        let o = decide(&input("config", "1700000000000", sig("OTHER", "1700000000000"), None), &seed, &tickets, 10);
        assert!(o.reason.contains("milliseconds"), "{}", o.reason);
        // config signed with the agent ticket.
        let o = decide(&input("config", "100", sig("AG", "100"), None), &seed, &tickets, 10);
        assert_eq!(o.errcode, Some(40093));
        assert!(o.reason.contains("agent ticket"));
        // agentConfig with no agent ticket for that app: 42012.
        let o = decide(&input("agentConfig", "100", sig("X", "100"), Some(1000002)), &seed, &tickets[..1], 10);
        assert_eq!(o.errcode, Some(42012));
        assert_eq!(decide(&input("agentConfig", "100", sig("AG", "100"), Some(42)), &seed, &tickets, 10).errcode, Some(40056));
        assert_eq!(decide(&input("cfg", "100", sig("AG", "100"), None), &seed, &tickets, 10).errcode, Some(40058));
        let mut i = input("config", "100", sig("CORP", "100"), None);
        i.url = "app.example.test/p".into();
        assert_eq!(decide(&i, &seed, &tickets, 10).errcode, Some(40094));
    }

    #[test]
    fn debug_hides_ticket() {
        let t = ticket(TicketKind::Corp, 1, "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVU");
        assert!(!format!("{t:?}").contains("VdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37"));
    }
}
