//! The local signing endpoint (crate wwdev-signer), switched on from the Diagnosis
//! screen: 127.0.0.1 only, CORS limited to the origins the user lists, signatures from
//! the profile's shared ticket cache, every request in the request log and in a live list.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tauri::State;
use tokio::sync::broadcast::error::RecvError;
use wwdev_signer::{CacheTicketSource, SIGNATURE_PATH, SignerConfig, SignerHandle, register_snippet};

use crate::dto_diag::{SignerEventView, SignerStatus};
use crate::error::{ErrorKind, UiError, UiResult};
use crate::state::AppState;

/// Requests kept for the live list.
pub const EVENTS_KEPT: usize = 500;

pub struct Running {
    handle: SignerHandle,
    profile_id: String,
    profile_name: String,
    origins: Vec<String>,
    snippet: String,
    events: Arc<Mutex<VecDeque<SignerEventView>>>,
    collector: tokio::task::JoinHandle<()>,
}

impl Running {
    fn status(&self) -> SignerStatus {
        let base = self.handle.base_url();
        SignerStatus {
            running: true,
            port: Some(self.handle.port()),
            signature_url: Some(format!("{base}{SIGNATURE_PATH}?url=")),
            base_url: Some(base),
            profile_id: Some(self.profile_id.clone()),
            profile_name: Some(self.profile_name.clone()),
            origins: self.origins.clone(),
            snippet: Some(self.snippet.clone()),
        }
    }
}

pub async fn stop(state: &AppState) {
    if let Some(r) = state.signer.lock().await.take() {
        r.collector.abort();
        r.handle.shutdown().await;
    }
}

pub async fn start(state: &AppState, profile_id: &str, port: Option<u16>, origins: Vec<String>) -> UiResult<SignerStatus> {
    stop(state).await;
    let r = state.resolve(profile_id, wwdev_signer::FEATURE)?;
    if r.profile.agentid.trim().is_empty() {
        return Err(UiError::invalid_input(format!("Profile \"{}\" has no agentid.", r.profile.name))
            .with_hint("The endpoint also returns the agentConfig signature, which needs the app's AgentId; add it to the profile."));
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
    let config = SignerConfig {
        port: port.unwrap_or(0),
        allowed_origins: origins.clone(),
        sink: state.request_sink.clone(),
        profile: r.profile.name.clone(),
        clock,
    };
    let handle = wwdev_signer::start(config, Arc::new(source)).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidInput {
            UiError::invalid_input(e.to_string())
                .with_hint("Write each origin as the page's location.origin, e.g. http://localhost:5173, one per line.")
        } else {
            UiError::new(ErrorKind::Io, format!("Could not listen on 127.0.0.1:{}: {e}", port.unwrap_or(0)))
                .with_hint("Another program uses that port: pick another one or leave the port empty for a free one.")
        }
    })?;
    let events: Arc<Mutex<VecDeque<SignerEventView>>> = Default::default();
    let mut rx = handle.subscribe();
    let sink = events.clone();
    let collector = tokio::spawn(async move {
        let mut seq = 0u32;
        loop {
            match rx.recv().await {
                Ok(ev) => {
                    seq += 1;
                    let mut q = sink.lock().unwrap();
                    if q.len() == EVENTS_KEPT {
                        q.pop_front();
                    }
                    q.push_back(SignerEventView {
                        seq,
                        time_ms: ev.time_ms,
                        origin: ev.origin,
                        url: ev.url,
                        ok: ev.ok,
                        error: ev.error,
                    });
                }
                // Missed some under a burst: the request log still has them all.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
    let running = Running {
        snippet: register_snippet(&handle.base_url(), &r.profile.corpid, &r.profile.agentid),
        handle,
        profile_id: r.profile.id.clone(),
        profile_name: r.profile.name.clone(),
        origins,
        events,
        collector,
    };
    let status = running.status();
    *state.signer.lock().await = Some(running);
    Ok(status)
}

pub async fn status(state: &AppState) -> SignerStatus {
    state.signer.lock().await.as_ref().map(Running::status).unwrap_or_default()
}

pub async fn events(state: &AppState, after: u32) -> Vec<SignerEventView> {
    match state.signer.lock().await.as_ref() {
        Some(r) => r.events.lock().unwrap().iter().filter(|e| e.seq > after).cloned().collect(),
        None => vec![],
    }
}

#[tauri::command]
pub async fn signer_start(
    state: State<'_, AppState>,
    profile_id: String,
    port: Option<u16>,
    origins: Vec<String>,
) -> UiResult<SignerStatus> {
    start(&state, &profile_id, port, origins).await
}

#[tauri::command]
pub async fn signer_stop(state: State<'_, AppState>) -> UiResult<SignerStatus> {
    stop(&state).await;
    Ok(SignerStatus::default())
}

#[tauri::command]
pub async fn signer_status(state: State<'_, AppState>) -> UiResult<SignerStatus> {
    Ok(status(&state).await)
}

#[tauri::command]
pub async fn signer_events(state: State<'_, AppState>, after: u32) -> UiResult<Vec<SignerEventView>> {
    Ok(events(&state, after).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::log::tests::sandbox_profile;
    use crate::commands::log::{attach_log, query};
    use crate::dto_log::{LogFilterView, LogPageArgs};
    use crate::dto::KeyringStatus;
    use crate::kv::MemoryKv;
    use crate::secrets::MemorySecretStore;

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
        let mut st = AppState::new(
            Arc::new(MemoryKv::default()),
            Arc::new(MemorySecretStore::new()),
            KeyringStatus { available: false, message: None },
        );
        attach_log(&mut st, Some(&dir.path().join("log.sqlite3")));
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
        // Events arrive through the broadcast; give the collector a moment.
        let mut ev = vec![];
        for _ in 0..50 {
            ev = events(&st, 0).await;
            if !ev.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(ev.iter().any(|e| e.ok && e.url.as_deref() == Some("https://app.example.com/p")), "{ev:?}");
        assert!(events(&st, ev.last().unwrap().seq).await.is_empty());
        let logged = query(
            &st,
            &LogFilterView { text: Some("jssdk".into()), ..Default::default() },
            LogPageArgs { before_id: None, limit: 10 },
        )
        .unwrap();
        assert!(logged.items.iter().any(|i| i.feature == wwdev_signer::FEATURE), "{logged:?}");
        stop(&st).await;
        assert!(!status(&st).await.running);
        assert!(tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.is_err());
    }
}
