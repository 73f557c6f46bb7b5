//! `wwdev domain-check`: the WW_verify file and URLs under a trusted domain.

use super::{Result, URL_MAX_BYTES, VALUE_MAX_BYTES, bounded, exit_printed};
use crate::Global;
use crate::output::{pick, print_json};
use clap::Args;
use serde_json::json;
use std::time::Duration;
use wwdev_core::error::CoreError;

#[derive(Args, Debug)]
pub struct DomainCheckArgs {
    /// The trusted domain, e.g. app.example.com (with :port when non-default).
    pub domain: String,
    /// The verify file name from the admin console, WW_verify_XXXXXXXXXXXXXXXX.txt.
    #[arg(long)]
    pub file: Option<String>,
    /// Expected file content (defaults to the part of the name after WW_verify_).
    #[arg(long)]
    pub expect: Option<String>,
    /// A redirect URI or page URL that must fall under the domain (repeatable).
    #[arg(long = "url")]
    pub urls: Vec<String>,
}

pub(crate) async fn run(g: &Global, a: DomainCheckArgs) -> Result<()> {
    use wwdev_core::domain::{DomainCheckRequest, Severity as S, check_domain};
    bounded("domain", &a.domain, VALUE_MAX_BYTES)?;
    for u in &a.urls {
        bounded("--url", u, URL_MAX_BYTES)?;
    }
    let req = DomainCheckRequest { domain: a.domain, verify_file_name: a.file, expected_content: a.expect, urls: a.urls };
    let report = check_domain(&req, Duration::from_secs(g.timeout.max(1))).await;
    if g.json {
        print_json(&json!({ "ok": report.ok(), "report": report }));
    } else {
        for c in &report.checks {
            let tag = match c.severity {
                S::Ok => pick("通过", "ok     "),
                S::Warning => pick("警告", "warning"),
                S::Error => pick("错误", "error  "),
            };
            println!("{tag} {}", pick(&c.message_zh, &c.message_en));
        }
    }
    if report.ok() {
        return Ok(());
    }
    let err = CoreError::invalid("domain", "the domain check found problems (see above)", "域名检查发现了问题（见上文）");
    if g.json {
        exit_printed(err);
    }
    Err(err)
}
