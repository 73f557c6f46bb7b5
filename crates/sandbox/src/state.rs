//! The sandbox's mutable world (tokens, tickets, codes, faults, counters) behind one
//! lock, and [`Control`], the handle the admin API, tests and embedders use.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use wwdev_core::clock::{Clock, SharedClock};

use crate::jssdk::{self, TicketInfo, TicketKind, VerifyInput, VerifyOutcome};
use crate::seed::Seed;
use crate::wire::mask;

/// Lifetimes fixed by WeCom (D/91039, D/91023, D/90506).
pub const TOKEN_TTL: i64 = 7200;
pub const TICKET_TTL: i64 = 7200;
pub const CODE_TTL: i64 = 300;
pub const USER_TICKET_TTL: i64 = 1800;

/// Frequency limits; WeCom's defaults, lowered in tests to reach them quickly.
/// Unknown fields are refused so a misspelt limit is not silently ignored.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Calls per API path per corp per minute; over it, 45009 for 60 s.
    pub api_per_minute: u32,
    /// jsapi/agent ticket fetches per corp in any 3600 s window.
    pub ticket_per_hour_corp: u32,
    /// jsapi/agent ticket fetches per app in any 3600 s window.
    pub ticket_per_hour_app: u32,
    /// gettoken calls with a wrong secret from one IP in any 3600 s window before that
    /// IP is locked out of gettoken for an hour (45009). About 2,000 per WeCom staff:
    /// https://developers.weixin.qq.com/community/enterprisewechat/doc/0000c80533033826589c94f6356400
    pub secret_failures_per_hour: u32,
}

/// How long a wrong-secret lockout lasts (same thread as above; D/90313 45009 item 5).
pub const SECRET_LOCKOUT_SECS: i64 = 3600;

impl Default for Limits {
    fn default() -> Self {
        Self { api_per_minute: 10_000, ticket_per_hour_corp: 400, ticket_per_hour_app: 100, secret_failures_per_hour: 2000 }
    }
}

/// The sandbox time: the base clock plus an offset the admin API can advance.
#[derive(Debug)]
pub struct SandboxClock {
    base: SharedClock,
    offset: AtomicI64,
}

impl SandboxClock {
    pub fn new(base: SharedClock) -> Self {
        Self { base, offset: AtomicI64::new(0) }
    }
    pub fn offset(&self) -> i64 {
        self.offset.load(Ordering::SeqCst)
    }
}

impl Clock for SandboxClock {
    fn now(&self) -> i64 {
        self.base.now() + self.offset.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TokenRecord {
    pub token: String,
    pub agentid: i64,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
}

/// Who picked themselves on the authorize / login page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Identity {
    Member(String),
    /// A WeChat user who is an external contact (by external_userid).
    Contact(String),
    /// A WeChat user unknown to the corp.
    Stranger,
}

#[derive(Debug, Clone)]
pub(crate) struct CodeRecord {
    pub code: String,
    pub flow: &'static str,
    pub identity: Identity,
    pub agentid: Option<i64>,
    pub scope: String,
    pub state: String,
    pub redirect_uri: String,
    pub trusted_redirect: bool,
    /// snsapi_privateinfo: whether the member allowed sharing private info.
    pub consent: bool,
    pub issued_at: i64,
    pub expires_at: i64,
    pub used: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct UserTicketRecord {
    pub ticket: String,
    pub userid: String,
    pub agentid: i64,
    /// False when the member declined privateinfo: getuserdetail then holds back the
    /// private fields (D/95833).
    pub consent: bool,
    pub issued_at: i64,
    pub expires_at: i64,
}

/// What a member answers on the privateinfo consent page when the link does not say.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    Allow,
    Decline,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait `latency_ms`, then answer normally.
    Latency,
    /// Answer `status` (default 502) with a gateway HTML page.
    HttpStatus,
    /// Answer `status` (default 200) with an HTML error page instead of JSON.
    HtmlError,
    /// Answer 200 `application/json` with a truncated body.
    MalformedJson,
    /// Close the TCP connection without any HTTP response.
    DropConnection,
    /// Answer the WeCom error `errcode` (default -1) in the real wire format.
    Errcode,
}

/// A fault injected on one endpoint path (`/cgi-bin/gettoken`) or on every path
/// starting with a prefix when `path` ends with `*` (`/cgi-bin/*`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub path: String,
    pub kind: FaultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errmsg: Option<String>,
    /// How many requests it hits before clearing itself; none = until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

impl Fault {
    pub fn matches(&self, path: &str) -> bool {
        match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        }
    }
}

/// What to invalidate early (WeCom may invalidate tokens before `expires_in`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invalidate {
    /// `access_token`, `jsapi_ticket` (corp) or `agent_ticket`.
    pub kind: String,
    /// Limit to one app; all apps when absent.
    #[serde(default)]
    pub agentid: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Stats {
    /// Requests received per path (admin routes excluded), including failed ones.
    pub calls: BTreeMap<String, u64>,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeView {
    pub code: String,
    /// `oauth` or `weblogin`.
    pub flow: String,
    pub userid: Option<String>,
    pub openid: Option<String>,
    pub external_userid: Option<String>,
    pub agentid: Option<i64>,
    pub scope: String,
    pub state: String,
    pub redirect_uri: String,
    pub trusted_redirect: bool,
    /// False when the member declined snsapi_privateinfo.
    pub consent: bool,
    pub issued_at: i64,
    pub expires_at: i64,
    pub used: bool,
    pub expired: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CredentialView {
    /// `access_token`, `jsapi_ticket`, `agent_ticket` or `user_ticket`.
    pub kind: String,
    pub masked: String,
    pub agentid: i64,
    pub app_name: String,
    pub userid: Option<String>,
    pub issued_at: i64,
    pub expires_at: i64,
    /// Seconds left (0 when expired).
    pub expires_in: i64,
    /// `valid`, `expired` or `revoked` (invalidated early or replaced).
    pub status: String,
}

pub(crate) struct State {
    pub seed: Seed,
    pub limits: Limits,
    pub tokens: HashMap<String, TokenRecord>,
    pub tickets: Vec<TicketInfo>,
    pub codes: HashMap<String, CodeRecord>,
    pub user_tickets: HashMap<String, UserTicketRecord>,
    pub faults: Vec<Fault>,
    pub stats: Stats,
    /// path -> (minute window, count)
    pub minute_counts: HashMap<String, (i64, u32)>,
    /// path -> blocked until (unix seconds)
    pub blocked_until: HashMap<String, i64>,
    /// (time, agentid) of each ticket fetch in the last hour
    pub ticket_fetches: Vec<(i64, i64)>,
    /// caller IP -> times of wrong-secret gettoken calls in the last hour
    pub secret_failures: HashMap<String, Vec<i64>>,
    /// caller IP -> locked out of gettoken until (unix seconds)
    pub locked_out: HashMap<String, i64>,
    /// userid (or "*" for everyone) -> preset answer on the consent page
    pub consent: HashMap<String, Consent>,
}

impl State {
    pub fn new(seed: Seed, limits: Limits) -> Self {
        Self {
            seed,
            limits,
            tokens: HashMap::new(),
            tickets: Vec::new(),
            codes: HashMap::new(),
            user_tickets: HashMap::new(),
            faults: Vec::new(),
            stats: Stats::default(),
            minute_counts: HashMap::new(),
            blocked_until: HashMap::new(),
            ticket_fetches: Vec::new(),
            secret_failures: HashMap::new(),
            locked_out: HashMap::new(),
            consent: HashMap::new(),
        }
    }

    fn app_name(&self, agentid: i64) -> String {
        self.seed.app(agentid).map(|a| a.name.clone()).unwrap_or_default()
    }
}

fn status_of(revoked: bool, expires_at: i64, now: i64) -> String {
    if revoked {
        "revoked".into()
    } else if expires_at <= now {
        "expired".into()
    } else {
        "valid".into()
    }
}

/// Shared handle on a running sandbox's state. Cheap to clone.
#[derive(Clone)]
pub struct Control {
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) clock: Arc<SandboxClock>,
    initial_limits: Limits,
    initial_seed: Seed,
}

impl std::fmt::Debug for Control {
    // No state in Debug: it holds live tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").field("now", &self.now()).finish_non_exhaustive()
    }
}

impl Control {
    pub(crate) fn new(seed: Seed, clock: SharedClock, limits: Limits) -> Self {
        Self {
            state: Arc::new(Mutex::new(State::new(seed.clone(), limits))),
            clock: Arc::new(SandboxClock::new(clock)),
            initial_limits: limits,
            initial_seed: seed,
        }
    }

    /// Sandbox time, Unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// The sandbox clock (base clock plus the admin offset).
    pub fn clock(&self) -> SharedClock {
        self.clock.clone()
    }

    /// Move sandbox time forward (or back with a negative value); returns the new time.
    pub fn advance_clock(&self, seconds: i64) -> i64 {
        self.clock.offset.fetch_add(seconds, Ordering::SeqCst);
        self.now()
    }

    pub fn clock_offset(&self) -> i64 {
        self.clock.offset()
    }

    pub fn seed(&self) -> Seed {
        self.state.lock().seed.clone()
    }

    pub fn limits(&self) -> Limits {
        self.state.lock().limits
    }

    pub fn set_limits(&self, limits: Limits) {
        let mut st = self.state.lock();
        st.limits = limits;
        st.minute_counts.clear();
        st.blocked_until.clear();
        st.ticket_fetches.clear();
        st.secret_failures.clear();
        st.locked_out.clear();
    }

    /// Add a fault; it replaces any fault on the same path.
    pub fn add_fault(&self, fault: Fault) {
        let mut st = self.state.lock();
        st.faults.retain(|f| f.path != fault.path);
        st.faults.push(fault);
    }

    pub fn faults(&self) -> Vec<Fault> {
        self.state.lock().faults.clone()
    }

    pub fn clear_faults(&self) {
        self.state.lock().faults.clear();
    }

    /// Take the fault for a request path, counting one use down.
    pub(crate) fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut st = self.state.lock();
        // An exact path beats a prefix.
        let i = st
            .faults
            .iter()
            .position(|f| f.path == path)
            .or_else(|| st.faults.iter().position(|f| f.matches(path)))?;
        let fault = st.faults[i].clone();
        if let Some(n) = st.faults[i].count.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                st.faults.remove(i);
            }
        }
        Some(fault)
    }

    pub fn stats(&self) -> Stats {
        self.state.lock().stats.clone()
    }

    pub(crate) fn count_call(&self, path: &str) {
        let mut st = self.state.lock();
        *st.stats.calls.entry(path.to_owned()).or_default() += 1;
        st.stats.total += 1;
    }

    /// Issued OAuth / web-login codes, newest first.
    pub fn codes(&self) -> Vec<CodeView> {
        let now = self.now();
        let st = self.state.lock();
        let mut v: Vec<CodeView> = st
            .codes
            .values()
            .map(|c| {
                let (userid, openid, external_userid) = match &c.identity {
                    Identity::Member(u) => (Some(u.clone()), None, None),
                    Identity::Contact(e) => (
                        None,
                        st.seed.external_contact(e).map(|c| c.openid.clone()),
                        Some(e.clone()),
                    ),
                    Identity::Stranger => (None, Some(st.seed.stranger_openid()), None),
                };
                CodeView {
                    code: c.code.clone(),
                    flow: c.flow.into(),
                    userid,
                    openid,
                    external_userid,
                    agentid: c.agentid,
                    scope: c.scope.clone(),
                    state: c.state.clone(),
                    redirect_uri: c.redirect_uri.clone(),
                    trusted_redirect: c.trusted_redirect,
                    consent: c.consent,
                    issued_at: c.issued_at,
                    expires_at: c.expires_at,
                    used: c.used,
                    expired: c.expires_at <= now,
                }
            })
            .collect();
        v.sort_by(|a, b| b.issued_at.cmp(&a.issued_at).then(a.code.cmp(&b.code)));
        v
    }

    /// Access tokens, tickets and user_tickets, masked, newest first.
    pub fn credentials(&self) -> Vec<CredentialView> {
        let now = self.now();
        let st = self.state.lock();
        let mut v = Vec::new();
        for t in st.tokens.values() {
            v.push(CredentialView {
                kind: "access_token".into(),
                masked: mask(&t.token),
                agentid: t.agentid,
                app_name: st.app_name(t.agentid),
                userid: None,
                issued_at: t.issued_at,
                expires_at: t.expires_at,
                expires_in: (t.expires_at - now).max(0),
                status: status_of(t.revoked, t.expires_at, now),
            });
        }
        for t in &st.tickets {
            v.push(CredentialView {
                kind: match t.kind {
                    TicketKind::Corp => "jsapi_ticket".into(),
                    TicketKind::Agent => "agent_ticket".into(),
                },
                masked: mask(&t.ticket),
                agentid: t.agentid,
                app_name: st.app_name(t.agentid),
                userid: None,
                issued_at: t.issued_at,
                expires_at: t.expires_at,
                expires_in: (t.expires_at - now).max(0),
                status: status_of(t.revoked, t.expires_at, now),
            });
        }
        for t in st.user_tickets.values() {
            v.push(CredentialView {
                kind: "user_ticket".into(),
                masked: mask(&t.ticket),
                agentid: t.agentid,
                app_name: st.app_name(t.agentid),
                userid: Some(t.userid.clone()),
                issued_at: t.issued_at,
                expires_at: t.expires_at,
                expires_in: (t.expires_at - now).max(0),
                status: status_of(false, t.expires_at, now),
            });
        }
        v.sort_by(|a, b| b.issued_at.cmp(&a.issued_at).then(a.kind.cmp(&b.kind)));
        v
    }

    /// Invalidate tokens or tickets before their expiry, as WeCom sometimes does.
    /// Returns how many were invalidated, or why not (English, Chinese) for an unknown kind.
    pub fn invalidate(&self, what: &Invalidate) -> Result<usize, (String, String)> {
        let now = self.now();
        let mut st = self.state.lock();
        let app_ok = |a: i64| what.agentid.is_none_or(|w| w == a);
        let mut n = 0;
        match what.kind.as_str() {
            "access_token" => {
                for t in st.tokens.values_mut() {
                    if !t.revoked && t.expires_at > now && app_ok(t.agentid) {
                        t.revoked = true;
                        n += 1;
                    }
                }
            }
            "jsapi_ticket" | "agent_ticket" => {
                let kind =
                    if what.kind == "jsapi_ticket" { TicketKind::Corp } else { TicketKind::Agent };
                for t in st.tickets.iter_mut() {
                    let app_match = kind == TicketKind::Corp || app_ok(t.agentid);
                    if t.kind == kind && !t.revoked && t.expires_at > now && app_match {
                        t.revoked = true;
                        n += 1;
                    }
                }
            }
            other => {
                return Err((
                    format!("unknown kind {other:?}: use access_token, jsapi_ticket or agent_ticket"),
                    format!("未知的 kind {other:?}：请使用 access_token、jsapi_ticket 或 agent_ticket"),
                ));
            }
        }
        Ok(n)
    }

    /// Forget every token, ticket, code, fault, counter and consent preset; reset the
    /// clock offset, the limits and the seed (visible ranges changed by the admin API).
    pub fn reset(&self) {
        let mut st = self.state.lock();
        *st = State::new(self.initial_seed.clone(), self.initial_limits);
        self.clock.offset.store(0, Ordering::SeqCst);
    }

    /// Replace app `agentid`'s visible range; returns the app's new range, or what is
    /// wrong (unknown app, userid or department) in English and Chinese.
    pub fn set_visible_range(
        &self,
        agentid: i64,
        userids: Vec<String>,
        departments: Vec<i64>,
    ) -> Result<(Vec<String>, Vec<i64>), (String, String)> {
        let mut st = self.state.lock();
        let seed = &st.seed;
        if let Some(u) = userids.iter().find(|u| seed.member(u).is_none()) {
            return Err(not_a_member(u));
        }
        if let Some(d) = departments.iter().find(|d| !seed.departments.iter().any(|x| x.id == **d)) {
            return Err((
                format!("department {d} does not exist in the sandbox corp"),
                format!("沙箱企业中没有部门 {d}"),
            ));
        }
        let app = st.seed.apps.iter_mut().find(|a| a.agentid == agentid).ok_or_else(|| {
            (
                format!("agentid {agentid} is not an app of the sandbox corp"),
                format!("agentid {agentid} 不是沙箱企业的应用"),
            )
        })?;
        app.visible_userids = userids;
        app.visible_departments = departments;
        Ok((app.visible_userids.clone(), app.visible_departments.clone()))
    }

    /// Preset the consent-page answer for `userid` (everyone when None); `None` decision clears it.
    /// An unknown userid is refused (English, Chinese).
    pub fn set_consent(&self, userid: Option<&str>, decision: Option<Consent>) -> Result<(), (String, String)> {
        let mut st = self.state.lock();
        if let Some(u) = userid
            && st.seed.member(u).is_none()
        {
            return Err(not_a_member(u));
        }
        let key = userid.unwrap_or("*").to_owned();
        match decision {
            Some(d) => {
                st.consent.insert(key, d);
            }
            None => {
                st.consent.remove(&key);
            }
        }
        Ok(())
    }

    /// Consent presets: userid (or "*") -> answer.
    pub fn consent_presets(&self) -> BTreeMap<String, Consent> {
        self.state.lock().consent.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// The preset answer for `userid`, if any (a per-member preset beats "*").
    pub(crate) fn preset_consent(&self, userid: &str) -> Option<Consent> {
        let st = self.state.lock();
        st.consent.get(userid).or_else(|| st.consent.get("*")).copied()
    }

    /// Decide a JS-SDK registration as the WeCom client would, against issued tickets.
    pub fn verify_jssdk(&self, input: &VerifyInput) -> VerifyOutcome {
        let now = self.now();
        let st = self.state.lock();
        jssdk::decide(input, &st.seed, &st.tickets, now)
    }

    /// All tickets ever issued (values included), for embedders' diagnosis.
    pub fn ticket_history(&self) -> Vec<TicketInfo> {
        self.state.lock().tickets.clone()
    }
}

/// An admin request named a userid the sandbox corp does not have (English, Chinese).
fn not_a_member(userid: &str) -> (String, String) {
    (format!("userid {userid:?} is not a member of the sandbox corp"), format!("userid {userid:?} 不是沙箱企业的成员"))
}
