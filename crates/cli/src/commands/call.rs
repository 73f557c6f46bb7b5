//! `wwdev call`: any /cgi-bin/ endpoint with the access_token injected.

use super::{Ctx, Result, TEXT_MAX_BYTES, URL_MAX_BYTES, bounded, exit_printed};
use clap::Args;
use crate::output::{pick, print_json, ui_error};
use serde_json::json;
use wwdev_core::error::CoreError;

#[derive(Args, Debug)]
pub struct CallArgs {
    /// Any /cgi-bin/ path, e.g. /cgi-bin/user/get or user/get.
    pub path: String,
    #[arg(long, default_value = "GET", value_parser = ["GET", "POST"])]
    pub method: String,
    /// Query parameter key=value (repeatable); access_token is added for you.
    #[arg(long = "query", short = 'q')]
    pub query: Vec<String>,
    /// JSON body for POST.
    #[arg(long)]
    pub body: Option<String>,
    /// Do not add an access_token (for gettoken itself).
    #[arg(long)]
    pub no_token: bool,
}

pub(crate) async fn run(ctx: Ctx, a: CallArgs) -> Result<()> {
    let mut query = Vec::new();
    bounded("--body", a.body.as_deref().unwrap_or(""), TEXT_MAX_BYTES)?;
    for q in &a.query {
        bounded("--query", q, URL_MAX_BYTES)?;
        let (k, v) = q
            .split_once('=')
            .ok_or_else(|| CoreError::invalid("query", format!("`{q}` is not key=value"), format!("`{q}` 不是 key=value 的形式")))?;
        query.push((k.to_owned(), v.to_owned()));
    }
    let body = match a.body.as_deref() {
        Some(b) => Some(serde_json::from_str(b).map_err(|e| {
            CoreError::invalid("body", format!("not valid JSON: {e}"), format!("不是有效的 JSON（详情：{e}）"))
        })?),
        None => None,
    };
    let resp = if a.no_token {
        ctx.client.call(&a.method, &a.path, query, body).await?
    } else {
        // The same path as the app's API console: token injected, a rejected one dropped.
        let secret = ctx.secret()?;
        let key = ctx.key()?;
        wwdev_core::flows::call_with_token(&ctx.client, &ctx.cache, &key, &secret, &a.method, &a.path, query, body).await?
    };
    let shown = resp.redacted();
    let checked = resp.check(&ctx.client.url(&a.path));
    if ctx.g.json {
        print_json(&json!({ "ok": checked.is_ok(), "status": resp.status, "latency_ms": resp.latency_ms,
            "errcode": resp.errcode, "errmsg": resp.errmsg, "body": shown.json.clone().unwrap_or(json!(shown.body)),
            "error": checked.as_ref().err().map(ui_error) }));
    } else {
        let (status, ms) = (resp.status, resp.latency_ms);
        eprintln!("{}", pick(&format!("HTTP {status}，用时 {ms} 毫秒"), &format!("HTTP {status} in {ms} ms")));
        match &shown.json {
            Some(j) => println!("{}", serde_json::to_string_pretty(j).unwrap_or_default()),
            None => println!("{}", shown.body),
        }
    }
    match checked {
        Err(e) if ctx.g.json => exit_printed(e),
        r => r,
    }
}
