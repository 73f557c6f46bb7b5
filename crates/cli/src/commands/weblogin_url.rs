//! `wwdev weblogin-url`: build a web-login (扫码登录) link.

use super::{Result, URL_MAX_BYTES, VALUE_MAX_BYTES, bounded, print_link, trusted_from};
use crate::Global;
use clap::Args;
use wwdev_core::oauth::{self, WebLoginParams};

#[derive(Args, Debug)]
pub struct WebloginUrlArgs {
    #[arg(long)]
    pub redirect_uri: String,
    #[arg(long, default_value = "")]
    pub state: String,
    /// Page language: zh or en.
    #[arg(long, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// The legacy open.work.weixin.qq.com/wwopen/sso/qrConnect form.
    #[arg(long)]
    pub legacy: bool,
    #[arg(long = "trusted-domain")]
    pub trusted_domains: Vec<String>,
    /// Build the link against this host (e.g. the sandbox URL).
    #[arg(long)]
    pub host: Option<String>,
    #[arg(long)]
    pub qr: bool,
}

pub(crate) fn run(g: &Global, a: WebloginUrlArgs) -> Result<()> {
    let params = WebLoginParams {
        corpid: g.corpid.clone().unwrap_or_default(),
        agentid: g.agentid.clone().unwrap_or_default(),
        redirect_uri: bounded("--redirect-uri", &a.redirect_uri, URL_MAX_BYTES)?.to_owned(),
        state: bounded("--state", &a.state, VALUE_MAX_BYTES)?.to_owned(),
        lang: a.lang,
        legacy: a.legacy,
    };
    let link = oauth::build_weblogin_url_at(&params, &trusted_from(g, &a.trusted_domains), a.host.as_deref())?;
    print_link(g, &link.url, &link.problems, a.qr)
}
