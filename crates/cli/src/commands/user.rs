//! `wwdev user`: member details (user/get).

use super::{Ctx, Result, VALUE_MAX_BYTES, bounded};
use crate::output::print_json;
use clap::Args;
use serde_json::json;

#[derive(Args, Debug)]
pub struct UserArgs {
    pub userid: String,
}

pub(crate) async fn run(ctx: Ctx, a: UserArgs) -> Result<()> {
    let secret = ctx.secret()?;
    let token = ctx.token(&secret, false).await?;
    let u = ctx.client.user_get(&token.value, bounded("userid", a.userid.trim(), VALUE_MAX_BYTES)?).await?;
    if ctx.g.json {
        print_json(&json!({ "ok": true, "user": u }));
    } else {
        println!("{}", serde_json::to_string_pretty(&u).unwrap_or_default());
    }
    Ok(())
}
