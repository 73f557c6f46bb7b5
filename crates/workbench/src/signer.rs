//! The app's one page bridge (crate wwdev-signer): the signing endpoint, probe.js,
//! client.js and the event intake on one loopback port. The Diagnosis screen's endpoint
//! panel and the Live screen start and stop the same bridge. 127.0.0.1 only, CORS
//! limited to the origins the user lists, tickets from the profile's shared cache,
//! every request and page event in the request log, in a bounded live list, and pushed
//! to the UI.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast::error::RecvError;
use wwdev_core::jssdk::{AppFacts, CorpFacts, SimData};
use wwdev_signer::{BridgeConfig, CacheTicketSource, SIGNATURE_PATH, SignerHandle, register_snippet};

use crate::live::{LIVE_EVENTS_KEPT, LiveEventView, LiveSessionView};
use crate::types_diag::{SignerEventView, SignerStatus};
use wwdev_core::error::{ErrorKind, UiError, UiResult};
use crate::Workbench;

/// Requests kept for the live list.
pub const EVENTS_KEPT: usize = 500;

pub struct Running {
    handle: SignerHandle,
    profile_id: String,
    profile_name: String,
    origins: Vec<String>,
    snippet: String,
    events: Arc<Mutex<VecDeque<SignerEventView>>>,
    page_events: Arc<Mutex<VecDeque<LiveEventView>>>,
    collector: tokio::task::JoinHandle<()>,
    page_collector: tokio::task::JoinHandle<()>,
}

impl Running {
    fn status(&self) -> SignerStatus {
        let base = self.handle.base_url();
        let proxy = crate::live::proxy_snippets(&base);
        SignerStatus {
            running: true,
            port: Some(self.handle.port()),
            signature_url: Some(format!("{base}{SIGNATURE_PATH}?url=")),
            base_url: Some(base),
            profile_id: Some(self.profile_id.clone()),
            profile_name: Some(self.profile_name.clone()),
            origins: self.origins.clone(),
            snippet: Some(self.snippet.clone()),
            scripts: self.handle.script_tags().to_vec(),
            proxy_vite: Some(proxy.0),
            proxy_webpack: Some(proxy.1),
        }
    }
}

pub async fn stop(state: &Workbench) {
    if let Some(r) = state.signer.lock().await.take() {
        r.collector.abort();
        r.page_collector.abort();
        r.handle.shutdown().await;
    }
}

pub async fn start(state: &Workbench, profile_id: &str, port: Option<u16>, origins: Vec<String>) -> UiResult<SignerStatus> {
    stop(state).await;
    let r = state.resolve(profile_id, wwdev_signer::FEATURE)?;
    if r.profile.agentid.trim().is_empty() {
        return Err(UiError::invalid_input(
            format!("Profile \"{}\" has no agentid.", r.profile.name),
            format!("配置档案「{}」没有 agentid。", r.profile.name),
        )
        .hint2(
            "The endpoint also returns the agentConfig signature, which needs the app's AgentId; add it to the profile.",
            "签名服务也返回 agentConfig 的签名，需要应用的 AgentId，请在配置档案中填写。",
        ));
    }
    let origins: Vec<String> = origins.into_iter().map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect();
    let clock = match state.sandbox.get() {
        Some(h) if state.is_sandbox_url(&r.profile.base_url) => Some(h.clock()),
        _ => None,
    };
    let source = CacheTicketSource {
        cache: state.cache_arc_for(&r.profile.base_url),
        client: r.client.clone(),
        key: r.key.clone(),
        secret: r.secret()?.clone(),
    };
    // What client.js decides against and what the diagnosis knows of the corp: the
    // sandbox's seed for the sandbox profile, else the profile's own trusted domains.
    let (corp, sim) = match state.sandbox.get() {
        Some(h) if state.is_sandbox_url(&r.profile.base_url) => {
            (wwdev_sandbox::jssdk::corp_facts(h.seed()), wwdev_sandbox::jssdk::sim_data(h.seed()))
        }
        _ => {
            let domains: Vec<String> =
                r.profile.trusted_domains.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
            let apps = r.profile.agentid.trim().parse().map(|agentid| {
                vec![AppFacts { agentid, name: String::new(), trusted_domains: (!domains.is_empty()).then_some(domains) }]
            });
            (CorpFacts { corpid: r.profile.corpid.clone(), apps: apps.unwrap_or_default(), apps_complete: false }, SimData::default())
        }
    };
    let config = BridgeConfig {
        port: port.unwrap_or(0),
        allowed_origins: origins.clone(),
        sink: state.request_sink(),
        profile: r.profile.name.clone(),
        clock,
        corp: Some(corp),
        sim,
        ..Default::default()
    };
    let handle = wwdev_signer::start(config, Arc::new(source)).await.map_err(|e| {
        if let Some(o) = wwdev_signer::InvalidOrigin::of(&e) {
            UiError::invalid_input(o.message.clone(), o.message_zh.clone()).hint2(
                "Write each origin as the page's location.origin, e.g. http://localhost:5173, one per line.",
                "每行写一个来源，即页面的 location.origin，例如 http://localhost:5173。",
            )
        } else {
            UiError::new2(
                ErrorKind::Io,
                format!("Could not listen on 127.0.0.1:{}: {e}", port.unwrap_or(0)),
                format!("无法监听 127.0.0.1:{}（详情：{e}）", port.unwrap_or(0)),
            )
            .hint2(
                "Another program uses that port: pick another one or leave the port empty for a free one.",
                "该端口被其他程序占用：请换一个端口，或留空自动选择空闲端口。",
            )
        }
    })?;
    let (events, collector) = collect(
        handle.subscribe(),
        EVENTS_KEPT,
        state.events.clone(),
        crate::host::events::SIGNER_EVENT,
        |seq, ev| SignerEventView { seq, time_ms: ev.time_ms, origin: ev.origin, url: ev.url, ok: ev.ok, error: ev.error },
    );
    let (page_events, page_collector) = collect(
        handle.subscribe_events(),
        LIVE_EVENTS_KEPT,
        state.events.clone(),
        crate::host::events::LIVE_EVENT,
        LiveEventView::from_bridge,
    );
    let running = Running {
        snippet: register_snippet(&handle.base_url(), &r.profile.corpid, &r.profile.agentid),
        handle,
        profile_id: r.profile.id.clone(),
        profile_name: r.profile.name.clone(),
        origins,
        events,
        page_events,
        collector,
        page_collector,
    };
    let status = running.status();
    *state.signer.lock().await = Some(running);
    Ok(status)
}

/// Keeps the last `kept` events of a bridge broadcast, numbered from 1 as `view` turns
/// them into what the UI shows, and pushes each one to the UI as `event`.
fn collect<E, V>(
    mut rx: tokio::sync::broadcast::Receiver<E>,
    kept: usize,
    emitter: Arc<dyn crate::host::EventSink>,
    event: &'static str,
    view: impl Fn(u32, E) -> V + Send + 'static,
) -> (Arc<Mutex<VecDeque<V>>>, tokio::task::JoinHandle<()>)
where
    E: Clone + Send + 'static,
    V: Clone + serde::Serialize + Send + 'static,
{
    let queue: Arc<Mutex<VecDeque<V>>> = Default::default();
    let sink = queue.clone();
    let task = tokio::spawn(async move {
        let mut seq = 0u32;
        loop {
            match rx.recv().await {
                Ok(ev) => {
                    seq += 1;
                    let v = view(seq, ev);
                    let mut q = sink.lock().unwrap_or_else(|p| p.into_inner());
                    if q.len() == kept {
                        q.pop_front();
                    }
                    q.push_back(v.clone());
                    drop(q);
                    emitter.emit(event, serde_json::to_value(&v).unwrap_or_default());
                }
                // Missed some under a burst: the request log still has them all.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
    (queue, task)
}

pub async fn status(state: &Workbench) -> SignerStatus {
    state.signer.lock().await.as_ref().map(Running::status).unwrap_or_default()
}

pub async fn events(state: &Workbench, after: u32) -> Vec<SignerEventView> {
    match state.signer.lock().await.as_ref() {
        Some(r) => r.events.lock().unwrap().iter().filter(|e| e.seq > after).cloned().collect(),
        None => vec![],
    }
}

/// Page sessions seen by the running bridge, the most recently active first.
pub async fn live_sessions(state: &Workbench) -> Vec<LiveSessionView> {
    match state.signer.lock().await.as_ref() {
        Some(r) => crate::live::sessions(r.page_events.lock().unwrap_or_else(|p| p.into_inner()).iter()),
        None => vec![],
    }
}

/// One session's events, oldest first (`session` empty: every session), after `after`.
pub async fn live_timeline(state: &Workbench, session: &str, after: u32) -> Vec<LiveEventView> {
    match state.signer.lock().await.as_ref() {
        Some(r) => r
            .page_events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|e| e.seq > after && (session.is_empty() || e.session == session))
            .cloned()
            .collect(),
        None => vec![],
    }
}

#[cfg(test)]
#[path = "signer_tests.rs"]
mod live_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::log::tests::{sandbox_profile, with_log};
    use crate::commands::log::query;
    use crate::host::RecordedEvents;
    use crate::types_log::{LogFilterView, LogPageArgs};

    /// A raw HTTP GET (the app has no HTTP client dependency of its own to test with).
    async fn get(base: &str, path: &str, origin: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = base.trim_start_matches("http://");
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn start_sign_list_log_stop() {
        let dir = tempfile::tempdir().unwrap();
        let pushed = Arc::new(RecordedEvents::default());
        let st = with_log(dir.path(), pushed.clone());
        let (pid, _) = sandbox_profile(&st).await;
        assert!(!status(&st).await.running);
        let s = start(&st, &pid, None, vec!["http://localhost:5173".into()]).await.unwrap();
        let base = s.base_url.clone().unwrap();
        assert!(base.starts_with("http://127.0.0.1:"));
        assert!(s.snippet.unwrap().contains(&base));
        let resp = get(&base, "/jssdk/signature?url=https%3A%2F%2Fapp.example.com%2Fp%23x", "http://localhost:5173").await;
        assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
        assert!(resp.to_ascii_lowercase().contains("access-control-allow-origin: http://localhost:5173"), "{resp}");
        assert!(resp.contains("agentConfig"));
        let refused = get(&base, "/jssdk/signature?url=https%3A%2F%2Fa.example.com%2F", "http://evil.example").await;
        assert!(!refused.to_ascii_lowercase().contains("access-control-allow-origin: http://evil.example"), "{refused}");
        // Both requests (the signed one and the refused one) arrive through the
        // broadcast; wait for both before looking, so nothing arrives after.
        let mut ev = vec![];
        for _ in 0..250 {
            ev = events(&st, 0).await;
            if ev.len() >= 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(ev.len(), 2, "{ev:?}");
        assert!(ev.iter().any(|e| !e.ok && e.origin.as_deref() == Some("http://evil.example")), "{ev:?}");
        // Each was also pushed to the UI.
        let pushed = pushed.0.lock().unwrap().clone();
        assert_eq!(pushed.iter().filter(|(n, _)| n == crate::host::events::SIGNER_EVENT).count(), 2, "{pushed:?}");
        assert!(ev.iter().any(|e| e.ok && e.url.as_deref() == Some("https://app.example.com/p")), "{ev:?}");
        assert!(events(&st, ev.last().unwrap().seq).await.is_empty());
        let logged = query(
            &st,
            &LogFilterView { text: Some("jssdk".into()), ..Default::default() },
            LogPageArgs { before_id: None, limit: 10 },
        )
        .await
        .unwrap();
        assert!(logged.items.iter().any(|i| i.feature == wwdev_signer::FEATURE), "{logged:?}");
        stop(&st).await;
        assert!(!status(&st).await.running);
        assert!(tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.is_err());
    }
}
