
use crate::types::{
    FaultKind, SandboxApp, SandboxCode, SandboxCredential, SandboxFault, SandboxMember, SandboxView,
};
use wwdev_core::error::{UiError, UiResult};
use crate::Workbench;

fn kind_to_core(k: FaultKind) -> wwdev_sandbox::FaultKind {
    use wwdev_sandbox::FaultKind as K;
    match k {
        FaultKind::Latency => K::Latency,
        FaultKind::HttpStatus => K::HttpStatus,
        FaultKind::HtmlError => K::HtmlError,
        FaultKind::MalformedJson => K::MalformedJson,
        FaultKind::DropConnection => K::DropConnection,
        FaultKind::Errcode => K::Errcode,
    }
}

fn kind_from_core(k: wwdev_sandbox::FaultKind) -> FaultKind {
    use wwdev_sandbox::FaultKind as K;
    match k {
        K::Latency => FaultKind::Latency,
        K::HttpStatus => FaultKind::HttpStatus,
        K::HtmlError => FaultKind::HtmlError,
        K::MalformedJson => FaultKind::MalformedJson,
        K::DropConnection => FaultKind::DropConnection,
        K::Errcode => FaultKind::Errcode,
    }
}

pub fn status(state: &Workbench) -> UiResult<SandboxView> {
    let h = state.sandbox_handle()?;
    let c = h.control();
    let seed = c.seed();
    Ok(SandboxView {
        running: true,
        base_url: Some(h.base_url()),
        now: c.now(),
        clock_offset: c.clock_offset(),
        corpid: seed.corpid.clone(),
        corp_name: seed.corp_name.clone(),
        apps: seed
            .apps
            .iter()
            .map(|a| SandboxApp {
                agentid: a.agentid,
                name: a.name.clone(),
                secret: a.secret.clone(),
                trusted_domains: a.trusted_domains.clone(),
            })
            .collect(),
        members: seed
            .members
            .iter()
            .map(|m| SandboxMember {
                userid: m.userid.clone(),
                name: m.name.clone(),
                position: m.position.clone(),
                department: m.department.clone(),
            })
            .collect(),
        codes: c
            .codes()
            .into_iter()
            .map(|x| SandboxCode {
                code: x.code,
                flow: x.flow,
                userid: x.userid,
                openid: x.openid,
                scope: x.scope,
                state: x.state,
                redirect_uri: x.redirect_uri,
                issued_at: x.issued_at,
                expires_at: x.expires_at,
                used: x.used,
                expired: x.expired,
            })
            .collect(),
        tokens: c
            .credentials()
            .into_iter()
            .map(|x| SandboxCredential {
                kind: x.kind,
                masked: x.masked,
                agentid: x.agentid,
                app_name: x.app_name,
                userid: x.userid,
                issued_at: x.issued_at,
                expires_at: x.expires_at,
                status: x.status,
            })
            .collect(),
        faults: c
            .faults()
            .into_iter()
            .map(|f| SandboxFault {
                path: f.path,
                kind: kind_from_core(f.kind),
                latency_ms: f.latency_ms,
                status: f.status,
                errcode: f.errcode,
                count: f.count,
            })
            .collect(),
    })
}

pub fn set_fault(state: &Workbench, f: SandboxFault) -> UiResult<()> {
    let path = f.path.trim();
    if !path.starts_with('/') {
        return Err(UiError::invalid_input(
            format!("Fault path \"{path}\" must start with /."),
            format!("故障路径「{path}」必须以 / 开头。"),
        )
            .hint2("E.g. /cgi-bin/gettoken, or /cgi-bin/* for every API.", "例如 /cgi-bin/gettoken，或用 /cgi-bin/* 表示所有接口。"));
    }
    if f.kind == FaultKind::Errcode && f.errcode.is_none() {
        return Err(UiError::invalid_input("An errcode fault needs an errcode.", "errcode 故障需要一个错误码。")
            .hint2("E.g. 60020 or 40014.", "例如 60020 或 40014。"));
    }
    state.sandbox_handle()?.control().add_fault(wwdev_sandbox::Fault {
        path: path.to_owned(),
        kind: kind_to_core(f.kind),
        latency_ms: f.latency_ms,
        status: f.status,
        errcode: f.errcode,
        errmsg: None,
        count: f.count,
    });
    Ok(())
}

/// The sandbox's OAuth authorize page for the profile (opened in the browser by the UI);
/// with `userid` the page redirects at once as that member.
pub fn authorize_url(state: &Workbench, profile_id: &str, userid: Option<&str>) -> UiResult<String> {
    let h = state.sandbox_handle()?;
    let prof = state.profile(profile_id)?;
    let redirect = if prof.default_redirect_uri.is_empty() {
        let d = prof.trusted_domains.first().cloned().unwrap_or_else(|| "localhost".into());
        format!("https://{d}/oauth/callback")
    } else {
        prof.default_redirect_uri.clone()
    };
    let params = wwdev_core::oauth::OAuthParams {
        corpid: prof.corpid.clone(),
        agentid: Some(prof.agentid.clone()).filter(|a| !a.is_empty()),
        redirect_uri: redirect,
        scope: wwdev_core::oauth::Scope::PrivateInfo,
        state: "wwdev".into(),
    };
    let link = wwdev_core::oauth::build_oauth_url_at(&params, &prof.trusted_domains, Some(&h.base_url()))?;
    let mut url = url::Url::parse(&link.url).map_err(|e| UiError::internal(e.to_string()))?;
    if let Some(u) = userid.map(str::trim).filter(|u| !u.is_empty()) {
        url.query_pairs_mut().append_pair("sandbox_userid", u);
    }
    Ok(url.to_string())
}

/// Resets the sandbox (codes, tokens, faults, clock) and forgets what the cache holds
/// for sandbox profiles, so the next call fetches fresh credentials.
pub fn reset(state: &Workbench) -> UiResult<()> {
    state.sandbox_handle()?.control().reset();
    if let Some(c) = state.sandbox_cache.get() {
        for p in state.profiles().iter().filter(|p| state.is_sandbox_url(&p.base_url)) {
            c.forget_all(&p.credential_key());
        }
    }
    Ok(())
}
