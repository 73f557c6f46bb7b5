//! `wwdev live` (alias `wwdev sign-server`): the live page bridge (wwdev-signer) for
//! the credentials given on the command line, until Ctrl+C.
//!
//! Contract (scripts and tests rely on it): with `--json`, one JSON line once
//! listening (`base_url`, `scripts`, ...), then one JSON line per page event (`type`,
//! `session`, `href`, `ok`, `errMsg`, and for a failed config/agentConfig `diagnosis`,
//! the object `wwdev diagnose --json` prints) and per signing request (`type:
//! "signature"`). Without `--json`, one human line per event.

use std::sync::Arc;

use clap::Args;
use serde_json::{Value, json};
use wwdev_core::error::CoreError;
use wwdev_core::jssdk::{AppFacts, CorpFacts, SimData};
use wwdev_signer::{BridgeConfig, BridgeEvent, CacheTicketSource, TicketSource};

use crate::commands::{Ctx, pick};
use crate::output::{print_json, utc};

#[derive(Args, Debug)]
#[command(after_help = "Put the scripts first in the page's <head>:\n  \
<script src=\"http://127.0.0.1:PORT/__wwdev/probe.js\"></script>   reports JS-SDK attempts, errors, console, network\n  \
<script src=\"http://127.0.0.1:PORT/__wwdev/client.js\"></script>  (desktop browser only) plays the WeCom client\n\
Signatures: GET /__wwdev/signature?url=<location.href without #...> (alias /jssdk/signature).\n\
Needs --corpid, --agentid and the app secret (WWDEV_SECRET). Listens on 127.0.0.1 only.")]
pub struct LiveArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// An origin allowed to call from the browser, as `location.origin` shows it, e.g.
    /// http://localhost:5173 (repeatable). Without any, only same-origin and non-browser clients.
    #[arg(long = "allow-origin")]
    pub allow_origins: Vec<String>,
    /// A Host name to answer besides 127.0.0.1/localhost/[::1] (repeatable; opt-in).
    #[arg(long = "allow-host")]
    pub allow_hosts: Vec<String>,
    /// A trusted domain of the app (host[:port], repeatable): client.js then refuses
    /// pages elsewhere with `invalid url domain`. Default: the sandbox's, or not checked.
    #[arg(long = "trusted-domain")]
    pub trusted_domains: Vec<String>,
    /// What client.js's getContext reports: normal, single_chat_tools, group_chat_tools, ...
    #[arg(long, default_value = "normal")]
    pub entry: String,
    /// The external contact getCurExternalContact answers (default: the sandbox's first).
    #[arg(long)]
    pub external_userid: Option<String>,
    /// The group chat getCurExternalChat answers (default: the sandbox's).
    #[arg(long)]
    pub chat_id: Option<String>,
    /// Intake/invoke requests accepted per second (429 above).
    #[arg(long, default_value_t = 50)]
    pub max_requests_per_sec: u32,
}

/// When the base URL is a wwdev sandbox, its seed: corp facts and chat data.
async fn sandbox_seed(base_url: &str) -> Option<wwdev_sandbox::Seed> {
    let http = wwdev_core::http::client_builder().no_proxy().timeout(std::time::Duration::from_secs(3)).build().ok()?;
    let r = http.get(format!("{}/sandbox/admin/seed", base_url.trim_end_matches('/'))).send().await.ok()?;
    if !r.status().is_success() {
        return None;
    }
    r.json().await.ok()
}

pub async fn run(ctx: Ctx, a: LiveArgs) -> Result<(), CoreError> {
    let secret = ctx.secret()?;
    let key = ctx.key()?;
    let agentid = ctx.agentid()?;
    let sink = crate::commands::log::sink(&ctx.g);
    let seed = sandbox_seed(&ctx.g.base_url).await;
    let source = CacheTicketSource { cache: Arc::new(ctx.cache), client: ctx.client, key, secret };
    // Fetch once before listening, so wrong credentials fail here and not in the page.
    let first = source.tickets().await?;
    let mut corp = match &seed {
        Some(s) => wwdev_sandbox::jssdk::corp_facts(s),
        None => CorpFacts {
            corpid: first.corpid.clone(),
            apps: agentid.trim().parse().map(|id| vec![AppFacts { agentid: id, name: String::new(), trusted_domains: None }]).unwrap_or_default(),
            apps_complete: false,
        },
    };
    if !a.trusted_domains.is_empty() {
        let list: Vec<String> = a.trusted_domains.iter().map(|d| d.trim().to_owned()).collect();
        for app in corp.apps.iter_mut().filter(|x| x.agentid.to_string() == agentid.trim()) {
            app.trusted_domains = Some(list.clone());
        }
        // Other apps' domains must not let a page pass that this app would refuse.
        for app in corp.apps.iter_mut().filter(|x| x.agentid.to_string() != agentid.trim()) {
            app.trusted_domains = Some(Vec::new());
        }
    }
    let mut sim = seed.as_ref().map(wwdev_sandbox::jssdk::sim_data).unwrap_or_default();
    if a.external_userid.is_some() {
        sim.external_userid = a.external_userid.clone();
    }
    if a.chat_id.is_some() {
        sim.chat_id = a.chat_id.clone();
    }
    let cfg = BridgeConfig {
        port: a.port,
        allowed_origins: a.allow_origins.clone(),
        allowed_hosts: a.allow_hosts.clone(),
        sink,
        profile: String::new(),
        corp: Some(corp),
        sim: SimData { ..sim },
        entry: a.entry.clone(),
        max_requests_per_sec: a.max_requests_per_sec,
        ..Default::default()
    };
    let bridge = wwdev_signer::start(cfg, Arc::new(source)).await.map_err(|e| match wwdev_signer::InvalidOrigin::of(&e) {
        Some(o) => CoreError::invalid("allow-origin", &o.message, &o.message_zh),
        None => CoreError::invalid(
            "port",
            format!("cannot serve on 127.0.0.1:{}: {e} — pick another --port or 0", a.port),
            format!("无法在 127.0.0.1:{} 上提供服务：请换一个 --port，或用 0 让系统分配空闲端口（详情：{e}）", a.port),
        ),
    })?;
    let base = bridge.base_url();
    let snippet = wwdev_signer::bridge_snippet(&base, &first.corpid, &agentid);
    let [probe, client] = bridge.script_tags();
    let mut page = bridge.subscribe_events();
    let mut signing = bridge.subscribe();
    let json_out = ctx.g.json;
    if json_out {
        print_json(&json!({
            "ok": true, "base_url": base, "port": bridge.port(),
            "endpoint": format!("{base}{}", wwdev_signer::BRIDGE_SIGNATURE_PATH),
            "probe": format!("{base}{}", wwdev_signer::PROBE_PATH),
            "client": format!("{base}{}", wwdev_signer::CLIENT_PATH),
            "scripts": [probe, client],
            "sandbox": seed.is_some(),
            "allowed_origins": a.allow_origins, "snippet": snippet,
        }));
    } else {
        println!("{} {base}  (Ctrl+C {})", pick("实时调试桥监听于", "live page bridge on"), pick("停止", "to stop"));
        println!("{}", pick("把以下脚本放在页面 <head> 最前面（client.js 仅用于桌面浏览器）：", "Put these first in the page's <head> (client.js only in a desktop browser):"));
        println!("  {probe}\n  {client}");
        if a.allow_origins.is_empty() {
            println!("{}", pick("未允许任何跨域来源：页面调用需加 --allow-origin http://localhost:5173", "no origin allowed: for pages, add --allow-origin http://localhost:5173"));
        } else {
            println!("{} {}", pick("允许的来源", "allowed origins"), a.allow_origins.join(", "));
        }
        println!();
        println!("{snippet}");
        println!();
    }
    flush();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            ev = page.recv() => match ev {
                Ok(e) => {
                    let line = if json_out { serde_json::to_string(&e).unwrap_or_default() } else { human(&e) };
                    if !out(&line) { break; }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    eprintln!("{}", pick(&format!("事件过多，跳过了 {n} 个"), &format!("too many events, skipped {n}")));
                }
                Err(_) => break,
            },
            ev = signing.recv() => if let Ok(e) = ev {
                let line = if json_out {
                    json!({"type": "signature", "time_ms": e.time_ms, "ok": e.ok, "url": e.url, "origin": e.origin, "error": e.error}).to_string()
                } else {
                    // The endpoint's refusal is English only: a labelled detail in Chinese.
                    let err = e.error.unwrap_or_default();
                    let what = if e.ok { ok().to_owned() } else { pick(&format!("失败（详情：{err}）"), &format!("FAIL {err}")).to_owned() };
                    format!("{} signature {} {} {what}", utc(e.time_ms / 1000), e.origin.unwrap_or_else(|| "-".into()), e.url.unwrap_or_default())
                };
                if !out(&line) { break; }
            },
        }
    }
    bridge.shutdown().await;
    Ok(())
}

/// One line on stdout; false when nobody reads it any more (closed pipe): then the
/// bridge stops quietly instead of panicking in `println!`.
fn out(line: &str) -> bool {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    writeln!(o, "{line}").and_then(|_| o.flush()).is_ok()
}

fn flush() {
    use std::io::Write;
    let _ = std::io::stdout().flush();
}

/// The verdicts of the event lines.
fn ok() -> &'static str {
    pick("成功", "ok")
}

fn fail() -> &'static str {
    pick("失败", "FAIL")
}

/// One line per event: time, type, session, verdict, the named cause, where.
fn human(e: &BridgeEvent) -> String {
    let zh = crate::output::zh();
    let d = &e.detail;
    let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("");
    let short = e.session.chars().rev().take(6).collect::<String>().chars().rev().collect::<String>();
    let verdict = match e.ok {
        Some(true) => ok().to_owned(),
        Some(false) => format!("{} {}", fail(), e.err_msg.clone().unwrap_or_default()),
        None => String::new(),
    };
    let what = match e.kind.as_str() {
        "session" => {
            let ua = d.get("ua").cloned().unwrap_or(Value::Null);
            format!("{} {} wxwork/{} entry {}", ua["client"].as_str().unwrap_or("?"), ua["os"].as_str().unwrap_or("?"), ua["wxwork"].as_str().unwrap_or("-"), s("entry"))
        }
        "jsapi" => format!("{} {verdict}", s("api")),
        "network" => format!("{} {} {} {}ms{}", s("method"), s("url"), d.get("status").and_then(Value::as_i64).unwrap_or(0), d.get("duration_ms").and_then(Value::as_i64).unwrap_or(0), d.get("errcode").and_then(Value::as_i64).map(|c| format!(" errcode {c}")).unwrap_or_default()),
        "error" | "console" => format!("{} {}", s("level"), s("message")),
        "refused" => (if zh { s("message_zh") } else { s("message") }).to_owned(),
        _ => verdict,
    };
    let mut line = format!("{} {} [{short}] {what}", utc(e.time_ms / 1000), e.kind);
    if matches!(e.kind.as_str(), "config" | "agentConfig") && e.ok == Some(false) {
        let cause = e.diagnosis.as_ref().and_then(|dg| {
            let c = dg["causes"].get(0)?;
            (dg["valid"] == false).then(|| format!("{} ({})", if zh { c["title_zh"].as_str() } else { c["title"].as_str() }.unwrap_or(""), c["id"].as_str().unwrap_or("")))
        });
        let reason = if zh { s("reason_zh") } else { s("reason") };
        match cause {
            Some(c) => line.push_str(&format!(" — {}{c}", pick("原因：", "cause: "))),
            None if !reason.is_empty() => line.push_str(&format!(" — {reason}")),
            None => {}
        }
    }
    if let Some(h) = &e.href {
        line.push_str(&format!("  {h}"));
    }
    line
}
