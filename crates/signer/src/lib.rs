//! wwdev-signer: the live page bridge, one loopback port for pages under development.
//!
//! Every path is under `/__wwdev/`:
//! - `GET /__wwdev/signature?url=` (alias `GET /jssdk/signature`): both signatures a
//!   page needs for `ww.register` (config with the corp jsapi_ticket, agentConfig with
//!   the agent ticket), so a front end works before its backend signs anything;
//! - `GET /__wwdev/probe.js`: the first script of a page; it reports every JS-SDK
//!   attempt, JS-API call, error, console warning and network call to the intake;
//! - `GET /__wwdev/client.js`: makes a normal desktop browser present itself as WeCom
//!   desktop to the SDKs, with registrations decided here exactly as WeCom decides them;
//! - `POST /__wwdev/events` (the intake) and `POST /__wwdev/invoke` (client.js's calls),
//!   both requiring the per-run token baked into the two scripts.
//!
//! It listens on 127.0.0.1 only, refuses non-loopback `Host` headers (DNS rebinding)
//! and browser requests from origins the user did not list, limits each batch's size
//! and the request rate, and broadcasts every page event ([`BridgeEvent`], redacted)
//! and every signing request ([`SigningEvent`]), recording both into an optional
//! [`RequestSink`].
//!
//! ```no_run
//! # use std::sync::Arc;
//! # async fn demo(source: Arc<dyn wwdev_signer::TicketSource>) -> std::io::Result<()> {
//! let cfg = wwdev_signer::BridgeConfig { allowed_origins: vec!["http://localhost:5173".into()], ..Default::default() };
//! let bridge = wwdev_signer::start(cfg, source).await?;
//! let mut events = bridge.subscribe_events();
//! println!("<script src=\"{}/__wwdev/probe.js\"></script>", bridge.base_url());
//! # let _ = events.recv().await;
//! bridge.shutdown().await;
//! # Ok(()) }
//! ```

mod events;
mod guard;
mod serve;
mod sim;
mod source;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::middleware;
use axum::routing::{get, post};
use serde::Serialize;
use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinHandle;
use tower_http::cors::{AllowOrigin, CorsLayer};
use wwdev_core::clock::{SharedClock, SystemClock};
use wwdev_core::jssdk::{CorpFacts, SimData};
use wwdev_core::record::RequestSink;

pub use events::{BridgeEvent, EVENT_TYPES, parse_ua, redact_event};
pub use guard::InvalidOrigin;
pub use source::{CacheTicketSource, KnownFuture, TicketSource, Tickets, TicketsFuture};

/// The signing endpoint's original path, kept as an alias (the README documents it).
pub const SIGNATURE_PATH: &str = "/jssdk/signature";
/// The signing endpoint under the bridge prefix.
pub const BRIDGE_SIGNATURE_PATH: &str = "/__wwdev/signature";
pub const PROBE_PATH: &str = "/__wwdev/probe.js";
pub const CLIENT_PATH: &str = "/__wwdev/client.js";
pub const EVENTS_PATH: &str = "/__wwdev/events";
pub const INVOKE_PATH: &str = "/__wwdev/invoke";

/// The feature name of the signing requests' records.
pub const FEATURE: &str = "signing-endpoint";
/// The feature name of page events' records.
pub const EVENTS_FEATURE: &str = "page-bridge";

/// One signing request, for live display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SigningEvent {
    /// Unix milliseconds.
    pub time_ms: i64,
    /// The `Origin` header, when the request came from a page of another origin.
    pub origin: Option<String>,
    /// The URL signed (fragment removed), or the raw `url` parameter when refused.
    pub url: Option<String>,
    pub ok: bool,
    /// What went wrong, when not ok.
    pub error: Option<String>,
}

/// How to start the signing endpoint alone (the fields the app has always set).
/// Converts into a [`BridgeConfig`] with the bridge's defaults.
#[derive(Clone, Default)]
pub struct SignerConfig {
    pub port: u16,
    pub allowed_origins: Vec<String>,
    pub sink: Option<Arc<dyn RequestSink>>,
    pub profile: String,
    pub clock: Option<SharedClock>,
}

/// How to start the bridge.
#[derive(Clone)]
pub struct BridgeConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Origins allowed to call from a browser, exactly as the page's `location.origin`
    /// (`http://localhost:5173`). Empty: same-origin and non-browser clients only.
    pub allowed_origins: Vec<String>,
    /// Host names answered besides loopback ones (exact names, opt-in).
    pub allowed_hosts: Vec<String>,
    /// Where each request and page event is recorded, redacted.
    pub sink: Option<Arc<dyn RequestSink>>,
    /// Profile name written into the records.
    pub profile: String,
    /// Source of signature timestamps and ticket validity; the wall clock when `None`.
    pub clock: Option<SharedClock>,
    /// The corp's apps and trusted domains, when known (the sandbox's seed). `None`:
    /// the configured corpid/agentid only, trusted domains not checked.
    pub corp: Option<CorpFacts>,
    /// What client.js answers for the chat-toolbar APIs.
    pub sim: SimData,
    /// The `getContext` entry client.js reports unless the page's script tag says
    /// otherwise (`client.js?entry=single_chat_tools`): `normal`, `single_chat_tools`, ...
    pub entry: String,
    /// Largest accepted body of one intake batch or invoke call, in bytes (413 above).
    pub max_batch_bytes: usize,
    /// Intake and invoke requests accepted per second (429 above).
    pub max_requests_per_sec: u32,
}

impl Default for BridgeConfig {
    fn default() -> Self {
        BridgeConfig {
            port: 0,
            allowed_origins: Vec::new(),
            allowed_hosts: Vec::new(),
            sink: None,
            profile: String::new(),
            clock: None,
            corp: None,
            sim: SimData::default(),
            entry: "normal".into(),
            max_batch_bytes: 64 * 1024,
            max_requests_per_sec: 50,
        }
    }
}

impl From<SignerConfig> for BridgeConfig {
    fn from(c: SignerConfig) -> Self {
        BridgeConfig {
            port: c.port,
            allowed_origins: c.allowed_origins,
            sink: c.sink,
            profile: c.profile,
            clock: c.clock,
            ..Default::default()
        }
    }
}

impl std::fmt::Debug for BridgeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BridgeConfig")
            .field("port", &self.port)
            .field("allowed_origins", &self.allowed_origins)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("profile", &self.profile)
            .field("entry", &self.entry)
            .finish_non_exhaustive()
    }
}

/// A running bridge. Dropping it leaves the server running until the runtime ends;
/// call [`SignerHandle::shutdown`] to stop it.
pub struct SignerHandle {
    addr: SocketAddr,
    signing: broadcast::Sender<SigningEvent>,
    page: broadcast::Sender<BridgeEvent>,
    token: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// The bridge's handle under its new name.
pub type BridgeHandle = SignerHandle;

impl std::fmt::Debug for SignerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignerHandle").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl SignerHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
    /// The per-run token the intake and invoke require (baked into probe.js/client.js).
    pub fn token(&self) -> &str {
        &self.token
    }
    /// Signing requests made after this call.
    pub fn subscribe(&self) -> broadcast::Receiver<SigningEvent> {
        self.signing.subscribe()
    }
    /// Page events (probe reports and simulator decisions) after this call, redacted.
    pub fn subscribe_events(&self) -> broadcast::Receiver<BridgeEvent> {
        self.page.subscribe()
    }
    /// The two script tags a page puts first in `<head>` (client.js only for a desktop browser).
    pub fn script_tags(&self) -> [String; 2] {
        script_tags(&self.base_url())
    }
    /// Stop accepting, let in-flight requests finish, wait.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// `<script>` tags for probe.js and client.js served from `base_url`.
pub fn script_tags(base_url: &str) -> [String; 2] {
    [format!("<script src=\"{base_url}{PROBE_PATH}\"></script>"), format!("<script src=\"{base_url}{CLIENT_PATH}\"></script>")]
}

/// The `ww.register` snippet a page uses to call the signing endpoint at `base_url`.
pub fn register_snippet(base_url: &str, corpid: &str, agentid: &str) -> String {
    snippet(base_url, SIGNATURE_PATH, corpid, agentid)
}

/// [`register_snippet`] through the bridge path.
pub fn bridge_snippet(base_url: &str, corpid: &str, agentid: &str) -> String {
    snippet(base_url, BRIDGE_SIGNATURE_PATH, corpid, agentid)
}

fn snippet(base_url: &str, path: &str, corpid: &str, agentid: &str) -> String {
    let fetch = format!("(await fetch('{base_url}{path}?url=' + encodeURIComponent(location.href.split('#')[0]))).json()");
    format!(
        "ww.register({{\n  corpId: '{corpid}',\n  agentId: {agentid},\n  jsApiList: ['getContext'],\n  \
         getConfigSignature: async () => {fetch}.then(r => r.config),\n  \
         getAgentConfigSignature: async () => {fetch}.then(r => r.agentConfig),\n}})"
    )
}

/// Per page load, what the simulated client remembers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Session {
    pub entry_url: Option<String>,
    /// jsApiList of a successful config / agentConfig.
    pub config_ok: Option<Vec<String>>,
    pub agent_ok: Option<Vec<String>>,
    pub last_ms: i64,
}

/// Sessions kept at most; the least recently seen goes first.
const MAX_SESSIONS: usize = 500;

#[derive(Clone)]
pub(crate) struct AppState {
    pub source: Arc<dyn TicketSource>,
    pub signing: broadcast::Sender<SigningEvent>,
    pub page: broadcast::Sender<BridgeEvent>,
    pub sink: Option<Arc<dyn RequestSink>>,
    pub clock: SharedClock,
    pub profile: String,
    pub base_url: String,
    /// Normalised allowed origins, plus this server's own origin.
    pub origins: Arc<Vec<String>>,
    pub hosts: Arc<Vec<String>>,
    pub token: Arc<String>,
    pub corp: Option<Arc<CorpFacts>>,
    pub sim: Arc<SimData>,
    pub entry: Arc<String>,
    pub max_batch_bytes: usize,
    pub max_per_sec: u32,
    /// (second, requests in it) for the rate limit.
    pub window: Arc<Mutex<(i64, u32)>>,
    pub sessions: Arc<Mutex<HashMap<String, Session>>>,
}

impl AppState {
    pub fn session_update(&self, id: &str, f: impl FnOnce(&mut Session)) -> Session {
        let mut all = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if !all.contains_key(id) && all.len() >= MAX_SESSIONS
            && let Some(oldest) = all.iter().min_by_key(|(_, s)| s.last_ms).map(|(k, _)| k.clone())
        {
            all.remove(&oldest);
        }
        let s = all.entry(id.to_owned()).or_default();
        s.last_ms = now_ms();
        f(s);
        s.clone()
    }
}

/// Bind 127.0.0.1:`config.port` and serve on the current tokio runtime. An unusable
/// allowed origin fails with kind `InvalidInput` holding an [`InvalidOrigin`].
pub async fn start(config: impl Into<BridgeConfig>, source: Arc<dyn TicketSource>) -> std::io::Result<SignerHandle> {
    let config: BridgeConfig = config.into();
    let mut origins = Vec::new();
    for o in &config.allowed_origins {
        origins.push(guard::normalise_origin(o).map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidInput, m))?);
    }
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let (signing, _) = broadcast::channel(256);
    let (page, _) = broadcast::channel(1024);
    let mut all = origins.clone();
    all.push(base_url.clone());
    all.push(format!("http://localhost:{}", addr.port()));
    let token = format!("{}{}", wwdev_core::signature::new_nonce(), wwdev_core::signature::new_nonce());
    let state = AppState {
        source,
        signing: signing.clone(),
        page: page.clone(),
        sink: config.sink,
        clock: config.clock.unwrap_or_else(|| Arc::new(SystemClock)),
        profile: config.profile,
        base_url,
        origins: Arc::new(all),
        hosts: Arc::new(config.allowed_hosts),
        token: Arc::new(token.clone()),
        corp: config.corp.map(Arc::new),
        sim: Arc::new(config.sim),
        entry: Arc::new(config.entry),
        max_batch_bytes: config.max_batch_bytes.max(1024),
        max_per_sec: config.max_requests_per_sec.max(1),
        window: Arc::new(Mutex::new((0, 0))),
        sessions: Arc::new(Mutex::new(HashMap::new())),
    };
    let mut router = Router::new()
        .route(SIGNATURE_PATH, get(serve::signature))
        .route(BRIDGE_SIGNATURE_PATH, get(serve::signature))
        .route(PROBE_PATH, get(serve::probe_js))
        .route(CLIENT_PATH, get(serve::client_js))
        .route(EVENTS_PATH, post(serve::intake))
        .route(INVOKE_PATH, post(sim::invoke))
        .fallback(serve::not_found)
        .with_state(state.clone());
    if !origins.is_empty() {
        let list: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(list))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE]),
        );
    }
    // Outermost first: Host (DNS rebinding), then Origin, before CORS or any handler.
    let router = router
        .layer(middleware::from_fn_with_state(state.clone(), guard::refuse_unlisted_origins))
        .layer(middleware::from_fn_with_state(state, guard::refuse_foreign_hosts));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::warn!("page bridge stopped: {e}");
        }
    });
    Ok(SignerHandle { addr, signing, page, token, stop, task })
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_strips_the_fragment_and_reads_both_signatures() {
        let s = register_snippet("http://127.0.0.1:4000", "ww1", "1000002");
        assert!(s.contains("http://127.0.0.1:4000/jssdk/signature?url=' + encodeURIComponent(location.href.split('#')[0])"));
        assert!(s.contains("r => r.config") && s.contains("r => r.agentConfig") && s.contains("agentId: 1000002"));
        assert!(bridge_snippet("http://127.0.0.1:4000", "ww1", "1").contains("/__wwdev/signature?url="));
    }

    #[test]
    fn script_tags_name_both_scripts() {
        let [p, c] = script_tags("http://127.0.0.1:4000");
        assert_eq!(p, "<script src=\"http://127.0.0.1:4000/__wwdev/probe.js\"></script>");
        assert!(c.contains("/__wwdev/client.js"));
    }
}
