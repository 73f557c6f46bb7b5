//! `wwdev openid`: userid → openid (user/convert_to_openid).

use super::user::UserArgs;
use super::{Ctx, Result};
use crate::output::print_json;
use serde_json::json;

pub(crate) async fn run(ctx: Ctx, a: UserArgs) -> Result<()> {
    let secret = ctx.secret()?;
    let token = ctx.token(&secret, false).await?;
    let o = ctx.client.convert_to_openid(&token.value, a.userid.trim()).await?;
    if ctx.g.json {
        print_json(&json!({ "ok": true, "userid": a.userid.trim(), "openid": o }));
    } else {
        println!("{o}");
    }
    Ok(())
}
