use tauri::State;
use wwdev_core::signature;

use crate::dto::{SignReport, SignedPart};
use crate::error::{UiError, UiResult};
use crate::state::AppState;

fn part(s: &signature::Signed, ticket: &str, reveal: bool) -> SignedPart {
    SignedPart {
        string1_masked: s.string1.replacen(ticket, &wwdev_core::secret::mask(ticket), 1),
        string1: reveal.then(|| s.string1.clone()),
        signature: s.signature.clone(),
    }
}

pub async fn sign_url(
    state: &AppState,
    profile_id: &str,
    url: &str,
    nonce_str: Option<String>,
    timestamp: Option<String>,
    reveal: bool,
) -> UiResult<SignReport> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(UiError::invalid_input(format!("\"{url}\" is not a page URL."))
            .with_hint("Paste the full URL of the page that calls ww.register, starting with https://."));
    }
    let r = state.resolve(profile_id, "sign")?;
    let secret = r.secret()?;
    let corp = r.cache.ticket(&r.client, &r.key, secret, wwdev_core::cache::TicketKind::Corp, false).await?;
    let agent = r.cache.ticket(&r.client, &r.key, secret, wwdev_core::cache::TicketKind::Agent, false).await?;
    let nonce = nonce_str.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).unwrap_or_else(signature::new_nonce);
    let ts = timestamp
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| r.cache.now().to_string());
    if !ts.chars().all(|c| c.is_ascii_digit()) {
        return Err(UiError::invalid_input(format!("timestamp \"{ts}\" is not a number of seconds."))
            .with_hint("Leave it empty to use the current time, or give Unix seconds (10 digits, not milliseconds)."));
    }
    let c = signature::sign(corp.value.expose(), &nonce, &ts, url);
    let a = signature::sign(agent.value.expose(), &nonce, &ts, url);
    let p = &r.profile;
    let snippet = format!(
        "ww.register({{\n  corpId: '{corpid}',\n  agentId: {agentid},\n  jsApiList: ['getContext', 'getCurExternalContact'],\n  \
         getConfigSignature() {{\n    return {{ timestamp: {ts}, nonceStr: '{nonce}', signature: '{cs}' }}\n  }},\n  \
         getAgentConfigSignature() {{\n    return {{ timestamp: {ts}, nonceStr: '{nonce}', signature: '{as_}' }}\n  }}\n}})",
        corpid = p.corpid,
        agentid = if p.agentid.is_empty() { "0".into() } else { p.agentid.clone() },
        cs = c.signature,
        as_ = a.signature,
    );
    Ok(SignReport {
        url_signed: c.url.clone(),
        stripped_fragment: c.stripped_fragment.clone(),
        nonce_str: nonce,
        timestamp: ts,
        corpid: p.corpid.clone(),
        agentid: p.agentid.clone(),
        config: part(&c, corp.value.expose(), reveal),
        agent_config: part(&a, agent.value.expose(), reveal),
        ww_register_snippet: snippet,
    })
}

#[tauri::command]
pub async fn sign(
    state: State<'_, AppState>,
    profile_id: String,
    url: String,
    nonce_str: Option<String>,
    timestamp: Option<String>,
    reveal: Option<bool>,
) -> UiResult<SignReport> {
    sign_url(&state, &profile_id, &url, nonce_str, timestamp, reveal.unwrap_or(false)).await
}

