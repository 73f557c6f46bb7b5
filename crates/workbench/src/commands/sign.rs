use std::sync::Arc;

use wwdev_core::clock::{SharedClock, SystemClock};
use wwdev_core::signature::Signed;

use crate::types::{SignReport, SignedPart};
use wwdev_core::error::{UiError, UiResult};
use crate::Workbench;

/// string1 with its ticket masked: the ticket is a credential, string1 is shown.
fn part(s: &Signed, reveal: bool) -> SignedPart {
    let masked = match s.string1.strip_prefix("jsapi_ticket=").and_then(|rest| rest.split_once("&noncestr=")) {
        Some((ticket, tail)) => format!("jsapi_ticket={}&noncestr={tail}", wwdev_core::secret::mask(ticket)),
        None => wwdev_core::secret::mask(&s.string1),
    };
    SignedPart { string1_masked: masked, string1: reveal.then(|| s.string1.clone()), signature: s.signature.clone() }
}

pub async fn sign_url(
    state: &Workbench,
    profile_id: &str,
    url: &str,
    nonce_str: Option<String>,
    timestamp: Option<String>,
    reveal: bool,
) -> UiResult<SignReport> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(UiError::invalid_input(format!("\"{url}\" is not a page URL."), format!("「{url}」不是页面地址。")).hint2(
            "Paste the full URL of the page that calls ww.register, starting with https://.",
            "请粘贴调用 ww.register 的页面的完整地址，以 https:// 开头。",
        ));
    }
    let r = state.resolve(profile_id, "sign")?;
    // Timestamps follow the clock the tickets live on (the sandbox clock may be advanced).
    let clock: SharedClock = match state.sandbox.get() {
        Some(h) if state.is_sandbox_url(&r.profile.base_url) => h.clock(),
        _ => Arc::new(SystemClock),
    };
    let rep =
        wwdev_core::flows::sign_both(r.cache, &r.client, &r.key, r.secret()?, url, nonce_str, timestamp, &clock)
            .await?;
    Ok(SignReport {
        url_signed: rep.config.url.clone(),
        stripped_fragment: rep.config.stripped_fragment.clone(),
        nonce_str: rep.config.nonce_str.clone(),
        timestamp: rep.config.timestamp.clone(),
        corpid: rep.corpid.clone(),
        agentid: rep.agentid.clone(),
        config: part(&rep.config, reveal),
        agent_config: part(&rep.agent_config, reveal),
        ww_register_snippet: rep.ww_register_snippet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string1_is_masked_unless_revealed() {
        let s = wwdev_core::signature::sign("TICKET-abcdefghijklmnopqrstuvwxyz", "n0nce", "1700000000", "https://a.example.com/p#x");
        let p = part(&s, false);
        assert!(!p.string1_masked.contains("TICKET-abcdefghijkl"));
        assert!(p.string1_masked.ends_with("&noncestr=n0nce&timestamp=1700000000&url=https://a.example.com/p"));
        assert!(p.string1.is_none());
        assert_eq!(part(&s, true).string1.as_deref(), Some(s.string1.as_str()));
    }
}
