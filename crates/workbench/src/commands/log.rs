//! The request log: listing, detail, export, clear, replay. Every WeCom call the app
//! makes lands in the `LogStore` through `Workbench::request_sink`; these commands read it.

use std::io::Write;

use serde_json::Value;
use wwdev_core::error::{ErrorKind, UiError, UiResult};
use wwdev_core::log::{LogStore, Page, to_curl};
use wwdev_core::record::{RequestRecord, is_sensitive_key};

use crate::Workbench;
use crate::commands::console::response_view;
use crate::types_log::*;

/// The request log, once it has opened (it may still be opening just after startup).
async fn store(state: &Workbench) -> UiResult<&LogStore> {
    let opened = state.log.wait().await;
    opened.store.as_ref().ok_or_else(|| {
        let (en, zh) = opened.message.clone().unwrap_or_else(|| {
            ("Restart the app; the reason is shown at startup.".into(), "请重启应用；启动时会显示原因。".into())
        });
        UiError::storage("The request log is not open.", "请求日志没有打开。").hint2(en, zh)
    })
}

/// A log failure as the user reads it: core's own mapping (a storage error, both languages).
fn log_err(e: wwdev_core::log::LogError) -> UiError {
    wwdev_core::error::CoreError::from(e).to_ui()
}

pub async fn query(state: &Workbench, filter: &LogFilterView, page: LogPageArgs) -> UiResult<LogPage> {
    let log = store(state).await?;
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

pub async fn since(state: &Workbench, after_id: i64, filter: &LogFilterView) -> UiResult<Vec<LogItem>> {
    let log = store(state).await?;
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
/// `(English, Chinese)`.
pub fn replay_blocker(rec: &RequestRecord) -> Option<(String, String)> {
    if let Some((k, _)) = rec.query.iter().find(|(k, _)| is_sensitive_key(k) && k != "access_token" && k != "corpsecret") {
        return Some((
            format!("The query parameter \"{k}\" was masked when the call was logged and cannot be re-sent; make the call again from its screen."),
            format!("查询参数「{k}」在记录时已被遮盖，无法重发；请在对应的页面重新发起调用。"),
        ));
    }
    if let Some(body) = rec.request_body.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok())
        && let Some(k) = json_has_sensitive(&body)
    {
        return Some((
            format!("The body field \"{k}\" was masked when the call was logged and cannot be re-sent; make the call again from its screen."),
            format!("请求体字段「{k}」在记录时已被遮盖，无法重发；请在对应的页面重新发起调用。"),
        ));
    }
    None
}

pub async fn get(state: &Workbench, id: i64) -> UiResult<LogDetail> {
    let rec = store(state).await?.get(id).map_err(log_err)?.ok_or_else(|| {
        UiError::not_found(format!("Log entry {id} does not exist."), format!("日志条目 {id} 不存在。"))
            .hint2("It was cleared or removed by the retention limit.", "它已被清空，或因保留期限被删除。")
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
        explanation: rec.errcode.filter(|c| *c != 0).and_then(crate::commands::errcodes::get),
        curl: to_curl(&rec),
        replayable: blocker.is_none(),
        replay_blocker: blocker.as_ref().map(|b| b.0.clone()),
        replay_blocker_zh: blocker.map(|b| b.1),
    })
}

pub async fn facets(state: &Workbench) -> UiResult<LogFacets> {
    let log = store(state).await?;
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

pub async fn export_text(state: &Workbench, filter: &LogFilterView, format: LogExportFormat) -> UiResult<String> {
    let mut buf = Vec::new();
    export_to(store(state).await?, filter, format, &mut buf)?;
    String::from_utf8(buf).map_err(|e| UiError::internal(e.to_string()))
}

pub async fn export_file(state: &Workbench, filter: &LogFilterView, format: LogExportFormat, path: &str) -> UiResult<u64> {
    let log = store(state).await?;
    let file = std::fs::File::create(path).map_err(|e| {
        UiError::new2(ErrorKind::Io, format!("Could not create {path}: {e}"), format!("无法创建 {path}（详情：{e}）"))
            .hint2("Choose a folder you can write to.", "请选择一个可写的文件夹。")
    })?;
    let mut w = std::io::BufWriter::new(file);
    let n = export_to(log, filter, format, &mut w)?;
    w.flush()
        .map_err(|e| UiError::new2(ErrorKind::Io, format!("Could not write {path}: {e}"), format!("无法写入 {path}（详情：{e}）")))?;
    Ok(n)
}

pub async fn clear(state: &Workbench) -> UiResult<u64> {
    store(state).await?.clear().map_err(log_err)
}

pub async fn curl(state: &Workbench, id: i64) -> UiResult<String> {
    Ok(get(state, id).await?.curl)
}

/// Re-sends a logged call through the profile's client with a fresh token from the
/// cache (the logged one is masked); the replay is logged as a new entry.
pub async fn replay(state: &Workbench, id: i64) -> UiResult<LogReplayResult> {
    let log = store(state).await?;
    let rec = log.get(id).map_err(log_err)?.ok_or_else(|| {
        UiError::not_found(format!("Log entry {id} does not exist."), format!("日志条目 {id} 不存在。"))
    })?;
    if let Some((en, zh)) = replay_blocker(&rec) {
        return Err(UiError::invalid_input(en, zh));
    }
    let profiles = state.profiles();
    let base = rec.base_url.trim_end_matches('/');
    let profile = profiles
        .iter()
        .find(|p| p.name == rec.profile && p.base_url == base)
        .or_else(|| profiles.iter().find(|p| p.name == rec.profile))
        .ok_or_else(|| {
            UiError::not_found(
                format!("The profile \"{}\" that made this call no longer exists.", rec.profile),
                format!("发起这次调用的配置档案「{}」已不存在。", rec.profile),
            )
            .hint2(
                "Recreate the profile or make the call from the API console with another profile.",
                "请重新创建该配置档案，或在 API 调试台用其他配置档案发起调用。",
            )
        })?;
    let r = state.resolve(&profile.id, "replay")?;
    let mut query = rec.query.clone();
    for (k, v) in query.iter_mut() {
        if k == "corpsecret" {
            *v = r.secret()?.expose().to_owned();
        }
    }
    let body = match rec.request_body.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(serde_json::from_str::<Value>(b).map_err(|e| {
            UiError::invalid_input(
                format!("The logged request body is not JSON ({e}); it cannot be replayed."),
                format!("记录的请求体不是 JSON，无法重放（详情：{e}）。"),
            )
        })?),
    };
    let before = log.latest_id().map_err(log_err)?.unwrap_or(0);
    let resp = if rec.query.iter().any(|(k, _)| k == "access_token") {
        wwdev_core::flows::call_with_token(&r.client, r.cache, &r.key, r.secret()?, &rec.method, &rec.path, query, body)
            .await?
    } else {
        // gettoken itself, or a call without a token.
        r.client.call(&rec.method, &rec.path, query, body).await?
    };
    // The replay's own entry: the newest one for this path and profile since we sent it.
    let new_id = log
        .since_id(before)
        .map_err(log_err)?
        .into_iter()
        .rev()
        .find(|s| s.path == rec.path && s.profile == r.profile.name && s.feature == "replay")
        .map(|s| s.id);
    Ok(LogReplayResult {
        response: response_view(&resp),
        new_id,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::host::EventSink;
    use std::sync::Arc;
    use std::path::Path;

    /// A workbench with a request log in `dir` and its events going to `events`.
    pub(crate) fn with_log(dir: &Path, events: Arc<dyn EventSink>) -> Workbench {
        let st = Workbench::new(crate::Host {
            log: crate::log_open(Some(&dir.join("log.sqlite3")), &Default::default()).into(),
            events,
            ..crate::Host::in_memory()
        });
        assert!(st.log.store().is_some(), "{:?}", st.log.message());
        st
    }

    fn state_with_log(dir: &Path) -> Workbench {
        with_log(dir, Arc::new(crate::host::NoEvents))
    }

    /// Starts a sandbox and its profile; returns (profile id, the app secret).
    pub(crate) async fn sandbox_profile(st: &Workbench) -> (String, String) {
        let h = wwdev_sandbox::start(wwdev_sandbox::SandboxConfig::default()).await.unwrap();
        let secret = h.seed().apps[0].secret.clone();
        st.attach_sandbox(h).unwrap();
        (st.sandbox_profile_id().unwrap(), secret)
    }

    #[tokio::test]
    async fn a_log_that_cannot_open_is_explained_in_both_languages() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, b"x").unwrap();
        let st = Workbench::new(crate::Host {
            log: crate::log_open(Some(&blocker.join("log.sqlite3")), &Default::default()).into(),
            ..crate::Host::in_memory()
        });
        let e = query(&st, &LogFilterView::default(), LogPageArgs { before_id: None, limit: 5 }).await.unwrap_err();
        assert_eq!((e.kind, e.message_zh.as_str()), (ErrorKind::Storage, "请求日志没有打开。"), "{e:?}");
        let (hint, hint_zh) = (e.hint.unwrap(), e.hint_zh.unwrap());
        assert!(hint.contains("could not create the request log directory"), "{hint}");
        assert!(hint_zh.starts_with("无法打开请求日志，本次会话的调用不会被记录：无法创建请求日志目录"), "{hint_zh}");
        assert!(!hint_zh.contains("could not create") && hint_zh.contains("（详情："), "{hint_zh}");
    }

    #[tokio::test]
    async fn an_export_that_cannot_be_written_says_so_in_chinese_with_the_os_text_as_detail() {
        let dir = tempfile::tempdir().unwrap();
        let st = state_with_log(dir.path());
        let path = dir.path().join("missing").join("log.json");
        let e = export_file(&st, &LogFilterView::default(), LogExportFormat::Json, path.to_str().unwrap()).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(e.message_zh.starts_with(&format!("无法创建 {}（详情：", path.display())), "{e:?}");
        assert_eq!(wwdev_core::error::english_in(&e.message_zh), None, "{e:?}");
    }

    #[tokio::test]
    async fn app_calls_land_in_the_log_and_filters_narrow_them() {
        let dir = tempfile::tempdir().unwrap();
        let st = state_with_log(dir.path());
        let (pid, secret) = sandbox_profile(&st).await;
        crate::commands::credentials::token(&st, &pid, true).await.unwrap();
        // An identity lookup with an unknown code: a WeCom error, recorded too.
        let _ = crate::commands::identity::lookup(&st, &pid, "NOT-A-REAL-CODE").await;
        let all = query(&st, &LogFilterView::default(), LogPageArgs { before_id: None, limit: 50 }).await.unwrap();
        assert!(all.total.unwrap() >= 2, "{all:?}");
        assert!(all.items.iter().any(|i| i.path == "/cgi-bin/gettoken" && i.feature == "token" && !i.failed));
        let errs =
            query(&st, &LogFilterView { outcome: LogOutcome::Error, ..Default::default() }, LogPageArgs { before_id: None, limit: 50 })
                .await
                .unwrap();
        assert!(!errs.items.is_empty() && errs.items.iter().all(|i| i.failed), "{errs:?}");
        let code = errs.items[0].errcode.unwrap();
        let by_code = query(
            &st,
            &LogFilterView { outcome: LogOutcome::Code, code: Some(code), ..Default::default() },
            LogPageArgs { before_id: None, limit: 50 },
        )
        .await
        .unwrap();
        assert!(by_code.items.iter().all(|i| i.errcode == Some(code)));
        let text = query(
            &st,
            &LogFilterView { text: Some("gettoken".into()), ..Default::default() },
            LogPageArgs { before_id: None, limit: 50 },
        )
        .await
        .unwrap();
        assert!(!text.items.is_empty() && text.items.iter().all(|i| i.path.contains("gettoken")));
        let f = facets(&st).await.unwrap();
        assert_eq!(f.profiles, vec!["Sandbox".to_string()]);
        assert!(f.paths.contains(&"/cgi-bin/gettoken".to_string()));

        // Detail: the error is explained; the secret never appears anywhere.
        let token = st.sandbox_cache.get().unwrap().snapshot(&st.resolve(&pid, "t").unwrap().key).token.unwrap();
        let d = get(&st, errs.items[0].id).await.unwrap();
        assert!(d.explanation.is_some());
        for fmt in [LogExportFormat::Json, LogExportFormat::Har, LogExportFormat::Curl] {
            let out = export_text(&st, &LogFilterView::default(), fmt).await.unwrap();
            assert!(out.contains("gettoken"), "{fmt:?}");
            assert!(!out.contains(&secret) && !out.contains(token.value.expose()), "{fmt:?} leaks");
        }
        let path = dir.path().join("export.har");
        let n = export_file(&st, &LogFilterView::default(), LogExportFormat::Har, path.to_str().unwrap()).await.unwrap();
        let har: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(har["log"]["entries"].as_array().unwrap().len() as u64, n);
    }

    #[tokio::test]
    async fn replay_resends_with_a_fresh_token_and_is_logged() {
        let dir = tempfile::tempdir().unwrap();
        let st = state_with_log(dir.path());
        let (pid, _) = sandbox_profile(&st).await;
        crate::commands::console::send(&st, &pid, "GET", "/cgi-bin/get_api_domain_ip", vec![], None).await.unwrap();
        let first = query(&st, &LogFilterView { endpoint: Some("/cgi-bin/get_api_domain_ip".into()), ..Default::default() }, LogPageArgs { before_id: None, limit: 5 }).await.unwrap();
        let id = first.items[0].id;
        let rep = replay(&st, id).await.unwrap();
        assert_eq!(rep.response.errcode, Some(0), "{:?}", rep.response);
        let new_id = rep.new_id.expect("replay entry");
        assert!(new_id > id);
        assert_eq!(get(&st, new_id).await.unwrap().item.feature, "replay");
        // Live tail from the old id sees the replay.
        assert!(since(&st, id, &LogFilterView::default()).await.unwrap().iter().any(|i| i.id == new_id));
        assert!(curl(&st, id).await.unwrap().contains("get_api_domain_ip"));
        // gettoken, the console call and its replay.
        assert!(clear(&st).await.unwrap() >= 3);
        assert_eq!(query(&st, &LogFilterView::default(), LogPageArgs { before_id: None, limit: 5 }).await.unwrap().total, Some(0));
    }

    /// A successful GET record of `path` made by `feature`, for tests.
    pub(crate) fn record(feature: &str, path: &str) -> RequestRecord {
        RequestRecord {
            id: None,
            time_ms: 1_700_000_000_000,
            profile: "p".into(),
            feature: feature.into(),
            base_url: "http://127.0.0.1:1".into(),
            method: "GET".into(),
            path: path.into(),
            query: vec![],
            request_body: None,
            status: Some(200),
            errcode: Some(0),
            errmsg: None,
            latency_ms: 1,
            response_headers: vec![],
            response_body: None,
            error: None,
        }
    }

    #[test]
    fn masked_single_use_values_block_replay() {
        let rec = RequestRecord {
            query: vec![("access_token".into(), "abc***".into()), ("code".into(), "CO***".into())],
            ..record("identity", "/cgi-bin/auth/getuserinfo")
        };
        assert!(replay_blocker(&rec).unwrap().0.contains("\"code\""));
        assert!(replay_blocker(&rec).unwrap().1.contains("「code」"));
        let ok = RequestRecord { query: vec![("access_token".into(), "x".into())], ..rec.clone() };
        assert!(replay_blocker(&ok).is_none());
        let body = RequestRecord { query: vec![], request_body: Some(r#"{"user_ticket":"ab***"}"#.into()), ..rec };
        assert!(replay_blocker(&body).unwrap().0.contains("user_ticket"));
    }

    #[test]
    fn retention_follows_settings_and_broken_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.sqlite3");
        std::fs::write(&p, b"this is not a sqlite database, not at all, definitely not").unwrap();
        let st = Workbench::new(crate::Host { log: crate::log_open(Some(&p), &Default::default()).into(), ..crate::Host::in_memory() });
        assert!(st.log.store().is_some());
        assert!(st.info().log_recovered_message.is_some());
        assert!(st.info().log_recovered_message_zh.unwrap().contains("请求日志"));
        let s = st
            .save_settings(crate::types::Settings { log_max_entries: Some(7), log_max_days: None, ..Default::default() })
            .unwrap();
        assert_eq!(st.log.store().unwrap().retention(), s.retention());
        assert_eq!(st.log.store().unwrap().retention().max_entries, Some(7));
    }
}
