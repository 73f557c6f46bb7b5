use tauri::State;

use crate::dto::{LinkHistoryItem, QrFormat};
use crate::error::UiResult;
use crate::qr;
use crate::state::AppState;

#[tauri::command]
pub async fn qr_svg(text: String) -> UiResult<String> {
    qr::svg(&text)
}

#[tauri::command]
pub async fn qr_png_base64(text: String) -> UiResult<String> {
    qr::png_base64(&text)
}

#[tauri::command]
pub async fn qr_save(text: String, format: QrFormat, path: String) -> UiResult<()> {
    qr::save(&text, format, &path)
}

#[tauri::command]
pub async fn link_history(state: State<'_, AppState>) -> UiResult<Vec<LinkHistoryItem>> {
    Ok(state.link_history())
}

#[tauri::command]
pub async fn link_history_clear(state: State<'_, AppState>) -> UiResult<()> {
    state.link_history_clear()
}

// ---- OAuth / web-login links ----

use wwdev_core::oauth;

use crate::dto::{
    BatchLink, BatchParams, BatchView, BuiltLink, Explanation, OAuthParams, Problem, ProblemSeverity, WebLoginParams,
};
use crate::error::UiError;

pub fn problem(p: &oauth::Problem) -> Problem {
    Problem {
        id: p.id.to_owned(),
        severity: match p.severity {
            oauth::Severity::Error => ProblemSeverity::Error,
            oauth::Severity::Warning => ProblemSeverity::Warning,
        },
        message_zh: p.message_zh.clone(),
        message_en: p.message_en.clone(),
    }
}

fn sandbox_host(state: &AppState, for_sandbox: bool) -> UiResult<Option<String>> {
    if for_sandbox { Ok(Some(state.sandbox_handle()?.base_url())) } else { Ok(None) }
}

fn parse_scope(s: &str) -> UiResult<oauth::Scope> {
    oauth::Scope::parse(s).ok_or_else(|| {
        UiError::invalid_input(format!("Unknown scope \"{s}\"."))
            .with_hint("Use snsapi_base (userid only) or snsapi_privateinfo (also a user_ticket for sensitive fields).")
    })
}

fn remember(state: &AppState, url: &str, kind: &str, profile_id: &str) -> UiResult<()> {
    state.link_history_add(LinkHistoryItem {
        url: url.to_owned(),
        kind: kind.to_owned(),
        created_at: 0,
        profile_id: Some(profile_id.to_owned()),
        note: None,
    })
}

pub fn build_oauth(state: &AppState, p: OAuthParams) -> UiResult<BuiltLink> {
    let prof = state.profile(&p.profile_id)?;
    let params = oauth::OAuthParams {
        corpid: prof.corpid.clone(),
        agentid: Some(p.agentid.unwrap_or(prof.agentid)).filter(|a| !a.trim().is_empty()),
        redirect_uri: p.redirect_uri,
        scope: parse_scope(&p.scope)?,
        state: p.state,
    };
    let host = sandbox_host(state, p.for_sandbox)?;
    match oauth::build_oauth_url_at(&params, &prof.trusted_domains, host.as_deref()) {
        Ok(b) => {
            remember(state, &b.url, "oauth", &prof.id)?;
            Ok(BuiltLink { url: Some(b.url), problems: b.problems.iter().map(problem).collect() })
        }
        Err(e) => {
            // Blocking problems: show all of them instead of one joined error.
            let problems: Vec<Problem> = oauth::validate_oauth(&params, &prof.trusted_domains).iter().map(problem).collect();
            if problems.is_empty() { Err(e.into()) } else { Ok(BuiltLink { url: None, problems }) }
        }
    }
}

pub fn build_weblogin(state: &AppState, p: WebLoginParams) -> UiResult<BuiltLink> {
    let prof = state.profile(&p.profile_id)?;
    let params = oauth::WebLoginParams {
        corpid: prof.corpid.clone(),
        agentid: prof.agentid.clone(),
        redirect_uri: p.redirect_uri,
        state: p.state,
        lang: p.lang.filter(|l| !l.is_empty()),
        legacy: p.legacy,
    };
    let host = sandbox_host(state, p.for_sandbox)?;
    match oauth::build_weblogin_url_at(&params, &prof.trusted_domains, host.as_deref()) {
        Ok(b) => {
            remember(state, &b.url, "weblogin", &prof.id)?;
            Ok(BuiltLink { url: Some(b.url), problems: b.problems.iter().map(problem).collect() })
        }
        Err(e) => {
            let problems: Vec<Problem> =
                oauth::validate_weblogin(&params, &prof.trusted_domains).iter().map(problem).collect();
            if problems.is_empty() { Err(e.into()) } else { Ok(BuiltLink { url: None, problems }) }
        }
    }
}

pub fn build_batch(state: &AppState, p: BatchParams) -> UiResult<BatchView> {
    let prof = state.profile(&p.profile_id)?;
    let scopes = p.scopes.iter().map(|s| parse_scope(s)).collect::<UiResult<Vec<_>>>()?;
    let origin = match p.redirect_origin.filter(|o| !o.trim().is_empty()) {
        Some(o) => o,
        None => url::Url::parse(&prof.default_redirect_uri)
            .map(|u| u.origin().ascii_serialization())
            .map_err(|_| {
                UiError::invalid_input("No redirect origin given and the profile has no default redirect URI.")
                    .with_hint("Enter the origin the paths belong to, e.g. https://app.example.com.")
            })?,
    };
    if scopes.is_empty() || p.states.is_empty() || p.redirect_paths.is_empty() {
        return Err(UiError::invalid_input("The batch is empty.")
            .with_hint("Pick at least one scope, one state and one redirect path."));
    }
    let base = oauth::BatchBase {
        corpid: prof.corpid.clone(),
        agentid: Some(prof.agentid.clone()).filter(|a| !a.is_empty()),
        redirect_origin: origin,
        trusted_domains: prof.trusted_domains.clone(),
        oauth_host: sandbox_host(state, p.for_sandbox)?,
    };
    let items = oauth::batch(&scopes, &p.states, &p.redirect_paths, &base);
    Ok(BatchView {
        csv: oauth::to_csv(&items),
        markdown: oauth::to_markdown(&items),
        links: items
            .iter()
            .map(|i| BatchLink {
                scope: i.scope.as_str().to_owned(),
                state: i.state.clone(),
                redirect_uri: i.redirect_uri.clone(),
                url: i.url.clone(),
                problems: i.problems.iter().map(problem).collect(),
            })
            .collect(),
    })
}

pub fn explain(state: &AppState, profile_id: Option<&str>, url: &str) -> UiResult<Explanation> {
    let trusted = match profile_id {
        Some(id) => state.profile(id)?.trusted_domains,
        None => Vec::new(),
    };
    let e = oauth::explain_url(url, &trusted);
    let kind = serde_json::to_value(e.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    Ok(Explanation { kind, fields: e.fields, fragment: e.fragment, problems: e.problems.iter().map(problem).collect() })
}

#[tauri::command]
pub async fn oauth_build(state: State<'_, AppState>, p: OAuthParams) -> UiResult<BuiltLink> {
    build_oauth(&state, p)
}

#[tauri::command]
pub async fn weblogin_build(state: State<'_, AppState>, p: WebLoginParams) -> UiResult<BuiltLink> {
    build_weblogin(&state, p)
}

#[tauri::command]
pub async fn oauth_batch(state: State<'_, AppState>, p: BatchParams) -> UiResult<BatchView> {
    build_batch(&state, p)
}

#[tauri::command]
pub async fn explain_url(state: State<'_, AppState>, profile_id: Option<String>, url: String) -> UiResult<Explanation> {
    explain(&state, profile_id.as_deref(), &url)
}
