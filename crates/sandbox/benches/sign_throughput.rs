//! Sign 10,000 page URLs from 8 concurrent tasks through wwdev-core's `TokenCache`
//! (corp jsapi_ticket + agent ticket) and `signature::sign`, against an in-process
//! sandbox, and count the upstream calls the sandbox saw.
//!
//! Run: `cargo bench -p wwdev-sandbox --bench sign_throughput`
//!
//! Not a test: it prints figures. The goal it shows is one upstream gettoken, one
//! get_jsapi_ticket and one ticket/get per 7200 s validity window, however many
//! signatures are made.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wwdev_core::cache::{CredentialKey, TokenCache};
use wwdev_core::client::{ClientConfig, WeComClient};
use wwdev_core::clock::ManualClock;
use wwdev_core::secret::Secret;
use wwdev_core::signature;
use wwdev_sandbox::{SandboxConfig, SandboxHandle, TOKEN_TTL};

const URLS: usize = 10_000;
const TASKS: usize = 8;
const START: i64 = 1_700_000_000;
const UPSTREAM: [&str; 3] = ["/cgi-bin/gettoken", "/cgi-bin/get_jsapi_ticket", "/cgi-bin/ticket/get"];

struct Bench {
    sb: SandboxHandle,
    http: reqwest::Client,
    client: WeComClient,
    key: CredentialKey,
    secret: Secret,
    agentid: i64,
}

impl Bench {
    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}/sandbox/admin/{path}", self.sb.base_url()));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("admin API answers");
        assert!(r.status().is_success(), "admin {path}: {}", r.status());
        r.json().await.expect("admin JSON")
    }

    async fn upstream_calls(&self) -> BTreeMap<String, u64> {
        let v = self.admin(reqwest::Method::GET, "stats", None).await;
        serde_json::from_value(v["calls"].clone()).expect("stats.calls")
    }
}

struct RunResult {
    elapsed: Duration,
    calls: BTreeMap<String, u64>,
    cache_lookups: usize,
}

/// One run: a fresh cache and a reset sandbox; the task that takes URL number `i`
/// of an `(i, seconds)` entry of `advances` moves the sandbox clock by `seconds`.
async fn run(b: &Arc<Bench>, advances: &[(usize, i64)]) -> RunResult {
    let advances: Arc<BTreeMap<usize, i64>> = Arc::new(advances.iter().copied().collect());
    b.admin(reqwest::Method::POST, "reset", Some(json!({}))).await;
    let cache = Arc::new(TokenCache::new(b.sb.clock()));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..TASKS {
        let (b, cache, next, advances) = (b.clone(), cache.clone(), next.clone(), advances.clone());
        tasks.spawn(async move {
            let mut lookups = 0usize;
            let mut last = None;
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= URLS {
                    break;
                }
                if let Some(&seconds) = advances.get(&i) {
                    b.admin(reqwest::Method::POST, "clock/advance", Some(json!({"seconds": seconds}))).await;
                }
                let corp = cache.jsapi_ticket(&b.client, &b.key, &b.secret, false).await.expect("corp ticket");
                let agent = cache.agent_ticket(&b.client, &b.key, &b.secret, false).await.expect("agent ticket");
                lookups += 2;
                let url = format!("http://localhost:5173/page/{i}?task={t}#/route");
                let ts = cache.now().to_string();
                let fresh_until = corp.expires_at.min(agent.expires_at);
                let nonce = signature::new_nonce();
                let cfg = signature::sign(corp.value.expose(), &nonce, &ts, &url);
                let agc = signature::sign(agent.value.expose(), &nonce, &ts, &url);
                std::hint::black_box((&cfg.signature, &agc.signature));
                last = Some((fresh_until, (url, ts, nonce, cfg.signature, agc.signature)));
                // Cache hits never suspend; yield so the 8 tasks really interleave
                // instead of two of them doing all the work on the 2 worker threads.
                tokio::task::yield_now().await;
            }
            (lookups, last)
        });
    }
    let mut cache_lookups = 0;
    let mut samples = Vec::new();
    while let Some(r) = tasks.join_next().await {
        let (n, last) = r.expect("task finished");
        cache_lookups += n;
        samples.extend(last);
    }
    let elapsed = started.elapsed();
    let calls = b.upstream_calls().await;

    // The figures only mean something if the signatures are right: have the sandbox
    // verify the last signature of every task, as the WeCom client would. One made
    // with a ticket from before a clock advance is rightly stale now, so only
    // signatures made with current tickets are checked.
    let now = b.sb.clock().now();
    let current: Vec<_> = samples.into_iter().filter(|(until, _)| *until > now).map(|(_, s)| s).collect();
    assert!(!current.is_empty(), "no task signed anything in the current window");
    for (url, ts, nonce, cfg, agc) in current {
        for (kind, sig, agentid) in [("config", cfg, None), ("agentConfig", agc, Some(b.agentid))] {
            let r = b
                .http
                .post(format!("{}/sandbox/jssdk/verify", b.sb.base_url()))
                .json(&json!({"kind": kind, "url": url, "timestamp": ts, "nonceStr": nonce, "signature": sig, "agentid": agentid}))
                .send()
                .await
                .expect("verify answers");
            let v: Value = r.json().await.expect("verify JSON");
            assert_eq!(v["valid"], true, "sandbox rejected a {kind} signature: {v}");
        }
    }
    RunResult { elapsed, calls, cache_lookups }
}

fn report(title: &str, r: &RunResult, windows: u64) {
    let secs = r.elapsed.as_secs_f64();
    let get = |p: &str| r.calls.get(p).copied().unwrap_or(0);
    let upstream: u64 = UPSTREAM.iter().map(|p| get(p)).sum();
    println!("== {title}");
    println!("  urls signed         : {URLS} (config + agentConfig signature each), {TASKS} tasks");
    println!("  total time          : {:.3} s", secs);
    println!("  ops/s               : {:.0} urls/s", URLS as f64 / secs);
    println!(
        "  upstream calls      : gettoken={} get_jsapi_ticket={} ticket/get={} (validity windows: {windows}; goal: {windows} of each)",
        get(UPSTREAM[0]),
        get(UPSTREAM[1]),
        get(UPSTREAM[2])
    );
    println!(
        "  cached-ops:upstream : {}:{} = {:.0}:1 (ticket lookups through the cache : upstream calls)",
        r.cache_lookups,
        upstream,
        r.cache_lookups as f64 / upstream.max(1) as f64
    );
    let ok = UPSTREAM.iter().all(|p| get(p) == windows);
    println!("  one per window      : {}", if ok { "yes" } else { "NO" });
}

fn cache_margin() -> i64 {
    wwdev_core::cache::DEFAULT_REFRESH_MARGIN
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    rt.block_on(async {
        let sb = wwdev_sandbox::start(SandboxConfig {
            port: 0,
            clock: Some(Arc::new(ManualClock::new(START))),
            ..Default::default()
        })
        .await
        .expect("sandbox starts on 127.0.0.1");
        let app = sb.seed().apps[0].clone();
        let config = ClientConfig { base_url: sb.base_url(), feature: "bench".into(), ..Default::default() };
        let client = WeComClient::new(config, None).expect("client");
        let key = CredentialKey::new(sb.base_url(), sb.seed().corpid.clone(), app.agentid.to_string());
        let http = reqwest::Client::builder().no_proxy().build().expect("http client");
        let b = Arc::new(Bench { secret: Secret::new(app.secret.clone()), agentid: app.agentid, sb, http, client, key });
        println!("sign_throughput: sandbox at {} (clock starts at {})", b.sb.base_url(), b.sb.clock().now());

        let r = run(&b, &[]).await;
        report("run 1: one validity window", &r, 1);
        let r = run(&b, &[(URLS / 2, TOKEN_TTL + 1)]).await;
        report("run 2: sandbox clock advanced past expiry after 5,000 URLs", &r, 2);
        // Time moving steadily through the cache's refresh-ahead margin (300 s before
        // expiry) into the next window, in 10 s steps, as wall time would.
        let margin = cache_margin();
        let mut walk = vec![(2_000, TOKEN_TTL - margin)];
        walk.extend((1..=margin / 10).map(|k| (2_000 + k as usize * 200, 10)));
        let r = run(&b, &walk).await;
        report("run 3: clock walked through the refresh-ahead margin into the next window", &r, 2);
    });
}
