//! `wwdev sandbox`: run the WeCom sandbox until interrupted.

use super::Result;
use crate::Global;
use clap::Args;
use serde_json::json;
use crate::output::{pad, pick, print_json};
use wwdev_core::error::CoreError;

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Also answer requests whose Host header names NAME (repeatable). By default only
    /// loopback names are answered (127.0.0.1, localhost, [::1]), against DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
}

pub(crate) async fn run(g: &Global, a: SandboxArgs) -> Result<()> {
    let handle = wwdev_sandbox::start(wwdev_sandbox::SandboxConfig { port: a.port, allowed_hosts: a.allow_host.clone(), ..Default::default() })
        .await
        .map_err(|e| {
            CoreError::invalid(
                "port",
                format!("cannot listen on 127.0.0.1:{}: {e} — pick another --port or 0", a.port),
                format!("无法监听 127.0.0.1:{}：请换一个 --port，或用 0 让系统分配空闲端口（详情：{e}）", a.port),
            )
        })?;
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
        let label = |zh: &str, en: &str| pad(pick(zh, en), 9);
        println!("{}", pick(&format!("企业微信沙箱监听于 {base}（按 Ctrl+C 停止）"), &format!("WeCom sandbox listening on {base}  (Ctrl+C to stop)")));
        println!("corpid   {}", seed.corpid);
        for x in &seed.apps {
            println!(
                "{}{} {}  secret {}  {} {}",
                label("应用", "app"),
                x.agentid,
                x.name,
                x.secret,
                pick("可信域名", "trusted domains"),
                x.trusted_domains.join(", ")
            );
        }
        let names: Vec<_> = seed.members.iter().map(|m| format!("{} ({})", m.userid, m.name)).collect();
        println!("{}{}", label("成员", "members"), names.join(", "));
        println!(
            "{}wwdev --base-url {base} --corpid {} token   {}",
            label("试试", "try"),
            seed.corpid,
            pick("（先把 WWDEV_SECRET 设为某个应用的 secret）", "(with WWDEV_SECRET set to an app secret)")
        );
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(())
}
