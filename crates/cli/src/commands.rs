//! One function per subcommand. Each builds its input from the arguments, calls
//! wwdev-core, and prints either human text or one JSON document.

use crate::output::{print_json, terminal_qr, utc};
use crate::{Cli, Command, Global};
use clap::Args;
use serde_json::json;
use std::io::BufRead;
use std::sync::Arc;
use std::time::Duration;
use wwdev_core::cache::{CredentialKey, TicketKind, TokenCache};
use wwdev_core::client::{ClientConfig, WeComClient};
use wwdev_core::clock::SystemClock;
use wwdev_core::error::CoreError;
use wwdev_core::oauth::{self, OAuthParams, Scope, Severity, WebLoginParams};
use wwdev_core::secret::Secret;

type Result<T> = std::result::Result<T, CoreError>;

/// Exit with the code of `err` when the result was already printed (as one JSON
/// document that holds the error), so `--json` output stays a single document.
pub(crate) fn exit_printed(err: CoreError) -> ! {
    std::process::exit(err.exit_code())
}

/// True when messages should be Chinese (LANG/LC_ALL start with zh).
fn zh() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .is_some_and(|v| v.starts_with("zh"))
}

pub(crate) fn pick<'a>(zh_text: &'a str, en_text: &'a str) -> &'a str {
    if zh() { zh_text } else { en_text }
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
            crate::log_cmd::sink(&g),
        )?;
        Ok(Self { g, client, cache: TokenCache::new(Arc::new(SystemClock)) })
    }

    pub(crate) fn corpid(&self) -> Result<String> {
        self.g
            .corpid
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| CoreError::invalid("corpid", "no corp ID given — pass --corpid or set WWDEV_CORPID (企业ID, admin console → 我的企业)"))
    }

    pub(crate) fn agentid(&self) -> Result<String> {
        self.g
            .agentid
            .clone()
            .filter(|a| !a.trim().is_empty())
            .ok_or_else(|| CoreError::invalid("agentid", "no agent ID given — pass --agentid or set WWDEV_AGENTID (应用管理 → your app → AgentId)"))
    }

    /// The secret from --secret / WWDEV_SECRET / --secret-stdin.
    pub(crate) fn secret(&self) -> Result<Secret> {
        if self.g.secret_stdin {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let s = line.trim();
            if s.is_empty() {
                return Err(CoreError::invalid("secret", "--secret-stdin was given but standard input was empty"));
            }
            return Ok(Secret::new(s));
        }
        match self.g.secret.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Ok(Secret::new(s)),
            _ => Err(CoreError::invalid(
                "secret",
                "no app secret given — set WWDEV_SECRET, or use --secret-stdin (or --secret, which other users can see in `ps`)",
            )),
        }
    }

    pub(crate) fn key(&self) -> Result<CredentialKey> {
        Ok(CredentialKey::new(self.g.base_url.clone(), self.corpid()?, self.g.agentid.clone().unwrap_or_default()))
    }

    async fn token(&self, secret: &Secret, force: bool) -> Result<wwdev_core::cache::Cached> {
        self.cache.access_token(&self.client, &self.key()?, secret, force).await
    }
}

pub async fn run(cli: Cli) -> Result<()> {
    let g = cli.global.clone();
    match cli.command {
        Command::Token(a) => token(Ctx::new(g)?, a).await,
        Command::Ticket(a) => ticket(g, a).await,
        Command::Sign(a) => sign(Ctx::new(g)?, a).await,
        Command::OauthUrl(a) => oauth_url(&g, a),
        Command::WebloginUrl(a) => weblogin_url(&g, a),
        Command::ExplainUrl(a) => explain_url(&g, a),
        Command::Userinfo(a) => userinfo(Ctx::new(g)?, a).await,
        Command::User(a) => user(Ctx::new(g)?, a).await,
        Command::Openid(a) => openid(Ctx::new(g)?, a).await,
        Command::Errcode(a) => errcode(&g, a),
        Command::Call(a) => call(Ctx::new(g)?, a).await,
        Command::DomainCheck(a) => domain_check(&g, a).await,
        Command::Sandbox(a) => sandbox(&g, a).await,
        Command::Log(a) => crate::log_cmd::run(&g, a).await,
        Command::Diagnose(a) => crate::diagnose_cmd::run(Ctx::new(g)?, a).await,
        Command::SignServer(a) => crate::signer_cmd::run(Ctx::new(g)?, a).await,
    }
}

// ---------- token & tickets ----------

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// Print the full token instead of a masked one.
    #[arg(long)]
    pub reveal: bool,
}

fn shown(value: &Secret, reveal: bool) -> String {
    if reveal { value.expose().to_owned() } else { value.masked() }
}

async fn token(ctx: Ctx, a: TokenArgs) -> Result<()> {
    let secret = ctx.secret()?;
    let t = ctx.token(&secret, true).await?;
    let value = shown(&t.value, a.reveal);
    if ctx.g.json {
        print_json(&json!({ "ok": true, "access_token": value, "fetched_at": t.fetched_at, "expires_at": t.expires_at, "expires_in": t.expires_at - t.fetched_at }));
    } else {
        println!("access_token  {value}");
        println!("expires at    {} (in {} s)", utc(t.expires_at), t.expires_at - t.fetched_at);
        if !a.reveal {
            println!("(masked; add --reveal to print the whole token)");
        }
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct TicketArgs {
    /// Short form: corp ID (instead of --corpid).
    pub corpid: Option<String>,
    /// Short form: app secret (instead of --secret). Visible in `ps`; prefer WWDEV_SECRET.
    pub secret: Option<String>,
    /// Which ticket: corp (jsapi_ticket, for wx.config), agent (for wx.agentConfig) or both.
    #[arg(long, value_parser = ["corp", "agent", "both"], default_value = "both")]
    pub kind: String,
    /// Print full tickets instead of masked ones.
    #[arg(long)]
    pub reveal: bool,
}

async fn ticket(mut g: Global, a: TicketArgs) -> Result<()> {
    if let Some(c) = a.corpid.clone() {
        g.corpid = Some(c);
    }
    if let Some(s) = a.secret.clone() {
        g.secret = Some(s);
    }
    let ctx = Ctx::new(g)?;
    let secret = ctx.secret()?;
    let key = ctx.key()?;
    // The agent ticket belongs to one app: require the agentid so the cache key and the
    // user's intent are unambiguous; "both" quietly skips it without one.
    let kinds: Vec<TicketKind> = match a.kind.as_str() {
        "corp" => vec![TicketKind::Corp],
        "agent" => {
            ctx.agentid()?;
            vec![TicketKind::Agent]
        }
        _ if ctx.g.agentid.as_deref().is_some_and(|a| !a.trim().is_empty()) => vec![TicketKind::Corp, TicketKind::Agent],
        _ => vec![TicketKind::Corp],
    };
    let mut out = serde_json::Map::new();
    out.insert("ok".into(), json!(true));
    for kind in kinds {
        let name = match kind {
            TicketKind::Corp => "jsapi_ticket",
            TicketKind::Agent => "agent_ticket",
        };
        let t = ctx.cache.ticket(&ctx.client, &key, &secret, kind, false).await?;
        let value = shown(&t.value, a.reveal);
        if ctx.g.json {
            out.insert(name.into(), json!({ "ticket": value, "fetched_at": t.fetched_at, "expires_at": t.expires_at }));
        } else {
            println!("{name:<13} {value}");
            println!("{:<13} expires at {} (in {} s)", "", utc(t.expires_at), t.expires_at - t.fetched_at);
        }
    }
    if ctx.g.json {
        print_json(&out);
    } else if !a.reveal {
        println!("(masked; add --reveal to print whole tickets)");
    }
    Ok(())
}

// ---------- sign ----------

#[derive(Args, Debug)]
pub struct SignArgs {
    /// The page URL exactly as `location.href` shows it; a #fragment is removed (WeCom ignores it).
    #[arg(long)]
    pub url: String,
    /// Sign with this ticket instead of fetching one (no network needed).
    #[arg(long)]
    pub ticket: Option<String>,
    /// nonceStr to use; a random 16-character one when absent.
    #[arg(long)]
    pub nonce_str: Option<String>,
    /// timestamp (seconds) to use; now when absent.
    #[arg(long)]
    pub timestamp: Option<String>,
    /// When fetching: sign with the agent ticket (wx.agentConfig) instead of the corp ticket (wx.config).
    #[arg(long)]
    pub agent: bool,
}

async fn sign(ctx: Ctx, a: SignArgs) -> Result<()> {
    let url = a.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(CoreError::invalid(
            "url",
            format!("`{url}` is not a full page URL — WeCom signs the whole URL including https:// and the query (40094 otherwise)"),
        ));
    }
    let nonce = a.nonce_str.unwrap_or_else(wwdev_core::signature::new_nonce);
    let timestamp = match a.timestamp {
        Some(t) => {
            if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
                return Err(CoreError::invalid("timestamp", format!("`{t}` is not a number of seconds")));
            }
            if t.len() >= 13 {
                eprintln!("warning: timestamp {t} looks like milliseconds; WeCom expects seconds (a common cause of 40093)");
            }
            t
        }
        None => wwdev_core::clock::Clock::now(&SystemClock).to_string(),
    };
    let (ticket, kind) = match a.ticket {
        Some(t) => (Secret::new(t.trim()), "given"),
        None => {
            let secret = ctx.secret()?;
            let key = ctx.key()?;
            let kind = if a.agent { TicketKind::Agent } else { TicketKind::Corp };
            let t = ctx.cache.ticket(&ctx.client, &key, &secret, kind, false).await?;
            (t.value, if a.agent { "agent" } else { "corp" })
        }
    };
    let s = wwdev_core::signature::sign(ticket.expose(), &nonce, &timestamp, url);
    if ctx.g.json {
        // string1 embeds the ticket; it is printed in full only when the caller supplied it.
        let string1 = if kind == "given" { s.string1.clone() } else { s.string1.replace(ticket.expose(), &ticket.masked()) };
        print_json(&json!({
            "ok": true, "ticket_kind": kind, "url": s.url, "stripped_fragment": s.stripped_fragment,
            "noncestr": s.nonce_str, "timestamp": s.timestamp, "string1": string1, "signature": s.signature,
        }));
    } else {
        if let Some(f) = &s.stripped_fragment {
            println!("note: removed the fragment `{f}` — WeCom signs the URL without it");
        }
        let string1 = if kind == "given" { s.string1.clone() } else { s.string1.replace(ticket.expose(), &ticket.masked()) };
        println!("url        {}", s.url);
        println!("nonceStr   {}", s.nonce_str);
        println!("timestamp  {}", s.timestamp);
        println!("string1    {string1}");
        println!("signature  {}", s.signature);
    }
    Ok(())
}

// ---------- links ----------

fn trusted_from(g: &Global, extra: &[String]) -> Vec<String> {
    let _ = g;
    extra.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect()
}

fn print_problems(problems: &[oauth::Problem]) {
    for p in problems {
        let tag = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        eprintln!("{tag}: [{}] {}", p.id, pick(&p.message_zh, &p.message_en));
    }
}

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

fn parse_scope(s: &str) -> Result<Scope> {
    Scope::parse(s.trim()).ok_or_else(|| {
        CoreError::invalid("scope", format!("`{s}` is not a scope — use snsapi_base or snsapi_privateinfo"))
    })
}

fn print_link(g: &Global, url: &str, problems: &[oauth::Problem], qr: bool) -> Result<()> {
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

fn oauth_url(g: &Global, a: OauthUrlArgs) -> Result<()> {
    let params = OAuthParams {
        corpid: g.corpid.clone().unwrap_or_default(),
        agentid: g.agentid.clone(),
        redirect_uri: a.redirect_uri,
        scope: parse_scope(&a.scope)?,
        state: a.state,
    };
    let link = oauth::build_oauth_url_at(&params, &trusted_from(g, &a.trusted_domains), a.oauth_host.as_deref())?;
    print_link(g, &link.url, &link.problems, a.qr)
}

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

fn weblogin_url(g: &Global, a: WebloginUrlArgs) -> Result<()> {
    let params = WebLoginParams {
        corpid: g.corpid.clone().unwrap_or_default(),
        agentid: g.agentid.clone().unwrap_or_default(),
        redirect_uri: a.redirect_uri,
        state: a.state,
        lang: a.lang,
        legacy: a.legacy,
    };
    let link = oauth::build_weblogin_url_at(&params, &trusted_from(g, &a.trusted_domains), a.host.as_deref())?;
    print_link(g, &link.url, &link.problems, a.qr)
}

#[derive(Args, Debug)]
pub struct ExplainUrlArgs {
    /// The OAuth or web-login link to explain.
    pub url: String,
    #[arg(long = "trusted-domain")]
    pub trusted_domains: Vec<String>,
}

fn explain_url(g: &Global, a: ExplainUrlArgs) -> Result<()> {
    let e = oauth::explain_url(&a.url, &trusted_from(g, &a.trusted_domains));
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
        let err = CoreError::invalid("link", format!("{} problem(s) found in the link", e.problems.len()));
        if g.json {
            exit_printed(err);
        }
        return Err(err);
    }
    Ok(())
}

// ---------- identity ----------

#[derive(Args, Debug)]
pub struct UserinfoArgs {
    /// The code, or the whole URL the browser landed on after authorizing (?code=...&state=...).
    pub code_or_url: String,
}

async fn userinfo(ctx: Ctx, a: UserinfoArgs) -> Result<()> {
    let secret = ctx.secret()?;
    let key = ctx.key()?;
    let r = wwdev_core::flows::identity_lookup(&ctx.client, &ctx.cache, &key, &secret, &a.code_or_url).await;
    let failed = r.first_error().cloned();
    if ctx.g.json {
        // The code is single-use but still a credential: print it masked.
        print_json(&json!({
            "ok": failed.is_none(),
            "code": r.callback.as_ref().map(|c| wwdev_core::secret::mask(&c.code)),
            "state": r.callback.as_ref().and_then(|c| c.state.clone()),
            "userinfo": r.userinfo, "user": r.user, "detail": r.detail, "steps": r.steps,
            "explanation": r.explanation, "error": failed,
        }));
    } else {
        for step in &r.steps {
            let mark = if step.ok { "ok  " } else { "FAIL" };
            println!("{mark} {}", step.name);
        }
        if let Some(s) = r.callback.as_ref().and_then(|c| c.state.as_deref()) {
            println!("state       {s}");
        }
        match &r.userinfo {
            Some(wwdev_core::client::UserInfo::Member { userid, user_ticket, .. }) => {
                println!("member      {userid}");
                let ut = user_ticket.as_ref().map(|t| t.masked());
                println!("user_ticket {}", ut.unwrap_or_else(|| "(none: scope snsapi_base, or outside the privateinfo range)".into()));
            }
            Some(wwdev_core::client::UserInfo::NonMember { openid, external_userid }) => {
                println!("non-member  openid {openid}");
                if let Some(x) = external_userid {
                    println!("            external_userid {x}");
                }
            }
            None => {}
        }
        if let Some(u) = &r.user {
            println!("{}", serde_json::to_string_pretty(u).unwrap_or_default());
        }
        if let Some(d) = &r.detail {
            println!("{}", serde_json::to_string_pretty(d).unwrap_or_default());
        }
        println!("{}", r.explanation);
    }
    match failed {
        None => Ok(()),
        Some(e) if ctx.g.json => std::process::exit(e.exit_code()),
        Some(e) => {
            eprintln!("error: {}", e.message);
            if let Some(code) = e.errcode {
                eprintln!("  more: `wwdev errcode {code}` or {}", wwdev_core::errcode::doc_url(code));
            }
            if let Some(h) = &e.hint {
                eprintln!("  what to do: {h}");
            }
            std::process::exit(e.exit_code())
        }
    }
}

#[derive(Args, Debug)]
pub struct UserArgs {
    pub userid: String,
}

async fn user(ctx: Ctx, a: UserArgs) -> Result<()> {
    let secret = ctx.secret()?;
    let token = ctx.token(&secret, false).await?;
    let u = ctx.client.user_get(&token.value, a.userid.trim()).await?;
    if ctx.g.json {
        print_json(&json!({ "ok": true, "user": u }));
    } else {
        println!("{}", serde_json::to_string_pretty(&u).unwrap_or_default());
    }
    Ok(())
}

async fn openid(ctx: Ctx, a: UserArgs) -> Result<()> {
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

// ---------- errcode ----------

#[derive(Args, Debug)]
pub struct ErrcodeArgs {
    /// An errcode (e.g. 40029) or words to search for (e.g. "ticket").
    pub query: String,
}

fn errcode(g: &Global, a: ErrcodeArgs) -> Result<()> {
    let q = a.query.trim();
    let entries: Vec<_> = match q.parse::<i64>() {
        Ok(code) => wwdev_core::errcode::lookup(code).into_iter().collect(),
        Err(_) => wwdev_core::errcode::search(q),
    };
    if entries.is_empty() {
        return Err(CoreError::invalid(
            "errcode",
            format!("`{q}` is not in the offline catalogue — look it up at {}", wwdev_core::errcode::doc_url(q.parse().unwrap_or(0))),
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
        println!("  {}: {}", pick("常见原因", "usual cause"), pick(e.cause_zh, e.cause_en));
        println!("  {}: {}", pick("解决办法", "fix"), pick(e.fix_zh, e.fix_en));
        println!("  {}", wwdev_core::errcode::doc_url(e.code));
    }
    Ok(())
}

// ---------- generic call ----------

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

async fn call(ctx: Ctx, a: CallArgs) -> Result<()> {
    let mut query = Vec::new();
    for q in &a.query {
        let (k, v) = q
            .split_once('=')
            .ok_or_else(|| CoreError::invalid("query", format!("`{q}` is not key=value")))?;
        query.push((k.to_owned(), v.to_owned()));
    }
    let body = match a.body.as_deref() {
        Some(b) => Some(serde_json::from_str(b).map_err(|e| CoreError::invalid("body", format!("not valid JSON: {e}")))?),
        None => None,
    };
    if !a.no_token {
        let secret = ctx.secret()?;
        let token = ctx.token(&secret, false).await?;
        query.insert(0, ("access_token".into(), token.value.expose().to_owned()));
    }
    let resp = ctx.client.call(&a.method, &a.path, query, body).await?;
    let shown = resp.redacted();
    let checked = resp.check(&ctx.client.url(&a.path));
    if ctx.g.json {
        print_json(&json!({ "ok": checked.is_ok(), "status": resp.status, "latency_ms": resp.latency_ms,
            "errcode": resp.errcode, "errmsg": resp.errmsg, "body": shown.json.clone().unwrap_or(json!(shown.body)),
            "error": checked.as_ref().err().map(CoreError::to_ui) }));
    } else {
        eprintln!("HTTP {} in {} ms", resp.status, resp.latency_ms);
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

// ---------- domain check ----------

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

async fn domain_check(g: &Global, a: DomainCheckArgs) -> Result<()> {
    use wwdev_core::domain::{DomainCheckRequest, Severity as S, check_domain};
    let req = DomainCheckRequest { domain: a.domain, verify_file_name: a.file, expected_content: a.expect, urls: a.urls };
    let report = check_domain(&req, Duration::from_secs(g.timeout.max(1))).await;
    if g.json {
        print_json(&json!({ "ok": report.ok(), "report": report }));
    } else {
        for c in &report.checks {
            let tag = match c.severity {
                S::Ok => "ok     ",
                S::Warning => "warning",
                S::Error => "error  ",
            };
            println!("{tag} {}", pick(&c.message_zh, &c.message_en));
        }
    }
    if report.ok() {
        return Ok(());
    }
    let err = CoreError::invalid("domain", "the domain check found problems (see above)");
    if g.json {
        exit_printed(err);
    }
    Err(err)
}

// ---------- sandbox ----------

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

async fn sandbox(g: &Global, a: SandboxArgs) -> Result<()> {
    let handle = wwdev_sandbox::start(wwdev_sandbox::SandboxConfig { port: a.port, ..Default::default() })
        .await
        .map_err(|e| CoreError::invalid("port", format!("cannot listen on 127.0.0.1:{}: {e} — pick another --port or 0", a.port)))?;
    let seed = handle.seed();
    let base = handle.base_url();
    if g.json {
        let apps: Vec<_> = seed
            .apps
            .iter()
            .map(|x| json!({ "agentid": x.agentid, "secret": x.secret, "name": x.name, "trusted_domains": x.trusted_domains }))
            .collect();
        let members: Vec<_> = seed.members.iter().map(|m| json!({ "userid": m.userid, "name": m.name })).collect();
        print_json(&json!({ "base_url": base, "corpid": seed.corpid, "apps": apps, "members": members }));
    } else {
        println!("WeCom sandbox listening on {base}  (Ctrl+C to stop)");
        println!("corpid   {}", seed.corpid);
        for x in &seed.apps {
            println!("app      {} {}  secret {}  trusted domains {}", x.agentid, x.name, x.secret, x.trusted_domains.join(", "));
        }
        let names: Vec<_> = seed.members.iter().map(|m| format!("{} ({})", m.userid, m.name)).collect();
        println!("members  {}", names.join(", "));
        println!("try      wwdev --base-url {base} --corpid {} token   (with WWDEV_SECRET set to an app secret)", seed.corpid);
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(())
}
