//! `wwdev` — the command line over wwdev-core, for scripts and CI.
//!
//! Exit codes: 0 ok, 1 WeCom returned an errcode, 2 bad input, 3 network/HTTP failure.

mod commands;
mod output;

use clap::{Args, Parser, Subcommand};

use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "wwdev",
    version,
    about = "WeCom (企业微信) H5 debugging workbench: tokens, tickets, JS-SDK signatures, OAuth links, identity lookup and a local WeCom sandbox",
    after_help = "Exit codes: 0 ok, 1 WeCom returned an errcode, 2 bad input, 3 network or HTTP failure.\n\
                  Try it offline: run `wwdev sandbox` in one terminal and point --base-url at it."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// API base URL: WeCom, a private deployment, a proxy or the sandbox.
    #[arg(long, global = true, env = "WWDEV_BASE_URL", default_value = wwdev_core::client::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// Corp ID (企业ID), e.g. ww1234567890abcdef.
    #[arg(long, global = true, env = "WWDEV_CORPID")]
    pub corpid: Option<String>,
    /// Agent ID of the app (应用 AgentId).
    #[arg(long, global = true, env = "WWDEV_AGENTID")]
    pub agentid: Option<String>,
    /// The app secret. Prefer WWDEV_SECRET or --secret-stdin: arguments show up in `ps`.
    #[arg(long, global = true, env = "WWDEV_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Read the app secret from the first line of standard input.
    #[arg(long, global = true)]
    pub secret_stdin: bool,
    /// Print one JSON document instead of human-readable text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Timeout of each HTTP call, in seconds.
    #[arg(long, global = true, default_value_t = 15)]
    pub timeout: u64,
    /// Do not record calls in the request log.
    #[arg(long, global = true)]
    pub no_log: bool,
    /// The request log file (default: the app's, under $XDG_DATA_HOME/wwdev/).
    #[arg(long, global = true, env = "WWDEV_LOG_FILE")]
    pub log_file: Option<std::path::PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Fetch an access_token (gettoken).
    Token(commands::token::TokenArgs),
    /// Fetch the corp jsapi_ticket and, with an agentid, the agent ticket. Short form: `wwdev ticket CORPID SECRET`.
    Ticket(commands::ticket::TicketArgs),
    /// Compute a JS-SDK signature (string1 and SHA-1) for a page URL.
    Sign(commands::sign::SignArgs),
    /// Build an OAuth link (open.weixin.qq.com/connect/oauth2/authorize).
    OauthUrl(commands::oauth_url::OauthUrlArgs),
    /// Build a web-login (扫码登录) link for PC browsers.
    WebloginUrl(commands::weblogin_url::WebloginUrlArgs),
    /// Parse an OAuth or web-login link and list every problem in it.
    ExplainUrl(commands::explain_url::ExplainUrlArgs),
    /// Who is behind an OAuth code: getuserinfo, then user/get and getuserdetail.
    Userinfo(commands::userinfo::UserinfoArgs),
    /// Member details (user/get).
    User(commands::user::UserArgs),
    /// Convert a userid to an openid (user/convert_to_openid).
    Openid(commands::user::UserArgs),
    /// Explain an errcode, or search the catalogue.
    Errcode(commands::errcode::ErrcodeArgs),
    /// Call any /cgi-bin/ endpoint with the access_token injected.
    Call(commands::call::CallArgs),
    /// Check a trusted domain: the WW_verify file and URLs under the domain.
    DomainCheck(commands::domain_check::DomainCheckArgs),
    /// Run the WeCom sandbox (a local simulator) until interrupted.
    Sandbox(commands::sandbox::SandboxArgs),
    /// The request log shared with the app: tail, search, export.
    Log(commands::log::LogArgs),
    /// Say why a JS-SDK signature fails: paste what the page used on stdin.
    Diagnose(commands::diagnose::DiagnoseArgs),
    /// The live page bridge on 127.0.0.1: signatures, probe.js, client.js, page events, until interrupted.
    #[command(name = "live", alias = "sign-server")]
    Live(commands::live::LiveArgs),
}

/// The command line definition, with every option that takes a value accepting one that
/// starts with `-`: tickets, nonces and secrets are base64url and often do
/// (`wwdev sign --ticket -T1YSGz1Cja…`). Applied to the whole tree so a new subcommand
/// gets it too. Positionals are left alone so `--json` after one still reads as a flag.
pub fn command() -> clap::Command {
    fn hyphen_values(cmd: clap::Command) -> clap::Command {
        cmd.mut_args(|a| {
            if a.get_action().takes_values() && !a.is_positional() { a.allow_hyphen_values(true) } else { a }
        })
        .mut_subcommands(hyphen_values)
    }
    hyphen_values(<Cli as clap::CommandFactory>::command())
}

fn main() -> ExitCode {
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!(
                "{}",
                output::pick(&format!("错误：无法启动异步运行时（详情：{e}）"), &format!("error: cannot start the async runtime: {e}"))
            );
            return ExitCode::from(3);
        }
    };
    let json = cli.global.json;
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::print_error(&err, json);
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
