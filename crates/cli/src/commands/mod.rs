//! One file per subcommand. Each builds its input from the arguments, calls
//! wwdev-core, and prints either human text or one JSON document. What they share
//! (credentials from the global options, link printing) lives here; the language of
//! human output is [`crate::output::zh`].

pub mod call;
pub mod diagnose;
pub mod domain_check;
pub mod errcode;
pub mod explain_url;
pub mod live;
pub mod log;
pub mod oauth_url;
pub mod openid;
pub mod sandbox;
pub mod sign;
pub mod ticket;
pub mod token;
pub mod user;
pub mod userinfo;
pub mod weblogin_url;

use crate::output::{pick, print_json, terminal_qr};
use crate::{Cli, Command, Global};
use serde_json::json;
use std::io::{BufRead, Read};
use std::sync::Arc;
use std::time::Duration;
use wwdev_core::cache::{CredentialKey, TokenCache};
use wwdev_core::client::{ClientConfig, WeComClient};
use wwdev_core::clock::SystemClock;
use wwdev_core::error::CoreError;
use wwdev_core::oauth::{self, Scope, Severity};
use wwdev_core::secret::Secret;

pub(crate) type Result<T> = std::result::Result<T, CoreError>;

// Limits on input the CLI parses, so a runaway pipe or a wrong file is refused with a
// clear error instead of read without end (the README's command-line section lists them).
/// A secret on standard input (a corp secret is 43 characters).
pub(crate) const SECRET_MAX_BYTES: usize = 1024;
/// Links, callback URLs, page URLs, redirect URIs.
pub(crate) const URL_MAX_BYTES: usize = 16 * 1024;
/// Tickets, nonces, timestamps, userids, states, domains, search words.
pub(crate) const VALUE_MAX_BYTES: usize = 4096;
/// `call --body` and the text pasted into `diagnose`.
pub(crate) const TEXT_MAX_BYTES: usize = 1024 * 1024;

/// `value` when it is at most `max` bytes; otherwise an error naming the input and the limit.
pub(crate) fn bounded<'a>(what: &str, value: &'a str, max: usize) -> Result<&'a str> {
    if value.len() <= max {
        return Ok(value);
    }
    Err(too_long(what, max))
}

pub(crate) fn too_long(what: &str, max: usize) -> CoreError {
    CoreError::invalid(
        what,
        format!("{what} is longer than {max} bytes; wwdev accepts at most {max} bytes here. Check that only the value was pasted, not a whole file or page."),
        format!("{what} 超过 {max} 字节，这里最多接受 {max} 字节：请确认只粘贴了该值本身（不是整个文件或页面）。"),
    )
}

/// Exit with the code of `err` when the result was already printed (as one JSON
/// document that holds the error), so `--json` output stays a single document.
pub(crate) fn exit_printed(err: CoreError) -> ! {
    std::process::exit(err.exit_code())
}

/// Everything a WeCom call needs, resolved from the global options.
pub(crate) struct Ctx {
    pub(crate) g: Global,
    pub(crate) client: WeComClient,
    pub(crate) cache: TokenCache,
}

impl Ctx {
    pub(crate) fn new(g: Global) -> Result<Self> {
        let client = WeComClient::new(
            ClientConfig {
                base_url: g.base_url.clone(),
                timeout: Duration::from_secs(g.timeout.max(1)),
                profile: "cli".into(),
                feature: "cli".into(),
                ..Default::default()
            },
            log::sink(&g),
        )?;
        Ok(Self { g, client, cache: TokenCache::new(Arc::new(SystemClock)) })
    }

    pub(crate) fn corpid(&self) -> Result<String> {
        self.g
            .corpid
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| {
                CoreError::invalid(
                    "corpid",
                    "no corp ID given — pass --corpid or set WWDEV_CORPID (企业ID, admin console → 我的企业)",
                    "没有提供企业ID，请传入 --corpid 或设置 WWDEV_CORPID（管理后台 → 我的企业 → 企业ID）",
                )
            })
    }

    pub(crate) fn agentid(&self) -> Result<String> {
        self.g
            .agentid
            .clone()
            .filter(|a| !a.trim().is_empty())
            .ok_or_else(|| {
                CoreError::invalid(
                    "agentid",
                    "no agent ID given — pass --agentid or set WWDEV_AGENTID (应用管理 → your app → AgentId)",
                    "没有提供 AgentId，请传入 --agentid 或设置 WWDEV_AGENTID（管理后台 → 应用管理 → 应用 → AgentId）",
                )
            })
    }

    /// The secret from --secret / WWDEV_SECRET / --secret-stdin.
    pub(crate) fn secret(&self) -> Result<Secret> {
        if self.g.secret_stdin {
            // Only the first line, and at most the limit of it: the rest of stdin may be
            // `diagnose`'s paste. `take` stops a newline-less stream from being read whole.
            let mut line = String::new();
            std::io::stdin().lock().take(SECRET_MAX_BYTES as u64 + 2).read_line(&mut line)?;
            if !line.ends_with('\n') && line.len() > SECRET_MAX_BYTES {
                return Err(too_long("--secret-stdin", SECRET_MAX_BYTES));
            }
            let s = bounded("--secret-stdin", line.trim(), SECRET_MAX_BYTES)?;
            if s.is_empty() {
                return Err(CoreError::invalid(
                    "secret",
                    "--secret-stdin was given but standard input was empty",
                    "指定了 --secret-stdin，但标准输入为空",
                ));
            }
            return Ok(Secret::new(s));
        }
        match self.g.secret.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Ok(Secret::new(s)),
            _ => Err(CoreError::invalid(
                "secret",
                "no app secret given — set WWDEV_SECRET, or use --secret-stdin (or --secret, which other users can see in `ps`)",
                "没有提供应用 Secret，请设置 WWDEV_SECRET，或使用 --secret-stdin（也可以用 --secret，但其他用户能在 `ps` 中看到它）",
            )),
        }
    }

    pub(crate) fn key(&self) -> Result<CredentialKey> {
        Ok(CredentialKey::new(self.g.base_url.clone(), self.corpid()?, self.g.agentid.clone().unwrap_or_default()))
    }

    pub(crate) async fn token(&self, secret: &Secret, force: bool) -> Result<wwdev_core::cache::Cached> {
        self.cache.access_token(&self.client, &self.key()?, secret, force).await
    }
}

pub async fn run(cli: Cli) -> Result<()> {
    let g = cli.global.clone();
    match cli.command {
        Command::Token(a) => token::run(Ctx::new(g)?, a).await,
        Command::Ticket(a) => ticket::run(g, a).await,
        Command::Sign(a) => sign::run(Ctx::new(g)?, a).await,
        Command::OauthUrl(a) => oauth_url::run(&g, a),
        Command::WebloginUrl(a) => weblogin_url::run(&g, a),
        Command::ExplainUrl(a) => explain_url::run(&g, a),
        Command::Userinfo(a) => userinfo::run(Ctx::new(g)?, a).await,
        Command::User(a) => user::run(Ctx::new(g)?, a).await,
        Command::Openid(a) => openid::run(Ctx::new(g)?, a).await,
        Command::Errcode(a) => errcode::run(&g, a),
        Command::Call(a) => call::run(Ctx::new(g)?, a).await,
        Command::DomainCheck(a) => domain_check::run(&g, a).await,
        Command::Sandbox(a) => sandbox::run(&g, a).await,
        Command::Log(a) => log::run(&g, a).await,
        Command::Diagnose(a) => diagnose::run(Ctx::new(g)?, a).await,
        Command::Live(a) => live::run(Ctx::new(g)?, a).await,
    }
}

// ---------- shared by several subcommands ----------

pub(crate) fn shown(value: &Secret, reveal: bool) -> String {
    if reveal { value.expose().to_owned() } else { value.masked() }
}

pub(crate) fn trusted_from(g: &Global, extra: &[String]) -> Vec<String> {
    let _ = g;
    extra.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect()
}

pub(crate) fn print_problems(problems: &[oauth::Problem]) {
    for p in problems {
        let (zh, en) = match p.severity {
            Severity::Error => ("错误", "error"),
            Severity::Warning => ("警告", "warning"),
        };
        eprintln!("{}", pick(&format!("{zh}：[{}] {}", p.id, p.message_zh), &format!("{en}: [{}] {}", p.id, p.message_en)));
    }
}

pub(crate) fn parse_scope(s: &str) -> Result<Scope> {
    Scope::parse(s.trim()).ok_or_else(|| {
        CoreError::invalid(
            "scope",
            format!("`{s}` is not a scope — use snsapi_base or snsapi_privateinfo"),
            format!("`{s}` 不是有效的 scope，请使用 snsapi_base 或 snsapi_privateinfo"),
        )
    })
}

pub(crate) fn print_link(g: &Global, url: &str, problems: &[oauth::Problem], qr: bool) -> Result<()> {
    if g.json {
        let mut v = json!({ "ok": true, "url": url, "problems": problems });
        if qr {
            v["qr"] = json!(terminal_qr(url)?);
        }
        print_json(&v);
    } else {
        print_problems(problems);
        println!("{url}");
        if qr {
            println!("{}", terminal_qr(url)?);
        }
    }
    Ok(())
}
