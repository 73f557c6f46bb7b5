//! Token and ticket cache keyed by (base URL, corpid, agentid).
//!
//! - refreshes `refresh_margin` seconds before expiry (default 300 s; for very short
//!   lifetimes at most half the lifetime) — until the upstream is seen answering such
//!   an early fetch with the same value, as WeCom does: from then on that credential is
//!   kept until it expires (the early call cannot get a new one),
//! - single flight: concurrent callers for the same key and kind share one upstream call,
//! - forgets the token when a call through the cache sees 40001/40014/42001,
//! - keeps the last 50 tickets per (key, kind) with their validity windows, and counts
//!   ticket fetches in the last hour against the published limits.
//!
//! Time comes from the injected clock only.

use crate::client::WeComClient;
use crate::clock::SharedClock;
use crate::error::CoreError;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub const DEFAULT_REFRESH_MARGIN: i64 = 300;
/// Published limit: corp jsapi_ticket fetches per corp per hour.
pub const CORP_TICKET_LIMIT_PER_HOUR: usize = 400;
/// Published limit: agent ticket fetches per app per hour.
pub const AGENT_TICKET_LIMIT_PER_HOUR: usize = 100;
/// Tickets kept in the history per (key, kind).
pub const HISTORY_LEN: usize = 50;
/// Errcodes after which a cached token must not be used again.
pub const TOKEN_INVALID_CODES: &[i64] = &[40001, 40014, 42001];

/// What a cached credential belongs to. The agentid is part of the key so two apps
/// of one corp never share an agent ticket (a known collision in some SDKs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CredentialKey {
    pub base_url: String,
    pub corpid: String,
    pub agentid: String,
}

impl CredentialKey {
    pub fn new(base_url: impl Into<String>, corpid: impl Into<String>, agentid: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim().trim_end_matches('/').to_string(),
            corpid: corpid.into().trim().to_string(),
            agentid: agentid.into().trim().to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "TicketKind.ts"))]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    /// The corp jsapi_ticket (`wx.config`).
    Corp,
    /// The agent ticket (`wx.agentConfig`).
    Agent,
}

impl TicketKind {
    pub fn limit_per_hour(self) -> usize {
        match self {
            TicketKind::Corp => CORP_TICKET_LIMIT_PER_HOUR,
            TicketKind::Agent => AGENT_TICKET_LIMIT_PER_HOUR,
        }
    }
}

/// A credential handed out by the cache.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cached {
    pub value: Secret,
    pub fetched_at: i64,
    pub expires_at: i64,
    /// False when this call went upstream.
    pub from_cache: bool,
}

/// One ticket the cache fetched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketRecord {
    pub kind: TicketKind,
    pub value: Secret,
    pub fetched_at: i64,
    pub expires_at: i64,
}

/// A cached value as the UI shows it (value masked when serialised).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryInfo {
    pub value: Secret,
    pub fetched_at: i64,
    pub expires_at: i64,
    /// When the cache will fetch a new one.
    pub refresh_at: i64,
    /// Seconds left until expiry at snapshot time (negative when expired).
    pub remaining_secs: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacheSnapshot {
    pub key: CredentialKey,
    pub now: i64,
    pub token: Option<EntryInfo>,
    pub corp_ticket: Option<EntryInfo>,
    pub agent_ticket: Option<EntryInfo>,
    pub corp_fetches_last_hour: usize,
    pub agent_fetches_last_hour: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Token,
    Ticket(TicketKind),
}

#[derive(Clone)]
struct Entry {
    value: Secret,
    fetched_at: i64,
    expires_at: i64,
    /// SHA-1 of the secret that produced a token, so a changed secret is not served
    /// an old token.
    secret_fp: Option<String>,
    /// WeCom answers a refresh inside the validity window with the SAME value and the
    /// remaining `expires_in`. Refreshing early again would only get it back again
    /// (and burn the hourly ticket budget), so such an entry is kept until it expires.
    no_early_refresh: bool,
}

#[derive(Default)]
struct Slot {
    /// Held while fetching: the single-flight guard.
    flight: tokio::sync::Mutex<()>,
    entry: Mutex<Option<Entry>>,
    /// Bumped on every store/forget so waiters know someone else already acted.
    generation: AtomicU64,
    history: Mutex<VecDeque<TicketRecord>>,
    fetch_times: Mutex<VecDeque<i64>>,
    /// Learnt: the upstream answers a fetch inside the validity window with the same
    /// value (WeCom's D/91039 said so for access_token in its 2020 version,
    /// work.weixin.qq.com/api/doc/90000/90135/91039: "有效期内重复获取返回相同结果"; the
    /// current page no longer has that sentence, so it is learnt, not assumed). Once seen, new entries
    /// of this slot skip the refresh-ahead attempt, which could only get the same value
    /// back: one upstream call per window instead of two. Cleared when an early fetch
    /// brings a new value (an upstream that re-issues early keeps its refresh-ahead).
    reissues_same: AtomicBool,
}

pub struct TokenCache {
    clock: SharedClock,
    refresh_margin: AtomicI64,
    slots: Mutex<HashMap<(CredentialKey, Kind), Arc<Slot>>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache").field("refresh_margin", &self.refresh_margin()).finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these short locks cannot leave bad state behind.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl TokenCache {
    pub fn new(clock: SharedClock) -> Self {
        Self { clock, refresh_margin: AtomicI64::new(DEFAULT_REFRESH_MARGIN), slots: Mutex::new(HashMap::new()) }
    }

    /// Builder form of [`TokenCache::set_refresh_margin`].
    pub fn with_refresh_margin(self, secs: i64) -> Self {
        self.set_refresh_margin(secs);
        self
    }

    pub fn set_refresh_margin(&self, secs: i64) {
        self.refresh_margin.store(secs.max(0), Ordering::SeqCst);
    }

    pub fn refresh_margin(&self) -> i64 {
        self.refresh_margin.load(Ordering::SeqCst)
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    fn slot(&self, key: &CredentialKey, kind: Kind) -> Arc<Slot> {
        lock(&self.slots).entry((key.clone(), kind)).or_default().clone()
    }

    fn existing_slot(&self, key: &CredentialKey, kind: Kind) -> Option<Arc<Slot>> {
        lock(&self.slots).get(&(key.clone(), kind)).cloned()
    }

    fn refresh_at(&self, e: &Entry) -> i64 {
        if e.no_early_refresh {
            return e.expires_at;
        }
        let lifetime = (e.expires_at - e.fetched_at).max(0);
        e.expires_at - self.refresh_margin().min(lifetime / 2)
    }

    fn fresh(&self, slot: &Slot, secret_fp: Option<&str>) -> Option<Entry> {
        let now = self.now();
        let g = lock(&slot.entry);
        let e = g.as_ref()?;
        if now >= self.refresh_at(e) {
            return None;
        }
        if secret_fp.is_some() && e.secret_fp.as_deref() != secret_fp {
            return None;
        }
        Some(e.clone())
    }

    /// The shared single-flight path for every kind.
    async fn get_or_fetch<F, Fut>(
        &self,
        slot: &Slot,
        force: bool,
        secret_fp: Option<String>,
        fetch: F,
    ) -> Result<(Cached, bool), CoreError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, i64), CoreError>>,
    {
        let hit = |e: Entry| Cached { value: e.value, fetched_at: e.fetched_at, expires_at: e.expires_at, from_cache: true };
        let gen_before = slot.generation.load(Ordering::SeqCst);
        if !force && let Some(e) = self.fresh(slot, secret_fp.as_deref()) {
            return Ok((hit(e), false));
        }
        let _flight = slot.flight.lock().await;
        // Whoever held the guard before us may already have fetched what we need;
        // for a forced refresh, only a fetch that happened while we waited counts.
        if (!force || slot.generation.load(Ordering::SeqCst) != gen_before)
            && let Some(e) = self.fresh(slot, secret_fp.as_deref())
        {
            return Ok((hit(e), false));
        }
        let (value, expires_in) = fetch().await?;
        let fetched_at = self.now();
        let (same_value, early) = match lock(&slot.entry).as_ref() {
            Some(e) => (e.value == value, e.expires_at > fetched_at),
            None => (false, false),
        };
        if early {
            slot.reissues_same.store(same_value, Ordering::SeqCst);
        }
        let entry = Entry {
            value: value.clone(),
            fetched_at,
            expires_at: fetched_at + expires_in.max(0),
            secret_fp,
            no_early_refresh: same_value || slot.reissues_same.load(Ordering::SeqCst),
        };
        *lock(&slot.entry) = Some(entry.clone());
        slot.generation.fetch_add(1, Ordering::SeqCst);
        Ok((Cached { value, fetched_at, expires_at: entry.expires_at, from_cache: false }, true))
    }

    /// The access_token for `key`, from the cache unless expired (minus the margin),
    /// the secret changed, or `force` is set.
    pub async fn access_token(
        &self,
        client: &WeComClient,
        key: &CredentialKey,
        secret: &Secret,
        force: bool,
    ) -> Result<Cached, CoreError> {
        let slot = self.slot(key, Kind::Token);
        let fp = crate::signature::sha1_hex(secret.expose());
        let corpid = key.corpid.clone();
        let r = self
            .get_or_fetch(&slot, force, Some(fp), || async move {
                let t = client.gettoken(&corpid, secret).await?;
                Ok((t.access_token, t.expires_in))
            })
            .await;
        if let Err(e) = &r {
            self.note_error(key, e);
        }
        r.map(|(c, _)| c)
    }

    /// The corp jsapi_ticket (for `wx.config`).
    pub async fn jsapi_ticket(
        &self,
        client: &WeComClient,
        key: &CredentialKey,
        secret: &Secret,
        force: bool,
    ) -> Result<Cached, CoreError> {
        self.ticket(client, key, secret, TicketKind::Corp, force).await
    }

    /// The agent ticket (for `wx.agentConfig`).
    pub async fn agent_ticket(
        &self,
        client: &WeComClient,
        key: &CredentialKey,
        secret: &Secret,
        force: bool,
    ) -> Result<Cached, CoreError> {
        self.ticket(client, key, secret, TicketKind::Agent, force).await
    }

    pub async fn ticket(
        &self,
        client: &WeComClient,
        key: &CredentialKey,
        secret: &Secret,
        kind: TicketKind,
        force: bool,
    ) -> Result<Cached, CoreError> {
        let slot = self.slot(key, Kind::Ticket(kind));
        let r = self
            .get_or_fetch(&slot, force, None, || async {
                let token = self.access_token(client, key, secret, false).await?;
                let t = match kind {
                    TicketKind::Corp => client.get_jsapi_ticket(&token.value).await,
                    TicketKind::Agent => client.get_agent_config_ticket(&token.value).await,
                }?;
                Ok((t.ticket, t.expires_in))
            })
            .await;
        match r {
            Err(e) => {
                self.note_error(key, &e);
                Err(e)
            }
            Ok((c, fetched)) => {
                if fetched {
                    let mut h = lock(&slot.history);
                    // The same ticket handed back again is one ticket: update its window.
                    if let Some(last) = h.back_mut().filter(|l| l.value == c.value) {
                        last.expires_at = c.expires_at;
                    } else {
                        h.push_back(TicketRecord {
                            kind,
                            value: c.value.clone(),
                            fetched_at: c.fetched_at,
                            expires_at: c.expires_at,
                        });
                    }
                    while h.len() > HISTORY_LEN {
                        h.pop_front();
                    }
                    let mut f = lock(&slot.fetch_times);
                    f.push_back(c.fetched_at);
                    let cutoff = c.fetched_at - 3600;
                    while f.front().is_some_and(|&t| t <= cutoff) {
                        f.pop_front();
                    }
                }
                Ok(c)
            }
        }
    }

    /// Run `f` with the cached token; when it fails with 40001/40014/42001 the token
    /// is forgotten so the next call fetches a new one. No retry here.
    pub async fn with_token<T, F, Fut>(
        &self,
        client: &WeComClient,
        key: &CredentialKey,
        secret: &Secret,
        f: F,
    ) -> Result<T, CoreError>
    where
        F: FnOnce(Secret) -> Fut,
        Fut: Future<Output = Result<T, CoreError>>,
    {
        let token = self.access_token(client, key, secret, false).await?;
        let r = f(token.value).await;
        if let Err(e) = &r {
            self.note_error(key, e);
        }
        r
    }

    /// Forget the token when `err` says it is no longer usable. Returns whether it did.
    pub fn note_error(&self, key: &CredentialKey, err: &CoreError) -> bool {
        match err.errcode() {
            Some(c) if TOKEN_INVALID_CODES.contains(&c) => {
                self.forget_token(key);
                true
            }
            _ => false,
        }
    }

    pub fn forget_token(&self, key: &CredentialKey) {
        if let Some(slot) = self.existing_slot(key, Kind::Token) {
            *lock(&slot.entry) = None;
            slot.generation.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Forget the token and both tickets of `key` (history is kept).
    pub fn forget_all(&self, key: &CredentialKey) {
        for kind in [Kind::Token, Kind::Ticket(TicketKind::Corp), Kind::Ticket(TicketKind::Agent)] {
            if let Some(slot) = self.existing_slot(key, kind) {
                *lock(&slot.entry) = None;
                slot.generation.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    /// Tickets fetched for (key, kind), oldest first, at most [`HISTORY_LEN`].
    pub fn history(&self, key: &CredentialKey, kind: TicketKind) -> Vec<TicketRecord> {
        self.existing_slot(key, Kind::Ticket(kind))
            .map(|s| lock(&s.history).iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Every remembered ticket of both kinds for `key`, newest first. For the signature
    /// diagnosis, which must try the real ticket strings (call `.value.expose()`).
    pub fn expose_history_values(&self, key: &CredentialKey) -> Vec<TicketRecord> {
        let mut all = self.history(key, TicketKind::Corp);
        all.extend(self.history(key, TicketKind::Agent));
        all.sort_by_key(|r| std::cmp::Reverse(r.fetched_at));
        all
    }

    /// Upstream ticket fetches of this kind in the last 3600 s (by the cache's clock).
    pub fn fetches_last_hour(&self, key: &CredentialKey, kind: TicketKind) -> usize {
        let now = self.now();
        self.existing_slot(key, Kind::Ticket(kind))
            .map(|s| lock(&s.fetch_times).iter().filter(|&&t| t > now - 3600 && t <= now).count())
            .unwrap_or(0)
    }

    fn info(&self, key: &CredentialKey, kind: Kind, now: i64) -> Option<EntryInfo> {
        let slot = self.existing_slot(key, kind)?;
        let e = lock(&slot.entry).clone()?;
        Some(EntryInfo {
            refresh_at: self.refresh_at(&e),
            remaining_secs: e.expires_at - now,
            value: e.value,
            fetched_at: e.fetched_at,
            expires_at: e.expires_at,
        })
    }

    /// What is cached for `key` now, for display.
    pub fn snapshot(&self, key: &CredentialKey) -> CacheSnapshot {
        let now = self.now();
        CacheSnapshot {
            key: key.clone(),
            now,
            token: self.info(key, Kind::Token, now),
            corp_ticket: self.info(key, Kind::Ticket(TicketKind::Corp), now),
            agent_ticket: self.info(key, Kind::Ticket(TicketKind::Agent), now),
            corp_fetches_last_hour: self.fetches_last_hour(key, TicketKind::Corp),
            agent_fetches_last_hour: self.fetches_last_hour(key, TicketKind::Agent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::testsrv::{self, CORPID, SECRET};
    use std::sync::atomic::Ordering::SeqCst;

    fn setup(base: &str) -> (TokenCache, ManualClock, CredentialKey, Secret) {
        let clock = ManualClock::new(1_700_000_000);
        let cache = TokenCache::new(Arc::new(clock.clone()));
        (cache, clock, CredentialKey::new(base, CORPID, "1000002"), Secret::new(SECRET))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fifty_concurrent_callers_one_upstream_call() {
        let (base, fake) = testsrv::start().await;
        fake.slow_token.store(true, SeqCst);
        let (cache, _clock, key, secret) = setup(&base);
        let cache = Arc::new(cache);
        let client = testsrv::client(&base, None);
        let mut tasks = Vec::new();
        for i in 0..50 {
            let (cache, client, key, secret) = (cache.clone(), client.clone(), key.clone(), secret.clone());
            tasks.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    cache.access_token(&client, &key, &secret, false).await.unwrap().value
                } else {
                    cache.jsapi_ticket(&client, &key, &secret, false).await.unwrap().value
                }
            }));
        }
        let mut values = Vec::new();
        for t in tasks {
            values.push(t.await.unwrap());
        }
        assert_eq!(fake.gettoken.load(SeqCst), 1);
        assert_eq!(fake.corp_ticket.load(SeqCst), 1);
        assert!(values.iter().all(|v| v.expose() == "TOKEN-1" || v.expose() == "CORPTICKET-1"));
        assert_eq!(cache.history(&key, TicketKind::Corp).len(), 1);
    }

    #[tokio::test]
    async fn reuse_refresh_before_expiry_and_force() {
        let (base, fake) = testsrv::start().await;
        let (cache, clock, key, secret) = setup(&base);
        let client = testsrv::client(&base, None);
        let a = cache.access_token(&client, &key, &secret, false).await.unwrap();
        assert!(!a.from_cache);
        assert_eq!(a.expires_at - a.fetched_at, 7200);
        clock.advance(7200 - 301);
        let b = cache.access_token(&client, &key, &secret, false).await.unwrap();
        assert!(b.from_cache);
        assert_eq!(b.value, a.value);
        clock.advance(2); // now inside the 300 s margin
        let c = cache.access_token(&client, &key, &secret, false).await.unwrap();
        assert!(!c.from_cache);
        assert_eq!(c.value.expose(), "TOKEN-2");
        let d = cache.access_token(&client, &key, &secret, true).await.unwrap();
        assert_eq!(d.value.expose(), "TOKEN-3");
        assert_eq!(fake.gettoken.load(SeqCst), 3);
    }

    #[tokio::test]
    async fn configurable_margin() {
        let (base, fake) = testsrv::start().await;
        let (cache, clock, key, secret) = setup(&base);
        let cache = cache.with_refresh_margin(1500);
        let client = testsrv::client(&base, None);
        cache.access_token(&client, &key, &secret, false).await.unwrap();
        clock.advance(7200 - 1500);
        assert!(!cache.access_token(&client, &key, &secret, false).await.unwrap().from_cache);
        assert_eq!(fake.gettoken.load(SeqCst), 2);
    }

    #[tokio::test]
    async fn keys_separate_agents_and_secret_change_refetches() {
        let (base, fake) = testsrv::start().await;
        let (cache, _clock, key, secret) = setup(&base);
        let client = testsrv::client(&base, None);
        let other = CredentialKey::new(&base, CORPID, "1000003");
        let t1 = cache.agent_ticket(&client, &key, &secret, false).await.unwrap();
        let t2 = cache.agent_ticket(&client, &other, &secret, false).await.unwrap();
        assert_ne!(t1.value, t2.value);
        assert_eq!(fake.agent_ticket.load(SeqCst), 2);
        assert_eq!(cache.history(&other, TicketKind::Agent).len(), 1);
        assert!(cache.history(&other, TicketKind::Corp).is_empty());
        // a different secret for the same key is rejected upstream, not served the old token
        let e = cache.access_token(&client, &key, &Secret::new("other-secret-123456"), false).await.unwrap_err();
        assert_eq!(e.errcode(), Some(40001));
    }

    #[tokio::test]
    async fn invalid_token_is_forgotten() {
        let (base, fake) = testsrv::start().await;
        let (cache, _clock, key, secret) = setup(&base);
        let client = testsrv::client(&base, None);
        cache.access_token(&client, &key, &secret, false).await.unwrap();
        // WeCom invalidates the token early
        fake.min_valid_token.store(2, SeqCst);
        let e = cache.jsapi_ticket(&client, &key, &secret, false).await.unwrap_err();
        assert_eq!(e.errcode(), Some(40014));
        assert!(cache.snapshot(&key).token.is_none());
        // the next call fetches a fresh token and succeeds
        let t = cache.jsapi_ticket(&client, &key, &secret, false).await.unwrap();
        assert_eq!(t.value.expose(), "CORPTICKET-1");
        assert_eq!(fake.gettoken.load(SeqCst), 2);

        // 42001 through with_token also forgets
        let r: Result<(), _> = cache
            .with_token(&client, &key, &secret, |_t| async { Err(CoreError::wecom(42001, "expired")) })
            .await;
        assert!(r.is_err());
        assert!(cache.snapshot(&key).token.is_none());
        // other errcodes keep the token
        cache.access_token(&client, &key, &secret, false).await.unwrap();
        let _ = cache.with_token(&client, &key, &secret, |_t| async { Err::<(), _>(CoreError::wecom(60020, "ip")) }).await;
        assert!(cache.snapshot(&key).token.is_some());
    }

    #[tokio::test]
    async fn history_and_hourly_counts() {
        let (base, _fake) = testsrv::start().await;
        let (cache, clock, key, secret) = setup(&base);
        let client = testsrv::client(&base, None);
        for _ in 0..3 {
            cache.jsapi_ticket(&client, &key, &secret, true).await.unwrap();
            clock.advance(1000);
        }
        // fetched at t0, t0+1000, t0+2000; now t0+3000
        assert_eq!(cache.fetches_last_hour(&key, TicketKind::Corp), 3);
        clock.advance(700); // t0 falls out of the window
        assert_eq!(cache.fetches_last_hour(&key, TicketKind::Corp), 2);
        let h = cache.history(&key, TicketKind::Corp);
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].expires_at - h[0].fetched_at, 7200);
        assert_eq!(h[2].value.expose(), "CORPTICKET-3");
        assert!(h.iter().all(|r| r.kind == TicketKind::Corp));
        assert_eq!(cache.expose_history_values(&key)[0].value.expose(), "CORPTICKET-3");
        for _ in 0..60 {
            cache.jsapi_ticket(&client, &key, &secret, true).await.unwrap();
        }
        let h = cache.history(&key, TicketKind::Corp);
        assert_eq!(h.len(), HISTORY_LEN);
        assert_eq!(h.last().unwrap().value.expose(), "CORPTICKET-63");
        assert_eq!(CORP_TICKET_LIMIT_PER_HOUR, 400);
        assert_eq!(TicketKind::Agent.limit_per_hour(), 100);
    }

    #[tokio::test]
    async fn snapshot_masks_values() {
        let (base, _fake) = testsrv::start().await;
        let (cache, clock, key, secret) = setup(&base);
        let client = testsrv::client(&base, None);
        cache.agent_ticket(&client, &key, &secret, false).await.unwrap();
        clock.advance(100);
        let s = cache.snapshot(&key);
        let tok = s.token.as_ref().unwrap();
        assert_eq!(tok.remaining_secs, 7100);
        assert_eq!(tok.refresh_at, tok.expires_at - 300);
        assert!(s.corp_ticket.is_none());
        assert!(s.agent_ticket.is_some());
        assert_eq!(s.agent_fetches_last_hour, 1);
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("TOKEN-1") && !json.contains("AGENTTICKET-1"), "{json}");
    }

    /// A WeCom-like gettoken on the test's clock: one token per 7200 s window, answered
    /// again with the remaining `expires_in` while it is valid (D/91039). Returns the
    /// base URL and the call counter.
    async fn wecom_like_upstream(clock: ManualClock) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        use crate::clock::Clock;
        use axum::{Json, Router, routing::get};
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let issued: Arc<Mutex<Option<(String, i64)>>> = Arc::default();
        let counter = calls.clone();
        let app = Router::new().route(
            "/cgi-bin/gettoken",
            get(move || {
                let (clock, issued, counter) = (clock.clone(), issued.clone(), counter.clone());
                async move {
                    let n = counter.fetch_add(1, SeqCst) + 1;
                    let now = Clock::now(&clock);
                    let mut g = lock(&issued);
                    if g.as_ref().is_none_or(|(_, exp)| *exp <= now) {
                        *g = Some((format!("TOKEN-{n}"), now + 7200));
                    }
                    let (token, exp) = g.clone().unwrap();
                    Json(serde_json::json!({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": exp - now}))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{addr}"), calls)
    }

    /// Walking the clock in 10 s steps through three windows, as wall time would: the
    /// first window's refresh-ahead attempt gets the same token back, so the cache stops
    /// trying early — every later window costs exactly one call, and no expired token is
    /// ever handed out.
    #[tokio::test]
    async fn refresh_ahead_stops_once_upstream_reissues_the_same_token() {
        use crate::clock::Clock;
        let clock = ManualClock::new(1_700_000_000);
        let (base, calls) = wecom_like_upstream(clock.clone()).await;
        let cache = TokenCache::new(Arc::new(clock.clone()));
        let (key, secret) = (CredentialKey::new(&base, CORPID, "1000002"), Secret::new(SECRET));
        let client = testsrv::client(&base, None);
        let start = clock.now();
        let mut calls_at_window_end = Vec::new();
        let mut tokens = std::collections::BTreeSet::new();
        for window in 1..=3 {
            while clock.now() < start + window * 7200 {
                let t = cache.access_token(&client, &key, &secret, false).await.unwrap();
                assert!(t.expires_at > clock.now(), "handed out an expired token at {}", clock.now() - start);
                tokens.insert(t.value.expose().to_owned());
                clock.advance(10);
            }
            calls_at_window_end.push(calls.load(SeqCst));
        }
        // Window 1: the first fetch and one early attempt (same token back).
        // Windows 2 and 3: one fetch each, at expiry. Before the fix: 2, 4, 6.
        assert_eq!(calls_at_window_end, vec![2, 3, 4]);
        assert_eq!(tokens.len(), 3, "{tokens:?}");
    }
}
