
use crate::types::LinkHistoryItem;
use wwdev_core::error::UiResult;
use crate::Workbench;

// ---- OAuth / web-login links ----

use wwdev_core::oauth;

use crate::types::{
    BatchLink, BatchParams, BatchView, BuiltLink, Explanation, OAuthParams, Problem, WebLoginParams,
};
use wwdev_core::error::UiError;


fn sandbox_host(state: &Workbench, for_sandbox: bool) -> UiResult<Option<String>> {
    if for_sandbox { Ok(Some(state.sandbox_handle()?.base_url())) } else { Ok(None) }
}

fn parse_scope(s: &str) -> UiResult<oauth::Scope> {
    oauth::Scope::parse(s).ok_or_else(|| {
        UiError::invalid_input(format!("Unknown scope \"{s}\"."), format!("未知的 scope「{s}」。")).hint2(
            "Use snsapi_base (userid only) or snsapi_privateinfo (also a user_ticket for sensitive fields).",
            "请使用 snsapi_base（只有 userid）或 snsapi_privateinfo（另有用于敏感信息的 user_ticket）。",
        )
    })
}

fn remember(state: &Workbench, url: &str, kind: &str, profile_id: &str) -> UiResult<()> {
    state.remember_link(LinkHistoryItem {
        url: url.to_owned(),
        kind: kind.to_owned(),
        created_at: 0,
        profile_id: Some(profile_id.to_owned()),
        note: None,
    })
}

pub fn build_oauth(state: &Workbench, p: OAuthParams) -> UiResult<BuiltLink> {
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
            Ok(BuiltLink { url: Some(b.url), problems: b.problems.to_vec() })
        }
        Err(e) => {
            // Blocking problems: show all of them instead of one joined error.
            let problems: Vec<Problem> = oauth::validate_oauth(&params, &prof.trusted_domains).to_vec();
            if problems.is_empty() { Err(e.into()) } else { Ok(BuiltLink { url: None, problems }) }
        }
    }
}

pub fn build_weblogin(state: &Workbench, p: WebLoginParams) -> UiResult<BuiltLink> {
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
            Ok(BuiltLink { url: Some(b.url), problems: b.problems.to_vec() })
        }
        Err(e) => {
            let problems: Vec<Problem> =
                oauth::validate_weblogin(&params, &prof.trusted_domains).to_vec();
            if problems.is_empty() { Err(e.into()) } else { Ok(BuiltLink { url: None, problems }) }
        }
    }
}

pub fn build_batch(state: &Workbench, p: BatchParams) -> UiResult<BatchView> {
    let prof = state.profile(&p.profile_id)?;
    let scopes = p.scopes.iter().map(|s| parse_scope(s)).collect::<UiResult<Vec<_>>>()?;
    let origin = match p.redirect_origin.filter(|o| !o.trim().is_empty()) {
        Some(o) => o,
        None => url::Url::parse(&prof.default_redirect_uri)
            .map(|u| u.origin().ascii_serialization())
            .map_err(|_| {
                UiError::invalid_input(
                    "No redirect origin given and the profile has no default redirect URI.",
                    "没有填写回调源，配置档案也没有默认回调地址。",
                )
                .hint2(
                    "Enter the origin the paths belong to, e.g. https://app.example.com.",
                    "请填写这些路径所属的源，例如 https://app.example.com。",
                )
            })?,
    };
    if scopes.is_empty() || p.states.is_empty() || p.redirect_paths.is_empty() {
        return Err(UiError::invalid_input("The batch is empty.", "批量列表为空。").hint2(
            "Pick at least one scope, one state and one redirect path.",
            "请至少选择一个 scope、一个 state 和一个回调路径。",
        ));
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
                problems: i.problems.to_vec(),
            })
            .collect(),
    })
}

pub fn explain(state: &Workbench, profile_id: Option<&str>, url: &str) -> UiResult<Explanation> {
    let trusted = match profile_id {
        Some(id) => state.profile(id)?.trusted_domains,
        None => Vec::new(),
    };
    let e = oauth::explain_url(url, &trusted);
    let kind = serde_json::to_value(e.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    Ok(Explanation { kind, fields: e.fields, fragment: e.fragment, problems: e.problems.to_vec() })
}
