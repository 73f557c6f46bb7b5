//! `wwdev userinfo`: who is behind an OAuth code.

use super::{Ctx, Result, URL_MAX_BYTES, bounded};
use crate::output::{pad, pick, print_json, print_ui_error};
use clap::Args;
use serde_json::json;

#[derive(Args, Debug)]
pub struct UserinfoArgs {
    /// The code, or the whole URL the browser landed on after authorizing (?code=...&state=...).
    pub code_or_url: String,
}

pub(crate) async fn run(ctx: Ctx, a: UserinfoArgs) -> Result<()> {
    let code_or_url = bounded("code", &a.code_or_url, URL_MAX_BYTES)?;
    let secret = ctx.secret()?;
    let key = ctx.key()?;
    let r = wwdev_core::flows::identity_lookup(&ctx.client, &ctx.cache, &key, &secret, code_or_url).await;
    let failed = r.first_error().cloned();
    if ctx.g.json {
        // The code is single-use but still a credential: print it masked.
        print_json(&json!({
            "ok": failed.is_none(),
            "code": r.callback.as_ref().map(|c| wwdev_core::secret::mask(&c.code)),
            "state": r.callback.as_ref().and_then(|c| c.state.clone()),
            "userinfo": r.userinfo, "user": r.user, "detail": r.detail, "steps": r.steps,
            "explanation": r.explanation, "explanation_zh": r.explanation_zh, "error": failed,
        }));
    } else {
        for step in &r.steps {
            let mark = if step.ok { pick("成功", "ok  ") } else { pick("失败", "FAIL") };
            println!("{mark} {}", step.name);
        }
        if let Some(s) = r.callback.as_ref().and_then(|c| c.state.as_deref()) {
            println!("state       {s}");
        }
        match &r.userinfo {
            Some(wwdev_core::client::UserInfo::Member { userid, user_ticket, .. }) => {
                println!("{}{userid}", pad(pick("成员", "member"), 12));
                let none = pick(
                    "（无：scope 为 snsapi_base，或成员不在 snsapi_privateinfo 的授权范围内）",
                    "(none: scope snsapi_base, or outside the privateinfo range)",
                );
                let ut = user_ticket.as_ref().map(|t| t.masked());
                println!("user_ticket {}", ut.unwrap_or_else(|| none.into()));
            }
            Some(wwdev_core::client::UserInfo::NonMember { openid, external_userid }) => {
                println!("{}openid {openid}", pad(pick("非企业成员", "non-member"), 12));
                if let Some(x) = external_userid {
                    println!("            external_userid {x}");
                }
            }
            None => {}
        }
        if let Some(u) = &r.user {
            println!("{}", serde_json::to_string_pretty(u).unwrap_or_default());
        }
        if let Some(d) = &r.detail {
            println!("{}", serde_json::to_string_pretty(d).unwrap_or_default());
        }
        println!("{}", pick(&r.explanation_zh, &r.explanation));
    }
    match failed {
        None => Ok(()),
        Some(e) if ctx.g.json => std::process::exit(e.exit_code()),
        Some(e) => {
            print_ui_error(&e, false);
            std::process::exit(e.exit_code())
        }
    }
}
