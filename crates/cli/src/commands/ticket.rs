//! `wwdev ticket`: the corp jsapi_ticket and, with an agentid, the agent ticket.

use super::{Ctx, Result, shown};
use crate::Global;
use crate::output::{pick, print_json, utc};
use clap::Args;
use serde_json::json;
use wwdev_core::cache::TicketKind;

#[derive(Args, Debug)]
pub struct TicketArgs {
    /// Short form: corp ID (instead of --corpid).
    // Own ids: sharing the global options' ids (`corpid`, `secret`) would hide
    // `--corpid` / `--secret` from this subcommand.
    #[arg(id = "short_corpid", value_name = "CORPID")]
    pub corpid: Option<String>,
    /// Short form: app secret (instead of --secret). Visible in `ps`; prefer WWDEV_SECRET.
    #[arg(id = "short_secret", value_name = "SECRET")]
    pub secret: Option<String>,
    /// Which ticket: corp (jsapi_ticket, for wx.config), agent (for wx.agentConfig) or both.
    #[arg(long, value_parser = ["corp", "agent", "both"], default_value = "both")]
    pub kind: String,
    /// Print full tickets instead of masked ones.
    #[arg(long)]
    pub reveal: bool,
}

pub(crate) async fn run(mut g: Global, a: TicketArgs) -> Result<()> {
    if let Some(c) = a.corpid.clone() {
        g.corpid = Some(c);
    }
    if let Some(s) = a.secret.clone() {
        g.secret = Some(s);
    }
    let ctx = Ctx::new(g)?;
    let secret = ctx.secret()?;
    let key = ctx.key()?;
    // The agent ticket belongs to one app: require the agentid so the cache key and the
    // user's intent are unambiguous; "both" quietly skips it without one.
    let kinds: Vec<TicketKind> = match a.kind.as_str() {
        "corp" => vec![TicketKind::Corp],
        "agent" => {
            ctx.agentid()?;
            vec![TicketKind::Agent]
        }
        _ if ctx.g.agentid.as_deref().is_some_and(|a| !a.trim().is_empty()) => vec![TicketKind::Corp, TicketKind::Agent],
        _ => vec![TicketKind::Corp],
    };
    let mut out = serde_json::Map::new();
    out.insert("ok".into(), json!(true));
    for kind in kinds {
        let name = match kind {
            TicketKind::Corp => "jsapi_ticket",
            TicketKind::Agent => "agent_ticket",
        };
        let t = ctx.cache.ticket(&ctx.client, &key, &secret, kind, false).await?;
        let value = shown(&t.value, a.reveal);
        if ctx.g.json {
            out.insert(name.into(), json!({ "ticket": value, "fetched_at": t.fetched_at, "expires_at": t.expires_at }));
        } else {
            println!("{name:<13} {value}");
            let (at, left) = (utc(t.expires_at), t.expires_at - t.fetched_at);
            println!("{:<13} {}", "", pick(&format!("过期时间 {at}（{left} 秒后）"), &format!("expires at {at} (in {left} s)")));
        }
    }
    if ctx.g.json {
        print_json(&out);
    } else if !a.reveal {
        println!("{}", pick("（已打码；加 --reveal 显示完整的 ticket）", "(masked; add --reveal to print whole tickets)"));
    }
    Ok(())
}
