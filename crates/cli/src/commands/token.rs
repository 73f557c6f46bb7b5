//! `wwdev token`: fetch an access_token (gettoken).

use super::{Ctx, Result, shown};
use crate::output::{pad, pick, print_json, utc};
use clap::Args;
use serde_json::json;

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// Print the full token instead of a masked one.
    #[arg(long)]
    pub reveal: bool,
}

pub(crate) async fn run(ctx: Ctx, a: TokenArgs) -> Result<()> {
    let secret = ctx.secret()?;
    let t = ctx.token(&secret, true).await?;
    let value = shown(&t.value, a.reveal);
    if ctx.g.json {
        print_json(&json!({ "ok": true, "access_token": value, "fetched_at": t.fetched_at, "expires_at": t.expires_at, "expires_in": t.expires_at - t.fetched_at }));
    } else {
        let left = t.expires_at - t.fetched_at;
        println!("access_token  {value}");
        println!(
            "{}{}",
            pad(pick("过期时间", "expires at"), 14),
            pick(&format!("{}（{left} 秒后）", utc(t.expires_at)), &format!("{} (in {left} s)", utc(t.expires_at)))
        );
        if !a.reveal {
            println!("{}", pick("（已打码；加 --reveal 显示完整的 token）", "(masked; add --reveal to print the whole token)"));
        }
    }
    Ok(())
}
