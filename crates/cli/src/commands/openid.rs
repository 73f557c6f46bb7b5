//! `wwdev openid`: userid → openid (user/convert_to_openid).

use super::user::UserArgs;
use super::{Ctx, Result, VALUE_MAX_BYTES, bounded};
use crate::output::print_json;
use serde_json::json;

pub(crate) async fn run(ctx: Ctx, a: UserArgs) -> Result<()> {
    let secret = ctx.secret()?;
    let token = ctx.token(&secret, false).await?;
    let userid = bounded("userid", a.userid.trim(), VALUE_MAX_BYTES)?;
    let o = ctx.client.convert_to_openid(&token.value, userid).await?;
    if ctx.g.json {
        print_json(&json!({ "ok": true, "userid": userid, "openid": o }));
    } else {
        println!("{o}");
    }
    Ok(())
}
