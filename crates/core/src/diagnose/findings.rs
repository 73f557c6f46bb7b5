//! What the user reads besides the causes: the findings when nothing reproduces the
//! signature, the next things to check, and what is certainly right.

use std::collections::BTreeSet;

use super::causes::{self, duration};
use super::mistake::Mistake;
use super::search::Match;
use super::space::{SearchSpace, is_digits, to_seconds};
use super::{Confidence, Diagnosis, Kind, MAX_DEVIATIONS, TicketCandidate, TicketKind};

/// Nothing reproduces the signature: certain input problems, then `unknown`.
pub(super) fn unexplained(space: &SearchSpace, d: &mut Diagnosis, kind: TicketKind, current: Option<&TicketCandidate>) {
    let input = space.input;
    let pasted = &input.pasted;
    for mistake in &space.register_mistakes {
        if !d.causes.iter().any(|c| c.id == mistake.id()) {
            let confidence = if *mistake == Mistake::TimestampMs { Confidence::Exact } else { Confidence::Likely };
            d.causes.push(causes::describe(space, &Match::none(), *mistake, confidence));
        }
    }
    if let (Some(r), Some(n)) = (input.registered_nonce(), pasted.nonce_str.as_ref())
        && r.trim() != n.trim()
    {
        let i = space.nonces.index_of.get(n.as_str()).copied().unwrap_or(0);
        let m = Match { nonce: i, ..Match::none() };
        d.causes.push(causes::describe(space, &m, Mistake::NonceMismatch, Confidence::Likely));
    }
    if let (Some(r), Some(t)) = (input.registered_timestamp(), pasted.timestamp.as_ref())
        && to_seconds(r.trim()) != to_seconds(t.trim())
    {
        let i = space.timestamps.index_of.get(t.as_str()).copied().unwrap_or(0);
        let m = Match { timestamp: i, ..Match::none() };
        d.causes.push(causes::describe(space, &m, Mistake::TimestampMismatch, Confidence::Likely));
    }
    if let Some(u) = pasted.url.as_deref()
        && u.contains('#')
    {
        let i = space.urls.index_of.get(u).copied().unwrap_or(0);
        let m = Match { url: i, ..Match::none() };
        d.causes.push(causes::describe(space, &m, Mistake::Fragment, Confidence::Likely));
    }
    let n_tickets = input.tickets.len();
    let profiles: BTreeSet<&str> = input.tickets.iter().map(|t| t.profile.as_str()).collect();
    d.causes.push(causes::unknown(
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
    let host = space.base_url.split("://").nth(1).unwrap_or(&space.base_url);
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
    if input.kind == Kind::Auto && pasted.kind_hint.is_none() {
        zh.push("选择这是 config 还是 agentConfig 的签名，诊断会更准确。".to_owned());
        en.push("Say whether this is a config or an agentConfig signature for a sharper diagnosis.".to_owned());
    }
    d.next_checks_zh = zh;
    d.next_checks_en = en;
}

/// Statements about the inputs that are certainly right, for the user to rule out.
pub(super) fn certainly_right(space: &SearchSpace, d: &mut Diagnosis, kind: TicketKind, current: Option<&TicketCandidate>, explained: bool) {
    let input = space.input;
    let now = input.now;
    let pasted = &input.pasted;
    let (mut en, mut zh) = (Vec::new(), Vec::new());
    if let Some(c) = current.filter(|c| c.expires_at > now) {
        en.push(format!(
            "wwdev's current {} of profile {:?} is valid (fetched {} ago, expires in {}).",
            kind.name_en(),
            c.profile,
            duration(now - c.fetched_at),
            duration(c.expires_at - now)
        ));
        zh.push(format!(
            "wwdev 中配置 {:?} 当前的{}有效（获取于 {} 前，{} 后过期）。",
            c.profile,
            kind.name_zh(),
            duration(now - c.fetched_at),
            duration(c.expires_at - now)
        ));
    }
    let page = input.page_url.trim();
    if !page.is_empty() {
        if page.contains('#') {
            en.push(format!("The URL to sign is {:?}: location.href without its #fragment.", space.base_url));
            zh.push(format!("要签名的 URL 是 {:?}：location.href 去掉 # 之后的部分。", space.base_url));
        } else {
            en.push("The page URL has no #fragment.".to_owned());
            zh.push("页面 URL 不含 #。".to_owned());
        }
    }
    if is_digits(&space.timestamp)
        && space.timestamp.len() == 10
        && !space.register_mistakes.contains(&Mistake::TimestampMs)
        && let Ok(t) = space.timestamp.parse::<i64>()
        && (now - t).abs() < 86_400
    {
        en.push(format!("timestamp {} is in seconds and recent ({} from now).", space.timestamp, duration(now - t)));
        zh.push(format!("timestamp {} 是秒，且是最近的时间（与现在相差 {}）。", space.timestamp, duration(now - t)));
    }
    if let (Some(r), Some(n)) = (input.registered_nonce(), pasted.nonce_str.as_ref())
        && r == n
    {
        en.push("The nonceStr handed to ww.register equals the signed one.".to_owned());
        zh.push("传给 ww.register 的 nonceStr 与签名用的一致。".to_owned());
    }
    let has_whitespace = |o: Option<&String>| o.is_some_and(|v| v != v.trim());
    if !has_whitespace(pasted.nonce_str.as_ref()) && !has_whitespace(pasted.timestamp.as_ref()) && !has_whitespace(pasted.signature.as_ref()) {
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
