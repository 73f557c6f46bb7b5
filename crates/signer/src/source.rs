//! Where the bridge gets its tickets: the embedder decides (the app's active profile,
//! the CLI's credentials, the sandbox in-process); [`CacheTicketSource`] covers the
//! usual case through wwdev-core's token cache.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use wwdev_core::cache::{CredentialKey, TicketKind, TokenCache};
use wwdev_core::client::WeComClient;
use wwdev_core::diagnose::TicketKind as DKind;
use wwdev_core::error::CoreError;
use wwdev_core::jssdk::KnownTicket;
use wwdev_core::secret::Secret;

/// The current tickets and the identity they belong to.
#[derive(Debug, Clone)]
pub struct Tickets {
    /// The corp jsapi_ticket, for `config`.
    pub corp: Secret,
    /// The agent ticket, for `agentConfig`.
    pub agent: Secret,
    pub corpid: String,
    pub agentid: String,
}

/// The future a [`TicketSource`] returns.
pub type TicketsFuture<'a> = Pin<Box<dyn Future<Output = Result<Tickets, CoreError>> + Send + 'a>>;
/// The future of [`TicketSource::known_tickets`].
pub type KnownFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<KnownTicket>, CoreError>> + Send + 'a>>;

/// Where the bridge gets its tickets.
pub trait TicketSource: Send + Sync {
    /// The current tickets (fetched if needed).
    fn tickets(&self) -> TicketsFuture<'_>;

    /// Fetch new tickets now, even if the current ones are still valid. The default
    /// cannot force anything and answers the current ones.
    fn refresh(&self) -> TicketsFuture<'_> {
        self.tickets()
    }

    /// Every ticket the source knows at `now` (Unix seconds), current and history, for
    /// deciding and diagnosing registrations. The default knows only the current two.
    fn known_tickets(&self, now: i64) -> KnownFuture<'_> {
        Box::pin(async move {
            let t = self.tickets().await?;
            let agentid = t.agentid.trim().parse().unwrap_or(0);
            let one = |kind, value: Secret| KnownTicket {
                kind,
                agentid,
                value,
                fetched_at: now,
                expires_at: now + 7200,
                valid: true,
                is_current: true,
            };
            Ok(vec![one(DKind::Corp, t.corp), one(DKind::Agent, t.agent)])
        })
    }
}

/// Tickets through a [`TokenCache`], so the bridge shares the cache (and its
/// frequency-limit protection) with everything else the embedder does.
pub struct CacheTicketSource {
    pub cache: Arc<TokenCache>,
    pub client: WeComClient,
    pub key: CredentialKey,
    pub secret: Secret,
}

impl std::fmt::Debug for CacheTicketSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheTicketSource").field("key", &self.key).finish_non_exhaustive()
    }
}

impl CacheTicketSource {
    async fn fetch(&self, force: bool) -> Result<Tickets, CoreError> {
        if self.key.agentid.trim().is_empty() {
            return Err(CoreError::config(
                "the signing endpoint needs an agentid: agentConfig is signed with the agent ticket of one app",
                "签名服务需要 agentid：agentConfig 要用某一个应用的应用 ticket 签名",
            ));
        }
        let corp = self.cache.ticket(&self.client, &self.key, &self.secret, TicketKind::Corp, force).await?;
        let agent = self.cache.ticket(&self.client, &self.key, &self.secret, TicketKind::Agent, force).await?;
        Ok(Tickets { corp: corp.value, agent: agent.value, corpid: self.key.corpid.clone(), agentid: self.key.agentid.clone() })
    }
}

impl TicketSource for CacheTicketSource {
    fn tickets(&self) -> TicketsFuture<'_> {
        Box::pin(self.fetch(false))
    }

    fn refresh(&self) -> TicketsFuture<'_> {
        Box::pin(self.fetch(true))
    }

    /// The cache's history: a ticket is valid only while it is the cached one and not
    /// expired (assumed: once wwdev fetched a replacement, WeCom had a reason to issue
    /// it — the old one was invalidated or about to expire).
    fn known_tickets(&self, now: i64) -> KnownFuture<'_> {
        Box::pin(async move {
            let current = self.fetch(false).await?;
            let agentid = self.key.agentid.trim().parse().unwrap_or(0);
            let mut out: Vec<KnownTicket> = Vec::new();
            for r in self.cache.expose_history_values(&self.key) {
                if out.iter().any(|k| k.value == r.value) {
                    continue;
                }
                let (kind, cur) = match r.kind {
                    TicketKind::Corp => (DKind::Corp, &current.corp),
                    TicketKind::Agent => (DKind::Agent, &current.agent),
                };
                let is_current = &r.value == cur;
                out.push(KnownTicket {
                    kind,
                    agentid,
                    value: r.value,
                    fetched_at: r.fetched_at,
                    expires_at: r.expires_at,
                    valid: is_current && r.expires_at > now,
                    is_current,
                });
            }
            Ok(out)
        })
    }
}
