//! `wwdev sign-server`: the local JS-SDK signing endpoint (wwdev-signer) for the
//! credentials given on the command line, until Ctrl+C.

use std::sync::Arc;

use clap::Args;
use serde_json::json;
use wwdev_core::error::CoreError;
use wwdev_signer::{CacheTicketSource, SignerConfig, TicketSource};

use crate::commands::{Ctx, pick};
use crate::output::{print_json, utc};

#[derive(Args, Debug)]
#[command(after_help = "Pages call GET http://127.0.0.1:PORT/jssdk/signature?url=<location.href without #...> and get \
{corpId, agentId, url, config: {timestamp, nonceStr, signature}, agentConfig: {...}}.\n\
Needs --corpid, --agentid and the app secret (WWDEV_SECRET). Listens on 127.0.0.1 only.")]
pub struct SignServerArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// An origin allowed to call from the browser, as `location.origin` shows it, e.g.
    /// http://localhost:5173 (repeatable). Without any, only same-origin and non-browser clients.
    #[arg(long = "allow-origin")]
    pub allow_origins: Vec<String>,
}

pub async fn run(ctx: Ctx, a: SignServerArgs) -> Result<(), CoreError> {
    let secret = ctx.secret()?;
    let key = ctx.key()?;
    let agentid = ctx.agentid()?;
    let source = CacheTicketSource { cache: Arc::new(ctx.cache), client: ctx.client, key, secret };
    // Fetch once before listening, so wrong credentials fail here and not in the page.
    let first = source.tickets().await?;
    let cfg = SignerConfig { port: a.port, allowed_origins: a.allow_origins.clone(), profile: String::new(), ..Default::default() };
    let signer = wwdev_signer::start(cfg, Arc::new(source)).await.map_err(|e| {
        CoreError::invalid("port", format!("cannot serve on 127.0.0.1:{}: {e} — pick another --port or 0", a.port))
    })?;
    let base = signer.base_url();
    let snippet = wwdev_signer::register_snippet(&base, &first.corpid, &agentid);
    if ctx.g.json {
        print_json(&json!({
            "ok": true, "base_url": base, "port": signer.port(),
            "endpoint": format!("{base}{}", wwdev_signer::SIGNATURE_PATH),
            "allowed_origins": a.allow_origins, "snippet": snippet,
        }));
    } else {
        println!("{} {base}{}  (Ctrl+C {})", pick("签名服务监听于", "signing endpoint on"), wwdev_signer::SIGNATURE_PATH, pick("停止", "to stop"));
        if a.allow_origins.is_empty() {
            println!("{}", pick("未允许任何跨域来源：页面调用需加 --allow-origin http://localhost:5173", "no origin allowed: for pages, add --allow-origin http://localhost:5173"));
        } else {
            println!("{} {}", pick("允许的来源", "allowed origins"), a.allow_origins.join(", "));
        }
        println!();
        println!("{snippet}");
        println!();
        // Each request, live, on stderr so stdout stays the description above.
        let mut events = signer.subscribe();
        tokio::spawn(async move {
            while let Ok(e) = events.recv().await {
                let what = if e.ok { "ok  ".to_owned() } else { format!("FAIL {}", e.error.unwrap_or_default()) };
                eprintln!("{} {} {} {what}", utc(e.time_ms / 1000), e.origin.unwrap_or_else(|| "-".into()), e.url.unwrap_or_default());
            }
        });
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    tokio::signal::ctrl_c().await?;
    signer.shutdown().await;
    Ok(())
}
