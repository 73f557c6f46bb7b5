//! wwdev-sandbox: a local server that imitates WeCom for the flows wwdev debugs
//! (tokens, OAuth and web login, member lookups, JS-SDK tickets, external contacts),
//! with a seeded fake corp, real lifetimes and limits, injectable faults and an
//! admin API. It listens on 127.0.0.1 only.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sb = wwdev_sandbox::start(wwdev_sandbox::SandboxConfig::default()).await?;
//! println!("{} corpid={}", sb.base_url(), sb.seed().corpid);
//! sb.shutdown().await;
//! # Ok(()) }
//! ```

mod admin;
mod api;
pub mod jssdk;
mod pages;
mod routes;
pub mod seed;
mod state;
mod wire;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;
use wwdev_core::clock::{SharedClock, SystemClock};

pub use jssdk::{DiagnosedCause, TicketInfo, TicketKind, VerifyInput, VerifyOutcome, decide, decide_client};
pub use seed::{Seed, SeedApp, SeedDepartment, SeedExternalContact, SeedMember};
pub use routes::MAX_BODY_BYTES;
pub use state::{
    CODE_TTL, CodeView, Consent, Control, CredentialView, Fault, FaultKind, Invalidate, Limits,
    SECRET_LOCKOUT_SECS, SandboxClock, Stats, TICKET_TTL, TOKEN_TTL, USER_TICKET_TTL,
};
pub use wire::default_message;

use routes::{ConnKill, Peer};

/// How to start a sandbox.
#[derive(Debug, Clone, Default)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Base time source; the wall clock when `None`. The admin API adds an offset to it.
    pub clock: Option<SharedClock>,
    /// Frequency limits; WeCom's when default.
    pub limits: Limits,
    /// Host names answered besides loopback (`127.0.0.1`, `localhost`, `[::1]`, any port).
    /// Every other `Host` header gets a JSON 403 (DNS-rebinding guard). Empty by default;
    /// the CLI's `--allow-host NAME` fills it.
    pub allowed_hosts: Vec<String>,
}

/// A running sandbox. Dropping it leaves the server running until the runtime
/// ends; call [`SandboxHandle::shutdown`] to stop it gracefully.
pub struct SandboxHandle {
    addr: SocketAddr,
    seed: Seed,
    control: Control,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn seed(&self) -> &Seed {
        &self.seed
    }
    /// The sandbox clock (base clock plus admin offset).
    pub fn clock(&self) -> SharedClock {
        self.control.clock()
    }
    /// Direct access to state: clock, faults, limits, codes, tokens, stats, reset.
    pub fn control(&self) -> &Control {
        &self.control
    }
    /// The one-line description `wwdev sandbox --json` prints: `base_url`, `corpid`,
    /// `corp_name`, `apps` (`agentid`, `secret`, `name`, `trusted_domains`,
    /// `web_login_domains`) and
    /// `members` (`userid`, `name`).
    pub fn summary(&self) -> serde_json::Value {
        let s = &self.seed;
        serde_json::json!({
            "base_url": self.base_url(),
            "corpid": s.corpid,
            "corp_name": s.corp_name,
            "apps": s.apps.iter().map(|a| serde_json::json!({
                "agentid": a.agentid,
                "secret": a.secret,
                "name": a.name,
                "trusted_domains": a.trusted_domains,
                "web_login_domains": a.web_login_domains,
            })).collect::<Vec<_>>(),
            "members": s.members.iter().map(|m| serde_json::json!({
                "userid": m.userid,
                "name": m.name,
            })).collect::<Vec<_>>(),
        })
    }
    /// Stop accepting, let in-flight requests finish, close idle connections, wait.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// Bind 127.0.0.1:`config.port` and serve on the current tokio runtime.
pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, std::io::Error> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let seed = Seed::default();
    let clock = config.clock.unwrap_or_else(|| Arc::new(SystemClock));
    let control = Control::new(seed.clone(), clock, config.limits);
    let router = routes::router(control.clone(), config.allowed_hosts);
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(serve(listener, router, rx));
    Ok(SandboxHandle { addr, seed, control, shutdown: tx, task })
}

/// The accept loop. Hand-rolled on hyper instead of `axum::serve` because the
/// drop-connection fault needs to close one connection's socket mid-request.
async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    conns.spawn(serve_conn(stream, peer, router.clone(), shutdown.clone()));
                }
                Err(e) => {
                    // Usually EMFILE; back off instead of spinning.
                    tracing::warn!("sandbox accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
        while conns.try_join_next().is_some() {}
    }
    drop(listener);
    while conns.join_next().await.is_some() {}
}

async fn serve_conn(stream: TcpStream, peer: SocketAddr, router: Router, mut shutdown: watch::Receiver<bool>) {
    let kill = Arc::new(Notify::new());
    let kill_for_requests = kill.clone();
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnKill(kill_for_requests.clone()));
        req.extensions_mut().insert(Peer(peer));
        router.clone().oneshot(req)
    });
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);
    let mut shutting_down = *shutdown.borrow();
    if shutting_down {
        conn.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            // Dropping the connection future drops the socket: no response is written.
            _ = kill.notified() => return,
            changed = shutdown.changed(), if !shutting_down => {
                shutting_down = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                } else {
                    return;
                }
            }
        }
    }
}
