//! `wwdev errcode`: explain an errcode or search the catalogue.

use super::{Result, VALUE_MAX_BYTES, bounded};
use crate::Global;
use crate::output::{pick, print_json};
use clap::Args;
use serde_json::json;
use wwdev_core::error::CoreError;

#[derive(Args, Debug)]
pub struct ErrcodeArgs {
    /// An errcode (e.g. 40029) or words to search for (e.g. "ticket").
    pub query: String,
}

pub(crate) fn run(g: &Global, a: ErrcodeArgs) -> Result<()> {
    let q = bounded("query", a.query.trim(), VALUE_MAX_BYTES)?;
    let entries: Vec<_> = match q.parse::<i64>() {
        Ok(code) => wwdev_core::errcode::lookup(code).into_iter().collect(),
        Err(_) => wwdev_core::errcode::search(q),
    };
    if entries.is_empty() {
        let url = wwdev_core::errcode::doc_url(q.parse().unwrap_or(0));
        return Err(CoreError::invalid(
            "errcode",
            format!("`{q}` is not in the offline catalogue — look it up at {url}"),
            format!("离线错误码目录中没有 `{q}`，请到 {url} 查询"),
        ));
    }
    if g.json {
        let v: Vec<_> = entries.iter().map(|e| json!({ "entry": e, "doc_url": wwdev_core::errcode::doc_url(e.code) })).collect();
        print_json(&json!({ "ok": true, "entries": v }));
        return Ok(());
    }
    for e in entries {
        println!("{} {}", e.code, e.name);
        println!("  {}", pick(e.meaning_zh, e.meaning_en));
        println!("  {}", pick(&format!("常见原因：{}", e.cause_zh), &format!("usual cause: {}", e.cause_en)));
        println!("  {}", pick(&format!("解决办法：{}", e.fix_zh), &format!("fix: {}", e.fix_en)));
        println!("  {}", wwdev_core::errcode::doc_url(e.code));
    }
    Ok(())
}
