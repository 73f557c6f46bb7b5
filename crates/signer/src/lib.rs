//! wwdev-signer: a local JS-SDK signing endpoint for pages under development.
//!
//! `GET /jssdk/signature?url=...` answers with both signatures a page needs for
//! `ww.register` (`config` with the corp jsapi_ticket, `agentConfig` with the agent
//! ticket), so a front end can be debugged before its backend signs anything. It
//! listens on 127.0.0.1 only, answers cross-origin requests only from the origins the
//! user lists, broadcasts every request as a [`SigningEvent`] and records it, redacted,
//! into an optional [`RequestSink`].
//!
//! ```no_run
//! # use std::sync::Arc;
//! # async fn demo(source: Arc<dyn wwdev_signer::TicketSource>) -> std::io::Result<()> {
//! let cfg = wwdev_signer::SignerConfig { allowed_origins: vec!["http://localhost:5173".into()], ..Default::default() };
//! let signer = wwdev_signer::start(cfg, source).await?;
//! println!("{}/jssdk/signature?url=...", signer.base_url());
//! signer.shutdown().await;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinHandle;
use tower_http::cors::{AllowOrigin, CorsLayer};
use wwdev_core::cache::{CredentialKey, TicketKind, TokenCache};
use wwdev_core::client::WeComClient;
use wwdev_core::clock::{SharedClock, SystemClock};
use wwdev_core::error::CoreError;
use wwdev_core::record::{RequestRecord, RequestSink, redact_json, redact_query};
use wwdev_core::secret::Secret;
use wwdev_core::signature::{new_nonce, sign, strip_fragment};

/// The path the endpoint answers on.
pub const SIGNATURE_PATH: &str = "/jssdk/signature";

/// The feature name of the request records this endpoint writes.
pub const FEATURE: &str = "signing-endpoint";

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

/// Where the endpoint gets its tickets. The embedder decides (the app's active
/// profile, the CLI's credentials); [`CacheTicketSource`] covers the usual case.
pub trait TicketSource: Send + Sync {
    fn tickets(&self) -> TicketsFuture<'_>;
}

/// Tickets through a [`TokenCache`], so the endpoint shares the cache (and its
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

impl TicketSource for CacheTicketSource {
    fn tickets(&self) -> TicketsFuture<'_> {
        Box::pin(async move {
            if self.key.agentid.trim().is_empty() {
                return Err(CoreError::Config(
                    "the signing endpoint needs an agentid: agentConfig is signed with the agent ticket of one app".into(),
                ));
            }
            let corp = self.cache.ticket(&self.client, &self.key, &self.secret, TicketKind::Corp, false).await?;
            let agent = self.cache.ticket(&self.client, &self.key, &self.secret, TicketKind::Agent, false).await?;
            Ok(Tickets {
                corp: corp.value,
                agent: agent.value,
                corpid: self.key.corpid.clone(),
                agentid: self.key.agentid.clone(),
            })
        })
    }
}

/// One request to the endpoint, for live display.
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

/// How to start the endpoint.
#[derive(Clone, Default)]
pub struct SignerConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Origins allowed to call from a browser, exactly as the page's `location.origin`
    /// (`http://localhost:5173`). Empty: same-origin and non-browser clients only.
    pub allowed_origins: Vec<String>,
    /// Where each request is recorded, redacted.
    pub sink: Option<Arc<dyn RequestSink>>,
    /// Profile name written into the records.
    pub profile: String,
    /// Source of the signatures' timestamp; the wall clock when `None`.
    pub clock: Option<SharedClock>,
}

impl std::fmt::Debug for SignerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignerConfig")
            .field("port", &self.port)
            .field("allowed_origins", &self.allowed_origins)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// A running endpoint. Dropping it leaves the server running until the runtime ends;
/// call [`SignerHandle::shutdown`] to stop it.
pub struct SignerHandle {
    addr: SocketAddr,
    events: broadcast::Sender<SigningEvent>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

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
    /// Events of the requests made after this call.
    pub fn subscribe(&self) -> broadcast::Receiver<SigningEvent> {
        self.events.subscribe()
    }
    /// Stop accepting, let in-flight requests finish, wait.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// The `ww.register` snippet a page uses to call the endpoint at `base_url`.
pub fn register_snippet(base_url: &str, corpid: &str, agentid: &str) -> String {
    let fetch = format!(
        "(await fetch('{base_url}{SIGNATURE_PATH}?url=' + encodeURIComponent(location.href.split('#')[0]))).json()"
    );
    format!(
        "ww.register({{\n  corpId: '{corpid}',\n  agentId: {agentid},\n  jsApiList: ['getContext'],\n  \
         getConfigSignature: async () => {fetch}.then(r => r.config),\n  \
         getAgentConfigSignature: async () => {fetch}.then(r => r.agentConfig),\n}})"
    )
}

#[derive(Clone)]
struct AppState {
    source: Arc<dyn TicketSource>,
    events: broadcast::Sender<SigningEvent>,
    sink: Option<Arc<dyn RequestSink>>,
    clock: SharedClock,
    profile: String,
    base_url: String,
    /// Normalised allowed origins, plus this server's own origin.
    origins: Arc<Vec<String>>,
}

/// Bind 127.0.0.1:`config.port` and serve on the current tokio runtime.
pub async fn start(config: SignerConfig, source: Arc<dyn TicketSource>) -> std::io::Result<SignerHandle> {
    let mut origins = Vec::new();
    for o in &config.allowed_origins {
        origins.push(normalise_origin(o).map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidInput, m))?);
    }
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let (events, _) = broadcast::channel(256);
    let mut all = origins.clone();
    all.push(base_url.clone());
    let state = AppState {
        source,
        events: events.clone(),
        sink: config.sink,
        clock: config.clock.unwrap_or_else(|| Arc::new(SystemClock)),
        profile: config.profile,
        base_url,
        origins: Arc::new(all),
    };
    let mut router = Router::new().route(SIGNATURE_PATH, get(signature)).with_state(state.clone());
    if !origins.is_empty() {
        let list: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(list))
                .allow_methods([Method::GET])
                .allow_headers([header::CONTENT_TYPE]),
        );
    }
    // Outermost: refuse unlisted origins before CORS or the handler run.
    let router = router.layer(middleware::from_fn_with_state(state, refuse_unlisted_origins));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::warn!("signing endpoint stopped: {e}");
        }
    });
    Ok(SignerHandle { addr, events, stop, task })
}

/// `scheme://host[:port]`, lowercase, no path: the form browsers send in `Origin`.
fn normalise_origin(o: &str) -> Result<String, String> {
    let u = url::Url::parse(o.trim())
        .map_err(|e| format!("allowed origin {o:?} is not a URL ({e}); write it like http://localhost:5173"))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(format!("allowed origin {o:?} must be http(s)://host[:port], like http://localhost:5173"));
    }
    Ok(u.origin().ascii_serialization())
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn origin_of(headers: &HeaderMap) -> Option<String> {
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn url_param(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).find(|(k, _)| k == "url").map(|(_, v)| v.into_owned())
}

/// A browser request from an origin the user did not list is refused here, not only
/// left without CORS headers: a simple GET would otherwise still run (and fetch
/// tickets) even though the page could not read the answer.
async fn refuse_unlisted_origins(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Some(origin) = origin_of(req.headers()) else {
        return next.run(req).await;
    };
    let allowed = normalise_origin(&origin).is_ok_and(|o| st.origins.contains(&o));
    if allowed {
        return next.run(req).await;
    }
    let message = if st.origins.len() <= 1 {
        format!(
            "requests from origin {origin} are refused: no origin is allowed to call this endpoint; \
             allow the page's origin (wwdev sign-server --allow-origin {origin})"
        )
    } else {
        format!(
            "requests from origin {origin} are refused: it is not in the allowed origins ({}); \
             add it (wwdev sign-server --allow-origin {origin})",
            st.origins[..st.origins.len() - 1].join(", ")
        )
    };
    let started = Instant::now();
    let url = if req.uri().path() == SIGNATURE_PATH { url_param(req.uri().query()) } else { None };
    let body = json!({ "error": { "kind": "origin_not_allowed", "message": message } });
    finish(&st, Some(origin), url, StatusCode::FORBIDDEN, req.method().as_str(), &body, Some(message.clone()), started);
    (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
}

fn error_body(kind: &str, message: String, errcode: Option<i64>, hint: Option<String>) -> Value {
    let mut e = json!({ "kind": kind, "message": message });
    if let Some(c) = errcode {
        e["errcode"] = json!(c);
    }
    if let Some(h) = hint {
        e["hint"] = json!(h);
    }
    json!({ "error": e })
}

/// Broadcast the event and write the record.
#[allow(clippy::too_many_arguments)]
fn finish(
    st: &AppState,
    origin: Option<String>,
    url: Option<String>,
    status: StatusCode,
    method: &str,
    body: &Value,
    error: Option<String>,
    started: Instant,
) {
    let time_ms = now_ms();
    // No receivers is normal (nobody is watching).
    let _ = st.events.send(SigningEvent { time_ms, origin, url: url.clone(), ok: error.is_none(), error: error.clone() });
    if let Some(sink) = &st.sink {
        let mut shown = body.clone();
        redact_json(&mut shown);
        let query: Vec<(String, String)> = url.into_iter().map(|u| ("url".to_owned(), u)).collect();
        sink.record(RequestRecord {
            id: None,
            time_ms,
            profile: st.profile.clone(),
            feature: FEATURE.into(),
            base_url: st.base_url.clone(),
            method: method.to_owned(),
            path: SIGNATURE_PATH.into(),
            query: redact_query(&query),
            request_body: None,
            status: Some(status.as_u16()),
            errcode: body["error"]["errcode"].as_i64(),
            errmsg: None,
            latency_ms: started.elapsed().as_millis() as u64,
            response_headers: Vec::new(),
            response_body: Some(shown.to_string()),
            error,
        });
    }
}

async fn signature(State(st): State<AppState>, req: Request) -> Response {
    let started = Instant::now();
    let origin = origin_of(req.headers());
    let raw = url_param(req.uri().query());
    let (status, body, error, url) = answer(&st, raw.clone()).await;
    finish(&st, origin, url.or(raw), status, "GET", &body, error, started);
    (status, axum::Json(body)).into_response()
}

/// The response for one `url` parameter: status, body, error text, URL signed.
async fn answer(st: &AppState, raw: Option<String>) -> (StatusCode, Value, Option<String>, Option<String>) {
    let bad = |message: String| {
        (StatusCode::BAD_REQUEST, error_body("invalid_input", message.clone(), None, None), Some(message), None)
    };
    let Some(raw) = raw.filter(|u| !u.trim().is_empty()) else {
        return bad(format!(
            "missing the `url` query parameter: call {SIGNATURE_PATH}?url=' + encodeURIComponent(location.href.split('#')[0])"
        ));
    };
    let (page, _) = strip_fragment(raw.trim());
    match url::Url::parse(page) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
        _ => {
            return bad(format!(
                "`url` must be the page's full http(s) URL (location.href without #...), got {page:?}: \
                 WeCom signs the whole URL, scheme and query included; encode it with encodeURIComponent"
            ));
        }
    }
    let tickets = match st.source.tickets().await {
        Ok(t) => t,
        Err(e) => {
            let ui = e.to_ui();
            let status = if e.exit_code() == 2 { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::BAD_GATEWAY };
            let msg = format!("cannot get the tickets to sign with: {}", ui.message);
            return (status, error_body(ui.kind.as_str(), msg.clone(), ui.errcode, ui.hint), Some(msg), Some(page.to_owned()));
        }
    };
    let ts = st.clock.now();
    let ts_s = ts.to_string();
    let one = |ticket: &Secret| {
        let s = sign(ticket.expose(), &new_nonce(), &ts_s, page);
        json!({ "timestamp": ts, "nonceStr": s.nonce_str, "signature": s.signature })
    };
    let body = json!({
        "corpId": tickets.corpid,
        "agentId": tickets.agentid,
        "url": page,
        "config": one(&tickets.corp),
        "agentConfig": one(&tickets.agent),
    });
    (StatusCode::OK, body, None, Some(page.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_like_browsers_send_them() {
        assert_eq!(normalise_origin("http://LOCALHOST:5173/").unwrap(), "http://localhost:5173");
        assert_eq!(normalise_origin("https://app.example.com:443").unwrap(), "https://app.example.com");
        assert!(normalise_origin("localhost:5173").is_err());
        assert!(normalise_origin("file:///tmp/x").is_err());
    }

    #[test]
    fn snippet_strips_the_fragment_and_reads_both_signatures() {
        let s = register_snippet("http://127.0.0.1:4000", "ww1", "1000002");
        assert!(s.contains("http://127.0.0.1:4000/jssdk/signature?url=' + encodeURIComponent(location.href.split('#')[0])"));
        assert!(s.contains("r => r.config") && s.contains("r => r.agentConfig") && s.contains("agentId: 1000002"));
    }
}
