//! Trusted-domain (可信域名) checks: the `WW_verify_XXXX.txt` file at the domain root,
//! and whether redirect URIs and page URLs fall under a trusted domain.
//!
//! The verify file must be at the domain root (community evidence, see docs/FACTS.md).
//! Which scheme WeCom's checker uses is **not documented**: we assume HTTPS first
//! (observed in community reports) and fetch it without following redirects (assumed:
//! reports say a redirect fails), then probe plain HTTP so the report can say which
//! scheme serves it. Whether a URL is under the domain uses the one trusted-domain
//! rule in [`crate::oauth::url_is_trusted`].

use serde::{Deserialize, Serialize};
use std::time::Duration;
use url::Url;

/// What to check.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DomainCheckRequest {
    /// The trusted domain as configured in WeCom, e.g. `app.example.com` or `app.example.com:8443`.
    pub domain: String,
    /// `WW_verify_XXXXXXXXXXXXXXXX.txt`; when absent only the URL checks run.
    pub verify_file_name: Option<String>,
    /// Expected body; defaults to the part of the name after `WW_verify_` without `.txt`.
    pub expected_content: Option<String>,
    /// Redirect URIs and page URLs that must fall under the domain.
    pub urls: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Ok,
    Warning,
    Error,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DomainCheck {
    /// Stable id, e.g. `verify_file_https`.
    pub id: String,
    pub severity: Severity,
    pub message_zh: String,
    pub message_en: String,
    /// Technical detail: status, redirect target, body excerpt, error text.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DomainReport {
    pub domain: String,
    pub checks: Vec<DomainCheck>,
}

impl DomainReport {
    /// True when nothing is an error.
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.severity != Severity::Error)
    }
}

fn check(id: &str, severity: Severity, zh: String, en: String, detail: Option<String>) -> DomainCheck {
    DomainCheck { id: id.into(), severity, message_zh: zh, message_en: en, detail }
}

/// Normalise what a user typed as a domain: drop scheme, path and surrounding spaces.
/// An unusable domain is the failing `domain` check saying why.
pub fn normalize_domain(input: &str) -> Result<String, DomainCheck> {
    let t = input.trim();
    let t = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://")).unwrap_or(t);
    let host = t.split(['/', '?', '#']).next().unwrap_or("").to_ascii_lowercase();
    let invalid = |zh: String, en: String| check("domain", Severity::Error, zh, en, None);
    if host.is_empty() {
        return Err(invalid(
            "域名为空：请按企业微信后台配置的可信域名填写，例如 app.example.com".into(),
            "the domain is empty — enter it as configured in WeCom, e.g. app.example.com".into(),
        ));
    }
    // Validate through the URL parser so IDNs, ports and junk are handled uniformly.
    Url::parse(&format!("https://{host}/")).map_err(|e| {
        invalid(
            format!("`{host}` 不是有效的域名：请填写 app.example.com 这样的主机名，只有非默认端口才加 :port（详情：{e}）"),
            format!("`{host}` is not a valid domain ({e}) — enter a host name such as app.example.com, with :port only if non-default"),
        )
    })?;
    Ok(host)
}

/// `host[:port]` of a URL as WeCom compares it: the default port is implicit.
pub fn url_authority(url: &Url) -> Option<String> {
    crate::oauth::authority(url)
}

/// Does `url` fall under the trusted `domain`? The rule of [`crate::oauth::url_is_trusted`]:
/// the exact host (a trusted domain covers its sub-paths, not its subdomains), and a
/// non-default port must be part of the trusted domain.
pub fn url_under_domain(url: &Url, domain: &str) -> bool {
    crate::oauth::url_is_trusted(url, &[domain.to_owned()])
}

/// Check that each URL is absolute http(s) and under the domain.
pub fn check_urls(domain: &str, urls: &[String]) -> Vec<DomainCheck> {
    let mut out = Vec::new();
    for raw in urls.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
        let id = "url_under_domain";
        match Url::parse(raw) {
            Err(e) => out.push(check(
                id,
                Severity::Error,
                format!("{raw} 不是完整的网址：请包含 https:// 与域名（详情：{e}）"),
                format!("{raw} is not an absolute URL ({e}): include https:// and the host"),
                None,
            )),
            Ok(u) if !matches!(u.scheme(), "http" | "https") => out.push(check(
                id,
                Severity::Error,
                format!("{raw} 的协议是 {}，只能使用 http 或 https", u.scheme()),
                format!("{raw} uses the {} scheme; only http and https work", u.scheme()),
                None,
            )),
            Ok(u) if url_under_domain(&u, domain) => out.push(check(
                id,
                if u.scheme() == "http" { Severity::Warning } else { Severity::Ok },
                format!(
                    "{raw} 属于可信域名 {domain}{}",
                    if u.scheme() == "http" { "，但使用 http：建议使用 https" } else { "" }
                ),
                format!(
                    "{raw} is under the trusted domain {domain}{}",
                    if u.scheme() == "http" { ", but uses http: prefer https" } else { "" }
                ),
                None,
            )),
            Ok(u) => {
                let auth = url_authority(&u).unwrap_or_default();
                let port_hint = u.host_str().is_some_and(|h| domain.split(':').next() == Some(h));
                let (zh, en) = if port_hint {
                    (
                        format!("{raw} 的端口与可信域名 {domain} 不一致：非默认端口必须写进可信域名"),
                        format!("{raw} uses {auth}, but the trusted domain is {domain}: a non-default port must be part of the trusted domain"),
                    )
                } else {
                    (
                        format!("{raw} 的域名 {auth} 不是可信域名 {domain}：企业微信要求域名完全一致，子域名不算（可信域名 qq.com 不包括 www.qq.com；“一级域名自动覆盖子域名”说的是微信公众号的 JS 接口安全域名，不适用于企业微信）。OAuth 会提示 redirect_uri需使用应用可信域名，接口返回 50001，JS-SDK 报 invalid url domain"),
                        format!("{raw} is on {auth}, not the trusted domain {domain}: WeCom requires the exact host and a subdomain does not count (trusted qq.com does not cover www.qq.com; \"a parent domain covers its subdomains\" describes WeChat Official Accounts' JS-API safe domains, not WeCom). OAuth shows \"redirect_uri需使用应用可信域名\", the API answers 50001 and the JS-SDK reports invalid url domain"),
                    )
                };
                out.push(check(id, Severity::Error, zh, en, Some(auth)));
            }
        }
    }
    out
}

/// Validate a verify file name and derive the expected body.
fn verify_name_and_expected(name: &str, expected: Option<&str>) -> Result<(String, String), DomainCheck> {
    let name = name.trim().trim_start_matches('/');
    let token = name.strip_prefix("WW_verify_").and_then(|t| t.strip_suffix(".txt"));
    match token {
        Some(t) if !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()) => {
            let exp = expected.map(str::trim).filter(|e| !e.is_empty()).unwrap_or(t).to_owned();
            Ok((name.to_owned(), exp))
        }
        _ => Err(check(
            "verify_file_name",
            Severity::Error,
            format!("文件名 {name} 不符合 WW_verify_XXXX.txt 的格式：请从管理后台复制完整文件名"),
            format!("the file name {name} does not look like WW_verify_XXXX.txt: copy the exact name from the admin console"),
            None,
        )),
    }
}

/// Run every check. Network problems become failing checks, never an `Err`: a user
/// wants the whole report even when the domain is unreachable.
pub async fn check_domain(req: &DomainCheckRequest, timeout: Duration) -> DomainReport {
    let domain = match normalize_domain(&req.domain) {
        Ok(d) => d,
        Err(c) => return DomainReport { domain: req.domain.clone(), checks: vec![c] },
    };
    let mut checks = Vec::new();
    let host = domain.split(':').next().unwrap_or(&domain).to_owned();
    if host == "localhost" || host.ends_with(".local") || host.parse::<std::net::IpAddr>().is_ok() {
        checks.push(check(
            "domain_public",
            Severity::Warning,
            "内网域名或 IP 无法通过企业微信的可信域名校验（需公网可访问且已备案）".into(),
            "intranet names and IP addresses cannot pass WeCom's trusted-domain check (it must be public and ICP-registered)".into(),
            None,
        ));
    }
    if let Some(name) = req.verify_file_name.as_deref().filter(|n| !n.trim().is_empty()) {
        match verify_name_and_expected(name, req.expected_content.as_deref()) {
            Err(c) => checks.push(c),
            Ok((name, expected)) => {
                checks.push(fetch_verify(&domain, &name, &expected, "https", timeout).await);
                let https_ok = checks.last().is_some_and(|c| c.severity == Severity::Ok);
                if !https_ok {
                    // Tell the user whether the file is at least there over plain HTTP.
                    let mut c = fetch_verify(&domain, &name, &expected, "http", timeout).await;
                    c.id = "verify_file_http".into();
                    if c.severity == Severity::Ok {
                        c.severity = Severity::Warning;
                        c.message_zh = format!("{}；但 https 取不到：企业微信文档没有写明用哪种协议校验，社区经验是 https，建议为该域名启用 HTTPS", c.message_zh);
                        c.message_en = format!("{}; but not over https: WeCom does not document which scheme its checker uses, community reports say https, so enable HTTPS for the domain", c.message_en);
                    }
                    checks.push(c);
                }
            }
        }
    }
    checks.extend(check_urls(&domain, &req.urls));
    DomainReport { domain, checks }
}

async fn fetch_verify(domain: &str, name: &str, expected: &str, scheme: &str, timeout: Duration) -> DomainCheck {
    let id = "verify_file_https";
    let url = format!("{scheme}://{domain}/{name}");
    let client = match crate::http::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            return check(id, Severity::Error, format!("无法创建 HTTP 客户端（详情：{e}）"), format!("cannot create an HTTP client: {e}"), None);
        }
    };
    let resp = match client.get(&url).send().await {
        Ok(r) => r,
        Err(e) => {
            let (what, what_zh) = if e.is_timeout() {
                ("timed out", "超时")
            } else if e.is_connect() {
                ("could not connect", "无法连接")
            } else {
                ("request failed", "请求失败")
            };
            return check(
                id,
                Severity::Error,
                format!("无法获取 {url}（{what_zh}）：检查 DNS、防火墙与{scheme}证书"),
                format!("could not fetch {url} ({what}): check DNS, firewall and the {scheme} setup"),
                Some(format!("{e:#}")),
            );
        }
    };
    let status = resp.status();
    if status.is_redirection() {
        let to = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("?").to_owned();
        return check(
            id,
            Severity::Error,
            format!("{url} 返回 {status} 重定向到 {to}：校验文件必须在域名根目录直接返回，不能跳转"),
            format!("{url} answers {status} redirecting to {to}: the file must be served directly at the domain root, without a redirect"),
            Some(to),
        );
    }
    if !status.is_success() {
        return check(
            id,
            Severity::Error,
            format!("{url} 返回 HTTP {status}：把文件放到站点根目录（不是子路径）"),
            format!("{url} answers HTTP {status}: put the file at the site root (not a sub-path)"),
            None,
        );
    }
    let body = resp.text().await.unwrap_or_default();
    let got = body.trim();
    if got == expected {
        check(
            id,
            Severity::Ok,
            format!("{url} 可访问，内容与预期一致"),
            format!("{url} is reachable and its content matches"),
            None,
        )
    } else {
        let excerpt: String = got.chars().take(120).collect();
        check(
            id,
            Severity::Error,
            format!("{url} 的内容与预期不符：预期 {expected}，实际 {excerpt}"),
            format!("{url} does not contain the expected text: expected {expected}, got {excerpt}"),
            Some(excerpt),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_must_match() {
        let u = Url::parse("https://app.example.com:8443/cb").unwrap();
        assert!(!url_under_domain(&u, "app.example.com"));
        assert!(url_under_domain(&u, "app.example.com:8443"));
        let u = Url::parse("https://app.example.com/cb").unwrap();
        assert!(url_under_domain(&u, "app.example.com"));
        assert!(!url_under_domain(&u, "example.com"));
        // A subdomain is not under its parent (D/90313 80001: full-domain match only).
        let u = Url::parse("https://sub.app.example.com/cb").unwrap();
        assert!(!url_under_domain(&u, "app.example.com"));
        let c = check_urls("app.example.com", &["https://sub.app.example.com/cb".into()]);
        assert!(c[0].severity == Severity::Error && c[0].message_en.contains("subdomain"), "{:?}", c[0]);
        assert!(c[0].message_zh.contains("子域名"));
    }

    #[test]
    fn url_checks_name_the_problem() {
        let c = check_urls("app.example.com", &["https://app.example.com:8443/x".into(), "https://evil.test/".into(), "nope".into()]);
        assert_eq!(c.len(), 3);
        assert!(c.iter().all(|c| c.severity == Severity::Error));
        assert!(c[0].message_en.contains("port"));
        assert!(c[1].message_en.contains("50001"));
        assert!(c[2].message_en.contains("absolute"));
    }

    #[test]
    fn domain_normalization() {
        assert_eq!(normalize_domain(" https://App.Example.com/path ").unwrap(), "app.example.com");
        assert!(normalize_domain("").is_err());
        assert!(normalize_domain("a b").is_err());
    }

    /// The Chinese line of a check is Chinese: a library's own text (url's, reqwest's)
    /// appears only as a labelled `（详情：…）`.
    #[tokio::test]
    async fn chinese_messages_quote_library_text_only_as_details() {
        use crate::error::english_in;
        let c = &check_urls("app.example.com", &["nope".into()])[0];
        assert!(c.message_zh.contains("（详情：relative URL without a base）"), "{c:?}");
        assert_eq!(english_in(&c.message_zh), None, "{c:?}");
        let timeout = Duration::from_secs(5);
        for (domain, zh) in [(" ", "域名为空"), ("bad^host", "不是有效的域名")] {
            let r = check_domain(&DomainCheckRequest { domain: domain.into(), ..Default::default() }, timeout).await;
            let c = &r.checks[0];
            assert!(c.severity == Severity::Error && c.message_zh.contains(zh), "{c:?}");
            assert_eq!(english_in(&c.message_zh), None, "{c:?}");
            assert!(c.message_en.contains("domain"), "{c:?}");
        }
        // Nothing listens on port 1: the failure is named in Chinese too.
        let req = DomainCheckRequest {
            domain: "127.0.0.1:1".into(),
            verify_file_name: Some("WW_verify_abc123.txt".into()),
            ..Default::default()
        };
        let r = check_domain(&req, timeout).await;
        let fetches: Vec<_> = r.checks.iter().filter(|c| c.id.starts_with("verify_file_")).collect();
        assert_eq!(fetches.len(), 2, "{r:?}");
        for c in fetches {
            assert!(c.message_en.contains("could not connect") && c.message_zh.contains("（无法连接）"), "{c:?}");
            assert_eq!(english_in(&c.message_zh), None, "{c:?}");
        }
    }

    #[test]
    fn verify_name_validation() {
        assert_eq!(verify_name_and_expected("WW_verify_abc123.txt", None).unwrap().1, "abc123");
        assert_eq!(verify_name_and_expected("WW_verify_abc123.txt", Some(" xyz ")).unwrap().1, "xyz");
        assert!(verify_name_and_expected("verify.txt", None).is_err());
    }
}
