//! `wwdev oauth-url`: build an OAuth link.

use super::{Result, URL_MAX_BYTES, VALUE_MAX_BYTES, bounded, parse_scope, print_link, trusted_from};
use crate::Global;
use clap::Args;
use wwdev_core::oauth::{self, OAuthParams};

#[derive(Args, Debug)]
pub struct OauthUrlArgs {
    /// Where WeCom sends the user back (must be under a trusted domain of the app).
    #[arg(long)]
    pub redirect_uri: String,
    /// snsapi_base (silent) or snsapi_privateinfo (asks consent; needs --agentid).
    #[arg(long, default_value = "snsapi_base")]
    pub scope: String,
    /// state echoed back on the redirect: a-zA-Z0-9, at most 128 bytes.
    #[arg(long, default_value = "")]
    pub state: String,
    /// Trusted domains of the app, to check the redirect host (repeatable).
    #[arg(long = "trusted-domain")]
    pub trusted_domains: Vec<String>,
    /// Build the link against this host instead of open.weixin.qq.com (e.g. the sandbox URL).
    #[arg(long)]
    pub oauth_host: Option<String>,
    /// Also print the link as a terminal QR code.
    #[arg(long)]
    pub qr: bool,
}

pub(crate) fn run(g: &Global, a: OauthUrlArgs) -> Result<()> {
    let params = OAuthParams {
        corpid: g.corpid.clone().unwrap_or_default(),
        agentid: g.agentid.clone(),
        redirect_uri: bounded("--redirect-uri", &a.redirect_uri, URL_MAX_BYTES)?.to_owned(),
        scope: parse_scope(&a.scope)?,
        state: bounded("--state", &a.state, VALUE_MAX_BYTES)?.to_owned(),
    };
    let link = oauth::build_oauth_url_at(&params, &trusted_from(g, &a.trusted_domains), a.oauth_host.as_deref())?;
    print_link(g, &link.url, &link.problems, a.qr)
}
