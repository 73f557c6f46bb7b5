//! Proxies: an explicit HTTP proxy, an explicit SOCKS5 proxy, and the HTTP_PROXY /
//! HTTPS_PROXY / NO_PROXY environment, each against small proxies started here that
//! record what they were asked for, in front of a local fake WeCom.
//!
//! The proxies are hand-written (a few dozen lines each) because they must record every
//! request for the assertions; no well-kept crate offers a recording test proxy.
//! Environment cases run in a child process so this process's environment never changes.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wwdev_core::client::{ClientConfig, WeComClient};
use wwdev_core::secret::Secret;

type Seen = Arc<Mutex<Vec<String>>>;

/// A fake WeCom answering gettoken; counts the calls that reached it.
async fn target() -> (u16, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let app = Router::new().route(
        "/cgi-bin/gettoken",
        get(move || {
            h.fetch_add(1, Ordering::SeqCst);
            async { axum::Json(json!({"errcode": 0, "errmsg": "ok", "access_token": "TOKEN-1", "expires_in": 7200})) }
        }),
    );
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (port, hits)
}

async fn listen() -> (TcpListener, SocketAddr, Seen) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    (l, addr, Seen::default())
}

/// An HTTP proxy: `CONNECT host:port` tunnels (refused with 403 unless the host is
/// loopback, so nothing leaves the machine), absolute-form requests are forwarded.
/// Records `CONNECT host:port` or `METHOD http://host:port/path`.
async fn http_proxy() -> (SocketAddr, Seen) {
    let (l, addr, seen) = listen().await;
    let s = seen.clone();
    tokio::spawn(async move {
        loop {
            let (mut c, _) = l.accept().await.unwrap();
            let s = s.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65_536 {
                    let n = c.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    head.extend_from_slice(&buf[..n]);
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let mut first = text.lines().next().unwrap_or("").split(' ');
                let (method, uri) = (first.next().unwrap_or("").to_owned(), first.next().unwrap_or("").to_owned());
                if method == "CONNECT" {
                    s.lock().unwrap().push(format!("CONNECT {uri}"));
                    if !uri.starts_with("127.0.0.1:") {
                        let _ = c.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n").await;
                        return;
                    }
                    let Ok(mut up) = TcpStream::connect(&uri).await else { return };
                    let _ = c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await;
                    let _ = tokio::io::copy_bidirectional(&mut c, &mut up).await;
                } else {
                    let url = url::Url::parse(&uri).unwrap();
                    s.lock().unwrap().push(format!("{method} {}", &uri[..uri.find('?').unwrap_or(uri.len())]));
                    let host = format!("{}:{}", url.host_str().unwrap(), url.port_or_known_default().unwrap());
                    let Ok(mut up) = TcpStream::connect(host).await else { return };
                    // hyper accepts the absolute-form request line as it is.
                    let _ = up.write_all(&head).await;
                    let _ = tokio::io::copy_bidirectional(&mut c, &mut up).await;
                }
            });
        }
    });
    (addr, seen)
}

/// A SOCKS5 proxy (RFC 1928, no authentication, CONNECT only). Records the
/// destination as the client sent it: an IP (`socks5://`) or a name (`socks5h://`).
async fn socks5_proxy() -> (SocketAddr, Seen) {
    let (l, addr, seen) = listen().await;
    let s = seen.clone();
    tokio::spawn(async move {
        loop {
            let (mut c, _) = l.accept().await.unwrap();
            let s = s.clone();
            tokio::spawn(async move {
                let mut hello = [0u8; 2];
                c.read_exact(&mut hello).await.unwrap();
                assert_eq!(hello[0], 5, "SOCKS version");
                let mut methods = vec![0u8; hello[1] as usize];
                c.read_exact(&mut methods).await.unwrap();
                c.write_all(&[5, 0]).await.unwrap();
                let mut req = [0u8; 4];
                c.read_exact(&mut req).await.unwrap();
                assert_eq!(&req[..3], &[5, 1, 0], "CONNECT request");
                let host = match req[3] {
                    1 => {
                        let mut ip = [0u8; 4];
                        c.read_exact(&mut ip).await.unwrap();
                        std::net::Ipv4Addr::from(ip).to_string()
                    }
                    3 => {
                        let len = c.read_u8().await.unwrap();
                        let mut name = vec![0u8; len as usize];
                        c.read_exact(&mut name).await.unwrap();
                        String::from_utf8(name).unwrap()
                    }
                    4 => {
                        let mut ip = [0u8; 16];
                        c.read_exact(&mut ip).await.unwrap();
                        format!("[{}]", std::net::Ipv6Addr::from(ip))
                    }
                    t => panic!("address type {t}"),
                };
                let port = c.read_u16().await.unwrap();
                s.lock().unwrap().push(format!("{host}:{port}"));
                let connect_to = if host == "localhost" { format!("127.0.0.1:{port}") } else { format!("{host}:{port}") };
                let Ok(mut up) = TcpStream::connect(connect_to).await else {
                    let _ = c.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await;
                    return;
                };
                c.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut c, &mut up).await;
            });
        }
    });
    (addr, seen)
}

fn client(base: &str, proxy: Option<String>) -> WeComClient {
    WeComClient::new(ClientConfig { base_url: base.into(), proxy, ..Default::default() }, None).unwrap()
}

async fn gettoken(c: &WeComClient) -> Result<String, wwdev_core::error::CoreError> {
    c.gettoken("wwcorp", &Secret::new("s")).await.map(|t| t.access_token.expose().to_owned())
}

fn seen(s: &Seen) -> Vec<String> {
    s.lock().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explicit_http_proxy_carries_the_call() {
    let (port, hits) = target().await;
    let (proxy, log) = http_proxy().await;
    let c = client(&format!("http://127.0.0.1:{port}"), Some(format!("http://{proxy}")));
    assert_eq!(gettoken(&c).await.unwrap(), "TOKEN-1");
    assert_eq!(seen(&log), vec![format!("GET http://127.0.0.1:{port}/cgi-bin/gettoken")]);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explicit_socks5_proxy_carries_the_call() {
    let (port, hits) = target().await;
    let (proxy, log) = socks5_proxy().await;
    // socks5://: the name is resolved here and the proxy gets an address.
    let c = client(&format!("http://127.0.0.1:{port}"), Some(format!("socks5://{proxy}")));
    assert_eq!(gettoken(&c).await.unwrap(), "TOKEN-1");
    assert_eq!(seen(&log), vec![format!("127.0.0.1:{port}")]);
    // socks5h://: the proxy resolves the name (a corporate SOCKS gateway's DNS).
    let c = client(&format!("http://localhost:{port}"), Some(format!("socks5h://{proxy}")));
    assert_eq!(gettoken(&c).await.unwrap(), "TOKEN-1");
    assert_eq!(seen(&log)[1], format!("localhost:{port}"));
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_socks_proxy_is_a_network_error_not_a_direct_call() {
    let (port, hits) = target().await;
    // Nothing listens on the proxy port: the call must fail, never go around it.
    let free = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let c = client(&format!("http://127.0.0.1:{port}"), Some(format!("socks5://{free}")));
    let e = gettoken(&c).await.unwrap_err();
    assert_eq!(e.kind(), "network", "{e}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

// ---- the environment, in a child process -----------------------------------

const CHILD: &str = "WWDEV_PROXY_TEST_CHILD_BASE";

/// Makes one gettoken call with the proxy settings of its environment; prints the result.
#[tokio::test]
async fn env_child() {
    let Ok(base) = std::env::var(CHILD) else { return };
    let explicit = std::env::var("WWDEV_PROXY_TEST_EXPLICIT").ok();
    let c = client(&base, explicit);
    match gettoken(&c).await {
        Ok(t) => println!("RESULT ok {t}"),
        Err(e) => println!("RESULT err {} {e}", e.kind()),
    }
}

/// Runs [`env_child`] against `base` with exactly these proxy variables set.
async fn child(base: &str, vars: &[(&str, String)]) -> String {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "env_child", "--nocapture", "--test-threads=1"]).env(CHILD, base);
    for v in ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy"] {
        cmd.env_remove(v);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout
        .lines()
        .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r.to_owned()))
        .unwrap_or_else(|| panic!("no result from the child: {stdout} {}", String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_environment_variables_are_honoured() {
    let (port, hits) = target().await;
    let (proxy, log) = http_proxy().await;
    let base = format!("http://127.0.0.1:{port}");
    let via = format!("GET {base}/cgi-bin/gettoken");
    let p = format!("http://{proxy}");

    // HTTP_PROXY carries plain-http calls.
    assert_eq!(child(&base, &[("HTTP_PROXY", p.clone())]).await, "ok TOKEN-1");
    assert_eq!(seen(&log), vec![via.clone()]);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // NO_PROXY names the host: straight to it.
    assert_eq!(child(&base, &[("HTTP_PROXY", p.clone()), ("NO_PROXY", "127.0.0.1".into())]).await, "ok TOKEN-1");
    assert_eq!(seen(&log).len(), 1, "the proxy saw a NO_PROXY call: {:?}", seen(&log));
    assert_eq!(hits.load(Ordering::SeqCst), 2);

    // HTTPS_PROXY is for https URLs only: a plain-http call goes direct.
    assert_eq!(child(&base, &[("HTTPS_PROXY", p.clone())]).await, "ok TOKEN-1");
    assert_eq!(seen(&log).len(), 1, "{:?}", seen(&log));
    assert_eq!(hits.load(Ordering::SeqCst), 3);

    // ...and an https call goes through it as a CONNECT tunnel. This proxy refuses
    // tunnels to the internet, so the call fails as a network error, after the proxy saw it.
    let r = child("https://qyapi.weixin.qq.com", &[("HTTPS_PROXY", p.clone())]).await;
    assert!(r.starts_with("err network"), "{r}");
    assert_eq!(seen(&log)[1], "CONNECT qyapi.weixin.qq.com:443");

    // An explicit proxy (the app's setting) wins over the environment.
    let (other, other_log) = http_proxy().await;
    let r = child(&base, &[("HTTP_PROXY", p.clone()), ("WWDEV_PROXY_TEST_EXPLICIT", format!("http://{other}"))]).await;
    assert_eq!(r, "ok TOKEN-1");
    assert_eq!(seen(&other_log), vec![via]);
    assert_eq!(seen(&log).len(), 2, "the environment's proxy was used despite the setting: {:?}", seen(&log));
}
