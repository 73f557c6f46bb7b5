//! The one trusted-domain (可信域名) rule wwdev applies everywhere: the OAuth and
//! web-login builders and explainer, the domain check and the sandbox.
//!
//! WeCom's rule (errcode 50001 and 80001 in the global errcode list, D/90313): the
//! redirect or page host must match a trusted domain **exactly, port included** —
//! trusted `qq.com` does not cover `www.qq.com`, trusted `www.qq.com` does not cover
//! `www.qq.com:8008`; a parent domain never makes its subdomains trusted, and there are
//! no wildcards. Notes saying subdomains are covered describe WeChat Official
//! Accounts' "JS接口安全域名", not WeCom (see docs/FACTS.md).

use url::Url;

/// A trusted-domain entry as (lowercase host, non-default port). Accepts `host`,
/// `host:port` and, forgivingly, a pasted `https://host[:port]/`. `None` for junk.
pub fn parse_trusted_entry(entry: &str) -> Option<(String, Option<u16>)> {
    let e = entry.trim().trim_end_matches('/');
    if e.is_empty() {
        return None;
    }
    let u = if e.contains("://") { Url::parse(e).ok()? } else { Url::parse(&format!("http://{e}")).ok()? };
    let host = u.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    Some((host, u.port().filter(|p| *p != 80 && *p != 443)))
}

/// True when `host` with `port` (None or 80/443 = no explicit port) equals one of the
/// trusted domains exactly. A `*.example.com` entry matches nothing: WeCom has no
/// wildcard trusted domains.
pub fn host_is_trusted(host: &str, port: Option<u16>, trusted_domains: &[String]) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let port = port.filter(|p| *p != 80 && *p != 443);
    trusted_domains
        .iter()
        .filter_map(|d| parse_trusted_entry(d))
        .any(|(d, dport)| host == d && port == dport)
}

/// [`host_is_trusted`] for a parsed URL (its port is `None` when it is the scheme's default).
pub fn url_is_trusted(url: &Url, trusted_domains: &[String]) -> bool {
    url.host_str().is_some_and(|h| host_is_trusted(h, url.port(), trusted_domains))
}

/// `host[:port]` of a URL as trusted domains are written (the default port omitted).
pub fn authority(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port().filter(|p| *p != 80 && *p != 443) {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn exact_host_only_no_subdomains_no_wildcards() {
        let d = t(&["app.example.test"]);
        assert!(host_is_trusted("app.example.test", None, &d));
        assert!(host_is_trusted("APP.example.test.", None, &d));
        // The 50001 text: trusted qq.com does not cover www.qq.com.
        assert!(!host_is_trusted("sub.app.example.test", None, &d));
        assert!(!host_is_trusted("example.test", None, &d));
        assert!(!host_is_trusted("sub.app.example.test", None, &t(&["*.app.example.test"])));
    }

    #[test]
    fn ports_must_match_exactly() {
        let d = t(&["app.example.test", "dev.example.test:8443"]);
        assert!(!host_is_trusted("app.example.test", Some(8008), &d));
        assert!(host_is_trusted("dev.example.test", Some(8443), &d));
        assert!(!host_is_trusted("dev.example.test", None, &d));
        assert!(host_is_trusted("app.example.test", Some(443), &d));
        assert!(host_is_trusted("x.test", None, &t(&["https://x.test/"])));
        let u = Url::parse("https://app.example.test:8008/cb").unwrap();
        assert!(!url_is_trusted(&u, &d));
        assert_eq!(authority(&u).as_deref(), Some("app.example.test:8008"));
    }
}
