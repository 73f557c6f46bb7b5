//! Which `Host` headers a server wwdev starts on 127.0.0.1 answers.
//!
//! Binding to 127.0.0.1 keeps other machines out, but not other web pages: a page on
//! `evil.example` can re-point its own name at 127.0.0.1 (DNS rebinding) and then read
//! our answers same-origin. Its requests still say `Host: evil.example:PORT`, so every
//! loopback server refuses a Host that does not name loopback, unless the user listed
//! that name explicitly.

/// True when `host` (a `Host` header value, with or without a port) names loopback —
/// `127.0.0.1` (any `127.x.y.z`), `localhost` (and `*.localhost`), `[::1]` — or one of
/// `extra_names` (exact host names, compared without port and case).
pub fn host_allowed(host: &str, extra_names: &[String]) -> bool {
    let Some(name) = host_name(host) else { return false };
    if name == "localhost" || name.ends_with(".localhost") || name == "[::1]" {
        return true;
    }
    if let Ok(ip) = name.parse::<std::net::Ipv4Addr>() {
        return ip.is_loopback();
    }
    extra_names.iter().any(|n| n.trim().trim_end_matches('.').eq_ignore_ascii_case(&name))
}

/// The lowercase host part of a `Host` header (IPv6 literals keep their brackets), or
/// `None` when the value is empty or malformed.
fn host_name(host: &str) -> Option<String> {
    let host = host.trim();
    let name = if host.starts_with('[') {
        let end = host.find(']')?;
        let rest = &host[end + 1..];
        if !(rest.is_empty() || port_ok(rest.strip_prefix(':')?)) {
            return None;
        }
        &host[..=end]
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port_ok(port) => name,
            Some(_) => return None,
            None => host,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    valid.then_some(name)
}

fn port_ok(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// The error text (English, Chinese) for a refused Host, naming the way out.
pub fn refusal_text(host: &str) -> (String, String) {
    (
        format!(
            "Host {host:?} is not a loopback name. wwdev's local servers answer only 127.0.0.1, localhost and [::1], \
             so a web page cannot reach them through DNS rebinding. If you really need another name, allow it explicitly \
             (--allow-host NAME)."
        ),
        format!(
            "Host {host:?} 不是本机回环地址。wwdev 的本地服务只应答 127.0.0.1、localhost 和 [::1]，以防网页通过 DNS 重绑定访问。\
             如确需其他主机名，请显式允许（--allow-host NAME）。"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn loopback_names_with_any_port_pass() {
        for h in ["127.0.0.1", "127.0.0.1:8790", "localhost:5173", "LOCALHOST", "[::1]:80", "[::1]", "127.1.2.3:1", "app.localhost:3000"] {
            assert!(host_allowed(h, &[]), "{h}");
        }
    }

    #[test]
    fn other_names_are_refused_unless_listed() {
        for h in ["evil.example:8790", "evil.example", "localhost.evil.test", "127.0.0.1.nip.io", "10.0.0.5:80", "", ":80", "localhost:abc", "[::2]:80"] {
            assert!(!host_allowed(h, &[]), "{h}");
        }
        assert!(host_allowed("dev.box:8790", &["Dev.Box".to_owned()]));
        assert!(!host_allowed("other.box:8790", &["dev.box".to_owned()]));
    }
}
