use wwdev_core::cache::{self, Cached, EntryInfo};

use crate::types::{CachedView, CredentialsView, RevealWhat, TicketHistoryItem, TicketKind};
use wwdev_core::error::{UiError, UiResult};
use crate::Workbench;


fn from_entry(e: &EntryInfo, now: i64) -> CachedView {
    CachedView {
        masked: e.value.masked(),
        fetched_at: e.fetched_at,
        expires_at: e.expires_at,
        refresh_at: e.refresh_at,
        from_cache: true,
        now,
    }
}

fn from_cached(c: &Cached, refresh_margin: i64, now: i64) -> CachedView {
    CachedView {
        masked: c.value.masked(),
        fetched_at: c.fetched_at,
        expires_at: c.expires_at,
        refresh_at: c.expires_at - refresh_margin,
        from_cache: c.from_cache,
        now,
    }
}

pub fn snapshot(state: &Workbench, profile_id: &str) -> UiResult<CredentialsView> {
    let r = state.resolve(profile_id, "token")?;
    let s = r.cache.snapshot(&r.key);
    Ok(CredentialsView {
        now: s.now,
        token: s.token.as_ref().map(|e| from_entry(e, s.now)),
        corp_ticket: s.corp_ticket.as_ref().map(|e| from_entry(e, s.now)),
        agent_ticket: s.agent_ticket.as_ref().map(|e| from_entry(e, s.now)),
        corp_fetches_last_hour: s.corp_fetches_last_hour as u32,
        agent_fetches_last_hour: s.agent_fetches_last_hour as u32,
        corp_limit_per_hour: cache::CORP_TICKET_LIMIT_PER_HOUR as u32,
        agent_limit_per_hour: cache::AGENT_TICKET_LIMIT_PER_HOUR as u32,
    })
}

pub async fn token(state: &Workbench, profile_id: &str, force: bool) -> UiResult<CachedView> {
    let r = state.resolve(profile_id, "token")?;
    let c = r.cache.access_token(&r.client, &r.key, r.secret()?, force).await?;
    Ok(from_cached(&c, r.cache.refresh_margin(), r.cache.now()))
}

pub async fn ticket(state: &Workbench, profile_id: &str, kind: TicketKind, force: bool) -> UiResult<CachedView> {
    let r = state.resolve(profile_id, "ticket")?;
    let c = r.cache.ticket(&r.client, &r.key, r.secret()?, kind, force).await?;
    Ok(from_cached(&c, r.cache.refresh_margin(), r.cache.now()))
}

pub fn history(state: &Workbench, profile_id: &str, kind: TicketKind) -> UiResult<Vec<TicketHistoryItem>> {
    let r = state.resolve(profile_id, "ticket")?;
    let snap = r.cache.snapshot(&r.key);
    let current = match kind {
        TicketKind::Corp => snap.corp_ticket,
        TicketKind::Agent => snap.agent_ticket,
    };
    let mut items: Vec<TicketHistoryItem> = r
        .cache
        .history(&r.key, kind)
        .into_iter()
        .map(|t| TicketHistoryItem {
            masked: t.value.masked(),
            fetched_at: t.fetched_at,
            expires_at: t.expires_at,
            is_current: current.as_ref().is_some_and(|c| c.value == t.value),
        })
        .collect();
    items.reverse(); // newest first
    Ok(items)
}

pub fn reveal(state: &Workbench, profile_id: &str, what: RevealWhat) -> UiResult<String> {
    let r = state.resolve(profile_id, "reveal")?;
    let snap = r.cache.snapshot(&r.key);
    let entry = match what {
        RevealWhat::Token => snap.token,
        RevealWhat::CorpTicket => snap.corp_ticket,
        RevealWhat::AgentTicket => snap.agent_ticket,
    };
    entry.map(|e| e.value.expose().to_owned()).ok_or_else(|| {
        UiError::not_found("Nothing cached to reveal.", "没有可显示的缓存值。")
            .hint2("Fetch it first, then reveal it.", "请先获取，再显示。")
    })
}
