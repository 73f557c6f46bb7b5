//! Signature diagnosis: say exactly why the page's JS-SDK signature fails.
//!
//! The official checker only recomputes SHA-1. Here we search the mistakes backends
//! really make — wrong or old ticket, URL variants, millisecond timestamps, values
//! differing from the ones handed to `ww.register`, whitespace — and report the
//! combinations whose SHA-1 equals the pasted signature, fewest mistakes first.
//!
//! Bounded: at most [`MAX_DEVIATIONS`] composed mistakes, searched level by level
//! (0, then 1, then 2) so a correct signature costs one hash, and SHA-1 state is
//! shared for common prefixes (`jsapi_ticket=T`, then `&noncestr=N&timestamp=TS&url=`).

mod parse;
mod texts;
mod urls;

pub use parse::{ParseError, Pasted, parse_pasted};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::secret::{Secret, mask};
use crate::signature::{sha1_hex, strip_fragment, string1};

/// At most this many mistakes are composed in one candidate.
pub const MAX_DEVIATIONS: usize = 2;

/// Which registration the signature was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// `wx.config` / `getConfigSignature`: the corp jsapi_ticket.
    Config,
    /// `wx.agentConfig` / `getAgentConfigSignature`: the agent ticket.
    AgentConfig,
    /// Not known: both ticket kinds count as right.
    #[default]
    Auto,
}

/// The two ticket kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TicketKind {
    /// `get_jsapi_ticket`, for `config`.
    Corp,
    /// `ticket/get?type=agent_config`, for `agentConfig`.
    Agent,
}

impl TicketKind {
    fn for_kind(k: Kind) -> Option<TicketKind> {
        match k {
            Kind::Config => Some(TicketKind::Corp),
            Kind::AgentConfig => Some(TicketKind::Agent),
            Kind::Auto => None,
        }
    }
    fn name_en(self) -> &'static str {
        match self {
            TicketKind::Corp => "corp jsapi_ticket",
            TicketKind::Agent => "agent ticket",
        }
    }
    fn name_zh(self) -> &'static str {
        match self {
            TicketKind::Corp => "企业 jsapi_ticket",
            TicketKind::Agent => "应用 ticket",
        }
    }
}

/// A ticket wwdev knows: current ones and history, of any profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketCandidate {
    pub kind: TicketKind,
    pub value: Secret,
    /// Unix seconds.
    pub fetched_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    pub profile: String,
    /// The newest ticket of its kind in its profile.
    pub is_current: bool,
}

/// Everything the diagnosis needs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DiagnoseInput {
    pub pasted: Pasted,
    /// `location.href` of the page, fragment and all.
    pub page_url: String,
    pub kind: Kind,
    /// Current and history, newest first, possibly several profiles.
    pub tickets: Vec<TicketCandidate>,
    pub active_profile: String,
    /// The OAuth link the user came through, if known.
    pub oauth_url: Option<String>,
    /// The entry URL of a single-page app, if known.
    pub entry_url: Option<String>,
    /// What was handed to `ww.register`, when known apart from the paste
    /// (overrides `pasted.register_*`).
    pub register_nonce: Option<String>,
    pub register_timestamp: Option<String>,
    /// Unix seconds.
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Confidence {
    /// A candidate with this mistake reproduces the signature exactly.
    Exact,
    /// Certainly wrong in the inputs, but the signature is not reproduced.
    Likely,
    /// Worth checking.
    Hint,
}

/// Which ticket a cause is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketInfo {
    pub kind: TicketKind,
    pub fetched_at: i64,
    pub expires_at: i64,
    pub profile: String,
    pub is_current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cause {
    /// Stable id, see [`CAUSE_IDS`].
    pub id: &'static str,
    pub confidence: Confidence,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub detail_zh: String,
    pub detail_en: String,
    pub fix_zh: &'static str,
    pub fix_en: &'static str,
    pub ticket: Option<TicketInfo>,
}

/// What the signature should be. `string1` shows the ticket masked
/// (`sM4A***(86)~1a2b3c`: prefix, length, short fingerprint) so the diagnosis can be
/// shown and logged; both string1s mask the same way, so diff indexes stay meaningful.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    pub ticket_kind: TicketKind,
    pub ticket: TicketInfo,
    pub nonce_str: String,
    pub timestamp: String,
    pub url_signed: String,
    pub string1: String,
    pub signature: String,
}

/// The string1 that reproduces the pasted signature (ticket masked likewise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explained {
    pub string1: String,
    pub signature: String,
    /// First differing char index between `expected.string1` and this one.
    pub first_diff_index: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldCheck {
    /// `ticket`, `nonceStr`, `timestamp`, `url`, `signature`,
    /// `register.nonceStr`, `register.timestamp`.
    pub name: &'static str,
    pub expected: String,
    pub got: String,
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    pub valid: bool,
    pub expected: Option<Expected>,
    pub explained: Option<Explained>,
    pub fields: Vec<FieldCheck>,
    /// Most likely first; empty when valid.
    pub causes: Vec<Cause>,
    pub certainly_right: Vec<String>,
    pub certainly_right_zh: Vec<String>,
    pub next_checks_zh: Vec<String>,
    pub next_checks_en: Vec<String>,
}

/// Every cause id, in the order used to break ties (more common first).
pub const CAUSE_IDS: &[&str] = &[
    "fragment_in_url",
    "timestamp_ms",
    "wrong_ticket_kind",
    "stale_ticket",
    "url_encoded",
    "oauth_url_signed",
    "missing_oauth_params",
    "spa_entry_url",
    "nonce_mismatch",
    "timestamp_mismatch",
    "html_escaped_amp",
    "url_double_encoded",
    "scheme_mismatch",
    "trailing_slash",
    "other_profile_ticket",
    "whitespace",
    "unknown",
];

/// First differing char index (`None` when equal). A prefix differs at its end.
pub fn first_diff(a: &str, b: &str) -> Option<usize> {
    let mut ai = a.chars();
    let mut bi = b.chars();
    let mut i = 0;
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return None,
            (x, y) if x != y => return Some(i),
            _ => i += 1,
        }
    }
}

/// One mistake in a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dev {
    Fragment,
    WrongKind,
    Stale,
    OtherProfile,
    /// The backend's ticket is not in wwdev's history (taken from the paste).
    ForeignTicket,
    TsMs,
    Encoded,
    EncodedUri,
    Decoded,
    DoubleEncoded,
    DoubleDecoded,
    AmpUrl,
    EntityUrl,
    AmpTemplate,
    TimesTemplate,
    /// `nonceStr=` instead of `noncestr=` in string1.
    TemplateKey,
    Scheme,
    Slash,
    OauthUrl,
    MissingOauth,
    SpaEntry,
    NonceMismatch,
    TsMismatch,
    WsNonce,
    WsTimestamp,
    WsTicket,
    WsUrl,
    WsSignature,
    /// Uppercase hex: the signature must be lowercase.
    SigCase,
    QueryDropped,
    PastedUrl,
}

impl Dev {
    fn id(self) -> &'static str {
        use Dev::*;
        match self {
            Fragment => "fragment_in_url",
            WrongKind => "wrong_ticket_kind",
            Stale => "stale_ticket",
            OtherProfile => "other_profile_ticket",
            TsMs => "timestamp_ms",
            Encoded | EncodedUri | Decoded => "url_encoded",
            DoubleEncoded | DoubleDecoded => "url_double_encoded",
            AmpUrl | EntityUrl | AmpTemplate | TimesTemplate => "html_escaped_amp",
            Scheme => "scheme_mismatch",
            Slash => "trailing_slash",
            OauthUrl => "oauth_url_signed",
            MissingOauth => "missing_oauth_params",
            SpaEntry => "spa_entry_url",
            NonceMismatch => "nonce_mismatch",
            TsMismatch => "timestamp_mismatch",
            WsNonce | WsTimestamp | WsTicket | WsUrl | WsSignature => "whitespace",
            ForeignTicket | TemplateKey | SigCase | QueryDropped | PastedUrl => "unknown",
        }
    }
    fn rank(self) -> usize {
        CAUSE_IDS.iter().position(|i| *i == self.id()).unwrap_or(CAUSE_IDS.len())
    }
}

struct Var {
    value: String,
    devs: Vec<Dev>,
    /// Index into `input.tickets` for ticket variants.
    src: Option<usize>,
}

struct Layout {
    nonce: &'static str,
    ts: &'static str,
    url: &'static str,
    devs: &'static [Dev],
}

const LAYOUTS: &[Layout] = &[
    Layout { nonce: "&noncestr=", ts: "&timestamp=", url: "&url=", devs: &[] },
    Layout { nonce: "&noncestr=", ts: "×tamp=", url: "&url=", devs: &[Dev::TimesTemplate] },
    Layout { nonce: "&amp;noncestr=", ts: "&amp;timestamp=", url: "&amp;url=", devs: &[Dev::AmpTemplate] },
    Layout { nonce: "&nonceStr=", ts: "&timestamp=", url: "&url=", devs: &[Dev::TemplateKey] },
];

struct Match {
    ticket: usize,
    layout: usize,
    nonce: usize,
    ts: usize,
    url: usize,
    devs: Vec<Dev>,
}

/// Adds variants, dropping duplicates (the first, i.e. simplest, explanation wins).
#[derive(Default)]
struct VarSet {
    vars: Vec<Var>,
    seen: HashMap<String, usize>,
}

impl VarSet {
    fn add(&mut self, value: String, devs: Vec<Dev>, src: Option<usize>) {
        if devs.len() > MAX_DEVIATIONS {
            return;
        }
        match self.seen.get(&value) {
            Some(&i) if self.vars[i].devs.len() <= devs.len() => {}
            Some(&i) => {
                self.vars[i].devs = devs;
                self.vars[i].src = src;
            }
            None => {
                self.seen.insert(value.clone(), self.vars.len());
                self.vars.push(Var { value, devs, src });
            }
        }
    }
}

fn with(devs: &[Dev], d: Dev) -> Vec<Dev> {
    let mut v = devs.to_vec();
    v.push(d);
    v
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// 13+ digits: `Date.now()` rather than seconds.
fn is_ms(s: &str) -> bool {
    is_digits(s) && s.len() >= 13
}

fn to_seconds(s: &str) -> String {
    if is_ms(s) { s[..s.len() - 3].to_owned() } else { s.to_owned() }
}

/// The ticket as shown in string1 outputs: masked, plus a short fingerprint so two
/// different tickets never look the same.
fn masked_ticket(t: &str) -> String {
    format!("{}~{}", mask(t), &sha1_hex(t)[..6])
}

fn ticket_info(c: &TicketCandidate) -> TicketInfo {
    TicketInfo {
        kind: c.kind,
        fetched_at: c.fetched_at,
        expires_at: c.expires_at,
        profile: c.profile.clone(),
        is_current: c.is_current,
    }
}

/// `2h 5m` style duration.
fn dur(secs: i64) -> String {
    let s = secs.abs();
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86400 {
        format!("{}h {}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d {}h", s / 86400, (s % 86400) / 3600)
    }
}

fn parse_hex20(s: &str) -> Option<[u8; 20]> {
    let v = hex::decode(s).ok()?;
    v.try_into().ok()
}

/// The prepared search space.
struct Space<'a> {
    input: &'a DiagnoseInput,
    want: Option<TicketKind>,
    tickets: VarSet,
    nonces: VarSet,
    tss: VarSet,
    urls: VarSet,
    nonce: String,
    ts: String,
    base_url: String,
    /// Problems on the `ww.register` side, present whatever was signed.
    register_devs: Vec<Dev>,
}

fn build_space(input: &DiagnoseInput, want: Option<TicketKind>) -> Option<Space<'_>> {
    let p = &input.pasted;
    let reg_nonce = input.register_nonce.as_ref().or(p.register_nonce.as_ref());
    let reg_ts = input.register_timestamp.as_ref().or(p.register_timestamp.as_ref());
    // What WeCom will see: the values handed to ww.register.
    let seen_nonce = reg_nonce.or(p.nonce_str.as_ref())?.clone();
    let seen_ts = reg_ts.or(p.timestamp.as_ref())?.clone();
    let nonce = seen_nonce.trim().to_owned();
    let ts = to_seconds(seen_ts.trim());
    let mut register_devs = Vec::new();
    if is_ms(seen_ts.trim()) {
        register_devs.push(Dev::TsMs);
    }
    if seen_nonce != nonce {
        register_devs.push(Dev::WsNonce);
    }
    if seen_ts != seen_ts.trim() {
        register_devs.push(Dev::WsTimestamp);
    }

    // Nonce variants.
    let mut nonces = VarSet::default();
    nonces.add(nonce.clone(), vec![], None);
    for v in [Some(&seen_nonce), p.nonce_str.as_ref()].into_iter().flatten() {
        for v in [v.clone(), v.trim().to_owned()] {
            let mut d = Vec::new();
            if v.trim() != nonce {
                d.push(Dev::NonceMismatch);
            }
            if v != v.trim() {
                d.push(Dev::WsNonce);
            }
            nonces.add(v, d, None);
        }
    }

    // Timestamp variants.
    let mut tss = VarSet::default();
    tss.add(ts.clone(), vec![], None);
    if is_digits(&ts) && ts.len() <= 10 {
        tss.add(format!("{ts}000"), vec![Dev::TsMs], None);
    }
    for v in [Some(&seen_ts), p.timestamp.as_ref()].into_iter().flatten() {
        for v in [v.clone(), v.trim().to_owned()] {
            let t = v.trim();
            let mut d = Vec::new();
            if t != ts {
                if is_ms(t) && to_seconds(t) == ts {
                    d.push(Dev::TsMs);
                } else {
                    d.push(Dev::TsMismatch);
                    if is_ms(t) {
                        d.push(Dev::TsMs);
                    }
                }
            }
            if v != t {
                d.push(Dev::WsTimestamp);
            }
            tss.add(v, d, None);
        }
    }

    // URL variants.
    let href = input.page_url.trim();
    let href = if href.is_empty() { p.url.as_deref().unwrap_or("").trim() } else { href };
    if href.is_empty() {
        return None;
    }
    let (base, frag) = strip_fragment(href);
    let base_url = base.to_owned();
    let mut sources = VarSet::default();
    sources.add(base_url.clone(), vec![], None);
    if frag.is_some() {
        sources.add(href.to_owned(), vec![Dev::Fragment], None);
    }
    if let Some(u) = urls::without_params(&base_url, &["code", "state"]) {
        sources.add(u, vec![Dev::MissingOauth], None);
    }
    if let Some(o) = input.oauth_url.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        let (ob, of) = strip_fragment(o);
        sources.add(ob.to_owned(), vec![Dev::OauthUrl], None);
        if of.is_some() {
            sources.add(o.to_owned(), vec![Dev::OauthUrl, Dev::Fragment], None);
        }
        if let Some(r) = urls::query_param(o, "redirect_uri") {
            sources.add(strip_fragment(&r).0.to_owned(), vec![Dev::MissingOauth], None);
        }
    }
    if let Some(e) = input.entry_url.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        let (eb, ef) = strip_fragment(e);
        sources.add(eb.to_owned(), vec![Dev::SpaEntry], None);
        if ef.is_some() {
            sources.add(e.to_owned(), vec![Dev::SpaEntry, Dev::Fragment], None);
        }
    }
    if let Some(u) = urls::without_query(&base_url) {
        sources.add(u, vec![Dev::QueryDropped], None);
    }
    let mut url_vars = VarSet::default();
    for s in &sources.vars {
        url_vars.add(s.value.clone(), s.devs.clone(), None);
    }
    for s in &sources.vars {
        if s.devs.len() >= MAX_DEVIATIONS {
            continue;
        }
        let v = &s.value;
        let d = &s.devs;
        let mut add = |value: Option<String>, dev: Dev| {
            if let Some(value) = value.filter(|x| x != v) {
                url_vars.add(value, with(d, dev), None);
            }
        };
        add(urls::swap_scheme(v), Dev::Scheme);
        add(urls::toggle_slash(v), Dev::Slash);
        let enc = urls::encode_component(v);
        add(Some(urls::encode_component(&enc)), Dev::DoubleEncoded);
        add(Some(enc), Dev::Encoded);
        add(Some(urls::encode_uri(v)), Dev::EncodedUri);
        let dec = urls::decode(v);
        let dec2 = urls::decode(&dec);
        if dec2 != dec {
            add(Some(dec2), Dev::DoubleDecoded);
        }
        add(Some(dec), Dev::Decoded);
        add(urls::escape_amp(v), Dev::AmpUrl);
        add(urls::mangle_entities(v), Dev::EntityUrl);
        add(Some(format!("{v}\n")), Dev::WsUrl);
        add(Some(format!("{v} ")), Dev::WsUrl);
    }
    // The URL the backend says it signed: explained by a variant above, or itself a finding.
    if let Some(pu) = p.url.as_deref() {
        let t = pu.trim();
        let mut d = match url_vars.seen.get(t) {
            Some(&i) => url_vars.vars[i].devs.clone(),
            None => vec![Dev::PastedUrl],
        };
        if pu != t {
            d.push(Dev::WsUrl);
        }
        url_vars.add(pu.to_owned(), d.clone(), None);
        if !url_vars.seen.contains_key(t) {
            d.retain(|x| *x != Dev::WsUrl);
            url_vars.add(t.to_owned(), d, None);
        }
    }

    // Ticket variants.
    let mut tickets = VarSet::default();
    for (i, c) in input.tickets.iter().enumerate() {
        let mut d = Vec::new();
        if want.is_some_and(|w| w != c.kind) {
            d.push(Dev::WrongKind);
        }
        if !c.is_current {
            d.push(Dev::Stale);
        }
        if c.profile != input.active_profile {
            d.push(Dev::OtherProfile);
        }
        tickets.add(c.value.expose().to_owned(), d, Some(i));
    }
    let zero: Vec<(String, Option<usize>)> = tickets
        .vars
        .iter()
        .filter(|v| v.devs.is_empty())
        .map(|v| (v.value.clone(), v.src))
        .collect();
    for (t, src) in zero {
        for ws in ["\n", " ", "\r\n"] {
            tickets.add(format!("{t}{ws}"), vec![Dev::WsTicket], src);
        }
    }
    if let Some(pt) = p.ticket.as_deref().filter(|t| !t.trim().is_empty())
        && !tickets.seen.contains_key(pt)
    {
        tickets.add(pt.to_owned(), vec![Dev::ForeignTicket], None);
    }

    Some(Space {
        input,
        want,
        tickets,
        nonces,
        tss,
        urls: url_vars,
        nonce,
        ts,
        base_url,
        register_devs,
    })
}

/// Level-by-level search for candidates whose SHA-1 is `target`.
fn search(sp: &Space, target: &[u8; 20]) -> Vec<Match> {
    let mut found = Vec::new();
    for level in 0..=MAX_DEVIATIONS {
        for (ti, t) in sp.tickets.vars.iter().enumerate() {
            let dt = t.devs.len();
            if dt > level {
                continue;
            }
            let mut ht = Sha1::new();
            ht.update(b"jsapi_ticket=");
            ht.update(t.value.as_bytes());
            for (li, l) in LAYOUTS.iter().enumerate() {
                let dl = dt + l.devs.len();
                if dl > level {
                    continue;
                }
                for (ni, n) in sp.nonces.vars.iter().enumerate() {
                    let dn = dl + n.devs.len();
                    if dn > level {
                        continue;
                    }
                    let mut hn = ht.clone();
                    hn.update(l.nonce.as_bytes());
                    hn.update(n.value.as_bytes());
                    hn.update(l.ts.as_bytes());
                    for (si, s) in sp.tss.vars.iter().enumerate() {
                        let ds = dn + s.devs.len();
                        if ds > level {
                            continue;
                        }
                        let mut hs = hn.clone();
                        hs.update(s.value.as_bytes());
                        hs.update(l.url.as_bytes());
                        for (ui, u) in sp.urls.vars.iter().enumerate() {
                            if ds + u.devs.len() != level {
                                continue;
                            }
                            let mut h = hs.clone();
                            h.update(u.value.as_bytes());
                            if h.finalize().as_slice() == target {
                                let mut devs: Vec<Dev> = t.devs.clone();
                                devs.extend_from_slice(l.devs);
                                devs.extend_from_slice(&n.devs);
                                devs.extend_from_slice(&s.devs);
                                devs.extend_from_slice(&u.devs);
                                found.push(Match { ticket: ti, layout: li, nonce: ni, ts: si, url: ui, devs });
                            }
                        }
                    }
                }
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    found
}

/// Why the signature is (or is not) right. Never panics, whatever the input.
pub fn diagnose(input: &DiagnoseInput) -> Diagnosis {
    let p = &input.pasted;
    let want = TicketKind::for_kind(input.kind).or_else(|| p.kind_hint.and_then(TicketKind::for_kind));
    let sig_raw = p.signature.clone().unwrap_or_default();
    let sig = sig_raw.trim().to_ascii_lowercase();
    let mut d = Diagnosis {
        valid: false,
        expected: None,
        explained: None,
        fields: Vec::new(),
        causes: Vec::new(),
        certainly_right: Vec::new(),
        certainly_right_zh: Vec::new(),
        next_checks_zh: Vec::new(),
        next_checks_en: Vec::new(),
    };
    let target = parse_hex20(&sig);
    let space = build_space(input, want);
    let (Some(target), Some(sp)) = (target, space) else {
        let mut missing = Vec::new();
        if target.is_none() {
            missing.push("signature (40 hex characters)");
        }
        if p.nonce_str.is_none() && p.register_nonce.is_none() && input.register_nonce.is_none() {
            missing.push("nonceStr");
        }
        if p.timestamp.is_none() && p.register_timestamp.is_none() && input.register_timestamp.is_none() {
            missing.push("timestamp");
        }
        if input.page_url.trim().is_empty() && p.url.is_none() {
            missing.push("page URL (location.href)");
        }
        let m = missing.join(", ");
        d.causes.push(cause_unknown(
            Confidence::Hint,
            format!("缺少诊断所需的输入：{m}。"),
            format!("Inputs needed for the diagnosis are missing: {m}."),
        ));
        d.next_checks_en.push(format!("Provide: {m}."));
        d.next_checks_zh.push(format!("请补充：{m}。"));
        return d;
    };

    let mut matches = search(&sp, &target);
    let mut extra = sp.register_devs.clone();
    if sig_raw != sig_raw.trim() {
        extra.push(Dev::WsSignature);
    }
    if sig_raw.trim() != sig {
        extra.push(Dev::SigCase);
    }
    for m in &mut matches {
        for e in &extra {
            if !m.devs.contains(e) {
                m.devs.push(*e);
            }
        }
        m.devs.sort_by_key(|d| d.rank());
    }
    matches.sort_by_key(|m| (m.devs.len(), m.devs.iter().map(|d| d.rank()).sum::<usize>()));

    // The kind to compare against: asked, hinted, or the one that explains it.
    let kind = want
        .or_else(|| matches.first().and_then(|m| sp.tickets.vars[m.ticket].src).map(|i| input.tickets[i].kind))
        .unwrap_or_else(|| {
            let has = |k| input.tickets.iter().any(|t| t.kind == k && t.is_current && t.profile == input.active_profile);
            if !has(TicketKind::Corp) && has(TicketKind::Agent) { TicketKind::Agent } else { TicketKind::Corp }
        });
    let current = input
        .tickets
        .iter()
        .find(|t| t.kind == kind && t.is_current && t.profile == input.active_profile);
    if let Some(c) = current {
        let s1 = string1(c.value.expose(), &sp.nonce, &sp.ts, &sp.base_url);
        d.expected = Some(Expected {
            ticket_kind: kind,
            ticket: ticket_info(c),
            nonce_str: sp.nonce.clone(),
            timestamp: sp.ts.clone(),
            url_signed: sp.base_url.clone(),
            string1: string1(&masked_ticket(c.value.expose()), &sp.nonce, &sp.ts, &sp.base_url),
            signature: sha1_hex(&s1),
        });
    }

    let best = matches.first();
    d.valid = best.is_some_and(|m| m.devs.is_empty())
        && d.expected.as_ref().is_none_or(|e| e.signature == sig);
    if let Some(m) = best {
        let t = &sp.tickets.vars[m.ticket];
        let l = &LAYOUTS[m.layout];
        let s1 = format!(
            "jsapi_ticket={}{}{}{}{}{}{}",
            masked_ticket(&t.value),
            l.nonce,
            sp.nonces.vars[m.nonce].value,
            l.ts,
            sp.tss.vars[m.ts].value,
            l.url,
            sp.urls.vars[m.url].value
        );
        d.explained = Some(Explained {
            first_diff_index: d.expected.as_ref().and_then(|e| first_diff(&e.string1, &s1)),
            string1: s1,
            signature: sig.clone(),
        });
    }

    // Field-by-field comparison.
    let got_ticket = best.map(|m| &sp.tickets.vars[m.ticket]);
    if let Some(e) = &d.expected {
        let exp_t = current.map(|c| masked_ticket(c.value.expose())).unwrap_or_default();
        let got = got_ticket.map_or_else(|| "?".to_owned(), |t| masked_ticket(&t.value));
        d.fields.push(FieldCheck { name: "ticket", ok: got == exp_t, expected: exp_t, got });
        d.fields.push(FieldCheck {
            name: "signature",
            expected: e.signature.clone(),
            got: sig_raw.clone(),
            ok: e.signature == sig_raw,
        });
    }
    for (name, got) in [("nonceStr", p.nonce_str.as_ref()), ("register.nonceStr", input.register_nonce.as_ref().or(p.register_nonce.as_ref()))] {
        if let Some(g) = got {
            d.fields.push(FieldCheck { name, expected: sp.nonce.clone(), got: g.clone(), ok: *g == sp.nonce });
        }
    }
    for (name, got) in [("timestamp", p.timestamp.as_ref()), ("register.timestamp", input.register_timestamp.as_ref().or(p.register_timestamp.as_ref()))] {
        if let Some(g) = got {
            d.fields.push(FieldCheck { name, expected: sp.ts.clone(), got: g.clone(), ok: *g == sp.ts });
        }
    }
    let got_url = best.map(|m| sp.urls.vars[m.url].value.clone()).or_else(|| p.url.clone());
    if let Some(g) = got_url {
        d.fields.push(FieldCheck { name: "url", ok: g == sp.base_url, expected: sp.base_url.clone(), got: g });
    }

    // Causes.
    if !d.valid {
        let mut seen: Vec<&'static str> = Vec::new();
        for m in matches.iter().filter(|m| m.devs.len() == matches[0].devs.len()).take(6) {
            for dv in &m.devs {
                if seen.contains(&dv.id()) {
                    continue;
                }
                seen.push(dv.id());
                d.causes.push(make_cause(&sp, m, *dv, Confidence::Exact));
            }
        }
        if matches.is_empty() {
            unexplained(&sp, &mut d, kind, current);
        }
    }
    certainly_right(&sp, &mut d, kind, current, best.is_some());
    d
}

fn cause_unknown(confidence: Confidence, detail_zh: String, detail_en: String) -> Cause {
    let t = texts::texts("unknown");
    Cause {
        id: "unknown",
        confidence,
        title_zh: t.title_zh,
        title_en: t.title_en,
        detail_zh,
        detail_en,
        fix_zh: t.fix_zh,
        fix_en: t.fix_en,
        ticket: None,
    }
}

fn make_cause(sp: &Space, m: &Match, dv: Dev, confidence: Confidence) -> Cause {
    let input = sp.input;
    let t = texts::texts(dv.id());
    let cand = sp.tickets.vars.get(m.ticket).and_then(|tv| tv.src).map(|i| &input.tickets[i]);
    let signed_url = &sp.urls.vars[m.url].value;
    let nonce = &sp.nonces.vars[m.nonce].value;
    let ts = &sp.tss.vars[m.ts].value;
    let now = input.now;
    let base = &sp.base_url;
    let when = |c: &TicketCandidate| -> (String, String) {
        let fetched = dur(now - c.fetched_at);
        if c.expires_at <= now {
            let ago = dur(now - c.expires_at);
            (format!("获取于 {fetched} 前，已于 {ago} 前过期"), format!("fetched {fetched} ago, expired {ago} ago"))
        } else {
            let left = dur(c.expires_at - now);
            (format!("获取于 {fetched} 前，还有 {left} 过期"), format!("fetched {fetched} ago, expires in {left}"))
        }
    };
    use Dev::*;
    let (zh, en): (String, String) = match dv {
        Fragment => (
            format!("签名用的 URL 是 {signed_url:?}，含 #；企业微信校验的是 {base:?}。"),
            format!("The URL signed was {signed_url:?}, with its #fragment; WeCom checks {base:?}."),
        ),
        WrongKind => {
            let c = cand.map(|c| c.kind).unwrap_or(TicketKind::Corp);
            let w = sp.want.unwrap_or(TicketKind::Corp);
            (
                format!("签名用的是{}，而这次注册需要{}。", c.name_zh(), w.name_zh()),
                format!("The signature was made with the {}, but this registration needs the {}.", c.name_en(), w.name_en()),
            )
        }
        Stale => match cand {
            Some(c) => {
                let (wz, we) = when(c);
                (
                    format!("签名用的是 {} 的一张旧{}（{wz}），不是当前的那张。", c.profile, c.kind.name_zh()),
                    format!("The signature was made with an older {} of profile {} ({we}), not the current one.", c.kind.name_en(), c.profile),
                )
            }
            None => ("签名用的是一张旧 ticket。".into(), "The signature was made with an older ticket.".into()),
        },
        OtherProfile => {
            let p = cand.map(|c| c.profile.as_str()).unwrap_or("?");
            (
                format!("签名用的是配置 {p:?} 的 ticket，而当前配置是 {:?}。", input.active_profile),
                format!("The signature was made with a ticket of profile {p:?}, while the active profile is {:?}.", input.active_profile),
            )
        }
        ForeignTicket => (
            "签名用的是粘贴内容里的 ticket，它不在 wwdev 的 ticket 历史中：后端自己获取了 ticket（另一台服务器、另一份缓存或另一个应用的 secret）。".into(),
            "The signature was made with the ticket in your paste, which is not in wwdev's history: the backend fetched its own (another server, another cache, or another app's secret).".into(),
        ),
        TsMs => (
            format!("timestamp {:?} 是毫秒（13 位）；应为秒：{}。", if is_ms(ts.trim()) { ts.trim() } else { input.pasted.timestamp.as_deref().unwrap_or(ts) }, sp.ts),
            format!("The timestamp {:?} is in milliseconds (13 digits); it must be seconds: {}.", if is_ms(ts.trim()) { ts.trim() } else { input.pasted.timestamp.as_deref().unwrap_or(ts) }, sp.ts),
        ),
        Encoded | EncodedUri => (
            format!("签名的 URL 被百分号编码了一次：{signed_url:?}，应为 {base:?}。"),
            format!("The signed URL was percent-encoded once: {signed_url:?} instead of {base:?}."),
        ),
        Decoded => (
            format!("签名的 URL 被解码了一次：{signed_url:?}，应为页面原样的 {base:?}。"),
            format!("The signed URL was percent-decoded once: {signed_url:?} instead of the page's own {base:?}."),
        ),
        DoubleEncoded => (
            format!("签名的 URL 被编码了两次：{signed_url:?}。"),
            format!("The signed URL was percent-encoded twice: {signed_url:?}."),
        ),
        DoubleDecoded => (
            format!("签名的 URL 被解码了两次：{signed_url:?}，应为 {base:?}。"),
            format!("The signed URL was percent-decoded twice: {signed_url:?} instead of {base:?}."),
        ),
        AmpUrl => (
            format!("URL 里的 & 变成了 &amp;：{signed_url:?}。"),
            format!("The URL's `&` became `&amp;`: {signed_url:?}."),
        ),
        EntityUrl => (
            format!("URL 里的 &times 等被当作 HTML 实体解码了：{signed_url:?}。"),
            format!("`&times` and the like in the URL were decoded as HTML entities: {signed_url:?}."),
        ),
        TimesTemplate => (
            "string1 里的 &timestamp 被 HTML 解码成了 ×tamp。".into(),
            "`&timestamp` in string1 was decoded by HTML into `×tamp`.".into(),
        ),
        AmpTemplate => (
            "string1 里的 & 被转义成了 &amp;。".into(),
            "The `&` separators of string1 were escaped into `&amp;`.".into(),
        ),
        TemplateKey => (
            "string1 里写成了 nonceStr=，必须是全小写的 noncestr=。".into(),
            "string1 uses `nonceStr=`; the key must be all lowercase: `noncestr=`.".into(),
        ),
        Scheme => (
            format!("签名的 URL 协议不对：{signed_url:?}，页面是 {base:?}。"),
            format!("The signed URL has the other scheme: {signed_url:?}, the page is {base:?}."),
        ),
        Slash => (
            format!("签名的 URL 末尾 / 与页面不一致：{signed_url:?}，页面是 {base:?}。"),
            format!("The signed URL's trailing slash differs: {signed_url:?}, the page is {base:?}."),
        ),
        OauthUrl => (
            format!("签名的是 OAuth 授权链接 {signed_url:?}，而页面是 {base:?}。"),
            format!("The OAuth link {signed_url:?} was signed, while the page is {base:?}."),
        ),
        MissingOauth => (
            format!("签名的 URL {signed_url:?} 缺少页面上的 code / state 参数（页面是 {base:?}）。"),
            format!("The signed URL {signed_url:?} lacks the page's code/state parameters (the page is {base:?})."),
        ),
        SpaEntry => (
            format!("签名的是单页应用的入口 URL {signed_url:?}，当前页面是 {base:?}。"),
            format!("The single-page app's entry URL {signed_url:?} was signed; the current page is {base:?}."),
        ),
        NonceMismatch => (
            format!("签名用的 nonceStr 是 {nonce:?}，传给 ww.register 的是 {:?}。", sp.nonce),
            format!("The signature used nonceStr {nonce:?}, but {:?} was handed to ww.register.", sp.nonce),
        ),
        TsMismatch => (
            format!("签名用的 timestamp 是 {ts:?}，传给 ww.register 的是 {:?}。", sp.ts),
            format!("The signature used timestamp {ts:?}, but {:?} was handed to ww.register.", sp.ts),
        ),
        WsNonce => (
            format!("nonceStr 首尾有空白：签名用 {nonce:?}，应为 {:?}。", sp.nonce),
            format!("nonceStr has surrounding whitespace: {nonce:?} was signed, expected {:?}.", sp.nonce),
        ),
        WsTimestamp => (
            format!("timestamp 首尾有空白：{ts:?}。"),
            format!("timestamp has surrounding whitespace: {ts:?}."),
        ),
        WsTicket => (
            "签名用的 ticket 末尾带了空白或换行（常见于从文件、Redis 或命令输出读取）。".into(),
            "The ticket used for signing ends in whitespace or a newline (typical when read from a file, Redis or command output).".into(),
        ),
        WsUrl => (
            format!("签名的 URL 首尾有空白：{signed_url:?}。"),
            format!("The signed URL has surrounding whitespace: {signed_url:?}."),
        ),
        WsSignature => (
            "粘贴的 signature 首尾有空白，传给 ww.register 前要去掉。".into(),
            "The pasted signature has surrounding whitespace; trim it before handing it to ww.register.".into(),
        ),
        SigCase => (
            "signature 含大写字母；必须是小写十六进制。".into(),
            "The signature has uppercase letters; it must be lowercase hex.".into(),
        ),
        QueryDropped => (
            format!("签名的 URL {signed_url:?} 缺少页面的查询参数（页面是 {base:?}）：URL 被写死或客户端分享后追加了参数。"),
            format!("The signed URL {signed_url:?} lacks the page's query (the page is {base:?}): a hard-coded URL, or the client appended parameters after sharing."),
        ),
        PastedUrl => (
            format!("后端签名的 URL 是 {signed_url:?}，与页面 {base:?} 不同（第 {} 个字符起）。", first_diff(signed_url, base).unwrap_or(0)),
            format!("The backend signed {signed_url:?}, which differs from the page {base:?} from character {}.", first_diff(signed_url, base).unwrap_or(0)),
        ),
    };
    Cause {
        id: dv.id(),
        confidence,
        title_zh: t.title_zh,
        title_en: t.title_en,
        detail_zh: zh,
        detail_en: en,
        fix_zh: t.fix_zh,
        fix_en: t.fix_en,
        ticket: match dv {
            WrongKind | Stale | OtherProfile | WsTicket => cand.map(ticket_info),
            _ => None,
        },
    }
}

/// Nothing reproduces the signature: certain input problems, then `unknown`.
fn unexplained(sp: &Space, d: &mut Diagnosis, kind: TicketKind, current: Option<&TicketCandidate>) {
    let input = sp.input;
    let p = &input.pasted;
    let dummy = dummy_match();
    for dv in &sp.register_devs {
        if !d.causes.iter().any(|c| c.id == dv.id()) {
            let conf = if *dv == Dev::TsMs { Confidence::Exact } else { Confidence::Likely };
            d.causes.push(make_cause(sp, &dummy, *dv, conf));
        }
    }
    let reg_nonce = input.register_nonce.as_ref().or(p.register_nonce.as_ref());
    if let (Some(r), Some(n)) = (reg_nonce, p.nonce_str.as_ref())
        && r.trim() != n.trim()
    {
        let i = sp.nonces.seen.get(n.as_str()).copied().unwrap_or(0);
        let m = Match { nonce: i, ..dummy_match() };
        d.causes.push(make_cause(sp, &m, Dev::NonceMismatch, Confidence::Likely));
    }
    let reg_ts = input.register_timestamp.as_ref().or(p.register_timestamp.as_ref());
    if let (Some(r), Some(t)) = (reg_ts, p.timestamp.as_ref())
        && to_seconds(r.trim()) != to_seconds(t.trim())
    {
        let i = sp.tss.seen.get(t.as_str()).copied().unwrap_or(0);
        let m = Match { ts: i, ..dummy_match() };
        d.causes.push(make_cause(sp, &m, Dev::TsMismatch, Confidence::Likely));
    }
    if let Some(u) = p.url.as_deref()
        && u.contains('#')
    {
        let i = sp.urls.seen.get(u).copied().unwrap_or(0);
        let m = Match { url: i, ..dummy_match() };
        d.causes.push(make_cause(sp, &m, Dev::Fragment, Confidence::Likely));
    }
    let n_tickets = input.tickets.len();
    let profiles: std::collections::BTreeSet<&str> = input.tickets.iter().map(|t| t.profile.as_str()).collect();
    d.causes.push(cause_unknown(
        Confidence::Hint,
        format!(
            "用 {n_tickets} 张 ticket（{} 个配置）和常见的 URL、timestamp、nonceStr 错误（最多组合 {MAX_DEVIATIONS} 个）都无法复现这个签名：后端很可能用了 wwdev 没见过的 ticket，或签名串的拼法不同。",
            profiles.len()
        ),
        format!(
            "None of the {n_tickets} tickets ({} profiles) combined with the usual URL, timestamp and nonceStr mistakes (up to {MAX_DEVIATIONS} at once) reproduces this signature: the backend most likely used a ticket wwdev has never seen, or builds string1 differently.",
            profiles.len()
        ),
    ));
    let host = sp.base_url.split("://").nth(1).unwrap_or(&sp.base_url);
    let host = host.split(['/', '?']).next().unwrap_or(host);
    let mut zh = vec![
        format!("应用的可信域名包含页面的域名 {host}（含非默认端口），否则会报 invalid url domain。"),
        "ww.register 传入的 corpId（agentConfig 还有 agentId）与签发该 ticket 的企业和应用一致。".to_owned(),
        "后端是否用了别处获取的 ticket（另一台服务器、另一份缓存、另一个应用的 secret）：让后端打印签名用的 string1，与上面的期望 string1 对比。".to_owned(),
        "jsApiList 包含要调用的接口，且在注册完成后才调用。".to_owned(),
    ];
    let mut en = vec![
        format!("The app's trusted domain covers the page's host {host} (with any non-default port); otherwise WeCom reports `invalid url domain`."),
        "The corpId (and agentId for agentConfig) handed to ww.register belong to the corp and app that issued the ticket.".to_owned(),
        "Whether the backend uses a ticket fetched elsewhere (another server, another cache, another app's secret): have it log the string1 it signs and compare with the expected string1 above.".to_owned(),
        "jsApiList holds the APIs you call, and they are called only after registration completes.".to_owned(),
    ];
    if current.is_none() {
        zh.insert(0, format!("wwdev 还没有当前配置的{}：先获取 ticket，再诊断。", kind.name_zh()));
        en.insert(0, format!("wwdev has no current {} for the active profile: fetch one, then diagnose again.", kind.name_en()));
    }
    if input.kind == Kind::Auto && p.kind_hint.is_none() {
        zh.push("选择这是 config 还是 agentConfig 的签名，诊断会更准确。".to_owned());
        en.push("Say whether this is a config or an agentConfig signature for a sharper diagnosis.".to_owned());
    }
    d.next_checks_zh = zh;
    d.next_checks_en = en;
}

fn dummy_match() -> Match {
    Match { ticket: 0, layout: 0, nonce: 0, ts: 0, url: 0, devs: vec![] }
}

/// Statements about the inputs that are certainly right, for the user to rule out.
fn certainly_right(sp: &Space, d: &mut Diagnosis, kind: TicketKind, current: Option<&TicketCandidate>, explained: bool) {
    let input = sp.input;
    let now = input.now;
    let p = &input.pasted;
    let (mut en, mut zh) = (Vec::new(), Vec::new());
    if let Some(c) = current.filter(|c| c.expires_at > now) {
        en.push(format!(
            "wwdev's current {} of profile {:?} is valid (fetched {} ago, expires in {}).",
            kind.name_en(),
            c.profile,
            dur(now - c.fetched_at),
            dur(c.expires_at - now)
        ));
        zh.push(format!(
            "wwdev 中配置 {:?} 当前的{}有效（获取于 {} 前，{} 后过期）。",
            c.profile,
            kind.name_zh(),
            dur(now - c.fetched_at),
            dur(c.expires_at - now)
        ));
    }
    let page = input.page_url.trim();
    if !page.is_empty() {
        if page.contains('#') {
            en.push(format!("The URL to sign is {:?}: location.href without its #fragment.", sp.base_url));
            zh.push(format!("要签名的 URL 是 {:?}：location.href 去掉 # 之后的部分。", sp.base_url));
        } else {
            en.push("The page URL has no #fragment.".to_owned());
            zh.push("页面 URL 不含 #。".to_owned());
        }
    }
    if is_digits(&sp.ts)
        && sp.ts.len() == 10
        && !sp.register_devs.contains(&Dev::TsMs)
        && let Ok(t) = sp.ts.parse::<i64>()
        && (now - t).abs() < 86_400
    {
        en.push(format!("timestamp {} is in seconds and recent ({} from now).", sp.ts, dur(now - t)));
        zh.push(format!("timestamp {} 是秒，且是最近的时间（与现在相差 {}）。", sp.ts, dur(now - t)));
    }
    let reg_nonce = input.register_nonce.as_ref().or(p.register_nonce.as_ref());
    if let (Some(r), Some(n)) = (reg_nonce, p.nonce_str.as_ref())
        && r == n
    {
        en.push("The nonceStr handed to ww.register equals the signed one.".to_owned());
        zh.push("传给 ww.register 的 nonceStr 与签名用的一致。".to_owned());
    }
    let ws = |o: Option<&String>| o.is_some_and(|v| v != v.trim());
    if !ws(p.nonce_str.as_ref()) && !ws(p.timestamp.as_ref()) && !ws(p.signature.as_ref()) {
        en.push("nonceStr, timestamp and signature have no surrounding whitespace.".to_owned());
        zh.push("nonceStr、timestamp、signature 首尾没有空白。".to_owned());
    }
    if !explained {
        en.push("The signature is a well-formed SHA-1 (40 hex characters).".to_owned());
        zh.push("signature 是格式正确的 SHA-1（40 个十六进制字符）。".to_owned());
    }
    d.certainly_right = en;
    d.certainly_right_zh = zh;
}
