//! URL mistakes a backend or frontend makes before signing, as pure transforms.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// What `encodeURIComponent` leaves alone (ECMA-262): letters, digits, `-_.!~*'()`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// What `encodeURI` leaves alone: the component set plus the URI reserved characters.
const URI: &AsciiSet = &URI_COMPONENT
    .remove(b';')
    .remove(b',')
    .remove(b'/')
    .remove(b'?')
    .remove(b':')
    .remove(b'@')
    .remove(b'&')
    .remove(b'=')
    .remove(b'+')
    .remove(b'$')
    .remove(b'#')
    .remove(b'%');

pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

pub fn encode_uri(s: &str) -> String {
    utf8_percent_encode(s, URI).to_string()
}

pub fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// `http://` ↔ `https://`.
pub fn swap_scheme(s: &str) -> Option<String> {
    if let Some(rest) = s.strip_prefix("https://") {
        Some(format!("http://{rest}"))
    } else {
        s.strip_prefix("http://").map(|rest| format!("https://{rest}"))
    }
}

/// Where the path ends: before `?` (the fragment is already gone or kept whole).
fn path_end(s: &str) -> usize {
    s.find(['?', '#']).unwrap_or(s.len())
}

/// Add a trailing slash to the path, or remove it.
pub fn toggle_slash(s: &str) -> Option<String> {
    let end = path_end(s);
    let (path, rest) = s.split_at(end);
    let scheme_end = path.find("://").map_or(0, |i| i + 3);
    if path.len() <= scheme_end {
        return None;
    }
    if let Some(p) = path.strip_suffix('/') {
        // `https://host/` → `https://host` is a real variant too.
        Some(format!("{p}{rest}"))
    } else {
        Some(format!("{path}/{rest}"))
    }
}

/// `&` → `&amp;`, as an HTML/XSS filter does.
pub fn escape_amp(s: &str) -> Option<String> {
    s.contains('&').then(|| s.replace('&', "&amp;"))
}

/// Legacy HTML entities browsers decode without `;`: `&timestamp` → `×tamp`.
const ENTITIES: &[(&str, &str)] = &[
    ("&times", "×"),
    ("&para", "¶"),
    ("&not", "¬"),
    ("&copy", "©"),
    ("&reg", "®"),
    ("&sect", "§"),
    ("&cent", "¢"),
    ("&pound", "£"),
    ("&yen", "¥"),
    ("&curren", "¤"),
    ("&deg", "°"),
    ("&micro", "µ"),
    ("&lt", "<"),
    ("&gt", ">"),
];

pub fn mangle_entities(s: &str) -> Option<String> {
    let mut out = s.to_owned();
    for (from, to) in ENTITIES {
        out = out.replace(from, to);
    }
    (out != s).then_some(out)
}

/// The URL without the given query parameters (`code`, `state` added by OAuth).
pub fn without_params(s: &str, names: &[&str]) -> Option<String> {
    let q = s.find('?')?;
    let (head, query) = (&s[..q], &s[q + 1..]);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| {
            let k = kv.split('=').next().unwrap_or("");
            !names.contains(&k)
        })
        .collect();
    let removed = kept.len() != query.split('&').count();
    if !removed {
        return None;
    }
    Some(if kept.is_empty() { head.to_owned() } else { format!("{head}?{}", kept.join("&")) })
}

/// The URL without its query string.
pub fn without_query(s: &str) -> Option<String> {
    s.find('?').map(|q| s[..q].to_owned())
}

/// The value of one query parameter, percent-decoded (`redirect_uri` of an OAuth link).
pub fn query_param(s: &str, name: &str) -> Option<String> {
    let q = s.find('?')?;
    let query = &s[q + 1..];
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| decode(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_match_javascript() {
        assert_eq!(encode_component("https://a.com/p?x=1&y=2"), "https%3A%2F%2Fa.com%2Fp%3Fx%3D1%26y%3D2");
        assert_eq!(encode_uri("https://a.com/p q?x=中"), "https://a.com/p%20q?x=%E4%B8%AD");
        assert_eq!(decode("a%2Fb"), "a/b");
    }

    #[test]
    fn slash_and_scheme() {
        assert_eq!(toggle_slash("https://a.com/p?x=1").unwrap(), "https://a.com/p/?x=1");
        assert_eq!(toggle_slash("https://a.com/").unwrap(), "https://a.com");
        assert_eq!(toggle_slash("https://a.com").unwrap(), "https://a.com/");
        assert_eq!(swap_scheme("http://a.com").unwrap(), "https://a.com");
    }

    #[test]
    fn oauth_params_and_entities() {
        assert_eq!(without_params("https://a.com/p?code=1&state=s&x=2", &["code", "state"]).unwrap(), "https://a.com/p?x=2");
        assert_eq!(without_params("https://a.com/p?code=1&state=s", &["code", "state"]).unwrap(), "https://a.com/p");
        assert_eq!(without_params("https://a.com/p?x=2", &["code", "state"]), None);
        assert_eq!(mangle_entities("https://a.com/?a=1&timestamp=2").unwrap(), "https://a.com/?a=1×tamp=2");
        assert_eq!(query_param("https://o.com/a?redirect_uri=https%3A%2F%2Fa.com%2F&x=1#w", "redirect_uri").unwrap(), "https://a.com/");
    }
}
