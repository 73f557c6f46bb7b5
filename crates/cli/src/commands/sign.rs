//! `wwdev sign`: a JS-SDK signature (string1 and SHA-1) for a page URL.

use super::{Ctx, Result, URL_MAX_BYTES, VALUE_MAX_BYTES, bounded};
use crate::output::{pick, print_json, warn};
use clap::Args;
use serde_json::json;
use wwdev_core::cache::TicketKind;
use wwdev_core::clock::SystemClock;
use wwdev_core::error::CoreError;
use wwdev_core::secret::Secret;

#[derive(Args, Debug)]
pub struct SignArgs {
    /// The page URL exactly as `location.href` shows it; a #fragment is removed (WeCom ignores it).
    #[arg(long)]
    pub url: String,
    /// Sign with this ticket instead of fetching one (no network needed).
    #[arg(long)]
    pub ticket: Option<String>,
    /// nonceStr to use; a random 16-character one when absent.
    #[arg(long)]
    pub nonce_str: Option<String>,
    /// timestamp (seconds) to use; now when absent.
    #[arg(long)]
    pub timestamp: Option<String>,
    /// When fetching: sign with the agent ticket (wx.agentConfig) instead of the corp ticket (wx.config).
    #[arg(long)]
    pub agent: bool,
}

pub(crate) async fn run(ctx: Ctx, a: SignArgs) -> Result<()> {
    let url = bounded("--url", a.url.trim(), URL_MAX_BYTES)?;
    for (what, v) in [("--ticket", &a.ticket), ("--nonce-str", &a.nonce_str), ("--timestamp", &a.timestamp)] {
        bounded(what, v.as_deref().unwrap_or(""), VALUE_MAX_BYTES)?;
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(CoreError::invalid(
            "url",
            format!("`{url}` is not a full page URL — WeCom signs the whole URL including https:// and the query (40094 otherwise)"),
            format!("`{url}` 不是完整的页面 URL，企业微信对包括 https:// 和查询参数在内的整个 URL 签名（否则报 40094）"),
        ));
    }
    let nonce = a.nonce_str.unwrap_or_else(wwdev_core::signature::new_nonce);
    let timestamp = match a.timestamp {
        Some(t) => {
            if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
                return Err(CoreError::invalid(
                    "timestamp",
                    format!("`{t}` is not a number of seconds"),
                    format!("`{t}` 不是以秒为单位的数字"),
                ));
            }
            if t.len() >= 13 {
                warn(
                    &format!("timestamp {t} 像是毫秒；企业微信要求以秒为单位（这是 40093 的常见原因）"),
                    &format!("timestamp {t} looks like milliseconds; WeCom expects seconds (a common cause of 40093)"),
                );
            }
            t
        }
        None => wwdev_core::clock::Clock::now(&SystemClock).to_string(),
    };
    let (ticket, kind) = match a.ticket {
        Some(t) => (Secret::new(t.trim()), "given"),
        None => {
            let secret = ctx.secret()?;
            let key = ctx.key()?;
            let kind = if a.agent { TicketKind::Agent } else { TicketKind::Corp };
            let t = ctx.cache.ticket(&ctx.client, &key, &secret, kind, false).await?;
            (t.value, if a.agent { "agent" } else { "corp" })
        }
    };
    let s = wwdev_core::signature::sign(ticket.expose(), &nonce, &timestamp, url);
    if ctx.g.json {
        // string1 embeds the ticket; it is printed in full only when the caller supplied it.
        let string1 = if kind == "given" { s.string1.clone() } else { s.string1.replace(ticket.expose(), &ticket.masked()) };
        print_json(&json!({
            "ok": true, "ticket_kind": kind, "url": s.url, "stripped_fragment": s.stripped_fragment,
            "noncestr": s.nonce_str, "timestamp": s.timestamp, "string1": string1, "signature": s.signature,
        }));
    } else {
        if let Some(f) = &s.stripped_fragment {
            println!(
                "{}",
                pick(
                    &format!("提示：已去掉片段 `{f}`，企业微信签名用的 URL 不含它"),
                    &format!("note: removed the fragment `{f}` — WeCom signs the URL without it"),
                )
            );
        }
        let string1 = if kind == "given" { s.string1.clone() } else { s.string1.replace(ticket.expose(), &ticket.masked()) };
        println!("url        {}", s.url);
        println!("nonceStr   {}", s.nonce_str);
        println!("timestamp  {}", s.timestamp);
        println!("string1    {string1}");
        println!("signature  {}", s.signature);
    }
    Ok(())
}
