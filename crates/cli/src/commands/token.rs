//! `wwdev token`: fetch an access_token (gettoken).

use super::{Ctx, Result, shown};
use crate::output::{print_json, utc};
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
        println!("access_token  {value}");
        println!("expires at    {} (in {} s)", utc(t.expires_at), t.expires_at - t.fetched_at);
        if !a.reveal {
            println!("(masked; add --reveal to print the whole token)");
        }
    }
    Ok(())
}
