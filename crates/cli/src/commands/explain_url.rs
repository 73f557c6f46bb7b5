//! `wwdev explain-url`: parse an OAuth or web-login link and list its problems.

use super::{Result, URL_MAX_BYTES, bounded, exit_printed, print_problems, trusted_from};
use crate::Global;
use crate::output::{pick, print_json};
use clap::Args;
use serde_json::json;
use wwdev_core::error::CoreError;
use wwdev_core::oauth;

#[derive(Args, Debug)]
pub struct ExplainUrlArgs {
    /// The OAuth or web-login link to explain.
    pub url: String,
    #[arg(long = "trusted-domain")]
    pub trusted_domains: Vec<String>,
}

pub(crate) fn run(g: &Global, a: ExplainUrlArgs) -> Result<()> {
    let e = oauth::explain_url(bounded("url", &a.url, URL_MAX_BYTES)?, &trusted_from(g, &a.trusted_domains));
    if g.json {
        print_json(&json!({ "ok": !e.has_errors(), "explanation": e }));
    } else {
        println!("kind  {:?}", e.kind);
        for (k, v) in &e.fields {
            println!("  {k:<14} {v}");
        }
        if let Some(f) = &e.fragment {
            println!("  #{f}");
        }
        if e.problems.is_empty() {
            println!("{}", pick("没有发现问题", "no problems found"));
        }
        print_problems(&e.problems);
    }
    if e.has_errors() {
        let n = e.problems.len();
        let err = CoreError::invalid("link", format!("{n} problem(s) found in the link"), format!("链接中发现 {n} 个问题"));
        if g.json {
            exit_printed(err);
        }
        return Err(err);
    }
    Ok(())
}
