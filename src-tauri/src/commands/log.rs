//! The request log: listing, detail, export, clear, replay. Every WeCom call the app
//! makes lands in the `LogStore` through `AppState::request_sink`; these commands read it.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use tauri::State;
use wwdev_core::errcode;
use wwdev_core::log::{LogStore, Page, Retention, default_log_path, to_curl};
use wwdev_core::record::{RequestRecord, is_sensitive_key};

use crate::commands::errcodes::entry;
use crate::dto::{ConsoleResponse, Settings};
use crate::dto_log::*;
use crate::error::{ErrorKind, UiError, UiResult};
use crate::state::AppState;

/// The retention the Settings ask for.
pub fn retention_of(s: &Settings) -> Retention {
    Retention { max_entries: s.log_max_entries.map(u64::from), max_days: s.log_max_days }
}

/// Opens the shared request log (`$XDG_DATA_HOME/wwdev/requests.sqlite3`, the CLI's
/// default too) and makes it the state's request sink. A broken file is moved aside by
/// the store; its message, or why no log could be opened, is kept for the UI.
pub fn attach_log(state: &mut AppState, path: Option<&Path>) {
    let path = match path.map(Path::to_path_buf).map(Ok).unwrap_or_else(default_log_path) {
        Ok(p) => p,
        Err(e) => {
            state.log_message = Some(format!("The request log is off for this session: {e}."));
            return;
        }
    };
    match LogStore::open(&path, retention_of(&state.settings_get())) {
        Ok((store, report)) => {
            state.log_message = report.message;
            state.request_sink = Some(Arc::new(store.clone()));
            state.log = Some(store);
        }
        Err(e) => {
            tracing::warn!(error = %e, "request log not opened");
            state.log_message = Some(format!(
                "The request log could not be opened, so calls are not recorded this session: {e}"
            ));
        }
    }
}

fn store(state: &AppState) -> UiResult<&LogStore> {
    state.log.as_ref().ok_or_else(|| {
        UiError::storage("The request log is not open.").with_hint(
            state.log_message.clone().unwrap_or_else(|| "Restart the app; the reason is shown at startup.".into()),
        )
    })
}

fn log_err(e: wwdev_core::log::LogError) -> UiError {
    UiError::storage(e.to_string())
}

pub fn query(state: &AppState, filter: &LogFilterView, page: LogPageArgs) -> UiResult<LogPage> {
    let log = store(state)?;
    let f = filter.to_core();
    let items = log
        .query(&f, Page { before_id: page.before_id, limit: page.limit })
        .map_err(log_err)?
        .into_iter()
        .map(LogItem::from)
        .collect();
    // Counting is a scan; later pages of the same filter reuse the first page's total.
    let total = if page.before_id.is_none() { Some(log.count(&f).map_err(log_err)?) } else { None };
    Ok(LogPage { items, total })
}

pub fn since(state: &AppState, after_id: i64, filter: &LogFilterView) -> UiResult<Vec<LogItem>> {
    let log = store(state)?;
    Ok(log.since_id_filtered(&filter.to_core(), after_id).map_err(log_err)?.into_iter().map(LogItem::from).collect())
}

fn pretty(body: &Option<String>) -> Option<String> {
    body.as_ref().map(|b| {
        serde_json::from_str::<Value>(b).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_else(|| b.clone())
    })
}

fn json_has_sensitive(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            if is_sensitive_key(k) { Some(k.clone()) } else { json_has_sensitive(v) }
        }),
        Value::Array(a) => a.iter().find_map(json_has_sensitive),
        _ => None,
    }
}

/// Why an entry cannot be re-sent: the log keeps only masked values, and only the
/// token and the app secret can be filled in again.
pub fn replay_blocker(rec: &RequestRecord) -> Option<String> {
    if let Some((k, _)) = rec.query.iter().find(|(k, _)| is_sensitive_key(k) && k != "access_token" && k != "corpsecret") {
        return Some(format!(
            "The query parameter \"{k}\" was masked when the call was logged and cannot be re-sent; make the call again from its screen."
        ));
    }
    if let Some(body) = rec.request_body.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok())
        && let Some(k) = json_has_sensitive(&body)
    {
        return Some(format!(
            "The body field \"{k}\" was masked when the call was logged and cannot be re-sent; make the call again from its screen."
        ));
    }
    None
}

pub fn get(state: &AppState, id: i64) -> UiResult<LogDetail> {
    let rec = store(state)?.get(id).map_err(log_err)?.ok_or_else(|| {
        UiError::not_found(format!("Log entry {id} does not exist.")).with_hint("It was cleared or removed by the retention limit.")
    })?;
    let failed = rec.error.is_some()
        || rec.status.is_none_or(|s| !(200..300).contains(&s))
        || rec.errcode.is_some_and(|c| c != 0);
    let blocker = replay_blocker(&rec);
    Ok(LogDetail {
        item: LogItem {
            id,
            time_ms: rec.time_ms,
            profile: rec.profile.clone(),
            feature: rec.feature.clone(),
            method: rec.method.clone(),
            path: rec.path.clone(),
            status: rec.status,
            errcode: rec.errcode,
            errmsg: rec.errmsg.clone(),
            latency_ms: rec.latency_ms,
            failed,
            error: rec.error.clone(),
        },
        base_url: rec.base_url.clone(),
        query: rec.query.clone(),
        request_body: pretty(&rec.request_body),
        response_headers: rec.response_headers.clone(),
        response_body: pretty(&rec.response_body),
        explanation: rec.errcode.filter(|c| *c != 0).and_then(errcode::lookup).map(entry),
        curl: to_curl(&rec),
        replayable: blocker.is_none(),
        replay_blocker: blocker,
    })
}

pub fn facets(state: &AppState) -> UiResult<LogFacets> {
    let log = store(state)?;
    Ok(LogFacets {
        profiles: log.distinct_profiles().map_err(log_err)?,
        paths: log.distinct_paths().map_err(log_err)?,
    })
}

fn export_to(log: &LogStore, filter: &LogFilterView, format: LogExportFormat, out: impl Write) -> UiResult<u64> {
    let f = filter.to_core();
    match format {
        LogExportFormat::Json => log.export_json(&f, out),
        LogExportFormat::Har => log.export_har(&f, out),
        LogExportFormat::Curl => log.export_curl(&f, out),
    }
    .map_err(log_err)
}

pub fn export_text(state: &AppState, filter: &LogFilterView, format: LogExportFormat) -> UiResult<String> {
    let mut buf = Vec::new();
    export_to(store(state)?, filter, format, &mut buf)?;
    String::from_utf8(buf).map_err(|e| UiError::internal(e.to_string()))
}

pub fn export_file(state: &AppState, filter: &LogFilterView, format: LogExportFormat, path: &str) -> UiResult<u64> {
    let log = store(state)?;
    let file = std::fs::File::create(path).map_err(|e| {
        UiError::new(ErrorKind::Io, format!("Could not create {path}: {e}")).with_hint("Choose a folder you can write to.")
    })?;
    let mut w = std::io::BufWriter::new(file);
    let n = export_to(log, filter, format, &mut w)?;
    w.flush().map_err(|e| UiError::new(ErrorKind::Io, format!("Could not write {path}: {e}")))?;
    Ok(n)
}

pub fn clear(state: &AppState) -> UiResult<u64> {
    store(state)?.clear().map_err(log_err)
}

pub fn curl(state: &AppState, id: i64) -> UiResult<String> {
    Ok(get(state, id)?.curl)
}

/// Re-sends a logged call through the profile's client with a fresh token from the
/// cache (the logged one is masked); the replay is logged as a new entry.
pub async fn replay(state: &AppState, id: i64) -> UiResult<LogReplayResult> {
    let log = store(state)?;
    let rec = log.get(id).map_err(log_err)?.ok_or_else(|| UiError::not_found(format!("Log entry {id} does not exist.")))?;
    if let Some(why) = replay_blocker(&rec) {
        return Err(UiError::invalid_input(why));
    }
    let profiles = state.profiles();
    let base = rec.base_url.trim_end_matches('/');
    let profile = profiles
        .iter()
        .find(|p| p.name == rec.profile && p.base_url == base)
        .or_else(|| profiles.iter().find(|p| p.name == rec.profile))
        .ok_or_else(|| {
            UiError::not_found(format!("The profile \"{}\" that made this call no longer exists.", rec.profile))
                .with_hint("Recreate the profile or make the call from the API console with another profile.")
        })?;
    let r = state.resolve(&profile.id, "replay")?;
    let mut query = Vec::with_capacity(rec.query.len());
    for (k, v) in &rec.query {
        let v = match k.as_str() {
            "access_token" => r.cache.access_token(&r.client, &r.key, r.secret()?, false).await?.value.expose().to_owned(),
            "corpsecret" => r.secret()?.expose().to_owned(),
            _ => v.clone(),
        };
        query.push((k.clone(), v));
    }
    let body = match rec.request_body.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(serde_json::from_str::<Value>(b).map_err(|e| {
            UiError::invalid_input(format!("The logged request body is not JSON ({e}); it cannot be replayed."))
        })?),
    };
    let before = log.latest_id().map_err(log_err)?.unwrap_or(0);
    let resp = r.client.call(&rec.method, &rec.path, query, body).await?;
    if let Some(code) = resp.errcode
        && wwdev_core::cache::TOKEN_INVALID_CODES.contains(&code)
    {
        r.cache.forget_token(&r.key);
    }
    // The replay's own entry: the newest one for this path and profile since we sent it.
    let new_id = log
        .since_id(before)
        .map_err(log_err)?
        .into_iter()
        .rev()
        .find(|s| s.path == rec.path && s.profile == r.profile.name && s.feature == "replay")
        .map(|s| s.id);
    let safe = resp.redacted();
    let body_pretty =
        safe.json.as_ref().and_then(|j| serde_json::to_string_pretty(j).ok()).unwrap_or_else(|| safe.body.clone());
    Ok(LogReplayResult {
        response: ConsoleResponse {
            status: safe.status,
            latency_ms: safe.latency_ms,
            headers: safe.headers,
            body_pretty,
            errcode: safe.errcode,
            errmsg: safe.errmsg,
            explanation: safe.errcode.filter(|c| *c != 0).and_then(errcode::lookup).map(entry),
        },
        new_id,
    })
}

#[tauri::command]
pub async fn log_query(state: State<'_, AppState>, filter: LogFilterView, page: LogPageArgs) -> UiResult<LogPage> {
    query(&state, &filter, page)
}

#[tauri::command]
pub async fn log_since(state: State<'_, AppState>, after_id: i64, filter: LogFilterView) -> UiResult<Vec<LogItem>> {
    since(&state, after_id, &filter)
}

#[tauri::command]
pub async fn log_get(state: State<'_, AppState>, id: i64) -> UiResult<LogDetail> {
    get(&state, id)
}

#[tauri::command]
pub async fn log_facets(state: State<'_, AppState>) -> UiResult<LogFacets> {
    facets(&state)
}

/// `path` comes from the dialog plugin's save dialog. Returns how many entries were written.
#[tauri::command]
pub async fn log_export(
    state: State<'_, AppState>,
    filter: LogFilterView,
    format: LogExportFormat,
    path: String,
) -> UiResult<u64> {
    export_file(&state, &filter, format, &path)
}

#[tauri::command]
pub async fn log_export_text(state: State<'_, AppState>, filter: LogFilterView, format: LogExportFormat) -> UiResult<String> {
    export_text(&state, &filter, format)
}

#[tauri::command]
pub async fn log_clear(state: State<'_, AppState>) -> UiResult<u64> {
    clear(&state)
}

#[tauri::command]
pub async fn log_replay(state: State<'_, AppState>, id: i64) -> UiResult<LogReplayResult> {
    replay(&state, id).await
}

#[tauri::command]
pub async fn log_curl(state: State<'_, AppState>, id: i64) -> UiResult<String> {
    curl(&state, id)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dto::KeyringStatus;
    use crate::kv::MemoryKv;
    use crate::secrets::MemorySecretStore;

    fn state_with_log(dir: &Path) -> AppState {
        let mut st = AppState::new(
            Arc::new(MemoryKv::default()),
            Arc::new(MemorySecretStore::new()),
            KeyringStatus { available: false, message: None },
        );
        attach_log(&mut st, Some(&dir.join("log.sqlite3")));
        assert!(st.log.is_some(), "{:?}", st.log_message);
        st
    }

    /// Starts a sandbox and its profile; returns (profile id, the app secret).
    pub(crate) async fn sandbox_profile(st: &AppState) -> (String, String) {
        let h = wwdev_sandbox::start(wwdev_sandbox::SandboxConfig::default()).await.unwrap();
        let secret = h.seed().apps[0].secret.clone();
        st.attach_sandbox(h).unwrap();
        (st.sandbox_profile_id().unwrap(), secret)
    }

    #[tokio::test]
    async fn app_calls_land_in_the_log_and_filters_narrow_them() {
        let dir = tempfile::tempdir().unwrap();
        let st = state_with_log(dir.path());
        let (pid, secret) = sandbox_profile(&st).await;
        crate::commands::credentials::token(&st, &pid, true).await.unwrap();
        // An identity lookup with an unknown code: a WeCom error, recorded too.
        let _ = crate::commands::identity::lookup(&st, &pid, "NOT-A-REAL-CODE").await;
        let all = query(&st, &LogFilterView::default(), LogPageArgs { before_id: None, limit: 50 }).unwrap();
        assert!(all.total.unwrap() >= 2, "{all:?}");
        assert!(all.items.iter().any(|i| i.path == "/cgi-bin/gettoken" && i.feature == "token" && !i.failed));
        let errs =
            query(&st, &LogFilterView { outcome: LogOutcome::Error, ..Default::default() }, LogPageArgs { before_id: None, limit: 50 })
                .unwrap();
        assert!(!errs.items.is_empty() && errs.items.iter().all(|i| i.failed), "{errs:?}");
        let code = errs.items[0].errcode.unwrap();
        let by_code = query(
            &st,
            &LogFilterView { outcome: LogOutcome::Code, code: Some(code), ..Default::default() },
            LogPageArgs { before_id: None, limit: 50 },
        )
        .unwrap();
        assert!(by_code.items.iter().all(|i| i.errcode == Some(code)));
        let text = query(
            &st,
            &LogFilterView { text: Some("gettoken".into()), ..Default::default() },
            LogPageArgs { before_id: None, limit: 50 },
        )
        .unwrap();
        assert!(!text.items.is_empty() && text.items.iter().all(|i| i.path.contains("gettoken")));
        let f = facets(&st).unwrap();
        assert_eq!(f.profiles, vec!["Sandbox".to_string()]);
        assert!(f.paths.contains(&"/cgi-bin/gettoken".to_string()));

        // Detail: the error is explained; the secret never appears anywhere.
        let token = st.sandbox_cache.get().unwrap().snapshot(&st.resolve(&pid, "t").unwrap().key).token.unwrap();
        let d = get(&st, errs.items[0].id).unwrap();
        assert!(d.explanation.is_some());
        for fmt in [LogExportFormat::Json, LogExportFormat::Har, LogExportFormat::Curl] {
            let out = export_text(&st, &LogFilterView::default(), fmt).unwrap();
            assert!(out.contains("gettoken"), "{fmt:?}");
            assert!(!out.contains(&secret) && !out.contains(token.value.expose()), "{fmt:?} leaks");
        }
        let path = dir.path().join("export.har");
        let n = export_file(&st, &LogFilterView::default(), LogExportFormat::Har, path.to_str().unwrap()).unwrap();
        let har: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(har["log"]["entries"].as_array().unwrap().len() as u64, n);
    }

    #[tokio::test]
    async fn replay_resends_with_a_fresh_token_and_is_logged() {
        let dir = tempfile::tempdir().unwrap();
        let st = state_with_log(dir.path());
        let (pid, _) = sandbox_profile(&st).await;
        crate::commands::console::send(&st, &pid, "GET", "/cgi-bin/get_api_domain_ip", vec![], None).await.unwrap();
        let first = query(&st, &LogFilterView { endpoint: Some("/cgi-bin/get_api_domain_ip".into()), ..Default::default() }, LogPageArgs { before_id: None, limit: 5 }).unwrap();
        let id = first.items[0].id;
        let rep = replay(&st, id).await.unwrap();
        assert_eq!(rep.response.errcode, Some(0), "{:?}", rep.response);
        let new_id = rep.new_id.expect("replay entry");
        assert!(new_id > id);
        assert_eq!(get(&st, new_id).unwrap().item.feature, "replay");
        // Live tail from the old id sees the replay.
        assert!(since(&st, id, &LogFilterView::default()).unwrap().iter().any(|i| i.id == new_id));
        assert!(curl(&st, id).unwrap().contains("get_api_domain_ip"));
        // gettoken, the console call and its replay.
        assert!(clear(&st).unwrap() >= 3);
        assert_eq!(query(&st, &LogFilterView::default(), LogPageArgs { before_id: None, limit: 5 }).unwrap().total, Some(0));
    }

    #[test]
    fn masked_single_use_values_block_replay() {
        let rec = RequestRecord {
            id: None,
            time_ms: 0,
            profile: "p".into(),
            feature: "identity".into(),
            base_url: "http://x".into(),
            method: "GET".into(),
            path: "/cgi-bin/auth/getuserinfo".into(),
            query: vec![("access_token".into(), "abc***".into()), ("code".into(), "CO***".into())],
            request_body: None,
            status: Some(200),
            errcode: Some(0),
            errmsg: None,
            latency_ms: 1,
            response_headers: vec![],
            response_body: None,
            error: None,
        };
        assert!(replay_blocker(&rec).unwrap().contains("\"code\""));
        let ok = RequestRecord { query: vec![("access_token".into(), "x".into())], ..rec.clone() };
        assert!(replay_blocker(&ok).is_none());
        let body = RequestRecord { query: vec![], request_body: Some(r#"{"user_ticket":"ab***"}"#.into()), ..rec };
        assert!(replay_blocker(&body).unwrap().contains("user_ticket"));
    }

    #[test]
    fn retention_follows_settings_and_broken_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.sqlite3");
        std::fs::write(&p, b"this is not a sqlite database, not at all, definitely not").unwrap();
        let mut st = AppState::new(
            Arc::new(MemoryKv::default()),
            Arc::new(MemorySecretStore::new()),
            KeyringStatus { available: false, message: None },
        );
        attach_log(&mut st, Some(&p));
        assert!(st.log.is_some());
        assert!(st.app_info().log_recovered_message.is_some());
        let s = st.settings_set(Settings { log_max_entries: Some(7), log_max_days: None, ..Default::default() }).unwrap();
        assert_eq!(st.log.as_ref().unwrap().retention(), retention_of(&s));
        assert_eq!(st.log.as_ref().unwrap().retention().max_entries, Some(7));
    }
}
